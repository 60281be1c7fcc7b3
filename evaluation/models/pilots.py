"""Pilots, their cohorts (runs of finder classes) and sessions, and who works on which pilot."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finder.vocabularies import PILOT_STRANDS


class ResearchBasis(models.TextChoices):
    """Whose records a pilot's research exports and analysis may use (stated per pilot, in its privacy notice)."""

    CONSENT = "consent", _("Only learners who agreed to take part in research")
    PUBLIC_TASK = "public_task", _("All learners (public task); learners who object are left out")


class Pilot(models.Model):
    """One ESOL Plus pilot being evaluated, with its disclosure and retention rules."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    strand = models.CharField(_("ESOL Plus strand"), max_length=20, choices=PILOT_STRANDS)
    funder = models.CharField(_("funder"), max_length=150, default="Greater London Authority")
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    disclosure_threshold = models.PositiveSmallIntegerField(
        _("smallest count that may be published"), default=10, validators=[MinValueValidator(2)]
    )
    retention_until = models.DateField(_("delete identity data after"))
    research_basis = models.CharField(
        _("research uses the records of"), max_length=20, choices=ResearchBasis.choices, default=ResearchBasis.CONSENT
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PilotEvaluator", related_name="evaluated_pilots", blank=True
    )

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("pilot")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="pilot_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class PilotEvaluator(models.Model):
    """An evaluator assigned to a pilot: they see its pseudonymous data and nothing else."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="evaluator_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pilot_assignments")

    class Meta:
        verbose_name = _("pilot evaluator")
        constraints = [models.UniqueConstraint(fields=["pilot", "user"], name="unique_pilot_evaluator")]

    def __str__(self):
        return f"{self.user} – {self.pilot}"


class StaffAssignment(models.Model):
    """A user who works for a provider: they see and record data for that provider's cohorts only."""

    class Role(models.TextChoices):
        TUTOR = "tutor", _("Tutor")
        COORDINATOR = "coordinator", _("Provider coordinator")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignments")
    provider = models.ForeignKey("finder.ProviderPage", on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TUTOR)

    class Meta:
        verbose_name = _("provider staff member")
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="unique_staff_assignment")]

    def __str__(self):
        return f"{self.user} – {self.provider}"


class Cohort(models.Model):
    """A pilot's run of one class from the finder; ``provider`` is the class page's parent, copied for filtering."""

    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="cohorts")
    class_page = models.ForeignKey("finder.ClassPage", on_delete=models.PROTECT, related_name="cohorts")
    provider = models.ForeignKey(
        "finder.ProviderPage", on_delete=models.PROTECT, related_name="cohorts", editable=False
    )
    name = models.CharField(_("name"), max_length=150)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"))
    planned_hours = models.DecimalField(_("planned hours"), max_digits=6, decimal_places=1)
    # Some funders pay by guided learning hours, so the register asks for minutes attended (late arrivals).
    records_minutes = models.BooleanField(_("register records minutes attended"), default=False)

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("cohort")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "class_page", "start_date"], name="unique_cohort_run"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="cohort_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.provider_id = self.class_page.provider.pk
        super().save(*args, **kwargs)


class Session(models.Model):
    """One meeting of a cohort; only held sessions count towards attendance."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Moves on with every save of the register (esolplus.concurrency.claim_version): a register form based on an
    # older one is not applied over marks its sender never saw.
    register_version = models.PositiveIntegerField(_("register version"), default=0, editable=False)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("session")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "date", "start_time"], name="unique_session_time"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"),
        ]
        indexes = [models.Index(fields=["cohort", "status", "date"])]

    def __str__(self):
        return f"{self.cohort} {self.date:%Y-%m-%d}"

    @property
    def minutes(self) -> int:
        return (self.end_time.hour * 60 + self.end_time.minute) - (self.start_time.hour * 60 + self.start_time.minute)
