"""Staff screens for surveys by link: who is due which wave (per cohort; per pilot for the comparison group), and
the invite button.

Who: the cohort's provider staff and programme coordinators (``access.recordable_cohorts``/``recordable_learners``);
for the comparison group, coordinators and the staff of each member's provider. Evaluators never see these lists:
they show who can be contacted. Names only for the learner's own provider's staff (``access.learner_label``); no
screen shows a phone number or email address.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.cldr import language_name
from esolplus.roles import is_coordinator, staff_provider_ids

from . import access, survey_due
from .models import Pilot, SurveyInvitation, SurveyResponse
from .services.invitations import CannotInvite, current_instrument, invite
from .views import staff_login_required

T = "pages/evaluation/"


def _language_choices():
    return [(code, language_name(code, "en") or name) for code, name in settings.LANGUAGES]


class InviteForm(forms.Form):
    wave = forms.ChoiceField(label=gettext_lazy("Survey"), choices=SurveyResponse.Wave.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Send by"), choices=SurveyInvitation.Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=_language_choices)
    back = forms.CharField(required=False, widget=forms.HiddenInput)


def _labelled(user, rows):
    for row in rows:
        row.label = access.learner_label(user, row.learner)
    return sorted(rows, key=lambda row: (row.label.casefold(), row.due_from))


@staff_login_required
def cohort_due(request, cohort_id: int):
    cohort = get_object_or_404(access.recordable_cohorts(request.user).select_related("pilot"), pk=cohort_id)
    rows = _labelled(request.user, survey_due.cohort_due(cohort, timezone.localdate()))
    context = {"cohort": cohort, "rows": rows, "languages": _language_choices(), "back": request.path}
    return render(request, T + "survey_due.html", context)


@staff_login_required
def comparison_due(request, slug: str):
    pilot = get_object_or_404(Pilot, slug=slug)
    providers = None if is_coordinator(request.user) else list(staff_provider_ids(request.user))
    members = survey_due.comparison_members(pilot, providers)
    if providers is not None and not members.exists():
        raise Http404  # staff with no member in this pilot's comparison group (and evaluators): nothing to see
    rows = _labelled(request.user, survey_due.comparison_due(members, timezone.localdate()))
    context = {"pilot": pilot, "rows": rows, "languages": _language_choices(), "back": request.path}
    return render(request, T + "survey_due_comparison.html", context)


@staff_login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite_survey(request, learner_id: int):
    """Send a learner a survey link (POST); GET shows the choices (wave, text message or email, language)."""
    learner = get_object_or_404(
        access.recordable_learners(request.user).select_related("identity__enquiry"), pk=learner_id
    )
    initial = {
        "wave": request.GET.get("wave", SurveyResponse.Wave.BASELINE),
        "language": survey_due.suggested_language(learner),
        "channel": SurveyInvitation.Channel.SMS,
        "back": request.GET.get("back", ""),
    }
    form = InviteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        instrument = current_instrument()
        already = SurveyInvitation.objects.filter(learner=learner, instrument=instrument, wave=data["wave"]).first()
        try:
            invitation = invite(
                learner,
                data["wave"],
                channel=data["channel"],
                language=data["language"],
                by=request.user,
                today=timezone.localdate(),
            )
        except CannotInvite as error:
            form.add_error(None, str(error))
        else:
            if already is not None:
                messages.info(request, _("This learner was already invited to this survey."))
            else:
                messages.success(request, _("Invitation sent (%s).") % invitation.get_channel_display())
            back = data.get("back") or ""
            if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
                return redirect(back)
            return redirect("evaluation:home")
    context = {"form": form, "label": access.learner_label(request.user, learner), "learner": learner}
    return render(request, T + "survey_due_invite.html", context, status=400 if form.errors else 200)
