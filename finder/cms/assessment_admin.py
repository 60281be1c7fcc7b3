"""Assessments in the Wagtail admin: slots (a snippet, approved by a coordinator like venues), the assessors'
register and results, looking up another provider's result by its reference, and referring a learner to a class.

The boundary is ``finder.cms.assessment_forms.providers_for``: an editor works with their own providers' and hubs'
slots, bookings and results only (another's, or a guessed id, is "not found"); coordinators with every provider's,
as on the enquiries screens, learners' names included. Another provider's result is seen only through a look-up
with the learner's reference and consent, and may then be used for a referral by the person who looked it up.
The rules themselves are ``finder.assessment_services``.
"""

import datetime

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet

from esolplus.concurrency import StaleVersion
from finder import assessment_services
from finder.cms.assessment_forms import (
    LookupForm,
    ReferForm,
    ResultForm,
    SlotForm,
    SlotPermissionPolicy,
    bookings_visible_to,
    may_use,
    results_visible_to,
    slots_visible_to,
    version_of,
)
from finder.cms.assessment_pattern import add_weekly_pattern
from finder.cms.boundary import valid_ids
from finder.models import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot, Enquiry

Status = AssessmentBooking.Status
LOOKUP_VALID_FOR = datetime.timedelta(hours=12)  # how long a look-up lets its user refer the learner


# --- Slots: permissions and the snippet --------------------------------------------------------------------------


register_permission_policy(AssessmentSlot, SlotPermissionPolicy(AssessmentSlot))


class OwnSlotMixin:
    """Another provider's slot is not there (404), checked before Wagtail's views load it or its revisions."""

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk", args[0] if args else None)
        if pk is not None and not slots_visible_to(request.user).filter(pk__in=valid_ids([pk])).exists():
            raise Http404
        super().setup(request, *args, **kwargs)


class SlotChooseView(snippet_chooser.ChooseView):
    def get_object_list(self):
        return slots_visible_to(self.request.user)


class SlotChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self):
        return slots_visible_to(self.request.user)


class SlotChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return get_object_or_404(slots_visible_to(self.request.user), pk__in=valid_ids([unquote(str(pk))]))


class SlotChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return slots_visible_to(self.request.user).filter(pk__in=valid_ids(pks))


class SlotChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = SlotChooseView
    choose_results_view_class = SlotChooseResultsView
    chosen_view_class = SlotChosenView
    chosen_multiple_view_class = SlotChosenMultipleView


class SlotDeleteView(SnippetDeleteView):
    def form_valid(self, form):
        """A booked slot stays: its bookings (cancelled ones too) and their results refer to it."""
        if self.object.bookings.exists():
            messages.error(
                self.request,
                _(
                    "Learners have booked this slot, so it cannot be deleted. To take no more bookings, set its places "
                    "to the number already booked."
                ),
            )
            return redirect("wagtailsnippets_finder_assessmentslot:edit", self.object.pk)
        return super().form_valid(form)


