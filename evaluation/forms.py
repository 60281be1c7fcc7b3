"""Forms for provider staff and evaluators; every message is translatable.

Forms that create a record carry a one-time submission key; forms that change something two people may edit
carry the version they were based on, and after a clash show what changed (esolplus.concurrency).
"""

import datetime
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import (
    BASED_ON,
    ConflictFormMixin,
    StaleVersion,
    SubmissionKeyFormMixin,
    VersionedFormMixin,
)
from esolplus.contact_fields import ContactEmailInput, PhoneInput, PhoneNumberField
from finder.assessment_services import look_up_result
from finder.models import District

from . import destinations
from .models import (
    Assessment,
    Attendance,
    CompletionStatus,
    Enrolment,
    EsolLevel,
    Goal,
    Learner,
    LearnerIdentity,
    Outcome,
    ProgressionOutcome,
    Skill,
    WithdrawalReason,
    uln_validator,
)

# A date input holds an ISO date whatever the language; another format shows as an empty box.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MARKS = re.compile(r"(\d+):([a-z]+)")  # the marks a register form showed, as "enrolment id:mark,..."


def _shown_marks(enrolments, marks: dict[int, str]) -> dict[int, str]:
    """The mark each learner's row shows: their saved one, else present."""
    return {e.id: marks.get(e.id, Attendance.Status.PRESENT) for e in enrolments}


def _written(marks: dict[int, str]) -> str:
    return ",".join(f"{enrolment_id}:{mark}" for enrolment_id, mark in marks.items())


