"""What happens to a learner on a cohort: enrolment, attendance, assessments, goals and progression."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finder.vocabularies import EsolLevel, Skill

from .. import destinations
from ..destinations import OutcomeType
from .learners import Learner
from .pilots import Cohort, Session


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
    # The enrol form's one-time key, and the version of the details above (status, outcome, end): see
    # esolplus.concurrency.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["cohort", "start_date", "pk"]
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["learner", "cohort"], name="unique_enrolment"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_enrolment_submission"),
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
    # The form's one-time key; the version moves on when a later initial or final assessment replaces this one.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="unique_assessment_submission"),
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
    # The form's one-time key; the version of the ratings.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["set_date", "pk"]
        verbose_name = _("RARPA goal")
        constraints = [models.UniqueConstraint(fields=["submission_key"], name="unique_goal_submission")]

    def __str__(self):
        return self.text


class ProgressionOutcome(models.Model):
    """Where a learner went next, as an ILR destination: outcome type and code (``evaluation.destinations``).

    Outcomes recorded before the ILR codes keep their type (EMP, EDU or VOL) with no code.
    """

    OutcomeType = OutcomeType

    class Source(models.TextChoices):
        LEARNER = "learner", _("Learner told us")
        PROVIDER = "provider", _("Provider records")
        SURVEY = "survey", _("Follow-up survey")
        EMPLOYER = "employer", _("Employer")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="outcomes")
    outcome_type = models.CharField(_("destination type (ILR OutType)"), max_length=3, choices=OutcomeType.choices)
    outcome_code = models.PositiveSmallIntegerField(_("destination code (ILR OutCode)"), null=True, blank=True)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)  # the form's one-time key

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("progression outcome")
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="unique_outcome_submission"),
            models.CheckConstraint(condition=destinations.valid_pairs_condition(), name="outcome_is_ilr_destination"),
        ]

    def __str__(self):
        return f"{self.destination} {self.date}"

    @property
    def destination(self) -> str:
        """As the ILR writes it, e.g. EMP1."""
        return destinations.key(self.outcome_type, self.outcome_code)

    def get_destination_display(self) -> str:
        return destinations.label(self.outcome_type, self.outcome_code)

    @property
    def is_progression(self) -> bool:
        return destinations.counts_as_progression(self.outcome_type)