class AssessmentSlotViewSet(SnippetViewSet):
    model = AssessmentSlot
    icon = "date"
    menu_label = gettext_lazy("Assessment slots")
    add_to_admin_menu = False  # in the "Assessments" menu below
    list_display = [
        Column("__str__", label=gettext_lazy("Slot")),
        "provider",
        "places",
        Column("booked", label=gettext_lazy("Booked")),
    ]
    list_filter = ["mode", "live"]
    ordering = ["-starts_at"]
    copy_view_enabled = True  # a quick way to add one more slot like another
    chooser_viewset_class = SlotChooserViewSet
    delete_view_class = SlotDeleteView
    panels = [
        FieldPanel("provider"),
        FieldPanel("mode"),
        FieldPanel("venue"),
        FieldPanel("starts_at", widget=AdminDateTimeInput),
        FieldPanel("length_minutes"),
        FieldPanel("places"),
        FieldPanel("assessor_languages", widget=forms.CheckboxSelectMultiple),
        FieldPanel("creche"),
        FieldPanel("notes"),
    ]

    def construct_view(self, view_class, **kwargs):
        """Every view of one slot (edit, delete, copy, history, revisions, workflow, lock) answers 404 for another
        provider's; views without a slot pass through."""
        if not issubclass(view_class, OwnSlotMixin):
            view_class = type(view_class.__name__, (OwnSlotMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)

    def get_queryset(self, request):
        return slots_visible_to(request.user).select_related("provider", "venue")

    def get_form_class(self, for_update=False):
        return type("ScopedSlotForm", (SlotForm, super().get_form_class(for_update=for_update)), {})


register_snippet(AssessmentSlotViewSet)


# --- The assessors' register -------------------------------------------------------------------------------------


def _allowed(user) -> None:
    if not may_use(user):
        raise PermissionDenied


def _day(request) -> datetime.date:
    try:
        return parse_date(request.GET.get("date", "")) or timezone.localdate()
    except ValueError:  # a date that looks right but is not one, such as 2025-02-30
        return timezone.localdate()


def bookings(request):
    """One day's bookings, slot by slot, with the register: assessed, did not come, cancel, record the result."""
    _allowed(request.user)
    day = _day(request)
    visible = bookings_visible_to(request.user)
    rows = (
        visible.filter(slot__starts_at__date=day)
        .select_related("slot__provider", "slot__venue", "result")
        .order_by("slot__starts_at", "slot__pk", "name", "pk")
    )
    coming = visible.active().filter(slot__starts_at__gte=timezone.now()).datetimes("slot__starts_at", "day")[:14]
    context = {
        "page_title": _("Assessment bookings"),
        "header_icon": "date",
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "bookings": rows,
        "coming_days": [moment.date() for moment in coming],
    }
    return TemplateResponse(request, "finder/admin/assessment_bookings.html", context)


def _back_to_day(booking):
    day = timezone.localtime(booking.slot.starts_at).date()
    return redirect(f"{reverse('finder_assessment_bookings')}?date={day.isoformat()}")


@require_POST
def register(request, pk: int, action: str):
    _allowed(request.user)
    booking = get_object_or_404(bookings_visible_to(request.user).select_related("slot"), pk=pk)
    if action == "attended":
        changed = assessment_services.mark_attendance(booking, attended=True)
        done = _("%(reference)s is marked as assessed.")
    elif action == "no_show":
        changed = assessment_services.mark_attendance(booking, attended=False)
        done = _("%(reference)s is marked as did not come.")
    elif action == "cancel":
        changed = assessment_services.cancel(booking)
        done = _("%(reference)s is cancelled and its place is free again. The learner is told.")
    else:
        raise Http404
    if changed:
        messages.success(request, done % {"reference": booking.reference})
    else:
        unchanged = _("Nothing changed: %(reference)s was cancelled or assessed already.")
        messages.warning(request, unchanged % {"reference": booking.reference})
    return _back_to_day(booking)


@transaction.atomic
def save_result(form: ResultForm, booking, user) -> AssessmentResult:
    """Store the form's result unless someone saved one since the form was shown (``StaleVersion``)."""
    current = AssessmentResult.objects.select_for_update().filter(booking=booking).first()
    if version_of(current) != form.cleaned_data["based_on"]:
        raise StaleVersion(version_of(current), current)
    result = form.save(commit=False)
    result.booking = booking
    result.assessed_by = result.assessed_by or user
    assessment_services.record_result(result, send_to_learner=form.cleaned_data["send_to_learner"])
    form.save_m2m()
    return result


def result(request, pk: int):
    """Record a booking's result, or change it; and refer the learner to a class from it."""
    _allowed(request.user)
    booking = get_object_or_404(bookings_visible_to(request.user).select_related("slot__provider"), pk=pk)
    saved = AssessmentResult.objects.filter(booking=booking).first()
    if booking.status == Status.CANCELLED and saved is None:
        messages.warning(request, _("This booking was cancelled: there is no assessment to record."))
        return _back_to_day(booking)
    form = ResultForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        try:
            save_result(form, booking, request.user)
        except StaleVersion as stale:
            form.show_conflict(stale)
        else:
            sent = form.cleaned_data["send_to_learner"]
            messages.success(request, _("Result saved and sent to the learner.") if sent else _("Result saved."))
            return redirect("finder_assessment_result", pk=booking.pk)
    context = {
        "page_title": _("Assessment result"),
        "header_icon": "clipboard-list",
        "booking": booking,
        "form": form,
        "result": saved,
        "refer_form": ReferForm() if saved else None,
        "placements": saved.placements.select_related("class_page") if saved else [],
    }
    return TemplateResponse(request, "finder/admin/assessment_result.html", context)


# --- Another provider's result, and referrals --------------------------------------------------------------------


def levels_of(result: AssessmentResult) -> list[tuple[str, object]]:
    return [(AssessmentResult._meta.get_field(skill).verbose_name, level) for skill, level in result.levels()]


def look_up(request):
    """The result a learner lets a provider see, by its reference: only with their consent, confirmed now.

    One answer for every reference that finds nothing (unknown, or not shared), so a reference cannot be tried to
    find out whether it exists."""
    _allowed(request.user)
    form = LookupForm(request.POST or None, user=request.user)
    found = None
    if request.method == "POST" and form.is_valid():
        found = assessment_services.look_up_result(
            form.cleaned_data["reference"], learner_consents=True, provider=form.looking_for(), user=request.user
        )
        if found is None:
            form.add_error(None, _("No shared result with that reference."))
    context = {
        "page_title": _("Look up a result"),
        "header_icon": "search",
        "form": form,
        "result": found,
        "levels": levels_of(found) if found else [],
        "refer_form": ReferForm() if found else None,
    }
    return TemplateResponse(request, "finder/admin/assessment_look_up.html", context)


def referable(user, pk: int) -> tuple[AssessmentResult, str, bool]:
    """A result this user may refer from, the organisation referring, and whether it is their own provider's: their
    own provider's, or one they looked up lately with the learner's consent. Anything else is "not found"."""
    own = results_visible_to(user).select_related("booking__slot__provider").filter(pk=pk).first()
    if own is not None:
        return own, "", True
    since = timezone.now() - LOOKUP_VALID_FOR
    lookup = (
        AssessmentResultLookup.objects.select_related("result__booking__slot__provider", "provider")
        .filter(result_id=pk, result__consent_to_share=True, user=user, looked_up_at__gte=since)
        .first()
    )
    if lookup is None:
        raise Http404
    return lookup.result, lookup.provider.title if lookup.provider else "", False


@require_POST
def refer(request, pk: int):
    """Refer the learner to a class from a result: an enquiry with the status "Assessed" for the class's provider."""
    _allowed(request.user)
    found, organisation, own = referable(request.user, pk)
    back = redirect("finder_assessment_result", pk=found.booking_id) if own else redirect("finder_assessment_look_up")
    form = ReferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a class that is open to learners."))
        return back
    class_page = form.cleaned_data["class_page"]
    with transaction.atomic():
        AssessmentResult.objects.select_for_update().filter(pk=found.pk).first()  # one referral per class
        if Enquiry.objects.filter(assessment=found, class_page=class_page).exists():
            already = _("The learner was referred to “%(title)s” already.")
            messages.warning(request, already % {"title": class_page.title})
            return back
        name = request.user.get_full_name() or request.user.get_username()
        assessment_services.refer_to_class(found, class_page, referrer_name=name, organisation=organisation)
    messages.success(
        request,
        _("The learner is referred to “%(title)s”. The class's provider sees it in their enquiries.")
        % {"title": class_page.title},
    )
    return back


# --- Hooks -------------------------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_assessment_urls():
    return [
        path("assessments/bookings/", bookings, name="finder_assessment_bookings"),
        path("assessments/bookings/<int:pk>/register/<str:action>/", register, name="finder_assessment_register"),
        path("assessments/bookings/<int:pk>/result/", result, name="finder_assessment_result"),
        path("assessments/results/<int:pk>/refer/", refer, name="finder_assessment_refer"),
        path("assessments/look-up/", look_up, name="finder_assessment_look_up"),
        path("assessments/weekly-pattern/", add_weekly_pattern, name="finder_assessment_pattern"),
    ]


class AssessmentMenuItem(MenuItem):
    def is_shown(self, request):
        return may_use(request.user)


@hooks.register("register_admin_menu_item")
def assessments_menu_item():
    items = [
        (gettext_lazy("Slots"), reverse("wagtailsnippets_finder_assessmentslot:list"), "slots", "date"),
        (gettext_lazy("Add a weekly pattern"), reverse("finder_assessment_pattern"), "weekly-pattern", "repeat"),
        (gettext_lazy("Bookings"), reverse("finder_assessment_bookings"), "bookings", "list-ul"),
        (gettext_lazy("Look up a result"), reverse("finder_assessment_look_up"), "look-up", "search"),
    ]
    menu = Menu(
        items=[
            AssessmentMenuItem(label, url, name=f"assessment-{name}", icon_name=icon, order=number)
            for number, (label, url, name, icon) in enumerate(items)
        ]
    )
    return SubmenuMenuItem(gettext_lazy("Assessments"), menu, name="assessments", icon_name="date", order=256)
