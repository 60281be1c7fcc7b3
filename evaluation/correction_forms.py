"""Forms for correcting and deleting learner records (evaluation.services.corrections); every message translatable.

Each form carries a hidden ``fingerprint`` of the values it showed. When someone saved the record in between, the
save is refused (``RecordChanged``) and ``show_changed`` lists what is saved now beside what this person sent,
keeping their entries and moving the form onto the saved values, so that sending it again means "keep mine".
"""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus.concurrency import ConflictFormMixin

from . import destinations
from .forms import DATE_INPUT
from .models import Assessment, CompletionStatus, Enrolment, Goal, ProgressionOutcome, SurveyResponse
from .services.corrections import (
    ANSWER,
    ASSESSMENT_FIELDS,
    ENROLMENT_FIELDS,
    GOAL_FIELDS,
    OUTCOME_FIELDS,
    RecordChanged,
    assessment_values,
    enrolment_values,
    fingerprint,
    goal_values,
    outcome_values,
    survey_values,
)

FINGERPRINT = "fingerprint"


class FingerprintFormMixin(ConflictFormMixin):
    """The hidden fingerprint of the values shown (``shown``), and what to show when the record changed since."""

    def __init__(self, *args, shown: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FINGERPRINT] = forms.CharField(required=False, widget=forms.HiddenInput, initial=fingerprint(shown))

    def based_on(self) -> str:
        """The fingerprint sent; none (a mangled or hand-made request) matches nothing, so it cannot overwrite."""
        return self.cleaned_data.get(FINGERPRINT) or ""

    def saved(self, current) -> dict:
        """The record's values now, by form field name."""
        return {name: getattr(current, name) for name in self.compared}

    def show_changed(self, changed: RecordChanged) -> None:
        saved = self.saved(changed.current)
        self.conflict = [
            {"label": self.fields[name].label, "saved": self.shown(name, saved[name]), "yours": self.shown(name, yours)}
            for name in self.compared
            if saved[name] != (yours := self.cleaned_data.get(name))
        ]
        self.rebase(**{FINGERPRINT: changed.fingerprint})


class CorrectionModelForm(FingerprintFormMixin, forms.ModelForm):
    """A correction of ``Meta.fields``; the view passes the record, the service saves (never ``form.save()``)."""

    def __init__(self, *args, instance, shown: dict, **kwargs):
        # A copy: validating a ModelForm writes the sent values into its instance.
        super().__init__(*args, instance=copy.copy(instance), shown=shown, **kwargs)
        self.compared = tuple(self._meta.fields)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class EnrolmentCorrectionForm(CorrectionModelForm):
    class Meta:
        model = Enrolment
        fields = ENROLMENT_FIELDS
        widgets = {"start_date": DATE_INPUT, "planned_end_date": DATE_INPUT, "actual_end_date": DATE_INPUT}

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, instance=enrolment, shown=enrolment_values(enrolment), **kwargs)

    def clean(self):
        data = super().clean()
        start, end, planned = data.get("start_date"), data.get("actual_end_date"), data.get("planned_end_date")
        if CompletionStatus.is_leaving(data.get("completion_status")) and not end and "actual_end_date" in data:
            self.add_error("actual_end_date", _("A learner who completed or withdrew needs a last day. Enter it."))
        if start and end and end < start:
            self.add_error("actual_end_date", _("The last day cannot be before the start date."))
        if start and planned and planned < start:
            self.add_error("planned_end_date", _("The planned end cannot be before the start date."))
        return data


class AssessmentCorrectionForm(CorrectionModelForm):
    class Meta:
        model = Assessment
        fields = ASSESSMENT_FIELDS
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args, assessment: Assessment, **kwargs):
        self.assessment = assessment
        super().__init__(*args, instance=assessment, shown=assessment_values(assessment), **kwargs)

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if stage and stage != Assessment.Stage.PROGRESS:
            other = Assessment.objects.filter(
                enrolment_id=self.assessment.enrolment_id, skill=self.assessment.skill, stage=stage
            ).exclude(pk=self.assessment.pk)
            if other.exists():
                self.add_error(
                    "stage",
                    _("This learner already has this stage's assessment for this skill. Correct or delete that one."),
                )
        return data


class GoalCorrectionForm(CorrectionModelForm):
    class Meta:
        model = Goal
        fields = GOAL_FIELDS
        widgets = {"set_date": DATE_INPUT}

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, instance=goal, shown=goal_values(goal), **kwargs)


class OutcomeCorrectionForm(CorrectionModelForm):
    """Built from ``OUTCOME_FIELDS``, the one list of what an outcome correction shows (extend it there)."""

    class Meta:
        model = ProgressionOutcome
        fields = OUTCOME_FIELDS
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args, outcome: ProgressionOutcome, **kwargs):
        super().__init__(*args, instance=outcome, shown=outcome_values(outcome), **kwargs)

    def clean(self):
        data = super().clean()
        known = "outcome_type" in data and "outcome_code" in data
        if known and not destinations.is_valid(data["outcome_type"], data["outcome_code"]):
            self.add_error(
                "outcome_code",
                _(
                    "This is not an ILR destination. Enter a code listed for this type (leave it empty only "
                    "for an older outcome of paid work, learning or volunteering)."
                ),
            )
        return data


class SurveyCorrectionForm(FingerprintFormMixin, forms.Form):
    """One wave's date and answers; "Not answered" clears an answer."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)

    def __init__(self, *args, response: SurveyResponse, **kwargs):
        shown = survey_values(response)
        super().__init__(*args, shown=shown, initial={"date": response.date}, **kwargs)
        self.items = list(response.instrument.items.all())
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[("", _("Not answered")), *((int(v), label) for v, label in item.value_labels.items())],
                coerce=int,
                empty_value=None,
                required=False,
                initial=shown.get(ANSWER + item.code),
                widget=forms.RadioSelect,
            )
        self.compared = ("date", *(f"item_{item.code}" for item in self.items))

    def saved(self, current: SurveyResponse) -> dict:
        values = survey_values(current)
        return {"date": current.date, **{f"item_{i.code}": values.get(ANSWER + i.code) for i in self.items}}

    def values(self) -> dict:
        answers = {item.code: self.cleaned_data.get(f"item_{item.code}") for item in self.items}
        return {"date": self.cleaned_data["date"], "answers": answers}


class DeleteForm(forms.Form):
    """The confirmation: the fingerprint of what the page said would go, and, when more than the record itself
    goes (an enrolment's marks, assessments, goals), a box to tick."""

    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, values: dict, also_deletes: bool = False, **kwargs):
        super().__init__(*args, initial={FINGERPRINT: fingerprint(values)}, **kwargs)
        if also_deletes:
            self.fields["confirm"] = forms.BooleanField(
                label=_("I understand that everything listed here will be deleted, and it cannot be undone"),
                error_messages={"required": _("Tick the box to confirm, or go back without deleting.")},
            )

    def based_on(self) -> str:
        return self.cleaned_data.get(FINGERPRINT) or ""
