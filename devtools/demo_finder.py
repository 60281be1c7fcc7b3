"""Demo providers, venues, classes and workplace offers across all 33 London boroughs.

Everything is fictional except the places: each provider has a home borough, and its venues sit on real postcodes
of that borough and the boroughs next to it (devtools.london), named after the real place nearest to each. A busy
inner east or north London borough's provider runs more classes than an outer one's. What each class is, and how its
facts agree, is devtools.demo_classes; enquiries, waiting lists and problem reports are devtools.demo_activity.
A fixed random seed picks everything, so every run builds the same site, and running it again changes nothing that
is already there. Records are built by the same factories the tests use, so the demo and the tests agree on what a
valid venue, class or offer is.
"""

import datetime
import logging
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision, WorkflowState

from devtools import demo_classes, demo_venues, london
from devtools.demo import DEMO_PASSWORD, demo_user
from devtools.factories import ClassPageFactory, WorkplaceOfferPageFactory
from finder.cms.providers import ensure_coordination, setup_provider
from finder.models import (
    ClassPage,
    ClassSession,
    District,
    IndustrySector,
    Language,
    Level,
    ProviderPage,
    TargetGroup,
    Venue,
    WorkplaceOfferPage,
)

SEED = 20261124

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
HOME_BOROUGH = {name: home for name, _kind, home in PROVIDERS}

# The ESOL Plus pilots' classes: two at each of five providers per strand (the pilots' cohorts run on them).
PILOT_PROVIDERS = {
    "Riverbank Women's Centre": "childcare",
    "Lewisham Family Learning": "childcare",
    "Sutton Parents Learning Together": "childcare",
    "Barking Riverside Learning": "childcare",
    "Islington Angel Learning": "childcare",
    "Ealing Adult Education Service": "employment",
    "Croydon Learning Partnership": "employment",
    "Haringey Migrant Support": "employment",
    "Brent Community English": "employment",
    "Walthamstow Forest Learning": "employment",
    "City Workers' English": "workplace",
    "London Care Workers' Academy": "workplace",
    "Capital Hospitality Training": "workplace",
    "Greenwich Maritime College": "workplace",
    "Southbank Skills College": "workplace",
}
PILOT_CLASSES_PER_PROVIDER = 2
EMPLOYER_SUMMARIES = {
    "City Workers' English": "English for cleaners, security officers and catering staff in City offices, "
    "before and after their shifts.",
    "London Care Workers' Academy": "English for care workers: talking with residents and families, care plans "
    "and handovers. Courses at our centre in Southwark or at your care home.",
    "Capital Hospitality Training": "English for hotel, restaurant and kitchen staff in the West End, planned "
    "around split shifts.",
}


def load_demo_content(stdout) -> list[tuple[str, str, str]]:
    wagtail_log = logging.getLogger("wagtail")
    level = wagtail_log.level
    wagtail_log.setLevel(logging.WARNING)  # not a line per page created
    try:
        return _load(stdout)
    finally:
        wagtail_log.setLevel(level)


def _load(stdout) -> list[tuple[str, str, str]]:
    from devtools.demo_activity import load_activity_demo

    rng = random.Random(SEED)
    today = timezone.localdate()
    coordination = ensure_coordination()
    coordination.index.intro = "Colleges, councils, charities and employers that teach English (ESOL) in London."
    coordination.index.save(update_fields=["intro"])

    boroughs = {d.name: d for d in District.objects.filter(is_london_borough=True)}
    postcodes = demo_venues.postcodes_by_borough(boroughs.values())
    if len(postcodes) < len(boroughs) or not boroughs:
        stdout.write("No London postcodes loaded: run import_geography first. Demo providers skipped.")
        return []
    vocab = {
        "levels": list(Level.objects.order_by("sort_order")),
        "groups": {group.code: group for group in TargetGroup.objects.all()} | {"": None},
        "languages": list(Language.objects.all()),
        "sectors": list(IndustrySector.objects.all()),
    }
    setups = []
    with transaction.atomic():
        for index, entry in enumerate(PROVIDERS):
            setups.append(set_up_demo_provider(rng, index, entry, boroughs, vocab["languages"], coordination))

        places = demo_venues.places_by_outcode()
        taken = set(Venue.objects.values_list("name", flat=True))
        main_taken: set[str] = set()
        for setup, served in setups:
            provider = setup.provider
            kind = provider.organisation_type
            if not provider.venues.exists():
                strand = PILOT_PROVIDERS.get(provider.title)
                demo_venues.add_venues(rng, provider, kind, served, postcodes, places, taken, main_taken, strand)
            if not ClassPage.objects.child_of(provider).exists():
                _add_classes(rng, provider, kind, served[0], list(provider.venues.order_by("pk")), vocab, today)
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
    load_activity_demo(stdout, [setup for setup, _served in setups], editor)
    return [
        ("ESOL coordinator", "coordinator", DEMO_PASSWORD),
        (f"Provider editor ({first.provider.title})", "editor", DEMO_PASSWORD),
    ]


