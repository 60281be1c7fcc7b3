"""A logging filter that keeps learners' contact details and home postcodes out of every log line."""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK phone numbers (07700 900123, +44 20 7946 0000), not timestamps or ids.
PHONE = re.compile(r"(?<![\w/.:-])(?:\+44\s?|0)\d(?:\s?\d){8,10}(?![\w:.-])")
# A full UK postcode keeps only its outward code (E1 6AN -> E1 ***): enough to debug, not to find a home.
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)(?:\s|\+|%20)*\d[A-Z]{2}\b", re.IGNORECASE)


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    return POSTCODE.sub(r"\1 ***", text)


class RedactPersonalData(logging.Filter):
    """Rewrite each record's message and traceback with emails, phone numbers and postcodes redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
