"""Identifiers that leave the site: Open Referral UK publishes each record under a UUID that never changes."""

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
