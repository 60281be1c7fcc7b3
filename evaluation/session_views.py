"""Screens for changing a cohort's timetable: move, cancel or reinstate a session, or add one.

Whoever may take a session's register may change the session (``access.recordable_sessions`` and
``recordable_cohorts``: the provider's own staff, and coordinators); anyone else gets "not found". The writes are in
``evaluation.services.sessions``; these views only show the forms and what happened.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from esolplus.concurrency import StaleVersion

from . import access
from .models import Session
from .services import sessions as changes
from .session_forms import AddSessionForm, CancelSessionForm, MoveSessionForm, ReinstateSessionForm
from .views import staff_login_required

T = "pages/evaluation/"


def _when(session: Session) -> str:
    return f"{formats.date_format(session.date, 'D j M Y')}, {session.start_time:%H:%M}"


@staff_login_required
@never_cache  # no stale form (and its old version) from the back-forward cache
def change_session(request, session_id: int):
    session = get_object_or_404(access.recordable_sessions(request.user).select_related("cohort__pilot"), pk=session_id)
    marks = session.attendance.count()
    action = request.POST.get("action")

    def bound(name):
        return request.POST if action == name else None

    forms_ = {
        "move": MoveSessionForm(bound("move"), prefix="move", session=session),
        "cancel": CancelSessionForm(bound("cancel"), prefix="cancel", session=session, marks=marks),
        "reinstate": ReinstateSessionForm(bound("reinstate"), prefix="reinstate", session=session),
    }
    status = 200
    form = forms_.get(action) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            done = _apply(request, action, session, form)
        except StaleVersion as stale:  # someone changed the session or its register meanwhile
            form.show_conflict(stale)
            status = 409
        except changes.CannotChangeSession as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, done)
            return redirect("evaluation:cohort", cohort_id=session.cohort_id)
    context = {"session": session, "marks": marks, **forms_}
    return render(request, T + "session_change.html", context, status=status)


def _apply(request, action: str, session: Session, form) -> str:
    """Make the change the form asks for; what to tell the person."""
    data, based_on = form.cleaned_data, form.cleaned_data["based_on"]
    if action == "move":
        moved = changes.move_session(request.user, session, **form.slot(), based_on=based_on)
        return _("Session moved to %(when)s. Its register stays with it.") % {"when": _when(moved)}
    if action == "cancel":
        removed = changes.cancel_session(request.user, session, based_on=based_on, reason=data["reason"])
        done = _("Session on %(when)s cancelled.") % {"when": _when(session)}
        if removed:
            done += " " + ngettext(
                "%(count)d register mark was removed.", "%(count)d register marks were removed.", removed
            ) % {"count": removed}
        return done
    changes.reinstate_session(request.user, session, based_on=based_on)
    return _("Session on %(when)s reinstated: it is planned again.") % {"when": _when(session)}


@staff_login_required
@never_cache
def add_session(request, cohort_id: int):
    cohort = get_object_or_404(access.recordable_cohorts(request.user).select_related("pilot"), pk=cohort_id)
    form = AddSessionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:  # the same form sent twice finds the session the first one added
            session, created = changes.add_session(request.user, cohort, **form.slot())
        except changes.CannotChangeSession as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            done = _("Session added: %(when)s.") if created else _("This session is in the timetable: %(when)s.")
            messages.success(request, done % {"when": _when(session)})
            return redirect("evaluation:cohort", cohort_id=cohort.id)
    return render(request, T + "session_add.html", {"cohort": cohort, "form": form})
