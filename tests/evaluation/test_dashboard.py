"""The evaluators' dashboard: named figures with n and 95% intervals, charts with their numbers, the definitions
page, and intervals on the public results worked out from the published counts only."""

import csv
import datetime
import io
import math
import re
import statistics as py_statistics

import pytest
from django.urls import reverse
from scipy import stats

from devtools.evaluation_factories import TERM_START, AssessmentFactory, AttendanceFactory, SessionFactory
from evaluation import dashboard
from evaluation import indicator_catalogue as catalogue
from evaluation.destinations import OutcomeType
from evaluation.indicators import REACH_CHARACTERISTICS, EnrolmentFacts, LearnerFacts, indicator_rows, measures
from evaluation.models import Assessment, ResultsRelease, Skill, SurveyResponse
from evaluation.publishing import COLUMNS, published_interval
from evaluation.services.releases import publish_release
from tests.evaluation.learner_records import outcome, survey_response
from tests.evaluation.test_exports import TODAY, _big_pilot

PASSWORD = "pw"  # as devtools.factories sets for staff in the browser tests
Z = 1.959963984540054  # the 97.5th percentile of the normal distribution


def _every_measure():
    """Every measure ``measures`` makes, with every skill, a survey item and every reach characteristic present."""
    enrolment = EnrolmentFacts(1, 1, "P", "B", levels=dict.fromkeys(Skill.values, (1, 2)))
    learner = LearnerFacts(
        1, "P", "B", bands=dict.fromkeys(REACH_CHARACTERISTICS, "x"), integration={"belonging": (1, 3)}
    )
    return measures([enrolment], [learner])


def _every_indicator() -> list[str]:
    return [m.indicator for m in _every_measure()]


@pytest.mark.django_db
def test_the_catalogue_names_and_defines_every_indicator():
    codes = _every_indicator()
    missing = [code for code in codes if catalogue.entry(code) is None]
    assert not missing, f"add these to evaluation/indicator_catalogue.py: {missing}"
    for code in codes:
        found = catalogue.entry(code)
        assert found.name and found.definition and found.kind in ("rate", "mean", "count")
        assert catalogue.human_name(code) != code
    assert catalogue.entry("a_new_indicator") is None  # so an uncovered code is caught above
    # Integration items are named by their question, from SurveyItem.
    assert catalogue.human_name("integration_change:loneliness").endswith("How often do you feel lonely?")
    assert catalogue.human_name("level_progression:reading") == "Rose a level: Reading"
    assert (
        catalogue.human_name("reach:employment_status=unemployed")
        == "Learners in a group: Employment – Looking for work"
    )
    anchors = [e.anchor for e in catalogue.ENTRIES]
    assert len(set(anchors)) == len(anchors)


def test_kinds_and_intervals_match_the_measures():
    for measure in _every_measure():
        found = catalogue.entry(measure.indicator)
        assert found.kind == measure.kind, measure.indicator
        assert (found.interval == catalogue.WILSON) == (measure.kind == "rate")


def test_a_rates_interval_is_the_wilson_interval():
    figure = dashboard.rate_figure("retention", "Retention", 7, 20)
    p, n = 7 / 20, 20
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    assert figure.estimate.low == pytest.approx(centre - half)
    assert figure.estimate.high == pytest.approx(centre + half)
    assert (figure.value, figure.n, figure.detail) == ("35.0%", 20, "7 / 20")
    assert figure.interval == f"{100 * (centre - half):.1f}% to {100 * (centre + half):.1f}%"


def test_a_matched_pair_change_has_a_t_interval_and_a_paired_t_test():
    pairs = [(1, 2), (2, 4), (3, 3), (1, 3), (2, 1)]
    differences = [after - before for before, after in pairs]
    average, sd, n = sum(differences) / 5, py_statistics.stdev(differences), 5
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    figure = dashboard.change_figure("integration_change:belonging", "Belonging", pairs)
    assert figure.estimate.value == pytest.approx(average)
    assert (figure.estimate.low, figure.estimate.high) == (pytest.approx(average - half), pytest.approx(average + half))
    paired = stats.ttest_rel([a for _b, a in pairs], [b for b, _a in pairs]).pvalue
    assert figure.estimate.p_value == pytest.approx(paired)
    assert figure.value == "+0.80" and figure.n == 5 and figure.p_value == f"p = {paired:.3f}"


