"""How UK postcodes are written, so every part of the site reads them the same way."""

import re

UNIT_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])$")
OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def squash(text: str) -> str:
    """Upper case with all white space removed: "e1  6an " -> "E16AN"."""
    return re.sub(r"\s+", "", text or "").upper()


def format_postcode(text: str) -> str | None:
    """The canonical form of a full unit postcode ("E1 6AN"), or None if it isn't one."""
    match = UNIT_POSTCODE.match(squash(text))
    return f"{match[1]} {match[2]}" if match else None


def format_sector(text: str) -> str | None:
    """The canonical form of a postcode sector ("E1 6"), or None if it isn't one."""
    match = SECTOR.match(squash(text))
    return f"{match[1]} {match[2]}" if match else None


def format_outcode(text: str) -> str | None:
    squashed = squash(text)
    return squashed if OUTCODE.match(squashed) else None


def place_key(name: str) -> str:
    """Place names compared without case, punctuation or repeated spaces ("St. John's Wood")."""
    cleaned = re.sub(r"[^\w\s-]", "", name.casefold()).replace("-", " ")
    return re.sub(r"\s+", " ", cleaned).strip()
