"""Every /find/ filter, through the FilterSet on real venues."""

import datetime

import pytest

from devtools.factories import ClassPageFactory, ProviderPageFactory, venue_at
from finder.models import ClassPage, Language, Level
from finder.search.filters import ClassFilter

pytestmark = pytest.mark.usefixtures("geography")

TODAY = datetime.date(2026, 11, 3)  # a Tuesday


def filtered(query: dict, queryset=None):
    filterset = ClassFilter(query, queryset=queryset or ClassPage.objects.current(TODAY), today=TODAY)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


@pytest.fixture
def venue():
    return venue_at("SE15 5AA")


def test_level(venue):
    entry1 = ClassPageFactory(venue=venue, levels=[Level.objects.get(code="entry-1")])
    both = ClassPageFactory(venue=venue, levels=Level.objects.filter(code__in=["entry-2", "entry-3"]))
    assert filtered({"level": ["entry-1"]}) == {entry1}
    assert filtered({"level": ["entry-2", "entry-3"]}) == {both}
    assert filtered({"level": ["entry-1", "entry-3"]}) == {entry1, both}


def test_days_time_of_day_and_weekends(venue):
    monday_morning = ClassPageFactory(venue=venue, sessions=[(0, "09:30", "11:30")])
    wednesday_afternoon = ClassPageFactory(venue=venue, sessions=[(2, "13:00", "15:00")])
    thursday_evening = ClassPageFactory(venue=venue, sessions=[(3, "18:00", "20:00")])
    saturday = ClassPageFactory(venue=venue, sessions=[(5, "10:00", "12:00")])
    assert filtered({"days": ["0", "3"]}) == {monday_morning, thursday_evening}
    assert filtered({"time": ["morning"]}) == {monday_morning, saturday}
    assert filtered({"time": ["afternoon"]}) == {wednesday_afternoon}
    assert filtered({"time": ["evening", "afternoon"]}) == {thursday_evening, wednesday_afternoon}
    assert filtered({"weekends": "on"}) == {saturday}


def test_starts(venue):
    rolling = ClassPageFactory(venue=venue, rolling_enrolment=True, start_date=None)
    next_week = ClassPageFactory(venue=venue, start_date=TODAY + datetime.timedelta(days=5))
    end_of_month = ClassPageFactory(venue=venue, start_date=datetime.date(2026, 11, 30))
    january = ClassPageFactory(venue=venue, start_date=datetime.date(2027, 1, 6))
    started = ClassPageFactory(venue=venue, start_date=TODAY - datetime.timedelta(days=30))
    assert filtered({"starts": "now"}) == {rolling, next_week}
    assert filtered({"starts": "this_month"}) == {rolling, next_week, end_of_month}
    assert filtered({"starts": "next_term"}) == {rolling, next_week, end_of_month, january}
    assert started in filtered({})


def test_free_childcare_women_only_places_and_step_free(venue):
    steps = venue_at("SE15 5AA", step_free_access=False)
    free = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE)
    eligible = ClassPageFactory(venue=venue, cost=ClassPage.Cost.FREE_IF_ELIGIBLE, eligibility="On benefits.")
    paid = ClassPageFactory(
        venue=steps,
        cost=ClassPage.Cost.FEE,
        fee_amount=50,
        fee_unit="term",  # a fee now says what it pays for (ClassPage.clean)
        childcare=ClassPage.Childcare.CRECHE,
        women_only=True,
        places_status=ClassPage.Places.FULL,
    )
    # "Free classes only" means free for everyone; "free if eligible" joins only with the checker's eligible=yes.
    assert filtered({"free": "on"}) == {free}
    assert filtered({"free": "on", "eligible": "yes"}) == {free, eligible}
    assert filtered({"childcare": "on"}) == {paid}
    assert filtered({"women_only": "on"}) == {paid}
    assert filtered({"places": "on"}) == {free, eligible}
    assert filtered({"step_free": "on"}) == {free, eligible}


def test_mode_and_strand(venue):
    blended = ClassPageFactory(venue=venue, delivery_mode=ClassPage.DeliveryMode.BLENDED)
    pilot = ClassPageFactory(venue=venue, strand=ClassPage.Strand.CHILDCARE)
    assert filtered({"mode": "blended"}) == {blended}
    assert filtered({"strand": "childcare"}) == {pilot}


def test_language_from_the_class_or_the_provider(venue):
    somali = Language.objects.get(code="so")
    by_class = ClassPageFactory(venue=venue, support_languages=[somali])
    provider = ProviderPageFactory(staff_languages=[somali])
    by_provider = ClassPageFactory(venue=venue_at("E1 6AN", provider=provider), parent=provider)
    ClassPageFactory(venue=venue)
    assert filtered({"language": "so"}) == {by_class, by_provider}


def test_unknown_values_are_form_errors():
    filterset = ClassFilter(
        {"level": ["entry-9"], "days": ["8"], "time": ["night"], "starts": "never", "mode": "x", "language": "zz"},
        queryset=ClassPage.objects.none(),
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"level", "days", "time", "starts", "mode", "language"}
