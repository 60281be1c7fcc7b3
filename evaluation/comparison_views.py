"""The pilot's comparison group: the observational comparison (pilot change, comparison change, difference in
differences) for evaluators, coordinators and the pilot's provider staff; and, for coordinators and provider staff,
adding people from their waiting lists and assessments who agreed.

Evaluators and coordinators see figures and pseudonyms only; a member's name is shown to their own provider's staff
(``access.learner_label``).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from esolplus.concurrency import SubmissionKeyFormMixin
from finder.models.identifiers import normalise_reference

from . import access
from .comparison import comparison_table, group_sizes
from .forms import DATE_INPUT
from .instruments import item_text
from .models import ComparisonMember, Pilot
from .services import comparison as service
from .statistics import Estimate
from .views import T, staff_login_required


class AddMemberForm(SubmissionKeyFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=_lazy("Where they are waiting"),
        choices=ComparisonMember.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _lazy("Choose the waiting list or the assessment they came from.")},
    )
    reference = forms.CharField(
        label=_lazy("Waiting-list or booking reference"),
        max_length=20,
        help_text=_lazy("As it is written on the list, for example ABCD-1234."),
        error_messages={"required": _lazy("Enter the reference from the waiting list or the assessment booking.")},
    )
    agreed = forms.BooleanField(
        label=_lazy("They agreed to answer the same surveys as the pilot's learners and to be contacted for them"),
        error_messages={"required": _lazy("Add only people who said yes: tick to confirm they agreed.")},
    )
    agreed_on = forms.DateField(
        label=_lazy("Date they agreed"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        error_messages={
            "required": _lazy("Enter the date they agreed."),
            "invalid": _lazy("Enter the date they agreed as a real date, for example 2026-03-01."),
        },
    )
    privacy_notice_version = forms.CharField(
        label=_lazy("Privacy notice version given"),
        initial=lambda: settings.EVALUATION_PRIVACY_NOTICE_VERSION,
        max_length=20,
    )

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        if not reference:
            message = _("Enter the reference as it is written: 4 letters or numbers, a dash, 4 more.")
            raise forms.ValidationError(message)
        return reference

    def clean_agreed_on(self):
        day = self.cleaned_data["agreed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date they agreed cannot be in the future."))
        return day


class PlacedForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    left_on = forms.DateField(
        label=_lazy("Placed on a class on"),
        widget=DATE_INPUT,
        initial=timezone.localdate,
        error_messages={"invalid": _lazy("Enter the date they were placed as a real date.")},
    )


def _may_view(user, pilot: Pilot) -> bool:
    """Evaluators of the pilot and coordinators (``access.can_view_pilot``), and staff of a provider on the pilot."""
    return access.can_view_pilot(user, pilot) or access.recordable_cohorts(user).filter(pilot=pilot).exists()


def _interval(estimate: Estimate) -> str:
    if not estimate.has_interval:
        return _("too few to say")
    return f"{estimate.low:+.2f} to {estimate.high:+.2f}"


def _shown(estimate: Estimate) -> dict:
    return {
        "value": "–" if estimate.value is None else f"{estimate.value:+.2f}",
        "interval": _interval(estimate),
        "p_value": "" if estimate.p_value is None else f"{estimate.p_value:.3f}",
        "n": estimate.n,
    }


@staff_login_required
def comparison(request, slug: str):
    pilot = get_object_or_404(Pilot, slug=slug)
    if not _may_view(request.user, pilot):
        raise PermissionDenied
    today = timezone.localdate()
    providers = sorted(
        {(c.provider_id, c.provider.title) for c in pilot.cohorts.select_related("provider")}, key=lambda p: p[1]
    )
    chosen = request.GET.get("provider", "")
    provider_id = int(chosen) if chosen.isdigit() and int(chosen) in {pk for pk, _title in providers} else None
    rows = [
        {
            "construct": row.construct,
            "question": item_text(row.item),
            "higher_is_better": row.item.higher_is_better,
            "pilot": _shown(row.pilot),
            "comparison": _shown(row.comparison),
            "difference": _shown(row.difference),
        }
        for row in comparison_table(pilot, today, provider_id=provider_id)
    ]
    return render(
        request,
        T + "comparison.html",
        {
            "pilot": pilot,
            "rows": rows,
            "sizes": group_sizes(pilot, today),
            "providers": providers,
            "provider_id": provider_id,
            "may_add": service.may_add_members(request.user, pilot),
            "may_see_dashboard": access.can_view_pilot(request.user, pilot),
        },
    )


def _members(user, pilot: Pilot) -> list[dict]:
    return [
        {"member": member, "label": access.learner_label(user, member.learner)}
        for member in service.members_for(user, pilot).order_by("joined_on", "pk")
    ]


def _mark_placed(request, pilot: Pilot):
    form = PlacedForm(request.POST)
    member = None
    if form.is_valid():
        member = service.members_for(request.user, pilot).filter(pk=form.cleaned_data["member"]).first()
    if member is None:
        messages.error(request, _("Nothing was changed: choose a member of your comparison group and a real date."))
        return redirect("evaluation:comparison_add", slug=pilot.slug)
    try:
        service.mark_left(request.user, member, on=form.cleaned_data["left_on"])
    except service.CannotAddToComparison as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Marked as placed: their answers after that day are not used."))
    return redirect("evaluation:comparison_add", slug=pilot.slug)


ADD = {
    ComparisonMember.Source.WAITING_LIST: service.add_from_waiting_list,
    ComparisonMember.Source.ASSESSED_NOT_PLACED: service.add_from_assessment,
}


@staff_login_required
def comparison_add(request, slug: str):
    """Add someone who agreed, from a waiting list or an assessment; or mark a member as placed on a class."""
    pilot = get_object_or_404(Pilot, slug=slug)
    if not service.may_add_members(request.user, pilot):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "placed":
        return _mark_placed(request, pilot)
    if request.method == "POST":
        form = AddMemberForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member, created = ADD[data["source"]](
                    request.user,
                    pilot,
                    data["reference"],
                    agreed_on=data["agreed_on"],
                    privacy_notice_version=data["privacy_notice_version"],
                    submission_key=data["submission_key"],
                )
            except service.CannotAddToComparison as refused:
                form.add_error(refused.field if refused.field in form.fields else None, refused.message)
            else:
                label = access.learner_label(request.user, member.learner)
                if created:
                    messages.success(request, _("%(name)s joined the comparison group.") % {"name": label})
                else:
                    messages.info(request, _("%(name)s is already in the comparison group.") % {"name": label})
                return redirect("evaluation:comparison_add", slug=pilot.slug)
    else:
        initial = {}
        if request.GET.get("source") in ADD:
            initial = {"source": request.GET["source"], "reference": request.GET.get("reference", "")[:20]}
        form = AddMemberForm(initial=initial)
    return render(
        request,
        T + "comparison_add.html",
        {
            "pilot": pilot,
            "form": form,
            "waiting": service.waiting_list_candidates(request.user, pilot).order_by("created_at", "pk")[:200],
            "assessed": service.assessed_candidates(request.user, pilot).order_by("created_at", "pk")[:200],
            "members": _members(request.user, pilot),
        },
    )
