"""Record-level exports prepared in the background for one user, and downloadable by that user for a while."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pilots import Pilot


class PilotExport(models.Model):
    """A record-level export asked for on the dashboard: built by a background job (evaluation.tasks.build_export)
    into private storage, downloaded only by the user who asked while they may still see the pilot, then deleted
    (``EXPORT_FILE_HOURS`` after it is ready)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="prepared_exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=5)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("prepared export")

    def __str__(self):
        return f"{self.pilot} {self.format} for {self.user} ({self.status})"

    @property
    def download_name(self) -> str:
        return f"{self.pilot.slug}-record-{self.created_at:%Y-%m-%d}.zip"
