"""The evaluation's background jobs (esolplus.tasks.job): record-level exports, and the periodic clean-ups that
the scheduler enqueues (settings.SCHEDULED_TASKS)."""

from django.utils import timezone

from esolplus.tasks import job

from . import services
from .services import prepared_exports


def _export_failed(export_id: int, *, error: BaseException) -> None:
    prepared_exports.fail(export_id, error)


@job(on_give_up=_export_failed)
def build_export(export_id: int) -> str:
    return prepared_exports.build(export_id)


@job()
def delete_expired_exports() -> int:
    return prepared_exports.delete_expired()


@job()
def purge_expired_identities() -> int:
    """UK GDPR retention: erase identities of learners whose every pilot is past its retention date (daily)."""
    return services.purge_expired_identities(timezone.localdate())


@job()
def remind_survey_invitations() -> int:
    """Remind learners who have not answered their survey link (daily; each reminder has its own outbox key)."""
    from .services.invitations import remind_unanswered

    return remind_unanswered(timezone.now())
