"""The pilot evaluation's data: pilots, cohorts, sessions, pseudonymous learners and their outcomes.

Identity (name, contact, ULN) lives apart from everything else in ``LearnerIdentity`` so that
evaluators and exports never touch it, and so erasure can delete it without changing any figures.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finder.vocabularies import PILOT_STRANDS, EsolLevel, Skill


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


class CompletionStatus(models.IntegerChoices):
    """ILR CompStatus codes."""

    CONTINUING = 1, _("Continuing")
    COMPLETED = 2, _("Completed")
    WITHDRAWN = 3, _("Withdrawn")
    BREAK = 6, _("Break in learning")

    @classmethod
    def leaving(cls) -> tuple["CompletionStatus", ...]:
        """What a leaver is: the one definition (ILR). Completers and withdrawals have left; a learner who is
        continuing or on a break in learning has not. Retention, achievement and progression count leavers."""
        return (cls.COMPLETED, cls.WITHDRAWN)

    @classmethod
    def is_leaving(cls, status) -> bool:
        return status in cls.leaving()


class Outcome(models.IntegerChoices):
    """ILR Outcome codes."""

    ACHIEVED = 1, _("Achieved")
    PARTIAL = 2, _("Partial achievement")
    NONE = 3, _("No achievement")
    UNKNOWN = 8, _("Not yet known")


class WithdrawalReason(models.TextChoices):
    WORK = "work", _("Started work or changed hours")
    CHILDCARE = "childcare", _("Childcare or caring")
    HEALTH = "health", _("Health")
    MOVED = "moved", _("Moved away")
    ANOTHER_COURSE = "another_course", _("Moved to another course")
    OTHER = "other", _("Other or not known")


class Enrolment(models.Model):
    """A learner on a cohort, with ILR-style completion status and outcome."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"))
    actual_end_date = models.DateField(_("actual end date"), null=True, blank=True)
    completion_status = models.PositiveSmallIntegerField(
        _("completion status"), choices=CompletionStatus.choices, default=CompletionStatus.CONTINUING
    )
    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=Outcome.choices, default=Outcome.UNKNOWN)
    withdrawal_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )

    class Meta:
        ordering = ["cohort", "start_date", "pk"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["learner", "cohort"], name="unique_enrolment"),
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=models.F("start_date")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(completion_status__in=CompletionStatus.leaving()) | Q(actual_end_date__isnull=False),
                name="leaver_has_end_date",
            ),
        ]

    def __str__(self):
        return f"{self.learner} on {self.cohort}"

    @property
    def is_leaver(self) -> bool:
        return CompletionStatus.is_leaving(self.completion_status)


class Attendance(models.Model):
    """The register mark for one learner at one session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        AUTHORISED = "authorised", _("Absent with reason")
        UNAUTHORISED = "unauthorised", _("Absent")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=12, choices=Status.choices, default=Status.PRESENT)
    minutes = models.PositiveSmallIntegerField(_("minutes attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance mark")
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="unique_attendance_mark")]

    def __str__(self):
        return f"{self.enrolment_id}@{self.session_id}: {self.status}"


class Assessment(models.Model):
    """A level placed for one skill at the start, during or at the end of an enrolment."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial")
        PROGRESS = "progress", _("Progress")
        FINAL = "final", _("Final")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    skill = models.CharField(_("skill"), max_length=10, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=EsolLevel.choices)
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "skill", "stage"],
                condition=~Q(stage="progress"),
                name="one_initial_and_final_per_skill",
            ),
        ]

    def __str__(self):
        return f"{self.stage} {self.skill} {self.get_level_display()}"


class Goal(models.Model):
    """A RARPA learning goal: set with the learner, rated by the tutor and by the learner at the end."""

    class Rating(models.TextChoices):
        NOT = "not", _("Not achieved")
        PARTLY = "partly", _("Partly achieved")
        FULLY = "fully", _("Fully achieved")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    set_date = models.DateField(_("date set"))
    rating = models.CharField(_("tutor's final rating"), max_length=10, choices=Rating.choices, blank=True)
    self_assessment = models.CharField(_("learner's own rating"), max_length=10, choices=Rating.choices, blank=True)

    class Meta:
        ordering = ["set_date", "pk"]
        verbose_name = _("RARPA goal")

    def __str__(self):
        return self.text


class SurveyInstrument(models.Model):
    """A versioned questionnaire; items and value labels never change within a version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=150)

    class Meta:
        verbose_name = _("survey instrument")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class SurveyItem(models.Model):
    """One coded question; ``value_labels`` maps each allowed value to its label."""

    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=300)
    value_labels = models.JSONField(_("allowed values"))
    higher_is_better = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("survey item")
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="unique_item_code")]

    def __str__(self):
        return self.code


class SurveyResponse(models.Model):
    class Wave(models.TextChoices):
        BASELINE = "baseline", _("Baseline (start)")
        END = "end", _("End of course")
        FOLLOW_UP = "follow_up", _("Follow-up at 6 months")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="survey_responses")
    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.PROTECT, related_name="responses")
    wave = models.CharField(_("wave"), max_length=10, choices=Wave.choices)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("survey response")
        constraints = [
            models.UniqueConstraint(fields=["learner", "instrument", "wave"], name="one_response_per_wave"),
        ]

    def __str__(self):
        return f"{self.learner} {self.wave}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(_("value"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item_id}={self.value}"


class ProgressionOutcome(models.Model):
    """Where a learner went next, coded like ILR destinations."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "EMP", _("Paid employment")
        FURTHER_LEARNING = "EDU", _("Further learning")
        VOLUNTEERING = "VOL", _("Volunteering")

    class Source(models.TextChoices):
        LEARNER = "learner", _("Learner told us")
        PROVIDER = "provider", _("Provider records")
        SURVEY = "survey", _("Follow-up survey")
        EMPLOYER = "employer", _("Employer")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("progression"), max_length=3, choices=Kind.choices)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("progression outcome")

    def __str__(self):
        return f"{self.kind} {self.date}"


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
