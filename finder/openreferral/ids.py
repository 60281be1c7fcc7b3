"""Open Referral UK identifiers: every id the API publishes, and how each is made so that it never changes.

- Organisations, services (classes and workplace offers) and locations (venues) are published under the
  ``oruk_id`` stored on their row (``finder.models.identifiers``). Rows that existed before it was stored kept
  the id published for them until then, so moving or renaming a page never changes its id.
- Records that exist only inside another (address, accessibility, schedule, cost option, language, contact,
  phone, attribute, service area) take ``uuid5(parent id, name)``, so they are stable while the parent and
  the thing they describe (a weekday and time, a language code, a term) stay the same.
- A class's one service_at_location is its service id with fixed bits flipped: it differs from the service
  id, yet leads back to the class in one indexed lookup.
- The taxonomy and its terms, which have no rows, take ``uuid5(TAXONOMY_NAMESPACE, "kind:code")``.
"""

import uuid

# Fixed for ever: the taxonomy's and its terms' ids are made from it.
TAXONOMY_NAMESPACE = uuid.UUID("6f1c8d4e-3b7a-5e2f-9a10-e501d0c1a55e")

# Bits flipped to turn a service id into its service_at_location id and back. The version nibble and the
# variant bits are left alone, so the result is a UUID of the same version.
_VERSION_AND_VARIANT = (0xF << 76) | (0x3 << 62)
_SERVICE_AT_LOCATION_BITS = uuid.uuid5(TAXONOMY_NAMESPACE, "service_at_location").int & ~_VERSION_AND_VARIANT


def term_uid(kind: str, code: str) -> str:
    """The id of the taxonomy (``kind`` "taxonomy") or one of its terms ("taxonomy_term")."""
    return str(uuid.uuid5(TAXONOMY_NAMESPACE, f"{kind}:{code}"))


def derived(parent: uuid.UUID, name: str) -> str:
    """The id of a record that exists only inside ``parent``, such as a venue's address."""
    return str(uuid.uuid5(parent, name))


def service_at_location_id(service_id: uuid.UUID) -> uuid.UUID:
    """A class's service_at_location id from its service id, and (applied again) the service id back."""
    return uuid.UUID(int=service_id.int ^ _SERVICE_AT_LOCATION_BITS)


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
