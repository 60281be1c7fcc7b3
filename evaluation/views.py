"""Screens for provider staff: cohorts, registers, learners, goals, surveys, outcomes and imports (pilot screens
for evaluators and coordinators are in pilot_views).

Every view asks evaluation.access for what the user may see: objects outside it are "not found" (404), and
pages a role may never use are "forbidden" (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from esolplus.concurrency import StaleVersion
from finder.models import Enquiry

from . import access, services
from .absence_alerts import absence_alerts
from .forms import (
    AssessmentForm,
    ConsentForm,
    EndEnrolmentForm,
    EnrolForm,
    GoalForm,
    GoalRatingForm,
    IdentityForm,
    ImportForm,
    LearnerForm,
    OutcomeForm,
    RegisterForm,
)
from .indicators import PERSISTENT_ABSENCE_RUN
from .instruments import instruction
from .models import Attendance, AuditEntry, Goal
from .services.assessments_from_finder import carry_over_assessment
from .services.imports import import_assessments, import_registers
from .survey_forms import SurveyForm, chosen_instrument, survey_versions

staff_login_required = login_required(login_url="wagtailadmin_login")
MAX_ID = 2**63 - 1  # a longer number in a query string is no record: "not found", not a server error
T = "pages/evaluation/"


@staff_login_required
def home(request):
    cohorts = access.recordable_cohorts(request.user).select_related("pilot", "provider")
    pilots = access.viewable_pilots(request.user)
    if not cohorts and not pilots:
        raise PermissionDenied
    return render(request, T + "home.html", {"cohorts": cohorts, "pilots": pilots})


@staff_login_required
def cohort_detail(request, cohort_id: int):
    cohort = get_object_or_404(access.recordable_cohorts(request.user).select_related("pilot"), pk=cohort_id)
    enrolments = access.labelled_enrolments(request.user, cohort.enrolments.select_related("learner__identity"))
    enquiries = Enquiry.objects.none()
    if access.can_see_enquirers(request.user, cohort):
        enquiries = Enquiry.objects.filter(class_page_id=cohort.class_page_id).exclude(status=Enquiry.Status.ENROLLED)
    context = {"cohort": cohort, "sessions": cohort.sessions.all(), "enrolments": enrolments, "enquiries": enquiries}
    context["absence_alerts"] = absence_alerts(cohort, enrolments, timezone.localdate())
    context["absence_run"] = PERSISTENT_ABSENCE_RUN
    return render(request, T + "cohort.html", context)


@staff_login_required
@require_POST
def schedule_sessions(request, cohort_id: int):
    cohort = get_object_or_404(access.recordable_cohorts(request.user), pk=cohort_id)
    count = services.schedule_sessions(request.user, cohort)
    messages.success(request, _("%(count)s sessions added from the class timetable.") % {"count": count})
    return redirect("evaluation:cohort", cohort_id=cohort.id)


@staff_login_required
def take_register(request, session_id: int):
    session = get_object_or_404(access.recordable_sessions(request.user).select_related("cohort"), pk=session_id)
    enrolments = access.labelled_enrolments(
        request.user,
        session.cohort.enrolments.filter(start_date__lte=session.date)
        .exclude(actual_end_date__lt=session.date)
        .select_related("learner__identity"),
    )
    if session.status == session.Status.CANCELLED:  # reinstate it first (session_views): a cancelled one never counts
        context = {"session": session, "cancelled": True}
        return render(request, T + "register.html", context, status=409 if request.method == "POST" else 200)
    marks = dict(session.attendance.values_list("enrolment_id", "status"))
    minutes = (
        dict(session.attendance.values_list("enrolment_id", "minutes")) if session.cohort.records_minutes else None
    )
    form = RegisterForm(
        request.POST or None,
        enrolments=enrolments,
        marks=marks,
        version=session.register_version,
        minutes=minutes,
        length=session.minutes,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.take_register(
                request.user, session, form.marks(), form.minutes(), based_on=form.cleaned_data["based_on"]
            )
        except StaleVersion as stale:  # someone else saved it meanwhile: show what changed, let them choose
            form.show_register_conflict(stale, dict(session.attendance.values_list("enrolment_id", "status")))
            status = 409
        else:
            messages.success(request, _("Register saved."))
            return redirect("evaluation:cohort", cohort_id=session.cohort_id)
    context = {"session": session, "form": form, "statuses": Attendance.Status}
    return render(request, T + "register.html", context, status=status)


@staff_login_required
@never_cache  # no stale form (and its used submission key) from the back-forward cache
def enrol_learner(request, cohort_id: int):
    """Add a learner (from an enquiry when there was one) and enrol them on the cohort."""
    cohort = get_object_or_404(access.recordable_cohorts(request.user), pk=cohort_id)
    enquiry = None
    enquiry_id = request.GET.get("enquiry", "")
    if enquiry_id:
        known = enquiry_id.isdecimal() and int(enquiry_id) <= MAX_ID
        if not (known and access.can_see_enquirers(request.user, cohort)):
            raise Http404
        enquiry = get_object_or_404(Enquiry, pk=int(enquiry_id), class_page_id=cohort.class_page_id)
    initial_identity = {"full_name": enquiry.name, "phone": enquiry.phone, "email": enquiry.email} if enquiry else {}
    data = request.POST or None
    forms_ = {
        "learner": LearnerForm(data, prefix="learner"),
        "identity": IdentityForm(data, prefix="identity", initial=initial_identity),
        "consent": ConsentForm(data, prefix="consent"),
        "enrol": EnrolForm(data, prefix="enrol", initial={"start_date": timezone.localdate()}),
    }
    valid = request.method == "POST" and all(f.is_valid() for f in forms_.values())
    result = forms_["enrol"].assessment_result(cohort.provider, request.user) if valid else None
    if valid and forms_["enrol"].is_valid():
        try:
            enrolment = services.register_and_enrol(  # once, however often the form is sent
                request.user,
                cohort,
                characteristics=forms_["learner"].cleaned_data,
                identity=forms_["identity"].cleaned_data,
                consent={**forms_["consent"].cleaned_data, "recorded_on": timezone.localdate()},
                enquiry=enquiry,
                **forms_["enrol"].enrolment(),
            )
        except services.CannotEnrol as refusal:
            forms_["identity"].add_error(refusal.field, refusal.message)
        else:
            if enrolment is not None and result is not None:
                carry_over_assessment(request.user, enrolment, result)
            messages.success(request, _("Learner added and enrolled."))
            return redirect("evaluation:cohort", cohort_id=cohort.id)
    return render(request, T + "enrol.html", {"cohort": cohort, "enquiry": enquiry, **forms_})


@staff_login_required
@never_cache  # no stale form (and its used submission key) from the back-forward cache
def enrolment_detail(request, enrolment_id: int):
    enrolment = get_object_or_404(
        access.recordable_enrolments(request.user).select_related("cohort__pilot", "learner__identity"),
        pk=enrolment_id,
    )
    action = request.POST.get("action")
    data = request.POST or None
    forms_ = {
        "assessment": AssessmentForm(
            data if action == "assessment" else None, prefix="assessment", enrolment=enrolment
        ),
        "goal": GoalForm(data if action == "goal" else None, prefix="goal"),
        "end": EndEnrolmentForm(data if action == "end" else None, prefix="end", enrolment=enrolment),
    }
    status = 200
    if request.method == "POST":
        form = forms_.get(action)
        if form is not None and form.is_valid():
            save = {"assessment": services.record_assessment, "goal": services.add_goal, "end": services.end_enrolment}
            try:
                save[action](request.user, enrolment, **form.cleaned_data)
            except StaleVersion as stale:  # someone else saved it meanwhile: show what changed, let them choose
                form.show_conflict(stale)
                status = 409
            else:
                messages.success(request, _("Saved."))
                return redirect("evaluation:enrolment", enrolment_id=enrolment.id)
    return render(
        request,
        T + "enrolment.html",
        {
            "enrolment": enrolment,
            "label": access.learner_label(request.user, enrolment.learner),
            "assessments": enrolment.assessments.all(),
            "goals": enrolment.goals.all(),
            "can_see_identity": access.can_see_identity(request.user, enrolment.learner),
            **forms_,
        },
        status=status,
    )


@staff_login_required
@never_cache  # no stale form (and its used submission key) from the back-forward cache
def rate_goal(request, goal_id: int):
    goal = get_object_or_404(Goal.objects.filter(enrolment__in=access.recordable_enrolments(request.user)), pk=goal_id)
    form = GoalRatingForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_goal(request.user, goal, **form.cleaned_data)
        except StaleVersion as stale:
            form.show_conflict(stale)
        else:
            return redirect("evaluation:enrolment", enrolment_id=goal.enrolment_id)
    context = {"form": form, "title": _("Rate a goal"), "subtitle": goal.text}
    return render(request, T + "form.html", context, status=409 if form.conflict is not None else 200)


def _recordable_learner(request, learner_id: int):
    return get_object_or_404(access.recordable_learners(request.user), pk=learner_id)


@staff_login_required
@never_cache  # no stale form (and its used submission key) from the back-forward cache
def record_survey(request, learner_id: int):
    learner = _recordable_learner(request, learner_id)
    instrument = chosen_instrument(request.POST.get("version") or request.GET.get("version"))
    if instrument is None:
        raise Http404
    form = SurveyForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        services.record_survey(
            request.user,
            learner,
            instrument,
            wave=form.cleaned_data["wave"],
            date=form.cleaned_data["date"],
            answers=form.answers(),
            submission_key=form.cleaned_data["submission_key"],
        )
        messages.success(request, _("Survey answers saved."))
        return redirect("evaluation:home")
    context = {"form": form, "title": str(instrument), "versions": survey_versions(), "instruction": instruction()}
    return render(request, T + "survey_form.html", context)


@staff_login_required
@never_cache  # no stale form (and its used submission key) from the back-forward cache
def record_outcome(request, learner_id: int):
    learner = _recordable_learner(request, learner_id)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_outcome(request.user, learner, **form.cleaned_data)
        messages.success(request, _("Outcome saved."))
        return redirect("evaluation:home")
    return render(request, T + "form.html", {"form": form, "title": _("Where did they go next?")})


def _identity_learner(request, learner_id: int):
    """Only staff of the learner's own provider: everyone else gets "not found"."""
    return get_object_or_404(access.identity_visible_learners(request.user), pk=learner_id)


