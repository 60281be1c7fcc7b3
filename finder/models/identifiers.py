"""Identifiers that leave the site: Open Referral UK publishes each record under a UUID that never changes."""

import secrets
import uuid

from django.db import models


class OpenReferralIdentified(models.Model):
    """A record published as Open Referral UK data keeps its UUID for life, even if it is moved or renamed."""

    oruk_id = models.UUIDField("Open Referral UK id", default=uuid.uuid4, unique=True, editable=False)

    # A copied page or venue is a new record, so it gets a new identifier.
    exclude_fields_in_copy = ["oruk_id"]

    class Meta:
        abstract = True

    def with_content_json(self, content):
        """A revision saved before the identifier existed must not give the record a new one when published."""
        record = super().with_content_json(content)
        record.oruk_id = self.oruk_id
        return record


# Letters and digits that are hard to mix up when read aloud or copied from a text message (no 0/O, 1/I/L, 5/S).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A short reference a learner or employer can quote, such as "K7MQ-2XRD"; random, so it can't be guessed
    from another one (about 5 × 10^11 possibilities)."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(text: str) -> str:
    """What a person typed (lower case, spaces, no dash) as a stored reference."""
    code = "".join(character for character in text.upper() if character.isalnum())
    return f"{code[:4]}-{code[4:]}" if len(code) == REFERENCE_LENGTH else ""


class HasReference(models.Model):
    """A record the public quotes back to us: it gets a short random reference when first saved."""

    reference = models.CharField("reference", max_length=9, unique=True, null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference()
        super().save(*args, **kwargs)
