"""Open Referral UK 3.0 API endpoints (see docs/openreferral.md): each class and each workplace offer is a
service, each approved venue a location, each provider an organisation.

Views only check parameters, pick records and choose how much to write; ``published`` fetches, the
serializers write, ``base`` shapes errors and headers.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from finder.openreferral import published, taxonomy
from finder.openreferral.base import OpenReferralView, not_found, requested_id
from finder.openreferral.filters import NearForm, OrganizationFilter, ServiceFilter, TaxonomyForm, TermForm, invalid
from finder.openreferral.ids import service_at_location_id
from finder.openreferral.serializers import (
    OrganizationSerializer,
    ServiceAtLocationSerializer,
    ServiceSerializer,
    TaxonomySerializer,
    TaxonomyTermSerializer,
)
from finder.search.queries import COUNT_CAP, NearbyPaginator

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json"
SERVICE_PARAMETERS = frozenset({"search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "organization_id"})


def checked(parameters):
    """A FilterSet or form whose values are all good, or a 400 naming the ones that are not."""
    form = getattr(parameters, "form", parameters)
    if not form.is_valid():
        raise invalid(form)
    return parameters


class ApiDetails(OpenReferralView):
    def get(self, request):
        return Response({"version": VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL})


class ServiceList(OpenReferralView):
    """Classes and workplace offers, oldest first; fully nested unless ``full=false`` or ``minimal=true``."""

    honoured = SERVICE_PARAMETERS | {"modified_after", "minimal", "full"}

    def get(self, request):
        filters = checked(ServiceFilter(request.query_params, queryset=published.classes()))
        ids = self.paginate_queryset(published.service_ids(filters.qs, filters.also(published.offers())))
        mode = self.mode()
        listings = published.services(ids, full=mode == "full")
        return self.get_paginated_response(ServiceSerializer(listings, many=True, context={"services": mode}).data)

    def mode(self) -> str:
        """How much of each service to write: "minimal" if asked, else "full" unless ``full=false``."""
        if self.option("minimal", False):
            return "minimal"
        return "full" if self.option("full", True) else "summary"


class ServiceDetail(OpenReferralView):
    def get(self, request, identifier):
        oruk_id = requested_id(identifier, "service")
        for queryset in (published.classes(), published.offers()):
            pk = queryset.filter(oruk_id=oruk_id).values_list("pk", flat=True).first()
            if pk is not None:
                return Response(ServiceSerializer(published.services([pk])[0], context={"services": "full"}).data)
        raise not_found("service")


class ServiceAtLocationList(OpenReferralView):
    """Classes at their venues, oldest first; with ``postcode``, nearest first within ``proximity`` metres.

    Near a postcode, ``total_items`` is counted up to COUNT_CAP (``total_items_capped`` says when there are
    more), so the answer takes the same time however many classes the site lists.
    """

    honoured = SERVICE_PARAMETERS | {"modified_after", "full", "postcode", "proximity"}

    def get(self, request):
        filters = checked(ServiceFilter(request.query_params, queryset=published.located(published.classes())))
        origin = checked(NearForm(request.query_params)).origin()
        if origin is None:
            ids = self.paginate_queryset(filters.qs.order_by("pk").values_list("pk", flat=True))
        else:
            ids = self.nearest_first(filters.qs, *origin)
        full = self.option("full", False)
        context = {"service_at_location_services": "full" if full else "summary"}
        listings = published.services(ids, full=full)
        return self.get_paginated_response(ServiceAtLocationSerializer(listings, many=True, context=context).data)

    def nearest_first(self, queryset, latitude: float, longitude: float, km: float) -> list[int]:
        number, size = self.paginator.requested(self.request)
        if number * size > COUNT_CAP:
            message = _("Near a postcode, page × per_page can be at most %(cap)s; narrow the search.")
            raise ValidationError({"page": [message % {"cap": COUNT_CAP}]})
        paginator = NearbyPaginator(
            lambda radius: queryset.near(latitude, longitude, radius).values_list("pk", flat=True), km, size
        )
        return self.paginator.paginate(paginator, number)


class ServiceAtLocationDetail(OpenReferralView):
    def get(self, request, identifier):
        service_id = service_at_location_id(requested_id(identifier, "service_at_location"))
        located = published.located(published.classes())
        pk = located.filter(oruk_id=service_id).values_list("pk", flat=True).first()
        if pk is None:
            raise not_found("service_at_location")
        context = {"service_at_location_services": "full"}
        return Response(ServiceAtLocationSerializer(published.services([pk])[0], context=context).data)


class OrganizationList(OpenReferralView):
    """Providers, oldest first; ``full=true`` adds their services' own fields, ``full_service=true`` everything."""

    honoured = frozenset({"search", "page", "per_page", "full", "full_service"})

    def get(self, request):
        filters = checked(OrganizationFilter(request.query_params, queryset=published.providers().order_by("pk")))
        providers = self.paginate_queryset(filters.qs)
        mode = self.services_mode()
        if mode:
            published.attach_services(providers, full=mode == "full")
        context = {"organization_services": mode}
        return self.get_paginated_response(OrganizationSerializer(providers, many=True, context=context).data)

    def services_mode(self) -> str | None:
        """How to write each organisation's services: "full", "summary" (their own fields) or not at all."""
        if self.option("full_service", False):
            return "full"
        return "summary" if self.option("full", False) else None


class OrganizationDetail(OpenReferralView):
    """One provider with its services: their own fields, or everything with ``full_service=true``."""

    honoured = frozenset({"full_service"})

    def get(self, request, identifier):
        provider = published.providers().filter(oruk_id=requested_id(identifier, "organization")).first()
        if provider is None:
            raise not_found("organization")
        full = self.option("full_service", False)
        published.attach_services([provider], full=full)
        context = {"organization_services": "full" if full else "summary"}
        return Response(OrganizationSerializer(provider, context=context).data)


class TaxonomyList(OpenReferralView):
    honoured = frozenset({"search", "page", "per_page"})

    def get(self, request):
        found = checked(TaxonomyForm(request.query_params)).filter([taxonomy.TAXONOMY])
        return self.get_paginated_response(TaxonomySerializer(self.paginate_queryset(found), many=True).data)


class TaxonomyDetail(OpenReferralView):
    def get(self, request, identifier):
        if str(requested_id(identifier, "taxonomy")) != taxonomy.TAXONOMY.id:
            raise not_found("taxonomy")
        return Response(TaxonomySerializer(taxonomy.TAXONOMY).data)


class TaxonomyTermList(OpenReferralView):
    """The terms, parents first; ``taxonomy_id``, ``parent_id`` and ``top_only`` (no parent) narrow them."""

    honoured = frozenset({"search", "page", "per_page", "taxonomy_id", "parent_id", "top_only"})

    def get(self, request):
        found = checked(TermForm(request.query_params)).filter(taxonomy.terms())
        return self.get_paginated_response(TaxonomyTermSerializer(self.paginate_queryset(found), many=True).data)


class TaxonomyTermDetail(OpenReferralView):
    def get(self, request, identifier):
        term = taxonomy.by_id().get(str(requested_id(identifier, "taxonomy_term")))
        if term is None:
            raise not_found("taxonomy_term")
        return Response(TaxonomyTermSerializer(term).data)
