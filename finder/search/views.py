"""/find/: the class search. Views stay thin: parse the URL with forms and the FilterSet, query through
``finder.search.queries``, and render. Every bad value becomes a message on the page.
"""

import hashlib

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from finder.models import ClassPage
from finder.search.cards import attach_cards
from finder.search.demand import record_search
from finder.search.filters import ClassFilter, active_filters
from finder.search.forms import PlaceForm, SortOrder
from finder.search.queries import (
    FINDER_COUNT_CAP,
    NearbyPaginator,
    attach_providers,
    for_cards,
    for_display,
    from_home_classes,
    near_classes,
    soonest_first,
)
from finder.search.results_map import map_context
from finder.search.suggestions import Search, Suggestions, suggest
from finder.search.view_helpers import error_summary, locate, with_descriptions, with_distances

RESULTS_PER_PAGE = 10
RESULTS_PER_PRINTED_PAGE = 50


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
    suggestions = Suggestions()
    if place_form.is_valid() and filterset.is_valid() and searched:
        online = filterset.form.cleaned_data.get("mode") == ClassPage.DeliveryMode.ONLINE
        radius = place_form.cleaned_data["radius"]
        if place_form.cleaned_data["where"]:
            found = locate(place_form, london_only=not online)  # online classes suit anywhere
            origin = found[:2] if found else None
        elif place_form.coordinates:
            origin = place_form.coordinates
        elif not online:
            place_form.add_error("where", _("Enter a postcode or a place, like E1 6AN or Peckham."))
        per_page = RESULTS_PER_PRINTED_PAGE if print_view else RESULTS_PER_PAGE
        display = for_display if print_view else for_cards  # cards fetch their details only when not cached
        paginator = None
        if online:
            filterset.queryset = from_home_classes(today, origin, radius)
            paginator = Paginator(display(soonest_first(filterset.qs)), per_page)
        elif origin and place_form.cleaned_data["sort"] == SortOrder.SOONEST:
            filterset.queryset = near_classes(*origin, radius, today)
            paginator = Paginator(display(soonest_first(filterset.qs)), per_page)
        elif origin:
            chosen = display(filterset.filter_queryset(ClassPage.objects.current(today)))  # built once for all circles
            paginator = NearbyPaginator(lambda km: chosen.near(*origin, km), radius, per_page, FINDER_COUNT_CAP)
        if paginator is not None:
            number = place_form.cleaned_data["page"] or 1
            if number > paginator.num_pages and number > 1:
                place_form.add_error(
                    "page", _("There is no page %(number)s. Go back to the first page.") % {"number": number}
                )
            else:
                page_obj = paginator.page(number)
                items = attach_providers(list(page_obj.object_list))
                page_obj.object_list = with_distances(items, origin)
                if print_view:
                    with_descriptions(page_obj.object_list, today)
                else:
                    page_obj.object_list = attach_cards(page_obj.object_list, today)
                search = Search(request.GET, origin, radius, today)
                suggestions = suggest(search, filterset.form, paginator.count)
                record_search(request, place_form, filterset.form, paginator.count)  # finder.search.demand
    context = {
        "place_form": place_form,
        "filter_form": filterset.form,
        "errors": error_summary(place_form, filterset.form),
        "searched": searched,
        "page_obj": page_obj,
        "origin": origin,
        "today": today,
        "query_without_page": _query_without(request, "page"),
        "query_without_print": _query_without(request, "print", "page"),
        "print_view": print_view,
        "map": _map_settings(page_obj, origin),
        "filters_cache_key": _filters_cache_key(request, filterset.form),
        "suggestions": suggestions,
        "filters_used": active_filters(filterset.form) if searched else [],
        "including_eligible": _including_eligible(filterset),
        "query_without_eligible": _query_without(request, "eligible", "page"),
        "outside_london": getattr(place_form, "outside_london", False),
        "online_query": _online_query(request),
    }
    template = "pages/find_classes_print.html" if print_view else "pages/find_classes.html"
    return render(request, template, context)


def _including_eligible(filterset) -> bool:
    """ "Free classes only" also shows "free if eligible" ones, because the eligibility check said so."""
    form = filterset.form
    return form.is_valid() and bool(form.cleaned_data.get("free")) and filterset.learner_is_eligible


def _online_query(request: HttpRequest) -> str:
    """This search's filters for online classes, without the place that could not be used."""
    query = request.GET.copy()
    for name in ("where", "lat", "lon", "page", "print", "mode"):
        query.pop(name, None)
    query["mode"] = ClassPage.DeliveryMode.ONLINE
    return query.urlencode()


def _filters_cache_key(request, form) -> str:
    """The filter panel's HTML depends only on the language and the filter values, unless it shows errors."""
    if form.errors:
        return ""
    values = sorted((name, value) for name in form.fields for value in request.GET.getlist(name))
    text = f"{get_language()}|{values}"
    return hashlib.sha256(text.encode()).hexdigest()


def _map_settings(page_obj, origin) -> dict | None:
    """The map of this page's results (finder.search.results_map), or None: the list alone says it all."""
    return map_context(page_obj.object_list if page_obj else [], origin)
