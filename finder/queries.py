"""Query helpers shared by the finder pages and the Open Referral API.

Everything here is worked out in the database; Python only touches the one page of results shown.
"""

from datetime import date
from functools import lru_cache

from django.db.models import CharField, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from geopy.distance import geodesic
from wagtail.models import Page

from finder.geocoding import LocalGeocoder, get_geocoder
from finder.models import ClassPage, ClassSession, ProviderPage

PAGE_STEP = 4  # treebeard's path step: a page's parent has the path minus its last 4 characters


def parent_path():
    """The tree path of each row's parent page, as an expression on ClassPage rows."""
    return Substr(OuterRef("path"), 1, Length(OuterRef("path")) - PAGE_STEP)


def with_provider(queryset: QuerySet) -> QuerySet:
    """Annotate ``provider_title`` and ``provider_id`` from the parent ProviderPage, in one query."""
    parents = Page.objects.filter(path=parent_path())
    return queryset.annotate(
        provider_title=Subquery(parents.values("title")[:1], output_field=CharField()),
        provider_page_id=Subquery(parents.values("pk")[:1]),
    )


def provider_speaks(language) -> Exists:
    """True for classes whose provider (the parent page) lists ``language`` among its staff's languages."""
    return Exists(ProviderPage.objects.filter(path=parent_path(), staff_languages=language))


def session_in(start_from=None, start_before=None) -> Exists:
    sessions = ClassSession.objects.filter(page=OuterRef("pk"))
    if start_from is not None:
        sessions = sessions.filter(start_time__gte=start_from)
    if start_before is not None:
        sessions = sessions.filter(start_time__lt=start_before)
    return Exists(sessions)


def for_display(queryset: QuerySet) -> QuerySet:
    """What a result card needs, fetched for the whole page of results in a fixed number of queries."""
    return with_provider(
        queryset.select_related("venue").prefetch_related(
            Prefetch("sessions", queryset=ClassSession.objects.order_by("weekday", "start_time")),
            "levels",
        )
    )


def soonest_first(queryset: QuerySet) -> QuerySet:
    """Rolling enrolment first, then by term start; classes without a date last."""
    return queryset.order_by(F("rolling_enrolment").desc(), F("start_date").asc(nulls_last=True), "pk")


def online_classes(today: date | None = None) -> QuerySet:
    return ClassPage.objects.current(today).filter(delivery_mode=ClassPage.DeliveryMode.ONLINE)


def near_classes(latitude: float, longitude: float, radius_km: float, today: date | None = None) -> QuerySet:
    """Current classes with a venue within the radius, nearest first."""
    return ClassPage.objects.current(today).near(latitude, longitude, radius_km)


def distance_km(origin: tuple[float, float] | None, page: ClassPage) -> float | None:
    """The geodesic distance shown to a learner; None for online classes or without a place."""
    venue = page.venue
    if origin is None or venue is None or venue.latitude is None:
        return None
    return geodesic(origin, (venue.latitude, venue.longitude)).km


@lru_cache(maxsize=1)
def _shared_geocoder(remote_enabled: bool) -> LocalGeocoder:
    return get_geocoder()


def geocoder() -> LocalGeocoder:
    """One geocoder per process: building one sets up geopy's SSL context, which costs tens of ms."""
    from django.conf import settings

    return _shared_geocoder(settings.GEOCODER_REMOTE_ENABLED)
