from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enquiry(models.Model):
    """A learner's "I'm interested" in a class, for the provider to follow up."""

    class BestTime(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")
        ANY = "any", _("Any time")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        ENROLLED = "enrolled", _("Enrolled")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    class_page = models.ForeignKey(
        "finder.ClassPage", verbose_name=_("class"), on_delete=models.CASCADE, related_name="enquiries"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    best_time = models.CharField(_("best time to call"), max_length=20, choices=BestTime.choices, default=BestTime.ANY)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The enquiry form's one-time key (esolplus.concurrency): the same form sent twice is one enquiry, one email.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="enquiry_has_phone_or_email"),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="enquiry_has_consent"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_enquiry_submission"),
        ]

    def __str__(self):
        return f"{self.name} – {self.class_page.title}"
