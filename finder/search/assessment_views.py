"""/assessments/: find a time for an initial ESOL assessment, book it without an account, and cancel or move it
with the one private link the learner is sent.

The rules (a slot is never overbooked, a form sent twice is one booking, the messages) live in
``finder.assessment_services``; these views read the URL and forms, call the services and render.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.public_forms import public_form
from finder import assessment_services
from finder.assessment_services import BookingClosed, SlotFull
from finder.models import AssessmentBooking, AssessmentSlot
from finder.search.assessment_filters import (
    AssessmentSlotFilter,
    for_display,
    near_or_by_phone,
    other_times,
    venue_origin,
)
from finder.search.assessment_forms import AssessmentPlaceForm, BookingForm, MoveForm
from finder.search.enquiries import count_enquiry, is_rate_limited
from finder.search.forms import RADIUS_CHOICES
from finder.search.view_helpers import error_summary, locate, with_distances

SLOTS_PER_PAGE = 20
RATE_LIMITED = 429


def _find_slots(request, origin=None, exclude=None) -> dict:
    """The slots the URL asks for (place, distance, filters, page), soonest first, and the forms that asked.

    ``origin`` is where to look from when the URL names no place (the venue of the booking being moved).
    """
    place_form = AssessmentPlaceForm(request.GET)
    filterset = AssessmentSlotFilter(request.GET, queryset=AssessmentSlot.objects.bookable())
    page_obj = None
    if place_form.is_valid() and place_form.cleaned_data["where"]:
        found = locate(place_form, london_only=True)
        origin = found[:2] if found else None
    elif place_form.is_valid() and place_form.coordinates:
        origin = place_form.coordinates
    if place_form.is_valid() and filterset.is_valid():
        slots = filterset.qs
        if exclude is not None:
            slots = slots.exclude(pk=exclude.pk)
        if origin is not None:
            slots = near_or_by_phone(slots, origin, place_form.cleaned_data["radius"])
        paginator = Paginator(for_display(slots), SLOTS_PER_PAGE)
        number = place_form.cleaned_data["page"] or 1
        if number > paginator.num_pages:
            place_form.add_error("page", _("That page number doesn't exist. Go back to the first page."))
        else:
            page_obj = paginator.page(number)
            page_obj.object_list = with_distances(list(page_obj.object_list), origin)
    return {
        "place_form": place_form,
        "filter_form": filterset.form,
        "errors": error_summary(place_form, filterset.form),
        "page_obj": page_obj,
        "origin": origin,
        "outside_london": getattr(place_form, "outside_london", False),
        "ways_forward": _ways_forward(request, place_form),
        "query_without_page": _query_without_page(request),
    }


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _ways_forward(request, place_form) -> dict:
    """Links for an empty list: a wider distance, times by phone, the waiting list."""
    query = request.GET.copy()
    query.pop("page", None)
    radius = place_form.cleaned_data.get("radius") if hasattr(place_form, "cleaned_data") else None
    wider = next((int(km) for km, _label in RADIUS_CHOICES if radius is not None and int(km) > radius), None)
    links = {"waiting": reverse("finder:waiting_for_area")}
    if wider and query.get("where"):
        links["wider"] = "?" + urlencode({**query.dict(), "radius": wider})
    if query.get("mode") != AssessmentSlot.Mode.PHONE:
        links["phone"] = "?" + urlencode({"mode": AssessmentSlot.Mode.PHONE})
    return links


def slot_list(request):
    """/assessments/: bookable times, soonest first; near a place (and every time by phone) when one is given."""
    return render(request, "pages/assessments.html", _find_slots(request))


def _limit_status(request, form) -> int:
    """429 with a message when this client sent too many forms this hour (the enquiry limit), else 200."""
    if is_rate_limited(request):
        form.add_error(None, _("You have sent a lot of messages. Please wait an hour and try again."))
        return RATE_LIMITED
    return 200


@public_form  # no CSRF cookie on public pages; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def book(request, slot_id):
    """/assessments/<id>/book/: the short form. A time that has filled up (or started) offers other times."""
    slot = get_object_or_404(AssessmentSlot.objects.filter(live=True).select_related("venue", "provider"), pk=slot_id)
    form = BookingForm(request.POST or None)
    status, full = 200, not AssessmentSlot.objects.bookable().filter(pk=slot.pk).exists()
    if request.method == "POST" and not full:
        if form.is_spam:  # look the same as success to a bot, but keep nothing
            return render(request, "pages/assessment_booking.html", {"booking": None})
        status = _limit_status(request, form)
        if status == 200 and form.is_valid():
            new = form.save(commit=False)
            new.slot, new.site_language = slot, get_language() or ""
            try:
                stored = assessment_services.book(new)
            except SlotFull:
                full = True
            else:
                count_enquiry(request)
                if stored is not None:
                    return redirect("assessments:booking", token=assessment_services.token_for(stored))
                form.add_error(None, _("Something went wrong. Please send the form again."))
    context = {
        "slot": slot,
        "form": form,
        "full": full,
        "errors": [] if full else error_summary(form),
        "other_slots": other_times(slot) if full else [],
    }
    return render(request, "pages/assessment_book.html", context, status=status)


def _booking_or_404(token) -> AssessmentBooking:
    booking = assessment_services.booking_for_token(token)
    if booking is None:
        raise Http404
    return booking


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def booking(request, token):
    """The learner's booking: its reference, when and where, and buttons to cancel it or choose another time.

    GET only shows (a link previewer must not cancel anything); POST cancels, and a second cancel changes nothing.
    """
    booking = _booking_or_404(token)
    if request.method == "POST":
        assessment_services.cancel(booking)
        return redirect("assessments:booking", token=token)
    context = {"booking": booking, "slot": booking.slot, "token": token}
    return render(request, "pages/assessment_booking.html", context)


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def move(request, token):
    """Another time for a booking: times near the booked venue (and by phone); the reference stays the same."""
    booking = _booking_or_404(token)
    problem = ""
    if request.method == "POST" and booking.is_active:
        form = MoveForm(request.POST)
        to_slot = form.is_valid() and AssessmentSlot.objects.filter(live=True, pk=form.cleaned_data["slot"]).first()
        if not to_slot:
            problem = _("Choose a time from the list.")
        else:
            try:
                assessment_services.move(booking, to_slot)
            except SlotFull:
                problem = _("Sorry, this time is now full. Choose another time.")
            except BookingClosed:  # cancelled (or assessed) in another tab a moment ago: the page says so
                booking.refresh_from_db()
            else:
                return redirect("assessments:booking", token=token)
    context = {
        **_find_slots(request, origin=venue_origin(booking.slot), exclude=booking.slot),
        "booking": booking,
        "token": token,
        "problem": problem,
    }
    return render(request, "pages/assessment_move.html", context)