class RegisterForm(VersionedFormMixin, forms.Form):
    """One large radio group per learner; everyone is present unless changed.

    It carries the register's version and the marks it showed (``started_with``): when someone else saved the
    register in between, ``show_register_conflict`` lists the learners whose saved marks changed and keeps this
    person's own changes in the form, every other learner now showing what was saved.
    """

    started_with = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        enrolments,
        marks: dict[int, str],
        version: int = 0,
        minutes: dict[int, int | None] | None = None,
        length: int = 0,
        **kwargs,
    ):
        self.enrolments = list(enrolments)
        shown = _shown_marks(self.enrolments, marks)
        initial = {BASED_ON: version, "started_with": _written(shown)}
        super().__init__(*args, initial=initial, **kwargs)
        for enrolment in self.enrolments:
            self.fields[f"mark_{enrolment.id}"] = forms.ChoiceField(
                label=enrolment.label,
                choices=Attendance.Status.choices,
                initial=shown[enrolment.id],
                widget=forms.RadioSelect,
            )
        # A cohort that records minutes (``Cohort.records_minutes``, passed as the saved ``minutes``) asks for each
        # learner's minutes; a learner not yet marked is shown the whole session.
        self.records_minutes, self.length = minutes is not None, length
        for enrolment in self.enrolments if self.records_minutes else ():
            saved = minutes.get(enrolment.id)
            self.fields[f"minutes_{enrolment.id}"] = forms.IntegerField(
                label=_("Minutes attended, if present or late"),
                required=False,
                min_value=0,
                max_value=length,
                initial=length if saved is None else saved,
                error_messages={
                    "min_value": _("Enter the minutes from 0 to %(max)s.") % {"max": length},
                    "max_value": _("Enter the minutes from 0 to %(max)s: the session is %(max)s minutes long.")
                    % {"max": length},
                    "invalid": _("Enter the minutes as a whole number, from 0 to %(max)s.") % {"max": length},
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": length}),
            )
        self.changes: dict[int, dict] = {}

    def clean(self):
        data = super().clean()
        for e in self.enrolments if self.records_minutes else ():
            name = f"minutes_{e.id}"
            if data.get(f"mark_{e.id}") not in (Attendance.Status.PRESENT, Attendance.Status.LATE):
                self._errors.pop(name, None)  # an absent learner's minutes are not asked for: whatever is there
                data[name] = None
            elif data.get(name) is None and name not in self._errors:
                self.add_error(
                    name,
                    _("Enter how many minutes %(name)s attended, from 0 to %(max)s.")
                    % {"name": e.label, "max": self.length},
                )
        return data

    def marks(self) -> dict[int, str]:
        return {e.id: self.cleaned_data[f"mark_{e.id}"] for e in self.enrolments}

    def minutes(self) -> dict[int, int | None] | None:
        """Minutes attended by each learner who came (None for the absent); None when the cohort records none."""
        if not self.records_minutes:
            return None
        came = (Attendance.Status.PRESENT, Attendance.Status.LATE)
        return {
            e.id: self.cleaned_data[f"minutes_{e.id}"] if self.cleaned_data[f"mark_{e.id}"] in came else None
            for e in self.enrolments
        }

    def rows(self):
        """(enrolment, its radio group, what changed for it after a clash or None, its minutes box or None), one per
        learner."""
        return [
            (e, self[f"mark_{e.id}"], self.changes.get(e.id), self[f"minutes_{e.id}"] if self.records_minutes else None)
            for e in self.enrolments
        ]

    def show_register_conflict(self, stale: StaleVersion, saved_marks: dict[int, str]) -> None:
        started = {int(k): v for k, v in MARKS.findall(self.cleaned_data.get("started_with") or "")}
        saved, yours = _shown_marks(self.enrolments, saved_marks), self.marks()
        label = dict(Attendance.Status.choices)
        kept = {}
        for e in self.enrolments:
            before = started.get(e.id, saved[e.id])
            kept[e.id] = yours[e.id] if yours[e.id] != before else saved[e.id]
            if saved[e.id] != before:
                self.changes[e.id] = {
                    "label": e.label,
                    "started": label.get(before, before),
                    "saved": label[saved[e.id]],
                    "yours": label[yours[e.id]],
                    "clash": yours[e.id] not in (before, saved[e.id]),
                }
        self.conflict = list(self.changes.values())
        self.rebase(
            **{BASED_ON: stale.version, "started_with": _written(saved)},
            **{f"mark_{k}": v for k, v in kept.items()},
        )


class LearnerForm(forms.ModelForm):
    """Banded characteristics (what the evaluation uses) for a new learner."""

    borough = forms.ModelChoiceField(
        District.objects.filter(is_london_borough=True), required=False, label=_("Borough where they live")
    )

    class Meta:
        model = Learner
        fields = [
            "age_band",
            "gender",
            "borough",
            "first_language",
            "time_in_uk",
            "employment_status",
            "childcare_need",
        ]


class IdentityForm(forms.ModelForm):
    uln = forms.CharField(label=_("Unique Learner Number"), required=False, validators=[uln_validator])

    class Meta:
        model = LearnerIdentity
        fields = ["full_name", "phone", "email", "postcode", "uln"]
        field_classes = {"phone": PhoneNumberField}  # survey invitations are texted to it
        widgets = {"phone": PhoneInput("off"), "email": ContactEmailInput("off")}


class ConsentForm(forms.Form):
    privacy_notice_version = forms.CharField(
        label=_("Privacy notice version given"),
        initial=lambda: settings.EVALUATION_PRIVACY_NOTICE_VERSION,
        max_length=20,
    )
    research = forms.BooleanField(label=_("Agrees to take part in the research"), required=False)
    follow_up_contact = forms.BooleanField(label=_("Agrees to be contacted in 6 months"), required=False)


class EnrolForm(SubmissionKeyFormMixin, forms.Form):
    """The enrolment, and the learner's assessment reference if they were assessed through the finder: with their
    consent, its levels become the initial assessments (``evaluation.services.assessments_from_finder``)."""

    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    assessment_reference = forms.CharField(
        label=_("Assessment reference (if they have one)"),
        required=False,
        max_length=30,
        help_text=_("From the learner's ESOL assessment. Their levels are added as the initial assessments."),
    )
    assessment_consent = forms.BooleanField(
        label=_("The learner agrees that we see their assessment result"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("assessment_reference") and not data.get("assessment_consent"):
            self.add_error("assessment_consent", _("Ask the learner first. Tick this only if they agree."))
        return data

    def enrolment(self) -> dict:
        """What the enrolment itself is made from: the start date and the submission key."""
        return {name: value for name, value in self.cleaned_data.items() if not name.startswith("assessment_")}

    def assessment_result(self, provider, user):
        """The shared result the reference finds (a recorded look-up); None without a reference. A reference that
        finds nothing is an error on the form, so nobody is enrolled thinking their levels were carried over."""
        reference = self.cleaned_data.get("assessment_reference")
        if not reference:
            return None
        result = look_up_result(
            reference, learner_consents=self.cleaned_data["assessment_consent"], provider=provider, user=user
        )
        if result is None:
            self.add_error(
                "assessment_reference", _("No shared assessment result has this reference. Check it with the learner.")
            )
        return result


SEEN = re.compile(r"(\d+)\.(\d+)")


def seen_assessments(enrolment: Enrolment) -> str:
    """The enrolment's initial and final assessments as the page shows them: "id.version" each."""
    replaceable = enrolment.assessments.exclude(stage=Assessment.Stage.PROGRESS).order_by("pk")
    return ",".join(f"{pk}.{version}" for pk, version in replaceable.values_list("pk", "version"))


class AssessmentForm(ConflictFormMixin, SubmissionKeyFormMixin, forms.Form):
    """A new assessment. An initial or final one replaces the skill's earlier one only if this page showed it
    (``seen``): one saved by someone else meanwhile is shown, and replaced only if the person sends it again."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Assessment.Stage.choices)
    skill = forms.ChoiceField(label=_("Skill"), choices=Skill.choices)
    level = forms.TypedChoiceField(label=_("Level"), choices=EsolLevel.choices, coerce=int)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=datetime.date.today)
    seen = forms.CharField(required=False, widget=forms.HiddenInput)
    compared = ("level", "date")

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.fields["seen"].initial = seen_assessments(enrolment)

    def clean_seen(self) -> set[tuple[int, int]]:
        return {(int(pk), int(version)) for pk, version in SEEN.findall(self.cleaned_data["seen"])}

    def rebased_on(self, stale: StaleVersion) -> dict:
        return {"seen": seen_assessments(self.enrolment)}


class GoalForm(SubmissionKeyFormMixin, forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=300)
    set_date = forms.DateField(label=_("Date set"), widget=DATE_INPUT, initial=datetime.date.today)


class GoalRatingForm(VersionedFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Tutor's rating"), choices=Goal.Rating.choices, widget=forms.RadioSelect)
    self_assessment = forms.ChoiceField(
        label=_("Learner's own rating"), choices=[("", _("Not asked")), *Goal.Rating.choices], required=False
    )
    compared = ("rating", "self_assessment")

    def __init__(self, *args, goal: Goal, **kwargs):
        initial = {"rating": goal.rating, "self_assessment": goal.self_assessment, BASED_ON: goal.version}
        super().__init__(*args, initial=initial, **kwargs)


class EndEnrolmentForm(VersionedFormMixin, forms.Form):
    completion_status = forms.TypedChoiceField(label=_("Status"), choices=CompletionStatus.choices, coerce=int)
    outcome = forms.TypedChoiceField(label=_("Outcome"), choices=Outcome.choices, coerce=int)
    actual_end_date = forms.DateField(label=_("Last day"), widget=DATE_INPUT, required=False)
    withdrawal_reason = forms.ChoiceField(
        label=_("Reason for leaving"), choices=[("", "—"), *WithdrawalReason.choices], required=False
    )
    compared = ("completion_status", "outcome", "actual_end_date", "withdrawal_reason")

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        self.enrolment = enrolment
        initial = {name: getattr(enrolment, name) for name in self.compared}
        super().__init__(*args, initial={**initial, BASED_ON: enrolment.version}, **kwargs)

    def clean(self):
        data = super().clean()
        if CompletionStatus.is_leaving(data.get("completion_status")) and not data.get("actual_end_date"):
            self.add_error("actual_end_date", _("Enter the learner's last day."))
        if data.get("actual_end_date") and data["actual_end_date"] < self.enrolment.start_date:
            self.add_error("actual_end_date", _("The last day cannot be before the learner started."))
        return data


class OutcomeForm(SubmissionKeyFormMixin, forms.ModelForm):
    """A destination chosen from the ILR list, grouped by type; ``cleaned_data`` holds its type and code."""

    destination = forms.ChoiceField(
        label=_("Where they went next"),
        choices=[("", _("Choose a destination")), *destinations.grouped_choices()],
        error_messages={
            "required": _("Choose where the learner went next."),
            "invalid_choice": _("Choose a destination from the list."),
        },
    )

    class Meta:
        model = ProgressionOutcome
        fields = ["destination", "date", "source"]
        widgets = {"date": DATE_INPUT}

    def clean(self):
        data = super().clean()
        chosen = destinations.parse(data.pop("destination", "") or "")
        if chosen is None:
            if "destination" not in self.errors:
                self.add_error("destination", _("Choose a destination from the list."))
            return data
        data["outcome_type"], data["outcome_code"] = chosen
        return data


class DashboardFilterForm(forms.Form):
    provider = forms.TypedChoiceField(label=_("Provider"), required=False, coerce=int, empty_value=None)
    borough = forms.ChoiceField(label=_("Borough"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, providers, boroughs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("All providers")), *providers]
        self.fields["borough"].choices = [("", _("All boroughs")), *boroughs]

    def clean(self):
        data = super().clean()
        if bool(data.get("start")) != bool(data.get("end")):
            raise forms.ValidationError(_("Enter both dates of the period, or neither."))
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=[("register", _("Registers")), ("assessments", _("Assessments"))]
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (saved as “CSV UTF-8”) or .xlsx file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
