"""A way forward when a search finds nothing, or only one or two classes.

Three offers, each a link that runs a real search, with counts that are what that link will show:
the nearest matching classes just outside the distance chosen (and the distance that reaches them),
the matching online classes, and for each filter in use how many classes there would be without it.
The work is bounded: it runs only for thin results, with at most ``MAX_REMOVALS`` counts for the filters
plus one query for the nearby classes and one count for online classes, each stopping at ``COUNT_CAP``.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.http import QueryDict

from finder.models import ClassPage
from finder.search.filters import ClassFilter, active_filters
from finder.search.forms import RADIUS_CHOICES
from finder.search.queries import COUNT_CAP, count_up_to, distance_km, from_home_classes, near_classes

THIN_RESULTS = 3  # fewer results than this, and the suggestions are shown
MAX_REMOVALS = 6
NEARBY_SHOWN = 3
RADII_KM = sorted(int(value) for value, _label in RADIUS_CHOICES)
ONLINE = ClassPage.DeliveryMode.ONLINE


@dataclass
class Removal:
    """ "Without 'Crèche on site': 4 classes", linking to the same search without that filter."""

    words: str
    count: int
    query: str

    @property
    def capped(self) -> bool:
        return self.count >= COUNT_CAP


@dataclass
class Suggestions:
    nearby: list = field(default_factory=list)  # classes just outside the distance, with .distance_km
    wider_radius: int | None = None
    wider_query: str = ""
    online_count: int = 0
    online_query: str = ""
    removals: list[Removal] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.nearby or self.online_count or self.removals)


@dataclass
class Search:
    """One search as the view ran it: the URL's values, the place, the distance and the day."""

    data: QueryDict
    origin: tuple[float, float] | None
    radius_km: int
    today: date

    @property
    def online(self) -> bool:
        return self.data.get("mode") == ONLINE

    def queryset(self, data: QueryDict, radius_km: int | None = None) -> QuerySet | None:
        """The classes a search with ``data`` finds (unordered for counting), or None if it cannot run."""
        filterset = ClassFilter(data, queryset=ClassPage.objects.none(), today=self.today)
        if not filterset.is_valid():
            return None
        radius_km = radius_km or self.radius_km
        if data.get("mode") == ONLINE:
            base = from_home_classes(self.today, self.origin, radius_km)
        elif self.origin is not None:
            base = near_classes(*self.origin, radius_km, self.today)
        else:
            return None
        return filterset.filter_queryset(base)

    def link(self, **changes) -> str:
        """The query string of this search with ``changes`` (None drops a value), from page one."""
        query = self.data.copy()
        query.pop("page", None)
        query.pop("print", None)
        for name, value in changes.items():
            query.pop(name, None)
            if value is not None:
                query[name] = value
        return query.urlencode()


def suggest(search: Search, form, found: int) -> Suggestions:
    """What to offer below a search that found ``found`` classes; empty when there are enough."""
    suggestions = Suggestions()
    if found >= THIN_RESULTS:
        return suggestions
    if not search.online and search.origin is not None:
        _add_nearby(search, suggestions)
        online = search.queryset(_with(search.data, mode=ONLINE))
        if online is not None:
            suggestions.online_count = count_up_to(online, COUNT_CAP)
            suggestions.online_query = search.link(mode=ONLINE)
    for name, words in active_filters(form)[:MAX_REMOVALS]:
        if name == "mode" and search.online and search.origin is None:
            continue  # without "online" the search needs a place, and there is none
        dropped = ("free", "eligible") if name == "free" else (name,)
        queryset = search.queryset(_with(search.data, **dict.fromkeys(dropped)))
        if queryset is None:
            continue
        count = count_up_to(queryset, COUNT_CAP)
        if count > found:
            suggestions.removals.append(Removal(words, count, search.link(**dict.fromkeys(dropped))))
    return suggestions


def _add_nearby(search: Search, suggestions: Suggestions) -> None:
    wider = [km for km in RADII_KM if km > search.radius_km]
    if not wider:
        return
    queryset = search.queryset(search.data, wider[-1])
    if queryset is None:
        return
    nearby = list(queryset.filter(distance_sq_km__gt=search.radius_km**2).select_related("venue")[:NEARBY_SHOWN])
    if not nearby:
        return
    for item in nearby:
        item.distance_km = distance_km(search.origin, item)
    furthest = max(item.distance_sq_km for item in nearby) ** 0.5
    suggestions.nearby = nearby
    suggestions.wider_radius = next(km for km in wider if km >= furthest)
    suggestions.wider_query = search.link(radius=str(suggestions.wider_radius))


def _with(data: QueryDict, **changes) -> QueryDict:
    query = data.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query
