"""Learners: a pseudonymous record with banded characteristics, and their identity kept apart.

Identity (name, contact, ULN) lives apart from everything else in ``LearnerIdentity`` so that
evaluators and exports never touch it, and so erasure can delete it without changing any figures.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    A16_18 = "16-18", "16–18"
    A19_24 = "19-24", "19–24"
    A25_34 = "25-34", "25–34"
    A35_49 = "35-49", "35–49"
    A50_64 = "50-64", "50–64"
    A65 = "65+", _("65 and over")
    UNKNOWN = "unknown", _("Not known")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another way")
    UNKNOWN = "unknown", _("Prefer not to say")


class TimeInUK(models.TextChoices):
    UNDER_1 = "under-1", _("Less than 1 year")
    Y1_5 = "1-5", _("1 to 5 years")
    Y6_10 = "6-10", _("6 to 10 years")
    OVER_10 = "over-10", _("More than 10 years")
    UNKNOWN = "unknown", _("Not known")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("In paid work")
    SELF_EMPLOYED = "self-employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Looking for work")
    INACTIVE = "inactive", _("Not looking for work")
    UNKNOWN = "unknown", _("Not known")


class Learner(models.Model):
    """A learner known only by a keyed pseudonym and banded characteristics.

    ``provider`` is the provider that registered them: only its staff may see the identity.
    """

    pseudonym = models.CharField(_("pseudonymous ID"), max_length=64, unique=True, editable=False)
    provider = models.ForeignKey("finder.ProviderPage", on_delete=models.PROTECT, related_name="learners")
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    borough = models.ForeignKey(
        "finder.District", verbose_name=_("borough"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_language = models.CharField(_("first language"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    time_in_uk = models.CharField(
        _("time in the UK"), max_length=10, choices=TimeInUK.choices, default=TimeInUK.UNKNOWN
    )
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, default=EmploymentStatus.UNKNOWN
    )
    childcare_need = models.BooleanField(_("needs childcare to attend"), null=True, blank=True)
    # Special-category data (UK GDPR art. 9): optional, only with the learner's explicit agreement.
    ethnicity = models.CharField(_("ethnic group"), max_length=40, blank=True)
    disability = models.BooleanField(_("has a disability or health condition"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(_("identity erased"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("learner")

    def __str__(self):
        return self.pseudonym[:12]


uln_validator = RegexValidator(r"^\d{10}$", _("A Unique Learner Number has 10 digits."))


class LearnerIdentity(models.Model):
    """Who a learner is. Only staff of the learner's own provider can see this; exports never include it."""

    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="identity")
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    uln = models.CharField(_("Unique Learner Number"), max_length=10, blank=True, validators=[uln_validator])
    enquiry = models.ForeignKey(
        "finder.Enquiry", null=True, blank=True, on_delete=models.SET_NULL, related_name="learner_identities"
    )

    class Meta:
        verbose_name = _("learner identity")
        verbose_name_plural = _("learner identities")
        constraints = [
            models.CheckConstraint(condition=Q(uln="") | Q(uln__regex=r"^[0-9]{10}$"), name="identity_uln_10_digits"),
        ]

    def __str__(self):
        return self.full_name


class ConsentRecord(models.Model):
    """What the learner was told and agreed to; lawful basis is public task, these are the separate opt-ins."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    research = models.BooleanField(_("agrees to take part in research"))
    follow_up_contact = models.BooleanField(_("agrees to be contacted later"))
    recorded_on = models.DateField(_("recorded on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_on", "pk"]
        verbose_name = _("consent record")

    def __str__(self):
        return f"{self.learner} notice {self.privacy_notice_version}"
