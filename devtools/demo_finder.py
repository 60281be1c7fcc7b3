"""Demo providers, venues, classes and workplace offers across all 33 London boroughs.

Everything is fictional except the places: venues sit on real postcodes from the imported
geography, chosen with a fixed random seed so every run builds the same site. Running it again
changes nothing that is already there. Records are built by the same factories the tests use, so the demo
and the tests agree on what a valid venue, class or offer is.
"""

import datetime
import logging
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision, WorkflowState

from devtools.demo import DEMO_PASSWORD, demo_user
from devtools.factories import ClassPageFactory, VenueFactory, WorkplaceOfferPageFactory
from finder.cms.providers import ensure_coordination, setup_provider
from finder.models import (
    ClassPage,
    ClassSession,
    District,
    IndustrySector,
    Language,
    Level,
    Postcode,
    ProviderPage,
    TargetGroup,
    Venue,
    WorkplaceOfferPage,
)

SEED = 20261124
CLASSES_PER_PROVIDER = 10

# (name, type, home borough); every borough is home to at least one provider.
PROVIDERS = [
    ("Thameside College", "college", "Tower Hamlets"),
    ("Northgate Adult Community Learning", "council", "Barnet"),
    ("Riverbank Women's Centre", "charity", "Newham"),
    ("Kingsland Refugee Welcome", "charity", "Hackney"),
    ("Croydon Learning Partnership", "council", "Croydon"),
    ("Westway Community Trust", "charity", "Kensington and Chelsea"),
    ("Southbank Skills College", "college", "Lambeth"),
    ("Lewisham Family Learning", "council", "Lewisham"),
    ("Peckham Welcome Project", "charity", "Southwark"),
    ("Ealing Adult Education Service", "council", "Ealing"),
    ("Brent Community English", "charity", "Brent"),
    ("Harrow Learning Hub", "council", "Harrow"),
    ("Hillingdon Skills Centre", "college", "Hillingdon"),
    ("Hounslow Friends of New Arrivals", "charity", "Hounslow"),
    ("Richmond Riverside Learning", "council", "Richmond upon Thames"),
    ("Kingston Valley College", "college", "Kingston upon Thames"),
    ("Merton Neighbours English Club", "charity", "Merton"),
    ("Sutton Parents Learning Together", "charity", "Sutton"),
    ("Bromley Adult Skills", "council", "Bromley"),
    ("Bexley Community Voices", "charity", "Bexley"),
    ("Greenwich Maritime College", "college", "Greenwich"),
    ("Barking Riverside Learning", "council", "Barking and Dagenham"),
    ("Havering Adult College", "college", "Havering"),
    ("Redbridge Conversation Cafés", "charity", "Redbridge"),
    ("Walthamstow Forest Learning", "council", "Waltham Forest"),
    ("Enfield Chase English", "charity", "Enfield"),
    ("Haringey Migrant Support", "charity", "Haringey"),
    ("Islington Angel Learning", "council", "Islington"),
    ("Camden Town English School", "charity", "Camden"),
    ("Westminster Adult Education", "council", "Westminster"),
    ("City Workers' English", "employer", "City of London"),
    ("Fulham Palace Road Learning", "charity", "Hammersmith and Fulham"),
    ("Wandsworth Common Learning", "council", "Wandsworth"),
    ("London Care Workers' Academy", "employer", "Southwark"),
    ("Capital Hospitality Training", "employer", "Westminster"),
]

SLOTS = [
    ("morning", "09:30", "12:00"),
    ("morning", "10:00", "12:00"),
    ("afternoon", "12:30", "14:30"),
    ("afternoon", "13:00", "15:00"),
    ("evening", "18:00", "20:00"),
    ("evening", "18:30", "20:30"),
]
PART_WORDS = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings", "weekend": "mornings"}
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
VENUE_KINDS = ["Community Centre", "Library", "Learning Centre", "Children's Centre", "Family Hub", "Church Hall"]
STREETS = ["High Street", "Station Road", "Church Lane", "Park Road", "Market Square", "Victoria Road", "Mill Lane"]
ELIGIBILITY = [
    "Free if you get Universal Credit or another benefit.",
    "Free if you earn less than the London Living Wage.",
    "Free for asylum seekers who have waited 6 months or more.",
]
QUALIFICATIONS = ["ESOL Skills for Life", "Trinity ESOL Skills for Life", "Ascentis ESOL Skills for Life"]


