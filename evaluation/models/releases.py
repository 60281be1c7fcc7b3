"""Published results: each publication of a pilot's results is a frozen, numbered release."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pilots import Pilot


class ResultsRelease(models.Model):
    """The disclosure-controlled figures of a pilot as they were published, never recomputed.

    Republishing makes the next version; earlier versions stay readable with their dates, so a correction is
    visible as a new version rather than a silent change.
    """

    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="releases")
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_date = models.DateField(_("figures as at"))
    definitions_version = models.CharField(_("indicator definitions version"), max_length=20)
    threshold = models.PositiveSmallIntegerField(_("smallest count published"))
    rounding_base = models.PositiveSmallIntegerField(_("counts rounded to"))
    note = models.TextField(_("what changed"), blank=True)
    rows = models.JSONField(_("published rows"), default=list)

    class Meta:
        ordering = ["pilot", "-version"]
        verbose_name = _("results release")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "version"], name="unique_release_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="release_version_from_1"),
        ]

    def __str__(self):
        return f"{self.pilot} v{self.version}"
