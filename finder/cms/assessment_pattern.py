"""A weekly pattern of assessment slots: one slot a week at the same time and place, added in one go.

Each slot is created exactly as the slot form's own "submit for approval" creates one (Wagtail's ``CreateAction``:
a draft row and its first revision, logged), and then goes into the coordinators' approval workflow; a coordinator's
own pattern is published straight away, as their own single slot could be. All or none: one transaction.

The same pattern sent twice (a double click, a browser retry) must not make every slot twice, and a slot has no
submission key to tell a repeat by. So a pattern is refused when the provider already has a slot at the same place
(the venue, or by phone) starting at one of its times: the first send made them, the second adds nothing. Sends of
the same pattern at the same moment queue behind a lock on the provider's row, so the second sees the first's slots.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction
from wagtail.admin import messages
from wagtail.models import Page

from esolplus.roles import is_coordinator
from finder.cms.assessment_forms import WeeklyPatternForm, may_use
from finder.models import AssessmentSlot


class PatternClash(Exception):
    """The provider already has a slot at this place and time (often: this very pattern, sent a moment ago)."""

    def __init__(self, slot: AssessmentSlot):
        super().__init__(str(slot))
        self.slot = slot


@transaction.atomic
def create_pattern(form: WeeklyPatternForm, user) -> list[AssessmentSlot]:
    """The pattern's slots, each a draft submitted for approval (published, for a coordinator); ``PatternClash``
    and nothing stored when one of its times is taken already at that place."""
    data = form.cleaned_data
    provider = data["provider"]
    Page.objects.select_for_update().filter(pk=provider.pk).first()  # one pattern per provider at a time
    starts = form.starts()
    clash = (
        AssessmentSlot.objects.filter(provider=provider, mode=data["mode"], venue=data["venue"], starts_at__in=starts)
        .select_related("venue")
        .first()
    )
    if clash is not None:
        raise PatternClash(clash)
    publish = is_coordinator(user)
    slots = []
    for starts_at in starts:
        slot = AssessmentSlot(
            provider=provider,
            mode=data["mode"],
            venue=data["venue"],
            starts_at=starts_at,
            length_minutes=data["length_minutes"],
            places=data["places"],
            creche=data["creche"],
            notes=data["notes"],
        )
        slot.assessor_languages = list(data["assessor_languages"])
        CreateAction(slot, user=user, publish=publish, clean=True).execute(skip_permission_checks=True)
        workflow = None if publish else slot.get_workflow()
        if workflow is not None:
            workflow.start(slot, user)
        slots.append(slot)
    return slots


def add_weekly_pattern(request):
    if not may_use(request.user):
        raise PermissionDenied
    form = WeeklyPatternForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            slots = create_pattern(form, request.user)
        except PatternClash as clash:
            when = timezone.localtime(clash.slot.starts_at)
            form.add_error(
                None,
                _(
                    "Nothing was added: there is already a slot at %(time)s on %(date)s at this place. "
                    "If you sent this pattern twice, its slots are in the list already."
                )
                % {"time": f"{when:%H:%M}", "date": f"{when:%d/%m/%Y}"},
            )
        else:
            if is_coordinator(request.user):
                done = _("Slots added and published: %(count)s.")
            else:
                done = _("Slots added and sent to a coordinator for approval: %(count)s.")
            messages.success(request, done % {"count": len(slots)})
            return redirect(reverse("wagtailsnippets_finder_assessmentslot:list"))
    context = {"page_title": _("Add a weekly pattern"), "header_icon": "date", "form": form}
    return TemplateResponse(request, "finder/admin/assessment_pattern.html", context)
