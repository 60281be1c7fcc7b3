"""Query helpers shared by the finder pages and the Open Referral API.

Everything here is worked out in the database; Python only touches the one page of results shown.
"""

import math
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from finder.geography.distances import geodesic_km
from finder.models import ClassPage, ClassSession, ProviderPage
from finder.models.providers import attach_providers as attach_providers  # used by the views and the API
from finder.models.providers import provider_path


def provider_speaks(language) -> Exists:
    """True for classes whose provider (the parent page) lists ``language`` among its staff's languages."""
    return Exists(ProviderPage.objects.filter(path=provider_path(OuterRef("path")), staff_languages=language))


def session_in(start_from=None, start_before=None) -> Exists:
    sessions = ClassSession.objects.filter(page=OuterRef("pk"))
    if start_from is not None:
        sessions = sessions.filter(start_time__gte=start_from)
    if start_before is not None:
        sessions = sessions.filter(start_time__lt=start_before)
    return Exists(sessions)


def card_details() -> tuple:
    """The related rows a result card shows beyond its class and venue: sessions in week order, and levels."""
    return (Prefetch("sessions", queryset=ClassSession.objects.order_by("weekday", "start_time")), "levels")


def for_display(queryset: QuerySet) -> QuerySet:
    """What a result card needs, fetched for the page of results in a fixed number of queries.

    The card's facts (cost, childcare, places, how to join) are the class's own columns; the venue (name,
    postcode, access) comes in the same query; sessions and levels in one query each for the whole page.
    """
    return queryset.select_related("venue").prefetch_related(*card_details())


# What a search needs of each class before it knows whether the class's card is cached (finder.search.cards): the
# card's key, the distance, and the class's place and link on the map. Fetching only these keeps the query for a
# page of results narrow; the cards rendered afresh fetch the rest (``full_listings``).
CARD_KEY_FIELDS = (
    "title",
    "path",
    "url_path",
    "live_revision_id",
    "enrolled_on_register",
    "last_checked",
    "delivery_mode",
    "venue__name",
    "venue__postcode",
    "venue__latitude",
    "venue__longitude",
    "venue__live_revision_id",
)


def for_cards(queryset: QuerySet) -> QuerySet:
    """Like ``for_display``, with only ``CARD_KEY_FIELDS``: most cards come from the cache (finder.search.cards),
    and only the ones rendered afresh need the rest, fetched with ``full_listings``."""
    return queryset.select_related("venue").only(*CARD_KEY_FIELDS)


def full_listings(items: list) -> dict:
    """The classes of ``items`` with every column, their venue, sessions and levels, by id, in three queries."""
    if not items:
        return {}
    return for_display(ClassPage.objects.filter(pk__in=[item.pk for item in items])).in_bulk()


def soonest_first(queryset: QuerySet) -> QuerySet:
    """Rolling enrolment first, then by term start; classes without a date last."""
    return queryset.order_by(F("rolling_enrolment").desc(), F("start_date").asc(nulls_last=True), "pk")


def online_classes(today: date | None = None) -> QuerySet:
    return ClassPage.objects.current(today).filter(delivery_mode=ClassPage.DeliveryMode.ONLINE)


def from_home_classes(
    today: date | None = None, origin: tuple[float, float] | None = None, radius_km: float = 0
) -> QuerySet:
    """What a learner asking for online classes can join: every online class, and the blended ones (partly
    online) near them when they said where they are; a blended class far away still needs the journey."""
    if origin is None:
        return online_classes(today)
    blended = near_classes(*origin, radius_km, today).filter(delivery_mode=ClassPage.DeliveryMode.BLENDED)
    return ClassPage.objects.current(today).filter(
        Q(delivery_mode=ClassPage.DeliveryMode.ONLINE) | Q(pk__in=blended.order_by().values("pk"))
    )


def near_classes(latitude: float, longitude: float, radius_km: float, today: date | None = None) -> QuerySet:
    """Current classes with a venue within the radius, nearest first."""
    return ClassPage.objects.current(today).near(latitude, longitude, radius_km)


def distance_km(origin: tuple[float, float] | None, page: ClassPage) -> float | None:
    """The geodesic distance shown to a learner; None for online classes or without a place."""
    venue = page.venue
    if origin is None or venue is None or venue.latitude is None:
        return None
    return geodesic_km(origin, (venue.latitude, venue.longitude))


COUNT_CAP = 500
# The finder's own page stops counting sooner than the API: 200 classes are twenty pages of ten, more than anyone
# pages through on a phone, and past the cap the page says "More than 200 classes found" and how to narrow the search,
# as it did past 500. Counting the 300 more cost about 1.7 ms of a 20 ms search at 100,000 classes (bench_finder);
# the Open Referral API keeps COUNT_CAP, because services that page through it go further.
FINDER_COUNT_CAP = 200
# Shares of the radius tried for the first pages of a dense search, smallest first. With 100,000 classes spread over
# London's postcodes, a sixteenth of 5 km (about 300 m) usually holds the first page; a miss is cheap, and the next
# circle holds tens or hundreds of classes, not thousands. Measured on the same 150 searches at 100,000 classes against
# (1/16, 1/4, 1/2): the step at an eighth keeps a miss at a sixteenth from sorting a few hundred classes, which took
# about 0.5 ms (SQLite) and 3 ms (PostgreSQL) off the 95th percentile of a first page.
RADIUS_LADDER = (1 / 16, 1 / 8, 1 / 4, 1 / 2)


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows, counting no further than ``limit`` (the database stops early). Only the keys are selected:
    what a page shows (such as the distance) is worked out for the page, not for every row counted."""
    return queryset.order_by().values("pk")[:limit].count()


class NearbyPaginator(Paginator):
    """Pages of a nearest-first search whose work does not grow with the number of classes.

    ``build(radius_km)`` returns the filtered, nearest-first queryset. The total is counted up to
    ``cap`` (``capped`` says there are more). A page needs only the nearest ``number × per_page``
    classes: when a smaller circle already holds that many, they are exactly the nearest ones, so
    the page is sorted from that circle instead of from every class in the full radius.
    """

    def __init__(self, build, radius_km: float, per_page: int, cap: int = COUNT_CAP):
        self.build, self.radius_km, self.cap = build, radius_km, cap
        full = build(radius_km)
        super().__init__(full, per_page)
        found = count_up_to(full, cap + 1)
        self.capped = found > cap
        self._count = min(found, cap)

    @property
    def count(self):
        return self._count

    def page(self, number):
        number = self.validate_number(number)
        bottom, top = (number - 1) * self.per_page, min(number * self.per_page, self.count)
        if self.count > top:
            # With classes spread evenly, a circle holding ``top`` of ``count`` has radius share
            # sqrt(top / count); skip smaller circles. A capped count says nothing of how dense it
            # is, so then every circle is tried, smallest first. A circle's nearest ``top`` classes
            # are the page's when it holds that many: one query both tries the circle and fetches.
            estimate = 0 if self.capped else 1.5 * math.sqrt(top / self.count)
            for share in (share for share in RADIUS_LADDER if share >= estimate):
                nearest = list(self.build(self.radius_km * share)[:top])
                if len(nearest) >= top:
                    return self._get_page(nearest[bottom:top], number, self)
        return self._get_page(list(self.object_list[bottom:top]), number, self)