def test_too_few_values_give_no_interval_rather_than_a_false_certainty():
    one = dashboard.change_figure("distance_travelled:reading", "Reading", [(1, 2)])
    assert one.n == 1 and not one.estimate.has_interval and one.interval == "no interval (n < 2)"
    none = dashboard.rate_figure("retention", "Retention", 0, 0)
    assert none.value == "–" and none.n == 0 and none.interval == ""


@pytest.fixture
def small_pilot(world):
    """Pilot A: 4 learners at provider 1 (attendance, assessments, surveys, an outcome), 1 at provider 2."""
    from devtools.evaluation_factories import EnrolmentFactory

    cohort = world["cohort_a1"]
    sessions = [SessionFactory(cohort=cohort, date=TERM_START)]
    enrolments = [world["enrolment_a1"]] + [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    for enrolment, status in zip(enrolments, ["present", "present", "late", "unauthorised"], strict=True):
        AttendanceFactory(enrolment=enrolment, session=sessions[0], status=status)
    for enrolment, (initial, final) in zip(enrolments, [(1, 2), (1, 1), (2, 4), (0, 1)], strict=True):
        AssessmentFactory(enrolment=enrolment, skill="reading", stage=Assessment.Stage.INITIAL, level=initial)
        AssessmentFactory(enrolment=enrolment, skill="reading", stage=Assessment.Stage.FINAL, level=final)
    for enrolment, (before, after) in zip(enrolments, [(1, 3), (2, 3), (2, 2), (1, 4)], strict=True):
        survey_response(enrolment.learner, SurveyResponse.Wave.BASELINE, belonging=before)
        survey_response(enrolment.learner, SurveyResponse.Wave.FOLLOW_UP, belonging=after)
    outcome(enrolments[0].learner)
    return world


def _get(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def test_every_figure_has_a_name_an_n_and_an_interval(client, small_pilot):
    response = _get(client, small_pilot["evaluator_a"], reverse("evaluation:dashboard", args=["pilot-a"]))
    assert response.status_code == 200
    headline = {f.code: f for f in response.context["headline"]}
    attendance = headline["attendance_rate"]
    assert attendance.label == "Attendance" and attendance.n == 4 and attendance.value == "75.0%"
    assert attendance.estimate.low == pytest.approx(dashboard.wilson(3, 4).low)
    assert headline["starts"].n is None and not headline["starts"].interval  # a count is not an estimate
    for figure in headline.values():
        assert figure.label and figure.anchor
        if figure.is_estimate and figure.n >= 2 and figure.estimate.value is not None:
            assert figure.estimate.has_interval, figure.code
    charts = {chart.id: chart for chart in response.context["charts"]}
    reading = next(row for row in charts["level-chart"].rows if row.label == "Reading")
    assert (reading.shown, reading.n) == ("75.0%", 4)
    belonging = charts["integration-chart"].rows[0]
    expected = dashboard.paired_change([(1, 3), (2, 3), (2, 2), (1, 4)])
    assert belonging.label == "How strongly do you feel you belong to your local area?"
    assert belonging.shown == f"{expected.value:+.2f}" and belonging.n == 4
    assert belonging.interval == f"{expected.low:+.2f} to {expected.high:+.2f}"
    assert belonging.extra.startswith("p ")
    distance = next(row for row in charts["distance-chart"].rows if row.label == "Reading")
    assert distance.shown == "+1.00" and distance.n == 4
    employment = next(row for row in charts["outcomes-chart"].rows if row.label == "In paid employment")
    assert (employment.shown, employment.n) == ("20.0%", 5)
    assert charts["attendance-chart"].rows[0].n == 4
    # Every mean in the full table (pilot, provider, borough) carries its n and interval from its own group.
    table = [row for row in response.context["table"] if row["code"] == "integration_change:belonging"]
    assert {row["breakdown"] for row in table} == {"pilot", "provider", "borough"}
    assert all(row["n"] == 4 and row["interval"] == belonging.interval for row in table if row["n"] == 4)


def test_charts_are_accessible_svg_with_their_numbers_in_a_table(client, small_pilot):
    page = _get(client, small_pilot["coordinator"], reverse("evaluation:dashboard", args=["pilot-a"])).text
    svgs = re.findall(r"<svg class=\"chart[^>]*>", page)
    assert len(svgs) >= 5
    for svg in svgs:
        assert 'role="img"' in svg and 'width="100%"' in svg and "viewBox" in svg
        title = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
        assert f'<title id="{title}">' in page
    assert page.count('<details class="chart__numbers">') == len(svgs)
    assert "<script" not in page.split("<main", 1)[-1]
    definitions = reverse("evaluation:indicator_definitions")
    assert f'href="{definitions}#indicator-attendance-rate"' in page
    # The filters form, the downloads and the publish form are still there.
    assert 'name="provider"' in page and "?level=aggregate&amp;format=csv" in page
    assert reverse("evaluation:publish", args=["pilot-a"]) in page


def test_filters_still_narrow_the_figures(client, small_pilot):
    url = reverse("evaluation:dashboard", args=["pilot-a"])
    provider_2 = small_pilot["cohort_a2"].provider_id
    everyone = _get(client, small_pilot["coordinator"], url)
    one = client.get(url, {"provider": provider_2})
    assert everyone.context["headline"][0].value == "5" and one.context["headline"][0].value == "1"
    assert not next(c for c in one.context["charts"] if c.id == "integration-chart").rows
    period = client.get(url, {"start": "2025-01-13", "end": "2025-01-19"})  # a week with no session held
    assert period.status_code == 200
    assert not next(c for c in period.context["charts"] if c.id == "attendance-chart").rows
    assert everyone.context["headline"][1].n == 4 and period.context["headline"][1].n == 0
    bad = client.get(url, {"start": "not a date"})
    assert bad.status_code == 200 and "headline" in bad.context


@pytest.mark.parametrize("who", ["staff1", "staff2", "nobody"])
def test_the_definitions_page_and_dashboard_refuse_other_roles(client, small_pilot, who):
    assert _get(client, small_pilot[who], reverse("evaluation:indicator_definitions")).status_code == 403
    assert client.get(reverse("evaluation:dashboard", args=["pilot-a"])).status_code == 403


def test_the_definitions_page_has_one_anchored_entry_per_indicator(client, small_pilot):
    assert client.get(reverse("evaluation:indicator_definitions")).status_code == 302  # logged out: log in first
    assert (
        _get(client, small_pilot["evaluator_a"], reverse("evaluation:dashboard", args=["pilot-b"])).status_code == 403
    )
    for who in ("evaluator_a", "coordinator"):
        page = _get(client, small_pilot[who], reverse("evaluation:indicator_definitions"))
        assert page.status_code == 200
        for entry in catalogue.ENTRIES:
            assert page.text.count(f'id="{entry.anchor}"') == 1
        assert "How anxious did you feel yesterday?" in page.text


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_public_intervals_come_from_the_published_counts_only(client, geography):
    pilot = _big_pilot(n_learners=40, seed=3)
    publish_release(pilot, None, based_on=0, today=TODAY)
    rows = _csv(client.get(reverse("evaluation:results_csv", args=[pilot.slug])))
    assert list(rows[0]) == COLUMNS
    exact = {(r.indicator, r.breakdown, r.group): r.measure for r in indicator_rows(pilot, TODAY)}
    with_interval, differs = 0, 0
    for row in rows:
        measure = exact[(row["indicator"], row["breakdown"], row["group"])]
        if measure.kind != "rate" or "[c]" in (row["numerator"], row["denominator"]) or row["denominator"] in ("", "0"):
            assert row["ci_low"] == row["ci_high"] == ""
            continue
        estimate = dashboard.wilson(int(row["numerator"]), int(row["denominator"]))
        assert (row["ci_low"], row["ci_high"]) == (f"{100 * estimate.low:.1f}", f"{100 * estimate.high:.1f}")
        with_interval += 1
        from_exact = dashboard.wilson(int(measure.numerator), measure.denominator)
        differs += f"{100 * from_exact.low:.1f}" != row["ci_low"]
    assert with_interval and differs  # the exact counts would have given other intervals
    page = client.get(reverse("evaluation:results", args=[pilot.slug])).text
    assert '<th scope="row">Attendance</th><td>attendance_rate</td>' in page


def test_releases_frozen_before_the_interval_columns_still_render_with_intervals(client, geography):
    pilot = _big_pilot(n_learners=20, seed=4)
    release = publish_release(pilot, None, based_on=0, today=TODAY)
    old_rows = [{k: v for k, v in row.items() if not k.startswith("ci_")} for row in release.rows]
    ResultsRelease.objects.filter(pk=release.pk).update(rows=old_rows)
    page = client.get(reverse("evaluation:results", args=[pilot.slug]))
    rows = _csv(client.get(reverse("evaluation:results_csv", args=[pilot.slug])))
    assert page.status_code == 200 and list(rows[0]) == COLUMNS
    for row, old in zip(rows, old_rows, strict=True):
        if old["numerator"] and old["denominator"]:
            assert (row["ci_low"], row["ci_high"]) == published_interval(old["numerator"], old["denominator"])
        else:
            assert row["ci_low"] == row["ci_high"] == ""


def pilot_with_figures(evaluator: str):
    """A pilot with something in every chart and an evaluator for it: the dashboard that the HTML checker and axe
    (tests/esolplus/test_html_validity.py, test_accessibility.py) read."""
    from django.contrib.auth import get_user_model

    from devtools.evaluation_factories import CohortFactory, EnrolmentFactory, PilotFactory
    from evaluation.models import PilotEvaluator

    pilot = PilotFactory()
    cohort = CohortFactory(pilot=pilot)
    sessions = [SessionFactory(cohort=cohort, date=TERM_START + datetime.timedelta(weeks=week)) for week in range(3)]
    for index in range(6):
        enrolment = EnrolmentFactory(cohort=cohort)
        for session in sessions:
            AttendanceFactory(
                enrolment=enrolment, session=session, status=("present", "late", "unauthorised")[index % 3]
            )
        AssessmentFactory(enrolment=enrolment, skill="reading", stage=Assessment.Stage.INITIAL, level=1)
        AssessmentFactory(enrolment=enrolment, skill="reading", stage=Assessment.Stage.FINAL, level=1 + index % 2)
        survey_response(enrolment.learner, SurveyResponse.Wave.BASELINE, belonging=2, ons4_anxious=6)
        survey_response(enrolment.learner, SurveyResponse.Wave.FOLLOW_UP, belonging=2 + index % 3, ons4_anxious=4)
        if index % 2:
            outcome(enrolment.learner)
    user = get_user_model().objects.create_user(evaluator, password=PASSWORD)
    PilotEvaluator.objects.create(user=user, pilot=pilot)
    return pilot


def test_every_chart_is_drawn_for_a_pilot_with_figures(client, geography, django_user_model):
    pilot = pilot_with_figures("evaluator-x")
    client.force_login(django_user_model.objects.get(username="evaluator-x"))
    charts = {c.id: c for c in client.get(reverse("evaluation:dashboard", args=[pilot.slug])).context["charts"]}
    assert len(charts["attendance-chart"].rows) == 3 and all(r.n == 6 for r in charts["attendance-chart"].rows)
    anxious = next(r for r in charts["integration-chart"].rows if "anxious" in r.label)
    assert "(a fall is an improvement)" in anxious.label and anxious.shown == "-2.00"
    assert (anxious.interval, anxious.extra) == ("-2.00 to -2.00", "p < 0.001")  # no spread: every change is −2
    assert len(charts["outcomes-chart"].rows) == len(OutcomeType.choices)
    assert {r.label for r in charts["reach-chart-age_band"].rows} == {"25–34"}  # the choice label
