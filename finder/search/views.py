"""Learner-facing finder views (search, help me choose, workplace ESOL, enquiries).

Views stay thin: parse the URL with forms and the FilterSet, query through ``finder.search.queries``,
and render. Every bad value becomes a message on the page.
"""

import hashlib

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.concurrency import create_once
from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.models import ClassPage, District, WorkplaceOfferPage
from finder.search.enquiries import count_enquiry, is_rate_limited, send_enquiry
from finder.search.filters import WEEKEND, ClassFilter, time_of_day_q
from finder.search.forms import EnquiryForm, HelpMeChooseForm, PlaceForm, SortOrder, WorkplaceSearchForm
from finder.search.queries import (
    NearbyPaginator,
    attach_providers,
    distance_km,
    for_display,
    near_classes,
    online_classes,
    soonest_first,
)
from finder.search.summaries import cost_text, days_and_parts, match_reasons, start_text

RESULTS_PER_PAGE = 10
RESULTS_PER_PRINTED_PAGE = 50
HELP_RADIUS_KM = 5
HELP_RESULTS = 10
KM_PER_MILE = 1.609344


def _error_summary(*forms):
    """(field id, message) pairs for the error summary at the top of the page."""
    items = []
    for form in forms:
        for name, errors in form.errors.items():
            target = form[name].auto_id if name in form.fields else ""
            items.extend((target, message) for message in errors)
    return items


def _locate(form, field="where"):
    """(latitude, longitude, district code) for the form's place, or None with a form error added."""
    text = form.cleaned_data.get(field) or ""
    try:
        location = get_geocoder().resolve(text)
    except PlaceNotFound as error:
        form.add_error(field, error.message)
        return None
    return location.latitude, location.longitude, location.raw.get("district_code", "")


def _with_distances(items, origin, today=None):
    """Geodesic distances and short texts, for just the page of results shown."""
    today = today or timezone.localdate()
    for item in items:
        item.distance_km = distance_km(origin, item)
        item.distance_miles = item.distance_km / KM_PER_MILE if item.distance_km is not None else None
        item.when_text = days_and_parts(item.sessions.all())
        item.cost_text = cost_text(item)
        item.start_text = start_text(item, today)
    return items


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def find_classes(request):
    """/find/: classes near a place, filtered and sorted, all state in the URL."""
    today = timezone.localdate()
    place_form = PlaceForm(request.GET)
    filterset = ClassFilter(request.GET, queryset=ClassPage.objects.none(), today=today)
    searched = bool(request.GET)
    print_view = request.GET.get("print") == "1"
    page_obj = origin = None
    if place_form.is_valid() and filterset.is_valid() and searched:
        online = filterset.form.cleaned_data.get("mode") == ClassPage.DeliveryMode.ONLINE
        radius = place_form.cleaned_data["radius"]
        if place_form.cleaned_data["where"]:
            found = _locate(place_form)
            origin = found[:2] if found else None
        elif place_form.coordinates:
            origin = place_form.coordinates
        elif not online:
            place_form.add_error("where", _("Enter a postcode or a place, like E1 6AN or Peckham."))
        per_page = RESULTS_PER_PRINTED_PAGE if print_view else RESULTS_PER_PAGE
        paginator = None
        if online:
            filterset.queryset = online_classes(today)
            paginator = Paginator(for_display(soonest_first(filterset.qs)), per_page)
        elif origin and place_form.cleaned_data["sort"] == SortOrder.SOONEST:
            filterset.queryset = near_classes(*origin, radius, today)
            paginator = Paginator(for_display(soonest_first(filterset.qs)), per_page)
        elif origin:
            paginator = NearbyPaginator(
                lambda km: for_display(filterset.filter_queryset(near_classes(*origin, km, today))), radius, per_page
            )
        if paginator is not None:
            number = place_form.cleaned_data["page"] or 1
            if number > paginator.num_pages and number > 1:
                place_form.add_error(
                    "page", _("There is no page %(number)s. Go back to the first page.") % {"number": number}
                )
            else:
                page_obj = paginator.page(number)
                items = attach_providers(list(page_obj.object_list))
                page_obj.object_list = _with_distances(items, None if online else origin, today)
    context = {
        "place_form": place_form,
        "filter_form": filterset.form,
        "errors": _error_summary(place_form, filterset.form),
        "searched": searched,
        "page_obj": page_obj,
        "origin": origin,
        "today": today,
        "query_without_page": _query_without(request, "page"),
        "query_without_print": _query_without(request, "print", "page"),
        "print_view": print_view,
        "map": _map_settings(),
        "filters_cache_key": _filters_cache_key(request, filterset.form),
    }
    template = "pages/find_classes_print.html" if print_view else "pages/find_classes.html"
    return render(request, template, context)


def _filters_cache_key(request, form) -> str:
    """The filter panel's HTML depends only on the language and the filter values, unless it shows errors."""
    if form.errors:
        return ""
    values = sorted((name, value) for name in form.fields for value in request.GET.getlist(name))
    text = f"{get_language()}|{values}"
    return hashlib.sha256(text.encode()).hexdigest()


def _map_settings() -> dict | None:
    """The optional results map: shown only when a tile source and Leaflet's files are configured."""
    tiles = getattr(settings, "FINDER_MAP_TILE_URL", "")
    leaflet_js = getattr(settings, "FINDER_MAP_LEAFLET_JS", "")
    if not (tiles and leaflet_js):
        return None
    return {
        "tiles": tiles,
        "attribution": getattr(settings, "FINDER_MAP_ATTRIBUTION", ""),
        "leaflet_js": leaflet_js,
        "leaflet_css": getattr(settings, "FINDER_MAP_LEAFLET_CSS", ""),
    }