@staff_login_required
def identity(request, learner_id: int):
    learner = _identity_learner(request, learner_id)
    # Who looked at whose name and contact details, and when (UK GDPR accountability).
    services.record_audit(request.user, AuditEntry.Action.ACCESS, learner, viewed="identity")
    return render(request, T + "identity.html", {"learner": learner, "identity": getattr(learner, "identity", None)})


@staff_login_required
def subject_access(request, learner_id: int):
    learner = _identity_learner(request, learner_id)
    data = services.subject_access(request.user, learner)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="subject-access-{learner.pk}.json"'
    return response


@staff_login_required
@require_POST
def erase(request, learner_id: int):
    learner = _identity_learner(request, learner_id)
    services.erase_learner(request.user, learner)
    messages.success(request, _("The learner's identity has been erased."))
    return redirect("evaluation:home")


@staff_login_required
def import_csv(request, cohort_id: int):
    cohort = get_object_or_404(access.recordable_cohorts(request.user), pk=cohort_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        importer = import_registers if form.cleaned_data["kind"] == "register" else import_assessments
        result = importer(request.user, cohort, form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("%(rows)s rows imported.") % {"rows": result.rows})
            return redirect("evaluation:cohort", cohort_id=cohort.id)
    return render(request, T + "import.html", {"cohort": cohort, "form": form, "result": result})
