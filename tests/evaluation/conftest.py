import pytest

from devtools.evaluation_factories import CohortFactory, EnrolmentFactory, PilotFactory
from evaluation.models import PilotEvaluator, StaffAssignment
from finder.cms.providers import ensure_coordination


@pytest.fixture
def make_user(django_user_model):
    def make(username, **kwargs):
        return django_user_model.objects.create_user(username=username, password="pw-12345-test", **kwargs)

    return make


@pytest.fixture
def world(geography, make_user):
    """Two pilots; pilot A has cohorts at providers 1 and 2, pilot B one at provider 1; one user per role."""
    pilot_a, pilot_b = PilotFactory(slug="pilot-a"), PilotFactory(slug="pilot-b")
    cohort_a1 = CohortFactory(pilot=pilot_a)
    cohort_a2 = CohortFactory(pilot=pilot_a)
    cohort_b1 = CohortFactory(
        pilot=pilot_b,
        class_page=cohort_a1.class_page,
        start_date=cohort_a1.start_date.replace(year=2026),
        end_date=cohort_a1.end_date.replace(year=2026),
    )
    staff1, staff2 = make_user("staff1"), make_user("staff2")
    StaffAssignment.objects.create(user=staff1, provider=cohort_a1.provider)
    StaffAssignment.objects.create(user=staff2, provider=cohort_a2.provider)
    evaluator_a = make_user("evaluator_a")
    PilotEvaluator.objects.create(user=evaluator_a, pilot=pilot_a)
    coordinator = make_user("coordinator")
    coordinator.groups.add(ensure_coordination().coordinators)
    return {
        "pilot_a": pilot_a,
        "pilot_b": pilot_b,
        "cohort_a1": cohort_a1,
        "cohort_a2": cohort_a2,
        "cohort_b1": cohort_b1,
        "enrolment_a1": EnrolmentFactory(cohort=cohort_a1),
        "enrolment_a2": EnrolmentFactory(cohort=cohort_a2),
        "staff1": staff1,
        "staff2": staff2,
        "evaluator_a": evaluator_a,
        "coordinator": coordinator,
        "nobody": make_user("nobody"),
    }
