"""Screens for correcting and deleting learner records: enrolments, assessments, goals, survey answers, outcomes.

Who may: staff who may record the record's cohort or learner (``evaluation.access`` ``recordable_*``) correct it;
anyone else gets "not found", guessed IDs included. Deleting also needs ``access.can_delete_records`` (provider
coordinators of the record's provider and programme coordinators): a tutor who may correct gets "forbidden".
The writes, their audit entries and the check that nobody saved in between are in
``evaluation.services.corrections``; these views only find the record, show the form and report the outcome.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from . import access
from .correction_forms import (
    AssessmentCorrectionForm,
    DeleteForm,
    EnrolmentCorrectionForm,
    GoalCorrectionForm,
    OutcomeCorrectionForm,
    SurveyCorrectionForm,
)
from .models import Assessment, Goal, ProgressionOutcome, SurveyResponse
from .services import corrections
from .views import T, staff_login_required

# --- Finding the record: only among those the user may record, else "not found" ------------------------------


def _enrolment(request, enrolment_id: int):
    enrolments = access.recordable_enrolments(request.user).select_related("cohort__pilot", "learner__identity")
    return get_object_or_404(enrolments, pk=enrolment_id)


def _assessment(request, assessment_id: int) -> Assessment:
    recordable = Assessment.objects.filter(enrolment__in=access.recordable_enrolments(request.user))
    return get_object_or_404(recordable.select_related("enrolment__cohort"), pk=assessment_id)


def _goal(request, goal_id: int) -> Goal:
    recordable = Goal.objects.filter(enrolment__in=access.recordable_enrolments(request.user))
    return get_object_or_404(recordable.select_related("enrolment__cohort"), pk=goal_id)


def _outcome(request, outcome_id: int) -> ProgressionOutcome:
    recordable = ProgressionOutcome.objects.filter(learner__in=access.recordable_learners(request.user))
    return get_object_or_404(recordable.select_related("learner"), pk=outcome_id)


def _response(request, response_id: int) -> SurveyResponse:
    recordable = SurveyResponse.objects.filter(learner__in=access.recordable_learners(request.user))
    return get_object_or_404(recordable.select_related("learner", "instrument"), pk=response_id)


def _may_delete(request, record) -> None:
    if not access.can_delete_records(request.user, corrections.owner_provider_id(record)):
        raise PermissionDenied


def _enrolment_page(enrolment_id: int) -> str:
    return reverse("evaluation:enrolment", args=[enrolment_id])


def _learner_page(request, learner_id: int) -> str:
    """Where a learner's survey answers and outcomes are listed: their latest enrolment this user may record."""
    latest = access.recordable_enrolments(request.user).filter(learner_id=learner_id).order_by("-start_date").first()
    return _enrolment_page(latest.pk) if latest else reverse("evaluation:home")


def _date(value) -> str:
    return formats.date_format(value) if value else "—"


# --- The two shapes of screen ---------------------------------------------------------------------------------