def load_demo_content(stdout) -> list[tuple[str, str, str]]:
    wagtail_log = logging.getLogger("wagtail")
    level = wagtail_log.level
    wagtail_log.setLevel(logging.WARNING)  # not a line per page created
    try:
        return _load(stdout)
    finally:
        wagtail_log.setLevel(level)


def _load(stdout) -> list[tuple[str, str, str]]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    coordination = ensure_coordination()
    coordination.index.intro = "Colleges, councils, charities and employers that teach English (ESOL) in London."
    coordination.index.save(update_fields=["intro"])

    boroughs = {d.name: d for d in District.objects.filter(is_london_borough=True)}
    postcodes = _postcodes_by_borough(boroughs.values())
    if len(postcodes) < len(boroughs) or not boroughs:
        stdout.write("No London postcodes loaded: run import_geography first. Demo providers skipped.")
        return []
    vocab = {
        "levels": list(Level.objects.order_by("sort_order")),
        "groups": list(TargetGroup.objects.all()),
        "languages": list(Language.objects.all()),
        "sectors": list(IndustrySector.objects.all()),
    }
    setups = []
    with transaction.atomic():
        for index, entry in enumerate(PROVIDERS):
            setups.append(set_up_demo_provider(rng, index, entry, boroughs, vocab["languages"], coordination))

        for setup, served in setups:
            provider = setup.provider
            if not provider.venues.exists():
                _add_venues(rng, provider, served, postcodes)
            if not ClassPage.objects.child_of(provider).exists():
                _add_classes(rng, provider, list(provider.venues.all()), vocab, today)
        for setup, served in setups[::2]:
            if not WorkplaceOfferPage.objects.child_of(setup.provider).exists():
                _add_workplace_offer(rng, setup.provider, served, vocab, today)

    first = setups[0][0]
    demo_user("coordinator", groups=[coordination.coordinators], email="coordinator@example.org")
    editor = demo_user("editor", groups=[first.editors], email="editor@example.org")
    _submit_a_change_for_approval(first.provider, editor, coordination.workflow)
    stdout.write(
        f"Demo CMS: {ProviderPage.objects.count()} providers, {ClassPage.objects.count()} classes, "
        f"{WorkplaceOfferPage.objects.count()} workplace offers, {Venue.objects.count()} venues."
    )
    return [
        ("ESOL coordinator", "coordinator", DEMO_PASSWORD),
        (f"Provider editor ({first.provider.title})", "editor", DEMO_PASSWORD),
    ]


def set_up_demo_provider(rng, index: int, entry: tuple[str, str, str], boroughs: dict, languages: list, coordination):
    """One demo provider, set up through ``setup_provider`` as a coordinator would; returns it and the boroughs
    it serves. The provider-boundary tests call this too, so they test the demo's own set-up."""
    name, kind, home = entry
    served = [boroughs[home], *(boroughs[b] for b in rng.sample(sorted(boroughs), 2) if b != home)]
    setup = setup_provider(
        name,
        editor_username=f"editor-{slugify(name)[:30]}",
        coordination=coordination,
        summary=_summary(kind, boroughs[home].name),
        provider_m2m={"boroughs_served": served, "staff_languages": rng.sample(languages, 3)},
        provider_fields={
            "organisation_type": kind,
            "phone": f"020 7946 {index:04d}",
            "email": f"esol@{slugify(name)[:30]}.example.org",
            "website": f"https://{slugify(name)[:30]}.example.org",
            "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}\nLondon",
            "accreditation_notes": "Matrix accredited." if kind == "college" else "",
            "funding_notes": "Funded by the Mayor of London's Adult Skills Fund.",
        },
    )
    return setup, served


def _summary(kind: str, borough: str) -> str:
    return {
        "college": f"A further education college with English classes at every level, in {borough} and nearby.",
        "council": f"The council's adult learning service: free and low-cost English classes in {borough}.",
        "charity": f"A community charity in {borough}. Friendly English classes for adults.",
        "employer": "English for people in work, at your workplace or at our centre.",
    }[kind]


def _postcodes_by_borough(boroughs) -> dict[str, list[tuple[str, float, float]]]:
    """Up to 400 real postcodes per borough, in a fixed order so the seed picks the same ones."""
    found = {}
    for borough in boroughs:
        rows = list(
            Postcode.objects.filter(district_code=borough.code)
            .order_by("postcode")
            .values_list("postcode", "latitude", "longitude")[::50][:400]
        )
        if rows:
            found[borough.code] = rows
    return found


