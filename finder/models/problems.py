"""Problem reports: anyone can tell a listing's provider and the coordinators that something on it is wrong."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProblemReport(models.Model):
    """One report about one class, provider or workplace-offer page; no account, no contact details needed.

    Learners see "a problem was reported" on the listing only once a coordinator has confirmed the report.
    """

    class Kind(models.TextChoices):
        CLASS_ENDED = "ended", _("The class has ended or does not run")
        WRONG_TIMES = "times", _("The days or times are wrong")
        WRONG_PLACE = "place", _("The address or place is wrong")
        WRONG_CONTACT = "contact", _("The phone number or email does not work")
        WRONG_COST = "cost", _("The cost is wrong")
        NO_REPLY = "no_reply", _("Nobody answered my enquiry")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed by a coordinator")
        FIXED = "fixed", _("Fixed")
        DISMISSED = "dismissed", _("Not a problem")

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("listing"), on_delete=models.CASCADE, related_name="problem_reports"
    )
    kind = models.CharField(_("what is wrong"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("more details"), max_length=1000, blank=True)
    site_language = models.CharField(_("site language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="unique_problem_submission"),
            models.CheckConstraint(condition=~Q(kind="other") | ~Q(note=""), name="other_problem_has_note"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.page_id}"
