"""The audit log: who did what to which record, and for a correction or a deletion, which values it had before.

Entries are written by the services (never by views or signals). A correction records ``changes`` as
``{field: [old, new]}``, a deletion records ``old`` (the values the record had), both as plain JSON values
(``snapshot``/``changes``), so the log still reads the same after the record is changed again or gone.
"""

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db import models

from evaluation.models import AuditEntry, Pilot


def record_audit(user, action: str, target: models.Model | str, pilot: Pilot | None = None, **detail) -> AuditEntry:
    """Log who did what to which record; ``target`` is a saved instance or a model label."""
    if isinstance(target, models.Model):
        label, object_id = target._meta.label, str(target.pk)
    else:
        label, object_id = target, ""
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        model=label,
        object_id=object_id,
        pilot=pilot,
        detail=json_safe(detail),
    )


def json_safe(value):
    """A value as the log stores it: dates and times as ISO text, decimals and UUIDs as text, a record as its id;
    lists and dicts value by value. The JSON field would refuse a date, and a float would change a decimal."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.time):  # datetime.datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields' values as the log stores them; a foreign key as the id it holds (never a query)."""
    return {name: json_safe(getattr(instance, instance._meta.get_field(name).attname)) for name in fields}


def changes(before: dict, after: dict) -> dict[str, list]:
    """What a correction changed: ``{field: [old, new]}`` for each field whose (JSON-safe) value differs.

    A field only in one of the two counts as changed from or to ``None``.
    """
    names = [*before, *(name for name in after if name not in before)]
    old, new = json_safe(before), json_safe(after)
    return {name: [old.get(name), new.get(name)] for name in names if old.get(name) != new.get(name)}


def record_change(user, target: models.Model, pilot: Pilot | None, before: dict, after: dict, **detail):
    """A CHANGE entry with the old and new value of each changed field; nothing when nothing changed."""
    changed = changes(before, after)
    if not changed:
        return None
    return record_audit(user, AuditEntry.Action.CHANGE, target, pilot, changes=changed, **detail)


def record_deletion(user, target: models.Model, pilot: Pilot | None, old: dict, **detail) -> AuditEntry:
    """A DELETE entry with the values the record had; call it before deleting (the entry keeps its id)."""
    return record_audit(user, AuditEntry.Action.DELETE, target, pilot, old=old, **detail)


def describe(detail: dict) -> list[str]:
    """An entry's detail as lines for the people who read the log: "field: old → new" for a correction,
    "field: old" for a deleted record's values, "name: value" for anything else."""
    lines = []
    for key, value in (detail or {}).items():
        if key == "changes" and isinstance(value, dict):
            lines += [f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in _pairs(value)]
        elif key == "old" and isinstance(value, dict):
            lines += [f"{name}: {_shown(old)} (deleted)" for name, old in value.items()]
        else:
            lines.append(f"{key}: {_shown(value)}")
    return lines


def _pairs(changed: dict):
    for name, pair in changed.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            yield name, pair
        else:  # not written by record_change: show it as it is
            yield name, (None, pair)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}={_shown(item)}" for key, item in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "—"
    return str(value)
