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
        detail=detail,
    )
