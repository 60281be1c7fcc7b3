"""Stable Open Referral UUIDs: uuid5 of a fixed namespace and "kind:key", so no model needs a UUID field."""

import uuid

from django.core.cache import cache
from django.db.models import Count, Max

# Fixed for ever: changing it would change every published identifier.
NAMESPACE = uuid.UUID("6f1c8d4e-3b7a-5e2f-9a10-e501d0c1a55e")


def uid(kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def parse_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        return None


def pk_for(kind: str, queryset, identifier: str):
    """The primary key whose uid is ``identifier``, from a map cached until the rows change."""
    stats = queryset.aggregate(n=Count("pk"), top=Max("pk"))
    key = f"openreferral-ids:{kind}:{stats['n']}:{stats['top']}"
    mapping = cache.get(key)
    if mapping is None:
        mapping = {uid(kind, pk): pk for pk in queryset.values_list("pk", flat=True).iterator()}
        cache.set(key, mapping, 60 * 60)
    return mapping.get(identifier)
