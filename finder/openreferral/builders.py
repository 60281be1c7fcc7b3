"""Open Referral UK 3.0 records built from pages, venues and sessions. Empty optional fields are left out."""

from django.conf import settings
from django.utils.html import strip_tags

from finder.models import ClassPage, ClassSession, Level, ProviderPage, Venue
from finder.openreferral.ids import uid

BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ESOL_TAXONOMY = "esol"
TAXONOMY_URI = "https://esolplus.london/openreferral/taxonomies/esol"


def compact(record: dict) -> dict:
    """Drop optional fields that are empty, so consumers never see "" or []."""
    return {key: value for key, value in record.items() if value not in (None, "", [], {})}


def absolute(url: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url if url and url.startswith("/") else url


# --- The ESOL taxonomy: facets of a class as terms ----------------------------------------------------------


def taxonomy() -> dict:
    return {
        "id": uid("taxonomy", ESOL_TAXONOMY),
        "name": "ESOL Plus class facets",
        "description": "Level, childcare, women-only and ESOL Plus strand of adult ESOL classes in London.",
        "uri": TAXONOMY_URI,
        "version": "1",
    }


def _term(code: str, name: str, description: str, parent: str | None = None) -> dict:
    return compact(
        {
            "id": uid("taxonomy_term", code),
            "name": name,
            "description": description,
            "code": code,
            "parent_id": uid("taxonomy_term", parent) if parent else None,
            "taxonomy": "ESOL Plus class facets",
            "taxonomy_id": uid("taxonomy", ESOL_TAXONOMY),
            "term_uri": f"{TAXONOMY_URI}#{code}",
        }
    )


def taxonomy_terms() -> list[dict]:
    """Every term, parents first; codes are stable ("level:entry-1", "creche", "strand:childcare")."""
    terms = [
        _term("level", "ESOL level", "Adult ESOL Core Curriculum level."),
        *(
            _term(f"level:{level.code}", str(level.name), f"{level.name} ({level.cefr or 'ESOL'})", "level")
            for level in Level.objects.all()
        ),
        _term("childcare", "Childcare", "Help with childcare while learning."),
        _term("creche", "Crèche on site", "A crèche where the class is held.", "childcare"),
        _term("childcare-support", "Help to pay for childcare", "Help to pay for childcare.", "childcare"),
        _term("women-only", "Women only", "A class for women only."),
        _term("strand", "ESOL Plus strand", "The Mayor of London's ESOL Plus pilot strand."),
        *(
            _term(f"strand:{value}", str(label), str(label), "strand")
            for value, label in ClassPage.Strand.choices
            if value != ClassPage.Strand.NONE
        ),
    ]
    return terms


def term_codes(page: ClassPage) -> list[str]:
    codes = [f"level:{level.code}" for level in page.levels.all()]
    if page.childcare == ClassPage.Childcare.CRECHE:
        codes.append("creche")
    elif page.childcare == ClassPage.Childcare.SUPPORT:
        codes.append("childcare-support")
    if page.women_only:
        codes.append("women-only")
    if page.strand != ClassPage.Strand.NONE:
        codes.append(f"strand:{page.strand}")
    return codes


# --- Organisations, locations, services -------------------------------------------------------------------


def organization(provider: ProviderPage) -> dict:
    return compact(
        {
            "id": uid("organization", provider.pk),
            "name": provider.title,
            "description": provider.summary or provider.title,
            "email": provider.email,
            "website": provider.website,
            "uri": absolute(provider.url or ""),
        }
    )


def location(venue: Venue) -> dict:
    return compact(
        {
            "id": uid("location", venue.pk),
            "location_type": "physical",
            "name": venue.name,
            "description": venue.transport_notes,
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "addresses": [
                {
                    "id": uid("address", venue.pk),
                    "location_id": uid("location", venue.pk),
                    "address_1": " ".join(venue.address.split()),
                    "city": "London",
                    "state_province": venue.borough.name if venue.borough_id and venue.borough else "London",
                    "postal_code": venue.postcode,
                    "country": "GB",
                    "address_type": "physical",
                }
            ],
            "accessibility": (
                [
                    {
                        "id": uid("accessibility", venue.pk),
                        "location_id": uid("location", venue.pk),
                        "description": "Step-free access",
                    }
                ]
                if venue.step_free_access
                else []
            ),
        }
    )


def service_at_location(page: ClassPage) -> dict:
    return {
        "id": uid("service_at_location", page.pk),
        "service_id": uid("service", page.pk),
        "location_id": uid("location", page.venue_id),
        "location": location(page.venue),
    }


def schedule(page: ClassPage, session: ClassSession) -> dict:
    return compact(
        {
            "id": uid("schedule", session.pk),
            "service_id": uid("service", page.pk),
            "freq": "WEEKLY",
            "interval": 1,
            "byday": BYDAY[session.weekday],
            "opens_at": session.start_time.strftime("%H:%M"),
            "closes_at": session.end_time.strftime("%H:%M"),
            "valid_from": page.start_date.isoformat() if page.start_date else None,
            "valid_to": page.end_date.isoformat() if page.end_date else None,
            "dtstart": page.start_date.isoformat() if page.start_date else None,
            "attending_type": "online" if page.delivery_mode == ClassPage.DeliveryMode.ONLINE else "in person",
        }
    )


def cost_option(page: ClassPage) -> dict:
    if page.cost == ClassPage.Cost.FEE:
        return compact(
            {
                "id": uid("cost_option", page.pk),
                "service_id": uid("service", page.pk),
                "option": "Course fee",
                "amount": float(page.fee_amount) if page.fee_amount is not None else None,
                "amount_description": "for the course",
            }
        )
    option = "Free" if page.cost == ClassPage.Cost.FREE else f"Free if eligible: {page.eligibility}".strip()
    return {"id": uid("cost_option", page.pk), "service_id": uid("service", page.pk), "option": option, "amount": 0}


def languages(page: ClassPage) -> list[dict]:
    found = [("en", "English")] + [(lang.code, lang.name) for lang in page.support_languages.all()]
    return [
        {"id": uid("language", f"{page.pk}:{code}"), "service_id": uid("service", page.pk), "name": name, "code": code}
        for code, name in found
    ]


def contacts(page: ClassPage) -> list[dict]:
    if not (page.contact_name or page.contact_phone or page.contact_email):
        return []
    contact_id = uid("contact", page.pk)
    return [
        compact(
            {
                "id": contact_id,
                "service_id": uid("service", page.pk),
                "name": page.contact_name,
                "email": page.contact_email,
                "phones": (
                    [{"id": uid("phone", page.pk), "contact_id": contact_id, "number": page.contact_phone}]
                    if page.contact_phone
                    else []
                ),
            }
        )
    ]


def attributes(page: ClassPage, terms: dict[str, dict]) -> list[dict]:
    return [
        {
            "id": uid("attribute", f"{page.pk}:{code}"),
            "link_id": uid("service", page.pk),
            "link_type": "service",
            "taxonomy_term_id": terms[code]["id"],
            "taxonomy_term": terms[code],
        }
        for code in term_codes(page)
        if code in terms
    ]


def service(page: ClassPage, provider: ProviderPage | None, terms: dict[str, dict]) -> dict:
    """One class as an Open Referral service, with schedules, costs, languages, contacts and facets."""
    return compact(
        {
            "id": uid("service", page.pk),
            "organization_id": uid("organization", provider.pk) if provider else None,
            "name": page.title,
            "description": page.summary + ("\n\n" + strip_tags(page.description) if page.description else ""),
            "url": absolute(page.url or ""),
            "email": page.contact_email,
            "status": "active",
            "accreditations": page.qualification if page.accredited else None,
            "minimum_age": 16,
            "assured_date": page.last_checked.isoformat() if page.last_checked else None,
            "last_modified": page.last_published_at.isoformat() if page.last_published_at else None,
            "eligibility_description": page.eligibility,
            "schedules": [schedule(page, session) for session in page.sessions.all()],
            "service_at_locations": [service_at_location(page)] if page.venue_id else [],
            "languages": languages(page),
            "organization": organization(provider) if provider else None,
            "cost_options": [cost_option(page)],
            "contacts": contacts(page),
            "attributes": attributes(page, terms),
        }
    )
