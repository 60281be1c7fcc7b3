"""The audit log and the log of exports: who did what to learner data, and who took which file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pilots import Pilot


class AuditEntry(models.Model):
    """Who created, changed, deleted or exported evaluation data, and when. Written by the services layer."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        ERASE = "erase", _("Erased")
        ACCESS = "access", _("Subject access")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    pilot = models.ForeignKey(Pilot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.model} {self.object_id}"


class ExportRecord(models.Model):
    """One export: who, when, with which filters, how many rows in each file and each file's SHA-256."""

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(max_length=150)
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="exports")
    level = models.CharField(max_length=10)
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict, blank=True)
    row_counts = models.JSONField(default=dict)
    checksums = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("export")

    def __str__(self):
        return f"{self.pilot} {self.level} {self.at:%Y-%m-%d}"