def set_up_demo_provider(rng, index: int, entry: tuple[str, str, str], boroughs: dict, languages: list, coordination):
    """One demo provider, set up through ``setup_provider`` as a coordinator would; returns it and the boroughs
    it serves (its home borough first, then two next to it). The provider-boundary tests call this too, so they
    test the demo's own set-up."""
    name, kind, home = entry
    nearby = rng.sample(london.neighbours(home), 2)
    served = [boroughs[home], *(boroughs[b] for b in nearby)]
    setup = setup_provider(
        name,
        editor_username=f"editor-{slugify(name)[:30]}",
        coordination=coordination,
        summary=_summary(name, kind, home, nearby),
        provider_m2m={"boroughs_served": served, "staff_languages": rng.sample(languages, 3)},
        provider_fields={
            "organisation_type": kind,
            "phone": f"020 7946 {index:04d}",
            "email": f"esol@{slugify(name)[:30]}.example.org",
            "website": f"https://{slugify(name)[:30]}.example.org",
            "address": f"{rng.randint(1, 200)} {rng.choice(demo_venues.STREETS)}\nLondon",
            "accreditation_notes": "Matrix accredited." if kind == "college" else "",
            "funding_notes": "Funded by the Mayor of London's Adult Skills Fund.",
        },
    )
    return setup, served


def _summary(name: str, kind: str, home: str, nearby: list[str]) -> str:
    """Each provider's own summary, naming the boroughs it teaches in."""
    if kind == "employer":
        return EMPLOYER_SUMMARIES.get(name, f"English for people in work in {home}, at your workplace or ours.")
    area = f"{home}, {nearby[0]} and {nearby[1]}"
    return {
        "college": f"A further education college in {home}: English from beginners to Level 2, exam courses and "
        f"English for work, at our campus and in the community across {area}.",
        "council": f"{home} Council's adult learning service: free and low-cost English classes in libraries, "
        f"children's centres and community centres, for people who live in {area}.",
        "charity": f"A community charity in {home}: friendly English classes, conversation groups and advice for "
        f"adults in {area}.",
    }[kind]


def _add_classes(rng, provider, kind: str, home, venues, vocab, today):
    """The provider's classes: most at its venues in its home borough, some next door, a few online. A pilot
    provider's first classes are its ESOL Plus pilot classes, in person, with a crèche for the childcare pilot."""
    count = london.CLASSES_BY_HOME[london.busyness(home.name)]
    at_home = [venue for venue in venues if venue.borough_id == home.code]
    next_door = [venue for venue in venues if venue.borough_id != home.code] or at_home
    strand = PILOT_PROVIDERS.get(provider.title)
    titles: set[str] = set()
    for number in range(count):
        pilot = strand if number < PILOT_CLASSES_PER_PROVIDER else None
        audience = demo_classes.AUDIENCES[demo_classes.STRAND_AUDIENCE[pilot]] if pilot else None
        audience = audience or demo_classes.choose_audience(rng, kind)
        if number < 3:  # the first classes are at home, so every borough has classes of its own
            venue = at_home[number % len(at_home)]
        else:
            venue = rng.choice(at_home if rng.random() < 0.8 else next_door)
        if pilot == "childcare":
            venue = next(v for v in at_home if v.has_creche_room)
        mode = "in_person"
        if not pilot and number >= 3 and rng.random() < audience.online:
            mode, venue = "online", None
        elif not pilot and rng.random() < 0.06:
            mode = "blended"
        where = demo_classes.Where(mode, venue, at_home[0])
        fields, sessions, levels, groups = demo_classes.draw_class(
            rng, provider, audience, where, vocab["levels"], vocab["groups"], today, strand=pilot
        )
        fields["title"] = demo_classes.distinct_title(fields["title"], sessions, titles)
        page = ClassPageFactory.build(
            slug=f"{slugify(fields['title'])[:60]}-{number + 1}",
            live=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
            **fields,
        )
        page.sessions = [
            ClassSession(weekday=day, start_time=demo_classes.time(start), end_time=demo_classes.time(end))
            for day, start, end in sessions
        ]
        page.levels = levels
        page.target_groups = groups
        page.support_languages = rng.sample(vocab["languages"], rng.choice([0, 1, 2]))
        provider.add_child(instance=page)
        _mark_published(page)


def _add_workplace_offer(rng, provider, served, vocab, today):
    page = WorkplaceOfferPageFactory.build(
        title=f"English at work with {provider.title}",
        slug="english-at-work",
        summary=f"English classes for your staff in {served[0].name} and nearby, planned with you around their shifts.",
        delivered_at=rng.choice([c for c, _ in WorkplaceOfferPage.DeliveredAt.choices]),
        min_group_size=rng.choice([4, 6, 8]),
        max_group_size=rng.choice([12, 15, 20]),
        funding_and_cost="Free for staff who earn less than the London Living Wage. Other staff: ask us for a price.",
        typical_length=rng.choice(["10 weeks, 2 hours a week", "12 weeks, 3 hours a week", "6 weeks, 4 hours a week"]),
        contact_name="Workplace team",
        contact_email=provider.email,
        last_checked=today - datetime.timedelta(days=rng.randint(0, 120)),
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
