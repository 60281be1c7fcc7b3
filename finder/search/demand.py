"""Counting what learners look for on /find/: one search adds one to its day, borough and level (SearchDemand).

The borough evidence base (evaluation/evidence.py) sets these counts against the classes on offer. Nothing about
the person is kept: no query, no address, no cookie, no session. A search counts once: not again for its later
pages, its print view or a HEAD request, and not at all for robots that say so in their User-Agent. The borough is
the London borough of the postcode, sector, outcode or place searched for; a search from "use my location", an
unknown place or somewhere outside London is not counted (it says nothing about a borough). The level is the one
level chosen, or "" when none or several were chosen (one search is one count, in one row).
"""

from django.utils import timezone

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.geography.models import District, Outcode, Place
from finder.geography.postcodes import place_key
from finder.models import SearchDemand

ROBOT_WORDS = ("bot", "spider", "crawl")


def record_search(request, place_form, filter_form, results: int) -> None:
    """Count this search, when it is a first page asked for by a person from a London borough (the forms are
    valid: the view counts only searches it ran)."""
    if not _counts(request, place_form):
        return
    borough = searched_borough(place_form.cleaned_data.get("where") or "")
    if borough:
        levels = {code for code in filter_form.data.getlist("level") if code}  # valid codes; no query for them
        level_code = levels.pop() if len(levels) == 1 else ""
        SearchDemand.objects.count_search(timezone.localdate(), borough, level_code, found=results > 0)


def _counts(request, place_form) -> bool:
    if request.method != "GET" or request.GET.get("print") == "1":
        return False
    if (place_form.cleaned_data.get("page") or 1) > 1:
        return False
    agent = request.headers.get("User-Agent", "").lower()
    return not any(word in agent for word in ROBOT_WORDS)


def searched_borough(where: str) -> str:
    """The ONS code of the London borough of a searched place, or "" (unknown, or outside London).

    The geocoder's answer is cached, so asking again costs nothing the search did not already pay. A place name
    ("Peckham") is placed in the borough of its outcode, taken in the geocoder's own order.
    """
    if not where.strip():
        return ""
    try:
        location = get_geocoder().resolve(where)
    except PlaceNotFound:
        return ""
    code = location.raw.get("district_code", "")
    if code:
        return code if location.raw.get("in_london_borough") else ""
    if location.raw.get("kind") == "place":
        place = Place.objects.filter(lookup_key=place_key(where)).order_by("outcode").values("outcode").first()
        outcode = Outcode.objects.filter(code=place["outcode"]).values("district_code").first() if place else None
        code = outcode["district_code"] if outcode else ""
    return code if District.is_london(code) else ""
