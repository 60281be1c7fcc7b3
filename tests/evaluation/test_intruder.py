"""The intruder attack on published indicator tables: random pilots, and the leak the old rule had."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.disclosure import SUPPRESSED
from evaluation.indicators import EnrolmentFacts, LearnerFacts, Measure, Row, rows_from_facts
from evaluation.publishing import mean_decimals, publish
from finder.vocabularies import Skill
from tests.evaluation.intruder import attack

PROVIDERS = ["Provider A", "Provider B", "Provider C", "Provider D"]
BOROUGHS = ["Camden", "Hackney", "Newham", "Not known"]


@st.composite
def enrolment(draw, learner_id: int) -> EnrolmentFacts:
    held = draw(st.integers(0, 12))
    attended = draw(st.integers(0, held))
    authorised = draw(st.integers(0, held - attended))
    not_recorded = draw(st.integers(0, held - attended - authorised))
    leaver = draw(st.booleans())
    completed = leaver and draw(st.booleans())
    levels = {}
    for skill in draw(st.sets(st.sampled_from(Skill.values), max_size=2)):
        initial = draw(st.integers(0, 4))
        levels[skill] = (initial, draw(st.one_of(st.none(), st.integers(initial, 5))))
    goals_rated = draw(st.integers(0, 3))
    return EnrolmentFacts(
        enrolment_id=learner_id,
        learner_id=learner_id,
        provider=draw(st.sampled_from(PROVIDERS)),
        borough=draw(st.sampled_from(BOROUGHS)),
        held=held,
        attended=attended,
        authorised=authorised,
        unauthorised=held - attended - authorised - not_recorded,
        not_recorded=not_recorded,
        persistent_absence=held > 3 and draw(st.booleans()),
        started=True,
        leaver=leaver,
        completed=completed,
        achieved=completed and draw(st.booleans()),
        goals_rated=goals_rated,
        goals_fully=draw(st.integers(0, goals_rated)),
        levels=levels,
        progressed=leaver and draw(st.booleans()),
    )


@st.composite
def pilot(draw):
    """Enrolments (one per learner) and their learners, as indicators.rows_from_facts takes them."""
    size = draw(st.integers(0, 60))
    e_facts = [draw(enrolment(n)) for n in range(size)]
    l_facts = []
    for facts in e_facts:
        answered = draw(st.booleans())
        l_facts.append(
            LearnerFacts(
                learner_id=facts.learner_id,
                provider=facts.provider,
                borough=facts.borough,
                bands={
                    "age_band": draw(st.sampled_from(["19-24", "25-49", "50+"])),
                    "gender": draw(st.sampled_from(["woman", "man"])),
                    "time_in_uk": "1-5",
                    "employment_status": draw(st.sampled_from(["employed", "unemployed"])),
                    "first_language": draw(st.sampled_from(["ar", "bn", "so", "unknown"])),
                    "childcare_need": "no",
                },
                integration={"belonging": (draw(st.integers(1, 4)), draw(st.integers(1, 4)))} if answered else {},
            )
        )
    return e_facts, l_facts


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pilot(), st.sampled_from([10, 5, 11, 12, 3]))
def test_no_published_table_lets_an_intruder_pin_down_a_count(facts, threshold):
    rows = rows_from_facts("pilot-x", *facts)
    published = publish(rows, threshold)
    result = attack(rows, published, threshold, mean_decimals=mean_decimals(threshold))
    assert result.figures > 0
    assert result.pinned == {}


def _retention(completers: int, leavers: int) -> list[Row]:
    measure = Measure("retention", "rate", completers, leavers, "completers", "leavers")
    return [Row("retention", "pilot", "pilot-x", "all", measure)]


def test_the_intruder_catches_a_rate_worked_out_from_exact_counts():
    """The old rule: 165/190 published beside 87.9% could only be 167/190."""
    rows = _retention(167, 190)
    old_rule = [
        {
            "indicator": "retention",
            "breakdown": "pilot",
            "group": "pilot-x",
            "period": "all",
            "numerator": "165",
            "denominator": "190",
            "value": "87.9",
        }
    ]
    result = attack(rows, old_rule, 10, rates_from_exact=True)
    assert result.pinned[("completers", "pilot", "pilot-x", "all")] == 167
    assert result.pinned[("leavers", "pilot", "pilot-x", "all")] == 190


def test_the_published_rate_is_made_of_the_published_counts():
    published = publish(_retention(167, 190), 10)
    assert [published[0][c] for c in ("numerator", "denominator", "value")] == ["165", "190", "86.8"]
    assert attack(_retention(167, 190), published, 10).pinned == {}


def test_a_threshold_that_would_pin_a_rounded_count_hides_it():
    """With a threshold of 12, a published 10 could only be 12, so 12 is hidden like a small count."""
    rows = [Row("starts", "pilot", "pilot-x", "all", Measure("starts", "count", 12, None, "starts", None))]
    assert publish(rows, 12)[0]["value"] == SUPPRESSED
    assert publish(rows, 10)[0]["value"] == "10"


def _distance(levels_gained: int, assessed_twice: int) -> list[Row]:
    measure = Measure(
        "distance_travelled:reading",
        "mean",
        levels_gained,
        assessed_twice,
        "levels_gained:reading",
        "assessed_twice:reading",
    )
    return [Row(measure.indicator, "pilot", "pilot-x", "all", measure)]


def test_the_intruder_catches_a_mean_shown_too_precisely():
    """The old rule: n shown as 10 beside a mean of 0.27 (two decimals) could only be 3 levels over 11 learners."""
    line = {"indicator": "distance_travelled:reading", "breakdown": "pilot", "group": "pilot-x", "period": "all"}
    old_rule = [{**line, "numerator": "", "denominator": "10", "value": "0.27"}]
    result = attack(_distance(3, 11), old_rule, 10)
    assert result.pinned[("assessed_twice:reading", "pilot", "pilot-x", "all")] == 11


def test_a_mean_is_shown_to_one_decimal_so_every_n_in_the_window_fits():
    published = publish(_distance(3, 11), 10)
    assert (published[0]["denominator"], published[0]["value"]) == ("10", "0.3")
    assert attack(_distance(3, 11), published, 10, mean_decimals=1).pinned == {}