HELP_STEPS = ["where", "level", "when", "childcare", "free"]


def help_me_choose(request):
    """/find/help/: one plain question per step, answers carried in the URL, then a ranked list."""
    form = HelpMeChooseForm(request.GET)
    form.is_valid()
    try:
        step = min(max(int(request.GET.get("step", 1)), 1), len(HELP_STEPS) + 1)
    except ValueError:
        step = 1
    answers = form.cleaned_data
    origin = None
    # Go back to the first step whose answer is missing or wrong.
    if step > 1:
        if answers.get("where"):
            found = _locate(form)
            origin = found[:2] if found else None
        else:
            form.add_error("where", _("Enter a postcode or a place, like E1 6AN or Peckham."))
        for index, name in enumerate(HELP_STEPS, start=1):
            if name in form.errors and index < step:
                step = index
                break
    results = []
    if step > len(HELP_STEPS):
        results = _help_results(answers, origin)
    context = {
        "form": form,
        "step": step,
        "step_name": HELP_STEPS[step - 1] if step <= len(HELP_STEPS) else "results",
        "steps_total": len(HELP_STEPS),
        "carried": [(name, value) for name in HELP_STEPS for value in _as_list(form.data.getlist(name))],
        "errors": _error_summary(form) if step > 1 or "where" in request.GET else [],
        "results": results,
        "find_query": _find_query(answers),
    }
    return render(request, "pages/help_me_choose.html", context)


def _as_list(values):
    return [value for value in values if value]


def _help_results(answers, origin):
    """Classes that meet the must-haves, with the learner's free times ranked first, then nearest."""
    queryset = near_classes(*origin, HELP_RADIUS_KM)
    level = answers.get("level")
    if level and level != HelpMeChooseForm.DONT_KNOW:
        queryset = queryset.filter(levels__code=level)
    elif level == HelpMeChooseForm.DONT_KNOW:
        queryset = queryset.filter(how_to_join__in=[ClassPage.HowToJoin.DROP_IN, ClassPage.HowToJoin.BOOK])
    if answers.get("childcare") == HelpMeChooseForm.YES:
        queryset = queryset.with_childcare()
    if answers.get("free") == HelpMeChooseForm.YES:
        queryset = queryset.free()
    when = answers.get("when") or []
    times = [time for time in when if time != "weekend"]
    fits = Q()
    if times:
        fits |= time_of_day_q(times)
    if "weekend" in when:
        fits |= Q(pk__in=ClassPage.objects.on_days(WEEKEND).values("pk"))
    if when:
        queryset = queryset.annotate(
            fits_time=Case(When(fits, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-fits_time", "distance_sq_km", "pk")
    results = _with_distances(attach_providers(list(for_display(queryset)[:HELP_RESULTS])), origin)
    for item in results:
        item.reasons = match_reasons(item, answers)
    return results


def _find_query(answers) -> str:
    """The same search on /find/, so a learner can widen it with all the filters."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    if answers.get("where"):
        query["where"] = answers["where"]
    if answers.get("level") and answers["level"] != HelpMeChooseForm.DONT_KNOW:
        query["level"] = answers["level"]
    if answers.get("childcare") == HelpMeChooseForm.YES:
        query["childcare"] = "on"
    if answers.get("free") == HelpMeChooseForm.YES:
        query["free"] = "on"
    return query.urlencode()


def find_workplace_offers(request):
    """/find/workplace/: workplace ESOL offers covering an employer's borough, sector and group size."""
    form = WorkplaceSearchForm(request.GET)
    form.is_valid()
    borough = None
    where = form.cleaned_data.get("where")
    if where:
        borough = District.objects.filter(is_london_borough=True, name__iexact=where.strip()).first()
        if borough is None:
            found = _locate(form)
            if found:
                borough = District.objects.filter(code=found[2], is_london_borough=True).first()
                if borough is None:
                    form.add_error("where", _("That place isn't in a London borough. Try a London postcode."))
    offers = None
    if not form.errors:
        offers = WorkplaceOfferPage.objects.live().prefetch_related("sectors")
        if borough is not None:
            offers = offers.filter(boroughs=borough)
        if form.cleaned_data["sector"]:
            offers = offers.filter(sectors=form.cleaned_data["sector"])
        size = form.cleaned_data["group_size"]
        if size:
            offers = offers.filter(min_group_size__lte=size, max_group_size__gte=size)
        offers = offers.order_by("title").distinct()
    context = {"form": form, "offers": offers, "borough": borough, "errors": _error_summary(form)}
    return render(request, "pages/workplace_finder.html", context)


@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def enquire(request, class_id):
    """/find/enquire/<id>/: "I'm interested", stored and emailed to the provider."""
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    form = EnquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # Look the same as success to a bot, but keep nothing.
            return redirect("finder:enquiry_sent", class_id=class_page.pk)
        if is_rate_limited(request):
            form.add_error(None, _("You have sent a lot of messages. Please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            enquiry = form.save(commit=False)  # sent twice (a double tap, a retry): one enquiry, one email
            create_once(class_page.enquiries.all(), enquiry.submission_key, lambda: send_enquiry(class_page, enquiry))
            count_enquiry(request)
            return redirect("finder:enquiry_sent", class_id=class_page.pk)
    context = {"class_page": class_page, "form": form, "errors": _error_summary(form)}
    return render(request, "pages/enquiry_form.html", context, status=status)


def enquiry_sent(request, class_id):
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    return render(request, "pages/enquiry_sent.html", {"class_page": class_page})