def _correct(request, record, form, save, *, title: str, back: str, delete_url: str | None):
    """Show a correction form; save it through ``save`` (a service function) and go ``back``."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(request.user, record, based_on=form.based_on(), **form.values())
        except corrections.RecordChanged as changed:  # someone saved meanwhile: show what changed, let them choose
            form.show_changed(changed)
            status = 409
        except corrections.RecordGone:
            messages.error(request, _("Someone deleted this record while you were correcting it. Nothing was saved."))
            return redirect(back)
        except ValidationError as error:  # a rule of the model's that the form could not check
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Correction saved."))
            return redirect(back)
    can_delete = access.can_delete_records(request.user, corrections.owner_provider_id(record))
    context = {"form": form, "title": title, "back": back, "delete_url": delete_url if can_delete else None}
    return render(request, T + "correct_record.html", context, status=status)


def _delete(request, record, delete, *, title: str, facts: list, back: str, done: str):
    """Say what deleting ``record`` removes (``facts``, and what goes with it) and delete it once confirmed; the
    view has checked ``_may_delete``."""
    values = corrections.deletion_values(record)
    going = values.get("going", {})
    form = DeleteForm(request.POST or None, values=values, also_deletes=any(going.values()))
    changed = False
    if request.method == "POST" and form.is_valid():
        try:
            delete(request.user, record, based_on=form.based_on())
        except corrections.RecordChanged as stale:  # the page showed something else: show what goes now
            values = corrections.deletion_values(stale.current)
            going = values.get("going", {})
            form = DeleteForm(values=values, also_deletes=any(going.values()))
            changed = True
        except corrections.RecordGone:
            messages.info(request, _("This had already been deleted."))
            return redirect(done)
        else:
            messages.success(request, _("Deleted."))
            return redirect(done)
    context = {"form": form, "title": title, "facts": facts, "going": _going(going), "back": back, "changed": changed}
    return render(request, T + "confirm_delete.html", context, status=409 if changed else 200)


def _going(going: dict[str, int]) -> list[str]:
    words = {
        "attendance": lambda n: ngettext("%(count)d register mark", "%(count)d register marks", n),
        "assessments": lambda n: ngettext("%(count)d assessment", "%(count)d assessments", n),
        "goals": lambda n: ngettext("%(count)d goal", "%(count)d goals", n),
    }
    return [words[name](count) % {"count": count} for name, count in going.items() if count]


# --- Enrolments -----------------------------------------------------------------------------------------------


@staff_login_required
@never_cache  # no form with an old fingerprint from the back-forward cache
def correct_enrolment(request, enrolment_id: int):
    enrolment = _enrolment(request, enrolment_id)
    form = EnrolmentCorrectionForm(request.POST or None, enrolment=enrolment)
    title = _("Correct the enrolment of %(learner)s") % {
        "learner": access.learner_label(request.user, enrolment.learner)
    }
    delete_url = reverse("evaluation:delete_enrolment", args=[enrolment.pk])
    back = _enrolment_page(enrolment.pk)
    return _correct(
        request, enrolment, form, corrections.correct_enrolment, title=title, back=back, delete_url=delete_url
    )


@staff_login_required
@never_cache
def delete_enrolment(request, enrolment_id: int):
    enrolment = _enrolment(request, enrolment_id)
    _may_delete(request, enrolment)  # before anything about the record is read for the page
    facts = [
        (_("Learner"), access.learner_label(request.user, enrolment.learner)),
        (_("Class"), enrolment.cohort.name),
        (_("Start date"), _date(enrolment.start_date)),
        (_("Status"), enrolment.get_completion_status_display()),
    ]
    return _delete(
        request,
        enrolment,
        corrections.delete_enrolment,
        title=_("Delete this enrolment?"),
        facts=facts,
        back=_enrolment_page(enrolment.pk),
        done=reverse("evaluation:cohort", args=[enrolment.cohort_id]),
    )


# --- Assessments and goals ------------------------------------------------------------------------------------


@staff_login_required
@never_cache
def correct_assessment(request, assessment_id: int):
    assessment = _assessment(request, assessment_id)
    form = AssessmentCorrectionForm(request.POST or None, assessment=assessment)
    title = _("Correct the %(skill)s assessment") % {"skill": assessment.get_skill_display().lower()}
    delete_url = reverse("evaluation:delete_assessment", args=[assessment.pk])
    back = _enrolment_page(assessment.enrolment_id)
    save = corrections.correct_assessment
    return _correct(request, assessment, form, save, title=title, back=back, delete_url=delete_url)


@staff_login_required
@never_cache
def delete_assessment(request, assessment_id: int):
    assessment = _assessment(request, assessment_id)
    _may_delete(request, assessment)  # before anything about the record is read for the page
    facts = [
        (_("Stage"), assessment.get_stage_display()),
        (_("Skill"), assessment.get_skill_display()),
        (_("Level"), assessment.get_level_display()),
        (_("Date"), _date(assessment.date)),
    ]
    back = _enrolment_page(assessment.enrolment_id)
    title = _("Delete this assessment?")
    return _delete(request, assessment, corrections.delete_assessment, title=title, facts=facts, back=back, done=back)


@staff_login_required
@never_cache
def correct_goal(request, goal_id: int):
    goal = _goal(request, goal_id)
    form = GoalCorrectionForm(request.POST or None, goal=goal)
    delete_url = reverse("evaluation:delete_goal", args=[goal.pk])
    back = _enrolment_page(goal.enrolment_id)
    save = corrections.correct_goal
    return _correct(request, goal, form, save, title=_("Correct a goal"), back=back, delete_url=delete_url)


@staff_login_required
@never_cache
def delete_goal(request, goal_id: int):
    goal = _goal(request, goal_id)
    _may_delete(request, goal)  # before anything about the record is read for the page
    facts = [
        (_("Goal"), goal.text),
        (_("Date set"), _date(goal.set_date)),
        (_("Tutor's rating"), goal.get_rating_display() or "—"),
    ]
    back = _enrolment_page(goal.enrolment_id)
    return _delete(
        request, goal, corrections.delete_goal, title=_("Delete this goal?"), facts=facts, back=back, done=back
    )


# --- A learner's survey answers and outcomes ------------------------------------------------------------------


@staff_login_required
@never_cache
def correct_survey(request, response_id: int):
    response = _response(request, response_id)
    form = SurveyCorrectionForm(request.POST or None, response=response)
    title = _("Correct survey answers: %(wave)s") % {"wave": response.get_wave_display()}
    delete_url = reverse("evaluation:delete_survey", args=[response.pk])
    back = _learner_page(request, response.learner_id)
    save = corrections.correct_survey_answers
    return _correct(request, response, form, save, title=title, back=back, delete_url=delete_url)


@staff_login_required
@never_cache
def delete_survey(request, response_id: int):
    response = _response(request, response_id)
    _may_delete(request, response)  # before anything about the record is read for the page
    facts = [
        (_("Survey"), str(response.instrument)),
        (_("When"), response.get_wave_display()),
        (_("Date"), _date(response.date)),
        (_("Questions answered"), str(response.answers.count())),
    ]
    back = _learner_page(request, response.learner_id)
    title = _("Delete these survey answers?")
    return _delete(
        request, response, corrections.delete_survey_response, title=title, facts=facts, back=back, done=back
    )


@staff_login_required
@never_cache
def correct_outcome(request, outcome_id: int):
    outcome = _outcome(request, outcome_id)
    form = OutcomeCorrectionForm(request.POST or None, outcome=outcome)
    delete_url = reverse("evaluation:delete_outcome", args=[outcome.pk])
    back = _learner_page(request, outcome.learner_id)
    title = _("Correct where they went next")
    return _correct(request, outcome, form, corrections.correct_outcome, title=title, back=back, delete_url=delete_url)


@staff_login_required
@never_cache
def delete_outcome(request, outcome_id: int):
    outcome = _outcome(request, outcome_id)
    _may_delete(request, outcome)  # before anything about the record is read for the page
    facts = [
        (_("Destination"), outcome.get_destination_display()),
        (_("Date"), _date(outcome.date)),
        (_("Source"), outcome.get_source_display()),
    ]
    back = _learner_page(request, outcome.learner_id)
    title = _("Delete this outcome?")
    return _delete(request, outcome, corrections.delete_outcome, title=title, facts=facts, back=back, done=back)
