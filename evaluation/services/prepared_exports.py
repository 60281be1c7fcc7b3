"""Record-level exports prepared in the background: asked for on the dashboard, built by a worker into private
storage, downloaded by the one user who asked, deleted when they expire.

A record-level file can run to millions of attendance rows: built inside a request it held a web worker for minutes
and the whole zip in memory. Here the request only stores what was asked (``PilotExport``) and enqueues
``evaluation.tasks.build_export``; the job streams the tables to disk (``evaluation.exports.export_pilot``), zips them
into private storage (never served by the web server) and marks the export ready.
"""

import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from esolplus.tasks import enqueue_on_commit, error_text

from ..access import can_view_pilot
from ..analyst_formats import ANALYST_FORMATS, export_analyst_files
from ..exports import export_pilot
from ..models import Pilot, PilotExport

# An export neither ready nor failed this long after it was asked for lost its job: it is shown as failed.
GIVE_UP_AFTER = timedelta(hours=6)


def private_storage():
    return storages["private"]


def exports_for(user, pilot: Pilot):
    """The user's own prepared exports of this pilot, newest first."""
    return PilotExport.objects.filter(user=user, pilot=pilot, user__isnull=False)


@transaction.atomic
def request_export(user, pilot: Pilot, fmt: str) -> PilotExport:
    """Ask for a record-level export; a second click while one is waiting or being prepared gets that one."""
    pending = exports_for(user, pilot).filter(
        format=fmt, status__in=[PilotExport.Status.QUEUED, PilotExport.Status.RUNNING]
    )
    existing = pending.select_for_update().first()
    if existing is not None:
        return existing
    export = PilotExport.objects.create(user=user, pilot=pilot, format=fmt)
    from ..tasks import build_export

    enqueue_on_commit(build_export, export.pk)
    return export


def build(export_id: int) -> str:
    """Build one export (the job's body). Safe to run twice: an export already ready is left as it is."""
    export = PilotExport.objects.select_related("pilot", "user").filter(pk=export_id).first()
    if export is None:
        return "gone"
    if export.status == PilotExport.Status.READY:
        return "already ready"
    if not can_view_pilot(export.user, export.pilot):
        fail(export_id, "You may no longer see this pilot.")
        return "refused"
    PilotExport.objects.filter(pk=export_id).update(status=PilotExport.Status.RUNNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        if export.format in ANALYST_FORMATS:  # SPSS or Stata files, with the CSVs and a data dictionary
            export_analyst_files(
                export.pilot,
                folder,
                export.format,
                user=export.user,
                recipient=f"user:{export.user_id}",
                today=timezone.localdate(),
            )
        else:
            export_pilot(
                export.pilot,
                folder,
                user=export.user,
                recipient=f"user:{export.user_id}",
                fmt=export.format,
                level="record",
                today=timezone.localdate(),
            )
        archive = Path(tmp) / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.iterdir()):
                zipped.write(path, path.name)
        with archive.open("rb") as file:
            name = private_storage().save(f"exports/{export.pilot.slug}/{export.pk}-{export.format}.zip", File(file))
        size = archive.stat().st_size
    now = timezone.now()
    PilotExport.objects.filter(pk=export_id).update(
        status=PilotExport.Status.READY,
        file_name=name,
        size=size,
        error="",
        finished_at=now,
        expires_at=now + timedelta(hours=settings.EXPORT_FILE_HOURS),
    )
    return "ready"


def fail(export_id: int, error: BaseException | str) -> None:
    PilotExport.objects.filter(pk=export_id).exclude(status=PilotExport.Status.READY).update(
        status=PilotExport.Status.FAILED, error=error_text(error), finished_at=timezone.now()
    )


def downloadable(user, pilot: Pilot, export_id: str) -> PilotExport | None:
    """The user's own ready, unexpired export of this pilot with that id, or None."""
    if not str(export_id).isdigit() or len(str(export_id)) > 18:
        return None
    return (
        exports_for(user, pilot)
        .filter(pk=int(export_id), status=PilotExport.Status.READY, expires_at__gt=timezone.now())
        .first()
    )


def delete_expired(now=None) -> int:
    """Delete expired files and their records; fail exports whose job was lost; how many were deleted."""
    now = now or timezone.now()
    storage = private_storage()
    expired = PilotExport.objects.filter(expires_at__lte=now) | PilotExport.objects.filter(
        status=PilotExport.Status.FAILED, created_at__lte=now - timedelta(days=1)
    )
    count = 0
    for export in expired:
        if export.file_name:
            storage.delete(export.file_name)
        export.delete()
        count += 1
    lost = PilotExport.objects.filter(
        status__in=[PilotExport.Status.QUEUED, PilotExport.Status.RUNNING], created_at__lte=now - GIVE_UP_AFTER
    )
    for export_id in lost.values_list("pk", flat=True):
        fail(export_id, "It took too long. Please ask for it again.")
    return count
