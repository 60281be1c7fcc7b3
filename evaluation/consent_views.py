"""Staff record that a learner withdrew consent to research or to follow-up contact.

Only staff of the learner's own provider (who know who the learner is: ``access.identity_visible_learners``) may
record it; everyone else gets "not found". From the withdrawal date the learner is out of research exports and
analysis, or not to be contacted (``evaluation.consent``).
"""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import access
from .consent import agrees, consent_on, may_contact_for_follow_up
from .forms import DATE_INPUT
from .services.consent import CannotWithdraw, withdraw_consent
from .views import MAX_ID, staff_login_required

T = "pages/evaluation/"
RESEARCH, FOLLOW_UP = "research", "follow_up_contact"


class ConsentWithdrawalForm(forms.Form):
    withdrawn = forms.MultipleChoiceField(
        label=_("What does the learner withdraw?"),
        choices=[
            (RESEARCH, _("Taking part in the research (their records leave research exports and figures)")),
            (FOLLOW_UP, _("Being contacted later (no follow-up calls, texts or surveys)")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick what the learner withdraws."), "invalid_choice": _("Tick from the list.")},
    )
    on = forms.DateField(
        label=_("From"),
        help_text=_("The day the learner told you."),
        widget=DATE_INPUT,
        initial=datetime.date.today,
        error_messages={"required": _("Enter the day the learner told you."), "invalid": _("Enter a real date.")},
    )

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return on


def _return_to(request, learner, enrolment_id: str) -> str | None:
    """The enrolment page the form was opened from, if it is this learner's and the user may see it (else None)."""
    if not (enrolment_id.isdecimal() and int(enrolment_id) <= MAX_ID):
        return None
    enrolments = access.recordable_enrolments(request.user).filter(learner=learner, pk=int(enrolment_id))
    return enrolment_id if enrolments.exists() else None


@staff_login_required
@never_cache
def withdraw(request, learner_id: int):
    learner = get_object_or_404(access.identity_visible_learners(request.user), pk=learner_id)
    enrolment_id = _return_to(request, learner, request.POST.get("enrolment") or request.GET.get("enrolment", ""))
    form = ConsentWithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["withdrawn"])
        try:
            record = withdraw_consent(
                request.user,
                learner,
                research=RESEARCH in chosen,
                follow_up_contact=FOLLOW_UP in chosen,
                on=form.cleaned_data["on"],
            )
        except CannotWithdraw:
            latest = learner.consents.order_by("-recorded_on").first()
            form.add_error(
                "on",
                gettext("The learner's consent was recorded on %(day)s: the withdrawal cannot be earlier.")
                % {"day": latest.recorded_on.isoformat() if latest else "—"},
            )
        else:
            messages.success(request, gettext("Withdrawal recorded.") if record else gettext("Already recorded."))
            if enrolment_id:
                return redirect("evaluation:enrolment", enrolment_id=enrolment_id)
            return redirect("evaluation:identity", learner_id=learner.id)
    today = timezone.localdate()
    consent = consent_on(learner, today)
    context = {
        "learner": learner,
        "label": access.learner_label(request.user, learner),
        "form": form,
        "enrolment_id": enrolment_id,
        "consent": consent,
        "agreed_research": agrees(consent, today, RESEARCH),
        "may_contact": may_contact_for_follow_up(learner, today),
    }
    return render(request, T + "consent_withdraw.html", context)
