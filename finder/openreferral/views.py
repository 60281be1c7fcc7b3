"""Open Referral UK 3.0 API: public, read-only JSON views with Access-Control-Allow-Origin: *.

Each class is a service, each venue a location, each provider an organisation. Bad parameters are a
400 with a message; unknown identifiers a 404.
"""

import math
from datetime import UTC, datetime
from functools import wraps

from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.geography.postcodes import format_outcode, format_postcode
from finder.models import ClassPage, ClassSession, ProviderPage, Venue
from finder.openreferral import builders
from finder.openreferral.ids import parse_uuid, pk_for
from finder.search.queries import COUNT_CAP, NearbyPaginator, attach_providers

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PROXIMITY_METRES = 50_000
MAX_SEARCH_LENGTH = 100
OPENAPI_URL = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/openapi.json"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"


class BadParameter(Exception):
    pass


def api_view(view):
    """GET only, CORS open, and BadParameter turned into a 400 JSON error."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except BadParameter as error:
            response = JsonResponse({"error": "bad_request", "message": str(error)}, status=400)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def not_found(kind: str) -> JsonResponse:
    return JsonResponse({"error": "not_found", "message": f"No {kind} has that id."}, status=404)


def _int(request, name, default, low, high):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number.") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}.")
    return value


def _paging(request):
    return _int(request, "page", 1, 1, 100_000), _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


def _search(request) -> str:
    text = request.GET.get("search", "").strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise BadParameter(f"search must be at most {MAX_SEARCH_LENGTH} characters.")
    if any(ord(character) < 32 for character in text):
        raise BadParameter("search must not contain control characters.")
    return text


def _modified_after(request):
    raw = request.GET.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace("Z", "+00:00")) or (
            datetime.combine(parse_date(raw), datetime.min.time()) if parse_date(raw) else None
        )
    except ValueError:
        value = None
    if value is None:
        raise BadParameter("modified_after must be an ISO 8601 date or date-time, like 2026-01-31T09:00:00Z.")
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _term_codes_filter(request) -> Q:
    raw = request.GET.get("taxonomy_term_id", "").strip()
    if not raw:
        return Q()
    identifier = parse_uuid(raw)
    terms = {term["id"]: term.get("code") for term in builders.taxonomy_terms()}
    if identifier is None or identifier not in terms:
        raise BadParameter("taxonomy_term_id is not a term of this API's taxonomy (see /taxonomy_terms).")
    code = terms[identifier]
    if code.startswith("level:"):
        return Q(levels__code=code.removeprefix("level:"))
    if code.startswith("strand:"):
        return Q(strand=code.removeprefix("strand:"))
    return {
        "level": Q(levels__isnull=False),
        "childcare": ~Q(childcare=ClassPage.Childcare.NONE),
        "creche": Q(childcare=ClassPage.Childcare.CRECHE),
        "childcare-support": Q(childcare=ClassPage.Childcare.SUPPORT),
        "women-only": Q(women_only=True),
        "strand": ~Q(strand=ClassPage.Strand.NONE),
    }[code]


def _page_envelope(contents, total, page, per_page) -> dict:
    total_pages = max(math.ceil(total / per_page), 1)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _classes(request):
    """Current classes narrowed by the shared parameters (search, modified_after, taxonomy_term_id)."""
    queryset = ClassPage.objects.current()
    search = _search(request)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    modified_after = _modified_after(request)
    if modified_after:
        queryset = queryset.filter(last_published_at__gt=modified_after)
    terms = _term_codes_filter(request)
    if terms:
        queryset = queryset.filter(pk__in=ClassPage.objects.filter(terms).values("pk"))
    return queryset


def _with_related(queryset):
    return queryset.select_related("venue", "venue__borough").prefetch_related(
        Prefetch("sessions", queryset=ClassSession.objects.order_by("weekday", "start_time")),
        "levels",
        "support_languages",
    )


def _services(pages) -> list[dict]:
    attach_providers(pages)
    providers = ProviderPage.objects.in_bulk({page.provider_page_id for page in pages})
    terms = {term["code"]: term for term in builders.taxonomy_terms()}
    return [builders.service(page, providers.get(page.provider_page_id), terms) for page in pages]


@api_view
def api_details(request):
    return JsonResponse({"version": "HSDS 3.0", "profile": PROFILE_URL, "openapi_url": OPENAPI_URL})


@api_view
def services(request):
    page, per_page = _paging(request)
    queryset = _classes(request).order_by("pk")
    total = queryset.count()
    pages = list(_with_related(queryset)[(page - 1) * per_page : page * per_page])
    return JsonResponse(_page_envelope(_services(pages), total, page, per_page))


@api_view
def service_detail(request, identifier):
    key = parse_uuid(identifier)
    pk = key and pk_for("service", ClassPage.objects.current(), key)
    if not pk:
        return not_found("service")
    return JsonResponse(_services(list(_with_related(ClassPage.objects.current().filter(pk=pk))))[0])


def _origin(request):
    postcode = request.GET.get("postcode", "").strip()
    proximity = request.GET.get("proximity", "").strip()
    if not postcode:
        if proximity:
            raise BadParameter("proximity needs a postcode.")
        return None
    if not (format_postcode(postcode) or format_outcode(postcode)):
        raise BadParameter("postcode must be a UK postcode like E1 6AN, or its first part like E1.")
    try:
        location = get_geocoder().resolve(postcode)
    except PlaceNotFound:
        raise BadParameter(f"postcode {postcode!r} was not found.") from None
    metres = _int(request, "proximity", 5000, 1, MAX_PROXIMITY_METRES)
    return location.latitude, location.longitude, metres / 1000


@api_view
def service_at_locations(request):
    """Services at their venues; with ``postcode``, nearest first within ``proximity`` metres.

    Near a postcode, ``total_items`` is counted up to COUNT_CAP (``total_items_capped`` says when there
    are more), so the answer takes the same time however many classes the site lists.
    """
    page, per_page = _paging(request)
    origin = _origin(request)
    queryset = _classes(request).filter(venue__isnull=False)
    extra = {}
    if origin:
        if page * per_page > COUNT_CAP:
            raise BadParameter(f"near a postcode, page × per_page can be at most {COUNT_CAP}; narrow the search.")
        latitude, longitude, km = origin
        paginator = NearbyPaginator(lambda radius: queryset.near(latitude, longitude, radius), km, per_page)
        total = paginator.count
        extra["total_items_capped"] = paginator.capped
        rows = list(paginator.page(page).object_list) if total > (page - 1) * per_page else []
    else:
        queryset = queryset.order_by("pk")
        total = queryset.count()
        rows = list(queryset[(page - 1) * per_page : page * per_page])
    # Venues for just this page: joining them into the nearest-first scan would widen every row it sorts.
    venues = Venue.objects.select_related("borough").in_bulk({row.venue_id for row in rows})
    for row in rows:
        row.venue = venues[row.venue_id]
    contents = [builders.service_at_location(row) for row in rows]
    return JsonResponse(_page_envelope(contents, total, page, per_page) | extra)


@api_view
def service_at_location_detail(request, identifier):
    key = parse_uuid(identifier)
    queryset = ClassPage.objects.current().filter(venue__isnull=False)
    pk = key and pk_for("service_at_location", queryset, key)
    if not pk:
        return not_found("service_at_location")
    return JsonResponse(builders.service_at_location(queryset.select_related("venue", "venue__borough").get(pk=pk)))


def _providers(request):
    queryset = ProviderPage.objects.live().order_by("pk")
    search = _search(request)
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return queryset


@api_view
def organizations(request):
    page, per_page = _paging(request)
    queryset = _providers(request)
    total = queryset.count()
    contents = [builders.organization(p) for p in queryset[(page - 1) * per_page : page * per_page]]
    return JsonResponse(_page_envelope(contents, total, page, per_page))


@api_view
def organization_detail(request, identifier):
    key = parse_uuid(identifier)
    pk = key and pk_for("organization", ProviderPage.objects.live(), key)
    if not pk:
        return not_found("organization")
    return JsonResponse(builders.organization(ProviderPage.objects.get(pk=pk)))


def _listed(request, items):
    page, per_page = _paging(request)
    search = _search(request).casefold()
    if search:
        items = [item for item in items if search in item["name"].casefold()]
    contents = items[(page - 1) * per_page : page * per_page]
    return JsonResponse(_page_envelope(contents, len(items), page, per_page))


@api_view
def taxonomies(request):
    return _listed(request, [builders.taxonomy()])


@api_view
def taxonomy_detail(request, identifier):
    if parse_uuid(identifier) != builders.taxonomy()["id"]:
        return not_found("taxonomy")
    return JsonResponse(builders.taxonomy())


@api_view
def taxonomy_terms(request):
    terms = builders.taxonomy_terms()
    taxonomy_id = request.GET.get("taxonomy_id", "").strip()
    if taxonomy_id and parse_uuid(taxonomy_id) != builders.taxonomy()["id"]:
        terms = []
    parent_id = request.GET.get("parent_id", "").strip()
    if parent_id:
        terms = [term for term in terms if term.get("parent_id") == parse_uuid(parent_id)]
    if request.GET.get("top_only", "").lower() in {"true", "1"}:
        terms = [term for term in terms if "parent_id" not in term]
    return _listed(request, terms)


@api_view
def taxonomy_term_detail(request, identifier):
    term = next((t for t in builders.taxonomy_terms() if t["id"] == parse_uuid(identifier)), None)
    return JsonResponse(term) if term else not_found("taxonomy_term")