def _add_venues(rng, provider, served, postcodes):
    venues = []
    for number, borough in enumerate([served[0], *served]):
        postcode, latitude, longitude = rng.choice(postcodes[borough.code])
        area = borough.name.split(" and ")[0].split(" upon ")[0]
        venues.append(
            VenueFactory.build(
                provider=provider,
                name=f"{area} {rng.choice(VENUE_KINDS)}" + (f" {number}" if number > 1 else ""),
                address=f"{rng.randint(1, 250)} {rng.choice(STREETS)}\nLondon",
                postcode=postcode,
                latitude=latitude,
                longitude=longitude,
                borough=borough,
                step_free_access=rng.random() < 0.75,
                access_features=rng.sample(
                    ["hearing_loop", "accessible_toilet", "lift", "quiet_room"], rng.randint(0, 3)
                ),
                has_creche_room=rng.random() < 0.4,
                transport_notes=f"Bus {rng.randint(1, 400)} stops outside. {rng.randint(3, 12)} minutes' walk "
                "from the station.",
            )
        )
    Venue.objects.bulk_create(venues)


JOINING_NOTES = {
    "drop_in": "Come to the drop-in assessment. We will find the right class for you.",
    "book": "Call or email us to book an assessment.",
    "referral": "Ask your support worker or Jobcentre work coach to refer you.",
}


