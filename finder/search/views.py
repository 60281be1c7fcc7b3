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
from finder.search.filters import ClassFilter
from finder.search.forms import PlaceForm, SortOrder
from finder.search.queries import (
    NearbyPaginator,
    attach_providers,
    for_display,
    near_classes,
    online_classes,
    soonest_first,
)
from finder.search.results_map import map_context
from finder.search.view_helpers import error_summary, locate, with_distances

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
    if place_form.is_valid() and filterset.is_valid() and searched:
        online = filterset.form.cleaned_data.get("mode") == ClassPage.DeliveryMode.ONLINE
        radius = place_form.cleaned_data["radius"]
        if place_form.cleaned_data["where"]:
            found = locate(place_form)
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
                page_obj.object_list = with_distances(items, None if online else origin, today)
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
        "map": _map_settings(request, page_obj, origin),
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


def _map_settings(request, page_obj, origin) -> dict | None:
    """The map of this page's results (finder.search.results_map), or None: the list alone says it all."""
    return map_context(request, page_obj.object_list if page_obj else [], origin)
