"""The demo looks like London: providers teach at home and next door, class facts agree, pilots span providers, and
every screen has something to show. The demo is loaded once for the module (and rolled back after it)."""

import io
import math
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction

from devtools import london
from devtools.demo_finder import HOME_BOROUGH, PROVIDERS
from evaluation.models import Cohort, Pilot, Session
from finder.enquiry_deadlines import overdue_enquiries
from finder.geography.models import District, Sector
from finder.models import (
    AssessmentBooking,
    ClassPage,
    ClassSession,
    EmployerEnquiry,
    Enquiry,
    EnquiryNote,
    ProviderPage,
    Venue,
    WaitingListEntry,
)
from finder.models.problems import ProblemReport

pytestmark = [pytest.mark.usefixtures("geography", "demo"), pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """``load_demo`` once for all the tests here, in a transaction rolled back at the end."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--force", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def provider_of(page) -> str:
    return page.get_parent().title


def test_every_borough_has_a_home_provider_and_neighbours_from_the_table():
    names = set(District.objects.filter(is_london_borough=True).values_list("name", flat=True))
    assert set(HOME_BOROUGH.values()) == names
    assert {b for pair in london.BORDERS for b in pair} == names
    assert all(len(london.neighbours(name)) >= 2 for name in names)
    assert len({frozenset(pair) for pair in london.BORDERS}) == len(london.BORDERS)  # no pair twice, either way


def test_bordering_boroughs_lie_next_to_each_other_on_the_map():
    """A typo in the table (say Bexley next to Hillingdon) would put their nearest postcode sectors far apart."""
    codes = {d.name: d.code for d in District.objects.filter(is_london_borough=True)}
    sectors = defaultdict(list)
    for code, lat, lon in Sector.objects.values_list("district_code", "latitude", "longitude"):
        sectors[code].append((lat, lon))

    def km(a, b):
        return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(math.radians(51.5)))

    for a, b in london.BORDERS:
        gap = min(km(p, q) for p in sectors[codes[a]] for q in sectors[codes[b]])
        assert gap < 3.5, (a, b, gap)


def test_each_providers_venues_are_in_its_home_borough_or_next_door():
    venues = Venue.objects.select_related("provider", "borough").order_by("pk")
    assert venues.count() >= len(PROVIDERS)
    for venue in venues:
        home = HOME_BOROUGH[venue.provider.title]
        assert venue.borough.name in {home, *london.neighbours(home)}, (venue.provider.title, venue.name)
    for provider in ProviderPage.objects.all():
        main = provider.venues.order_by("pk").first()
        assert main.borough.name == HOME_BOROUGH[provider.title]
        served = set(provider.boroughs_served.values_list("name", flat=True))
        assert served <= {HOME_BOROUGH[provider.title], *london.neighbours(HOME_BOROUGH[provider.title])}


def test_classes_are_spread_like_london_learners():
    in_person = Counter(ClassPage.objects.live().exclude(venue=None).values_list("venue__borough__name", flat=True))
    names = District.objects.filter(is_london_borough=True).values_list("name", flat=True)
    assert all(in_person[name] >= 3 for name in names), in_person
    busy = sum(in_person[name] for name in london.BUSY) / len(london.BUSY)
    quiet = sum(in_person[name] for name in london.QUIET) / len(london.QUIET)
    assert busy > 2 * quiet


def test_no_two_providers_share_a_summary():
    providers_by_summary = defaultdict(set)
    for page in ClassPage.objects.all():
        providers_by_summary[page.summary].add(provider_of(page))
    assert [summary for summary, providers in providers_by_summary.items() if len(providers) > 1] == []
    summaries = list(ProviderPage.objects.values_list("summary", flat=True))
    assert len(set(summaries)) == len(summaries)


def test_how_to_join_agrees_with_the_joining_notes():
    classes = ClassPage.objects.all()
    assert {page.how_to_join for page in classes} == {"drop_in", "book", "referral"}
    for page in classes:
        notes = page.joining_notes
        if page.how_to_join == "referral":
            assert notes.startswith("Referral only") and page.referral_by, page.title
            assert "drop-in" not in notes and "come along" not in notes and page.drop_in_weekday is None
        else:
            assert "Referral only" not in notes and not page.referral_by
        if page.how_to_join == "drop_in":
            assert None not in (page.drop_in_weekday, page.drop_in_start, page.drop_in_end)
            day = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][page.drop_in_weekday]
            assert f"{day}s" in notes and f"{page.drop_in_start:%H:%M}" in notes, page.title
        else:
            assert (page.drop_in_weekday, page.drop_in_start, page.drop_in_end) == (None, None, None)
        if page.how_to_join == "book":
            assert "book" in notes and page.contact_phone in notes


def test_times_fees_and_creches_agree():
    for page in ClassPage.objects.select_related("venue").prefetch_related("sessions", "target_groups"):
        for session in page.sessions.all():
            assert f"{session.start_time:%H:%M}" >= "09:00" and f"{session.end_time:%H:%M}" <= "21:00", page.title
        if page.cost == "fee":
            assert page.fee_amount and page.fee_unit and not page.free_for
            assert page.concession_fee is None or page.concession_fee < page.fee_amount
        else:
            assert (page.fee_amount, page.fee_unit, page.concession_fee) == (None, "", None)
        assert bool(page.free_for) == bool(page.eligibility) == (page.cost == "free_if_eligible"), page.title
        creche = page.childcare == "creche"
        assert (page.creche_from_months is not None) == (page.creche_to_months is not None) == creche
        if creche:
            assert page.venue and page.venue.has_creche_room and page.delivery_mode != "online"
            assert all(f"{s.start_time:%H:%M}" < "15:00" for s in page.sessions.all())
            assert "crèche" in page.summary
        else:
            assert "crèche" not in page.summary
        if page.women_only:
            assert "women" in {group.code for group in page.target_groups.all()}


def test_each_pilot_has_cohorts_from_at_least_three_providers():
    pilots = list(Pilot.objects.all())
    assert len(pilots) == 3
    for pilot in pilots:
        cohorts = Cohort.objects.filter(pilot=pilot).select_related("class_page")
        assert len({provider_of(cohort.class_page) for cohort in cohorts}) >= 3, pilot.slug
        assert {cohort.class_page.strand for cohort in cohorts} == {pilot.strand}


def test_every_pilot_session_falls_on_its_class_days_and_times():
    meets = defaultdict(set)
    for page_id, weekday, start, end in ClassSession.objects.values_list(
        "page_id", "weekday", "start_time", "end_time"
    ):
        meets[page_id].add((weekday, start, end))
    sessions = Session.objects.filter(cohort__pilot__isnull=False).values_list(
        "cohort__class_page_id", "date", "start_time", "end_time"
    )
    assert sessions.count() >= 300
    for page_id, date, start, end in sessions:
        assert (date.weekday(), start, end) in meets[page_id], (page_id, date)


def test_every_screen_has_something_to_show():
    enquiries = Enquiry.objects.filter(assessment__isnull=True)
    assert enquiries.filter(status="new", first_response_at__isnull=True).count() > overdue_enquiries().count() > 0
    assert enquiries.filter(status="contacted", first_response_at__isnull=False, notes__isnull=False).exists()
    assert {"assessed", "enrolled", "not_suitable"} <= set(enquiries.values_list("status", flat=True))
    assert enquiries.exclude(assigned_to=None).exists() and enquiries.exclude(referrer_organisation="").exists()
    assert EnquiryNote.objects.exists()
    thameside = enquiries.filter(class_page__path__startswith=ProviderPage.objects.get(title=PROVIDERS[0][0]).path)
    assert overdue_enquiries(thameside).exists() and thameside.filter(assigned_to__username="editor").exists()
    # Someone waits for a class, someone for any class in an area; bookings and problem reports (new and confirmed).
    assert WaitingListEntry.objects.filter(class_page__isnull=False, status="waiting").count() >= 10
    assert WaitingListEntry.objects.filter(class_page__isnull=True).exists()
    assert AssessmentBooking.objects.exists()
    assert {"new", "confirmed"} <= set(ProblemReport.objects.values_list("status", flat=True))
    assert EmployerEnquiry.objects.exists()
    referral_enquiries = enquiries.filter(class_page__how_to_join="referral")
    assert all(enquiry.is_referral for enquiry in referral_enquiries)


def test_loading_again_adds_nothing(demo):
    def counts():
        return [
            model.objects.count()
            for model in (Enquiry, EnquiryNote, WaitingListEntry, ProblemReport, EmployerEnquiry, Venue, ClassPage)
        ]

    before = counts()
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert counts() == before
    activity = next(line for line in demo.splitlines() if line.startswith("Demo activity"))
    assert activity in out.getvalue()


def test_the_funnel_has_people_at_every_step():
    """Some pilot learners came in by an enquiry from the finder, so /evaluation/funnel/ has something at each step
    (and the days each took)."""
    import datetime

    from django.utils import timezone

    from evaluation.funnel import TOTAL, Filters, funnel

    today = timezone.localdate()
    rows = funnel(Filters(start=today - datetime.timedelta(days=365), end=today, group="month"), today=today)
    total = next(row for row in rows if row.key == TOTAL)
    assert total.entries > total.assessed > 0
    assert total.enrolled > 0 and total.attended > 0 and total.week_6 > 0
    assert total.days["enrolled"].n > 0 and total.days["enrolled"].value > 0
