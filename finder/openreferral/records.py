"""The Open Referral records that exist only inside another: a venue's address, a class's schedules and so on.

Each takes its id from its parent's (``ids.derived``). Optional fields that are empty are left out, as the
UK profile asks, so consumers never see "", null or [].
"""

from django.conf import settings
from django.utils import translation

from finder import vocabularies
from finder.models import ClassPage, ClassSession, Venue, WorkplaceOfferPage
from finder.openreferral import taxonomy
from finder.openreferral.ids import derived

BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
EMPTY = (None, "", [], {})


def compact(record: dict) -> dict:
    """Drop optional fields that are empty."""
    return {key: value for key, value in record.items() if value not in EMPTY}


def absolute(url: str | None) -> str | None:
    """A page's address as a full URL (the site's own pages are relative)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url if url and url.startswith("/") else url


# --- Inside a location (a venue) ------------------------------------------------------------------------------


def addresses(venue: Venue) -> list[dict]:
    return [
        compact(
            {
                "id": derived(venue.oruk_id, "address"),
                "location_id": str(venue.oruk_id),
                "address_1": " ".join(venue.address.split()),
                "city": "London",
                "state_province": venue.borough.name if venue.borough else "London",
                "postal_code": venue.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        )
    ]


def accessibility(venue: Venue) -> list[dict]:
    if not venue.step_free_access:
        return []
    return [
        {
            "id": derived(venue.oruk_id, "accessibility:step-free"),
            "location_id": str(venue.oruk_id),
            "description": "Step-free access",
        }
    ]


# --- Inside a service (a class or a workplace offer) ----------------------------------------------------------


def schedules(page: ClassPage) -> list[dict]:
    """One weekly schedule per session; two sessions at the same day and time are one schedule."""
    found = {}
    for session in page.sessions.all():
        record = _schedule(page, session)
        found.setdefault(record["id"], record)
    return list(found.values())


def _schedule(page: ClassPage, session: ClassSession) -> dict:
    opens, closes = session.start_time.strftime("%H:%M"), session.end_time.strftime("%H:%M")
    start = page.start_date.isoformat() if page.start_date else None
    return compact(
        {
            "id": derived(page.oruk_id, f"schedule:{BYDAY[session.weekday]}:{opens}-{closes}"),
            "service_id": str(page.oruk_id),
            "freq": "WEEKLY",
            "interval": 1,
            "byday": BYDAY[session.weekday],
            "opens_at": opens,
            "closes_at": closes,
            "valid_from": start,
            "valid_to": page.end_date.isoformat() if page.end_date else None,
            "dtstart": start,
            "attending_type": "online" if page.delivery_mode == ClassPage.DeliveryMode.ONLINE else "in person",
        }
    )


def offer_schedules(offer: WorkplaceOfferPage) -> list[dict]:
    """A workplace offer is arranged with each employer; its typical length is all there is to say."""
    return [
        {
            "id": derived(offer.oruk_id, "schedule:typical"),
            "service_id": str(offer.oruk_id),
            "description": offer.typical_length,
        }
    ]


def cost_options(page: ClassPage) -> list[dict]:
    record = {"id": derived(page.oruk_id, "cost_option"), "service_id": str(page.oruk_id)}
    if page.cost == ClassPage.Cost.FEE:
        amount = float(page.fee_amount) if page.fee_amount is not None else None
        options = [compact(record | {"option": "Fee", "amount": amount, "amount_description": _fee_unit(page)})]
        if page.concession_fee:
            concession = {"option": "Reduced fee for learners on a low income", "amount": float(page.concession_fee)}
            options.append(record | concession | {"id": derived(page.oruk_id, "cost_option:concession")})
        return options
    if page.cost == ClassPage.Cost.FREE:
        return [record | {"option": "Free", "amount": 0}]
    # The open data is in English: the reasons' labels are rendered without a translation.
    with translation.override("en"):
        reasons = "; ".join(str(label) for label in ClassPage._meta.get_field("free_for").labels(page.free_for))
    who = " ".join(part for part in (reasons, page.eligibility) if part)
    return [record | {"option": f"Free if eligible: {who}".strip().rstrip(":"), "amount": 0}]


def _fee_unit(page: ClassPage) -> str:
    with translation.override("en"):
        return str(vocabularies.FeeUnit(page.fee_unit).label) if page.fee_unit else "for the course"


def offer_cost_options(offer: WorkplaceOfferPage) -> list[dict]:
    return [
        {
            "id": derived(offer.oruk_id, "cost_option"),
            "service_id": str(offer.oruk_id),
            "option": offer.funding_and_cost,
        }
    ]


def languages(page, others=()) -> list[dict]:
    """English, which every service teaches in, and the other languages staff speak."""
    found = [("en", "English"), *((language.code, language.name) for language in others)]
    return [
        {"id": derived(page.oruk_id, f"language:{code}"), "service_id": str(page.oruk_id), "name": name, "code": code}
        for code, name in found
    ]


def contacts(page) -> list[dict]:
    if not (page.contact_name or page.contact_phone or page.contact_email):
        return []
    contact_id = derived(page.oruk_id, "contact")
    phone = {"id": derived(page.oruk_id, "contact:phone"), "contact_id": contact_id, "number": page.contact_phone}
    return [
        compact(
            {
                "id": contact_id,
                "service_id": str(page.oruk_id),
                "name": page.contact_name,
                "email": page.contact_email,
                "phones": [phone] if page.contact_phone else [],
            }
        )
    ]


def service_areas(offer: WorkplaceOfferPage) -> list[dict]:
    """The London boroughs a workplace offer covers."""
    return [
        {
            "id": derived(offer.oruk_id, f"service_area:{borough.code}"),
            "service_id": str(offer.oruk_id),
            "name": borough.name,
            "extent_type": "borough",
            "uri": f"http://statistics.data.gov.uk/id/statistical-geography/{borough.code}",
        }
        for borough in offer.boroughs.all()
    ]


def attributes(page, term_records: dict[str, dict]) -> list[dict]:
    """The page's ESOL facets; ``term_records`` are the serialised terms by code."""
    return [
        {
            "id": derived(page.oruk_id, f"attribute:{code}"),
            "link_id": str(page.oruk_id),
            "link_type": "service",
            "taxonomy_term_id": term_records[code]["id"],
            "taxonomy_term": term_records[code],
        }
        for code in taxonomy.codes_of(page)
        if code in term_records
    ]
