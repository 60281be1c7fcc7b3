"""What the API publishes, and the fetching that lets the serializers write a page of it without more queries.

Published means live, not ended (``ClassPage.objects.current()``: that also keeps out classes at a venue not
yet approved) and not behind a Wagtail view restriction. Fetching costs a fixed number of queries per page of
results, however many records it holds.
"""

from collections import defaultdict

from django.db.models import F, Prefetch, Q, QuerySet
from wagtail.models import Page

from finder.models import ClassPage, ClassSession, ProviderPage, WorkplaceOfferPage
from finder.models.providers import provider_path


def classes() -> QuerySet:
    return ClassPage.objects.current().public()


def offers() -> QuerySet:
    return WorkplaceOfferPage.objects.current().public()


def providers() -> QuerySet:
    return ProviderPage.objects.live().public()


def located(queryset: QuerySet) -> QuerySet:
    """Classes at a venue (the venue is approved: ``current()`` sees to it)."""
    return queryset.filter(venue__isnull=False)


def service_ids(class_rows: QuerySet, offer_rows: QuerySet) -> QuerySet:
    """The page ids of both kinds of service, oldest first: one list to count and page through."""
    either = Q(pk__in=class_rows.values("pk")) | Q(pk__in=offer_rows.values("pk"))
    return Page.objects.filter(either).order_by("pk").values_list("pk", flat=True)


def _class_details(queryset: QuerySet, full: bool) -> QuerySet:
    queryset = queryset.select_related("venue", "venue__borough")
    if not full:
        return queryset
    return queryset.prefetch_related(
        Prefetch("sessions", queryset=ClassSession.objects.order_by("weekday", "start_time", "end_time")),
        "levels",
        "support_languages",
    )


def _offer_details(queryset: QuerySet, full: bool) -> QuerySet:
    return queryset.prefetch_related("levels", "sectors", "boroughs") if full else queryset


def services(ids: list[int], *, full: bool = True) -> list:
    """The classes and workplace offers with these page ids, in this order, each with its organisation.

    ``full`` also fetches what the nested records need (sessions, levels, languages, sectors, boroughs).
    """
    found = _class_details(ClassPage.objects.filter(pk__in=ids), full).in_bulk()
    found |= _offer_details(WorkplaceOfferPage.objects.filter(pk__in=ids), full).in_bulk()
    return attach_organizations([found[pk] for pk in ids if pk in found])


def attach_organizations(listings: list) -> list:
    """Set ``oruk_organization``, the provider that runs each listing, in one query for the lot."""
    by_path = ProviderPage.objects.in_bulk({provider_path(listing.path) for listing in listings}, field_name="path")
    for listing in listings:
        listing.oruk_organization = by_path.get(provider_path(listing.path))
    return listings


def attach_services(organizations: list, *, full: bool) -> list:
    """Set ``published_services`` on each provider: its published classes and workplace offers, oldest first."""
    paths = [provider.path for provider in organizations]
    listings = []
    for queryset, details in ((classes(), _class_details), (offers(), _offer_details)):
        under = queryset.annotate(provider_path=provider_path(F("path"))).filter(provider_path__in=paths)
        listings += details(under, full)
    by_provider = defaultdict(list)
    for listing in sorted(listings, key=lambda listing: listing.pk):
        by_provider[listing.provider_path].append(listing)
    for provider in organizations:
        provider.published_services = by_provider[provider.path]
        for listing in provider.published_services:
            listing.oruk_organization = provider
    return organizations
