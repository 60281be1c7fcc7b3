"""Enquiries: a learner (or an adviser for them) asks about a class; an employer asks about a workplace offer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .identifiers import HasReference


class Enquiry(HasReference, models.Model):
    """A learner's "I'm interested" in a class, for the provider to follow up; an adviser may send it for them."""

    class BestTime(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")
        ANY = "any", _("Any time")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        ASSESSED = "assessed", _("Assessed")
        ENROLLED = "enrolled", _("Enrolled")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    class_page = models.ForeignKey(
        "finder.ClassPage", verbose_name=_("class"), on_delete=models.CASCADE, related_name="enquiries"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    # The language the learner used the site in: their confirmation and status page are in it.
    site_language = models.CharField(_("site language"), max_length=10, blank=True)
    best_time = models.CharField(_("best time to call"), max_length=20, choices=BestTime.choices, default=BestTime.ANY)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Adviser mode: someone from an organisation refers the learner, with the learner's agreement.
    referrer_name = models.CharField(_("referred by"), max_length=100, blank=True)
    referrer_organisation = models.CharField(_("referring organisation"), max_length=150, blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=30, blank=True)
    referrer_email = models.EmailField(_("referrer's email"), blank=True)
    learner_agreed_to_referral = models.BooleanField(_("the learner agreed to be referred"), default=False)
    # A placement: an assessor (or the hub) refers the learner to this class from their assessment result.
    assessment = models.ForeignKey(
        "finder.AssessmentResult",
        verbose_name=_("from the assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placements",
    )
    # The provider's inbox: who is answering it (a colleague at the provider), and when it was last reminded about.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enquiries",
    )
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    # The enquiry form's one-time key (esolplus.concurrency): the same form sent twice is one enquiry, one email.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="enquiry_has_phone_or_email"),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="enquiry_has_consent"),
            models.CheckConstraint(
                condition=Q(referrer_organisation="") | Q(learner_agreed_to_referral=True),
                name="referral_has_learner_agreement",
            ),
            models.UniqueConstraint(fields=["submission_key"], name="unique_enquiry_submission"),
        ]

    def __str__(self):
        return f"{self.name} – {self.class_page.title}"

    @property
    def is_referral(self) -> bool:
        return bool(self.referrer_organisation)


class EnquiryNote(models.Model):
    """A note provider staff keep on an enquiry (what was said, what happens next); never shown to the learner."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enquiry note")
        constraints = [models.UniqueConstraint(fields=["submission_key"], name="unique_enquiry_note_submission")]

    def __str__(self):
        return f"{self.enquiry_id}: {self.text[:40]}"


class EmployerEnquiry(HasReference, models.Model):
    """An employer asks a provider about teaching English at their workplace."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        AGREED = "agreed", _("Course agreed")
        NOT_SUITABLE = "not_suitable", _("Not suitable")

    workplace_offer = models.ForeignKey(
        "finder.WorkplaceOfferPage",
        verbose_name=_("workplace offer"),
        on_delete=models.CASCADE,
        related_name="employer_enquiries",
    )
    organisation = models.CharField(_("organisation"), max_length=150)
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    workplace_postcode = models.CharField(_("workplace postcode"), max_length=8, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("staff who want to learn"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"))
    site_language = models.CharField(_("site language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("employer enquiry")
        verbose_name_plural = _("employer enquiries")
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="employer_enquiry_has_phone_or_email"),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="employer_enquiry_has_consent"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_employer_enquiry_submission"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.workplace_offer.title}"
