"""Every evaluation URL against every role that must be refused, with real and guessed record IDs.

The URL list is read from evaluation/urls.py, so a new screen is covered (or this test fails) as
soon as it is added.
"""

import pytest
from django.urls import URLPattern, reverse

from devtools.evaluation_factories import GoalFactory, SessionFactory
from evaluation import urls as evaluation_urls
from tests.evaluation.learner_records import learner_records

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
PUBLIC_OR_OWN_LISTING = {"home", "results", "results_csv", "results_version", "results_version_csv"}
PUBLIC_OR_OWN_LISTING |= {"evidence", "evidence_csv"}  # the public evidence base (tests/evaluation/test_evidence.py)
# The funnel: providers' staff see their own figures, everyone the public table (tests/evaluation/test_funnel_views.py).
PUBLIC_OR_OWN_LISTING |= {"funnel", "funnel_csv", "public_funnel", "public_funnel_csv"}
RECORD_ARGUMENTS = {"cohort_id", "session_id", "enrolment_id", "goal_id", "learner_id"}
RECORD_ARGUMENTS |= {"assessment_id", "response_id", "outcome_id"}  # corrections (tests/evaluation/test_corrections.py)
# The comparison group (tests/evaluation/test_comparison.py): who on pilot A may open each screen.
COMPARISON_USERS = {"comparison": {"evaluator_a", "staff2"}, "comparison_add": {"staff2"}}


def _patterns() -> list[URLPattern]:
    return [p for p in evaluation_urls.urlpatterns if isinstance(p, URLPattern)]


@pytest.fixture
def provider_1_records(world):
    """One record of each kind at provider 1 in pilot A, plus IDs nobody has (guesses)."""
    enrolment = world["enrolment_a1"]
    real = {
        "cohort_id": world["cohort_a1"].id,
        "session_id": SessionFactory(cohort=world["cohort_a1"]).id,
        "enrolment_id": enrolment.id,
        "goal_id": GoalFactory(enrolment=enrolment).id,
        "learner_id": enrolment.learner_id,
        **learner_records(enrolment),
    }
    guessed = {name: value + 1000 for name, value in real.items()}
    return real, guessed


def _urls(kwargs: dict, slug: str) -> dict[str, str]:
    found = {}
    for pattern in _patterns():
        if pattern.name in PUBLIC_OR_OWN_LISTING:
            continue
        names = set(pattern.pattern.converters)
        if names <= RECORD_ARGUMENTS:
            found[pattern.name] = reverse(f"evaluation:{pattern.name}", kwargs={n: kwargs[n] for n in names})
        elif names == {"slug"}:
            found[pattern.name] = reverse(f"evaluation:{pattern.name}", kwargs={"slug": slug})
        else:
            pytest.fail(f"add evaluation:{pattern.name} ({names}) to the permission matrix")
    return found


def _refused(client, user, url) -> list[str]:
    problems = []
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        if user is None and status == 302:
            continue
        if status not in REFUSED:
            problems.append(f"{method.upper()} {url} -> {status}")
    return problems


def test_every_evaluation_url_is_in_the_matrix(provider_1_records):
    real, _ = provider_1_records
    covered = set(_urls(real, "pilot-a")) | PUBLIC_OR_OWN_LISTING
    assert covered == {p.name for p in _patterns()}


@pytest.mark.parametrize("who", [None, "nobody", "staff2", "evaluator_a"])
def test_provider_records_refuse_everyone_else_with_real_and_guessed_ids(client, world, provider_1_records, who):
    real, guessed = provider_1_records
    user = world[who] if who else None
    problems = []
    for kwargs in (real, guessed):
        for name, url in _urls(kwargs, "pilot-a").items():
            if name in {"dashboard", "export", "publish", "indicator_definitions"} and who == "evaluator_a":
                continue  # evaluator A is assigned to pilot A: checked below against pilot B (definitions: any pilot)
            if name in COMPARISON_USERS and who in COMPARISON_USERS[name]:
                continue  # pilot A's evaluator and its providers' staff use its comparison group: pilot B below
            problems += _refused(client, user, url)
    assert not problems, problems


@pytest.mark.parametrize("who", [None, "nobody", "staff1", "staff2", "evaluator_a"])
def test_other_pilots_dashboards_and_exports_refuse_everyone_else(client, world, who):
    user = world[who] if who else None
    problems = []
    for slug in ("pilot-b", "no-such-pilot"):
        for name in ("dashboard", "export", "publish"):
            problems += _refused(client, user, reverse(f"evaluation:{name}", args=[slug]))
        for name in COMPARISON_USERS:
            if who != "staff1" or slug != "pilot-b":  # staff1's provider runs a cohort of pilot B too
                problems += _refused(client, user, reverse(f"evaluation:{name}", args=[slug]))
    assert not problems, problems


@pytest.mark.parametrize("who", [None, "nobody", "staff1", "evaluator_a", "coordinator"])
def test_unpublished_results_are_not_public(client, world, who):
    user = world[who] if who else None
    problems = []
    for name in ("results", "results_csv"):
        problems += _refused(client, user, reverse(f"evaluation:{name}", args=["pilot-a"]))
    for name in ("results_version", "results_version_csv"):
        problems += _refused(client, user, reverse(f"evaluation:{name}", args=["pilot-a", 1]))
    assert not problems, problems
