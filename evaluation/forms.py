"""Forms for provider staff and evaluators; every message is translatable."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from finder.models import District

from .models import (
    Assessment,
    Attendance,
    CompletionStatus,
    EsolLevel,
    Goal,
    Learner,
    LearnerIdentity,
    Outcome,
    ProgressionOutcome,
    Skill,
    SurveyResponse,
    WithdrawalReason,
    uln_validator,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class RegisterForm(forms.Form):
    """One large radio group per learner; everyone is present unless changed."""

    def __init__(self, *args, enrolments, marks: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        for enrolment in self.enrolments:
            self.fields[f"mark_{enrolment.id}"] = forms.ChoiceField(
                label=enrolment.label,
                choices=Attendance.Status.choices,
                initial=marks.get(enrolment.id, Attendance.Status.PRESENT),
                widget=forms.RadioSelect,
            )

    def marks(self) -> dict[int, str]:
        return {e.id: self.cleaned_data[f"mark_{e.id}"] for e in self.enrolments}

    def rows(self):
        return [(e, self[f"mark_{e.id}"]) for e in self.enrolments]


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


class ConsentForm(forms.Form):
    privacy_notice_version = forms.CharField(
        label=_("Privacy notice version given"),
        initial=lambda: settings.EVALUATION_PRIVACY_NOTICE_VERSION,
        max_length=20,
    )
    research = forms.BooleanField(label=_("Agrees to take part in the research"), required=False)
    follow_up_contact = forms.BooleanField(label=_("Agrees to be contacted in 6 months"), required=False)


class EnrolForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)


class AssessmentForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Assessment.Stage.choices)
    skill = forms.ChoiceField(label=_("Skill"), choices=Skill.choices)
    level = forms.TypedChoiceField(label=_("Level"), choices=EsolLevel.choices, coerce=int)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=datetime.date.today)


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=300)
    set_date = forms.DateField(label=_("Date set"), widget=DATE_INPUT, initial=datetime.date.today)


class GoalRatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Tutor's rating"), choices=Goal.Rating.choices, widget=forms.RadioSelect)
    self_assessment = forms.ChoiceField(
        label=_("Learner's own rating"), choices=[("", _("Not asked")), *Goal.Rating.choices], required=False
    )


class EndEnrolmentForm(forms.Form):
    completion_status = forms.TypedChoiceField(label=_("Status"), choices=CompletionStatus.choices, coerce=int)
    outcome = forms.TypedChoiceField(label=_("Outcome"), choices=Outcome.choices, coerce=int)
    actual_end_date = forms.DateField(label=_("Last day"), widget=DATE_INPUT, required=False)
    withdrawal_reason = forms.ChoiceField(
        label=_("Reason for leaving"), choices=[("", "—"), *WithdrawalReason.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if CompletionStatus.is_leaving(data.get("completion_status")) and not data.get("actual_end_date"):
            self.add_error("actual_end_date", _("Enter the learner's last day."))
        return data


class SurveyForm(forms.Form):
    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"] = forms.ChoiceField(label=_("When"), choices=SurveyResponse.Wave.choices)
        self.fields["date"] = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=datetime.date.today)
        self.items = list(instrument.items.all())
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[(int(v), label) for v, label in item.value_labels.items()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, int]:
        return {
            item.code: self.cleaned_data[f"item_{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.code}") not in (None, "")
        }


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = ProgressionOutcome
        fields = ["kind", "date", "source"]
        widgets = {"date": DATE_INPUT}


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