def _add_classes(rng, provider, venues, vocab, today):
    levels = vocab["levels"]
    for number in range(CLASSES_PER_PROVIDER):
        first_level = rng.choices(range(len(levels)), weights=[2, 4, 4, 3, 2, 1])[0]
        class_levels = levels[first_level : first_level + rng.choice([1, 1, 2])]
        weekend = rng.random() < 0.1
        part, start, end = ("weekend", "10:00", "13:00") if weekend else rng.choice(SLOTS)
        days = [5] if weekend else sorted(rng.sample(range(5), rng.choice([1, 2, 2])))
        mode = rng.choices(["in_person", "online", "blended"], weights=[8, 1, 1])[0]
        venue = None if mode == "online" else rng.choice(venues)
        cost = rng.choices(["free", "free_if_eligible", "fee"], weights=[6, 3, 2])[0]
        rolling = rng.random() < 0.5
        term_start = today + datetime.timedelta(days=rng.randint(-40, 40))
        day_words = " and ".join(DAY_NAMES[d] for d in days)
        level_words = " and ".join(level.name for level in class_levels)
        title = f"{level_words} English, {day_words} {PART_WORDS[part]}"
        how_to_join = rng.choice([c for c, _ in ClassPage.HowToJoin.choices])
        capacity = rng.choice([12, 14, 16, 18, 20])
        creche = venue is not None and venue.has_creche_room and rng.random() < 0.6
        page = ClassPageFactory.build(
            title=title,
            slug=f"{slugify(title)[:60]}-{number + 1}",
            summary=rng.choice(
                [
                    "Learn to speak and understand everyday English.",
                    "Reading, writing, speaking and listening, in a small friendly group.",
                    "English for daily life: shops, doctors, schools and work.",
                    "Practise speaking English and make new friends.",
                ]
            ),
            delivery_mode=mode,
            venue=venue,
            skills_focus=rng.choices([c for c, _ in ClassPage.Skills.choices], weights=[6, 2, 1, 2, 1])[0],
            start_date=None if rolling else term_start,
            end_date=term_start + datetime.timedelta(days=rng.randint(70, 240))
            if not rolling or rng.random() < 0.5
            else None,
            rolling_enrolment=rolling,
            how_to_join=how_to_join,
            joining_notes=JOINING_NOTES[how_to_join],
            drop_in_weekday=rng.randrange(5) if how_to_join == "drop_in" else None,
            drop_in_start=datetime.time(10) if how_to_join == "drop_in" else None,
            drop_in_end=datetime.time(12) if how_to_join == "drop_in" else None,
            referral_by=rng.sample(["jobcentre", "council", "charity", "any"], 2) if how_to_join == "referral" else [],
            what_to_bring=["photo_id", "proof_of_address", *(["benefit_letter"] if cost == "free_if_eligible" else [])],
            cost=cost,
            fee_amount=Decimal(rng.choice([35, 45, 60, 90, 120, 175])) if cost == "fee" else None,
            fee_unit=rng.choice(["term", "course"]) if cost == "fee" else "",
            concession_fee=Decimal(20) if cost == "fee" and rng.random() < 0.5 else None,
            free_for=rng.sample(["benefits", "low_pay", "asylum", "refugee"], 2) if cost == "free_if_eligible" else [],
            eligibility=rng.choice(ELIGIBILITY) if cost == "free_if_eligible" else "",
            childcare="creche" if creche else rng.choice(["none", "none", "support"]),
            creche_from_months=6 if creche else None,
            creche_to_months=60 if creche else None,
            women_only=rng.random() < 0.12,
            strand=rng.choices([c for c, _ in ClassPage.Strand.choices], weights=[1, 1, 1, 1, 12])[0],
            accredited=(accredited := rng.random() < 0.3),
            qualification=f"{rng.choice(QUALIFICATIONS)} {class_levels[0].name}" if accredited else "",
            capacity=capacity,
            # Most classes have places worked out from their size; about one in six is full.
            enrolled=capacity if rng.random() < 0.17 else rng.randint(capacity // 2, capacity - 1),
            next_intake=today + datetime.timedelta(days=rng.randint(30, 120)),
            contact_phone=provider.phone,
            contact_email=provider.email,
            last_checked=today - datetime.timedelta(days=rng.randint(0, 150)),
            live=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        if page.end_date and page.end_date < today + datetime.timedelta(days=14):
            page.end_date = today + datetime.timedelta(days=60)
        page.sessions = [
            ClassSession(
                weekday=day, start_time=datetime.time.fromisoformat(start), end_time=datetime.time.fromisoformat(end)
            )
            for day in days
        ]
        page.levels = class_levels
        page.target_groups = rng.sample(vocab["groups"], rng.choice([0, 1, 2]))
        if page.women_only and "women" not in [g.code for g in page.target_groups.all()]:
            page.target_groups.add(next(g for g in vocab["groups"] if g.code == "women"))
        page.support_languages = rng.sample(vocab["languages"], rng.choice([0, 1, 2]))
        provider.add_child(instance=page)
        _mark_published(page)


def _add_workplace_offer(rng, provider, served, vocab, today):
    page = WorkplaceOfferPageFactory.build(
        title=f"English at work with {provider.title}",
        slug="english-at-work",
        summary="English classes for your staff, planned with you around their shifts.",
        delivered_at=rng.choice([c for c, _ in WorkplaceOfferPage.DeliveredAt.choices]),
        min_group_size=rng.choice([4, 6, 8]),
        max_group_size=rng.choice([12, 15, 20]),
        funding_and_cost="Free for staff who earn less than the London Living Wage. Other staff: ask us for a price.",
        typical_length=rng.choice(["10 weeks, 2 hours a week", "12 weeks, 3 hours a week", "6 weeks, 4 hours a week"]),
        contact_name="Workplace team",
        contact_email=provider.email,
        last_checked=today - datetime.timedelta(days=rng.randint(0, 150)),
        live=True,
        first_published_at=timezone.now(),
        last_published_at=timezone.now(),
    )
    page.sectors = rng.sample(vocab["sectors"], 3)
    page.boroughs = served
    page.levels = vocab["levels"][1:4]
    provider.add_child(instance=page)
    _mark_published(page)


def _submit_a_change_for_approval(provider, editor, workflow):
    """One class waits for the demo coordinator's approval, so the workflow can be tried at once."""
    page = ClassPage.objects.child_of(provider).order_by("path").first()
    if page is None or WorkflowState.objects.for_instance(page).exists():
        return
    draft = page.get_latest_revision_as_object()
    draft.places_status = ClassPage.Places.FEW
    draft.title = f"{draft.title} (new)"
    draft.save_revision(user=editor, log_action=True)
    workflow.start(draft, editor)


def _mark_published(page):
    """Give a page created live its first revision, as publishing would, in one insert and one update.

    Going through ``save_revision().publish()`` would save (and re-index) every page twice more.
    """
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        content=page.serializable_data(),
        object_str=str(page),
    )
    type(page).objects.filter(pk=page.pk).update(
        latest_revision=revision,
        live_revision=revision,
        latest_revision_created_at=revision.created_at,
        has_unpublished_changes=False,
    )
