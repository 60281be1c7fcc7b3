"""The comparison group and the difference in differences: the figures equal an independent recomputation from the
record-level export; who may add whom; consent; double submits; malformed forms."""

import csv
import datetime
import math
import uuid
from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from devtools.assessment_factories import slot_for
from devtools.evaluation_factories import TERM_START, EnrolmentFactory, LearnerFactory, LearnerIdentityFactory
from devtools.waiting_factories import WaitingListEntryFactory
from evaluation.comparison import comparison_table, group_sizes
from evaluation.exports import export_pilot
from evaluation.models import (
    ComparisonMember,
    ConsentRecord,
    StaffAssignment,
    SurveyAnswer,
    SurveyInstrument,
    SurveyResponse,
)
from evaluation.services import comparison as service
from evaluation.services.consent import withdraw_consent
from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, Level, WaitingListEntry

pytestmark = pytest.mark.django_db

AGREED = TERM_START
BEFORE, AFTER = SurveyResponse.Wave.BASELINE, SurveyResponse.Wave.FOLLOW_UP


def instrument():
    return SurveyInstrument.objects.get(code="integration", version=1)


def answer(learner, wave, **values):
    """A response on a date of the wave, answers by item code."""
    survey = instrument()
    day = TERM_START if wave == BEFORE else TERM_START + datetime.timedelta(weeks=30)
    response = SurveyResponse.objects.create(learner=learner, instrument=survey, wave=wave, date=day)
    for code, value in values.items():
        SurveyAnswer.objects.create(response=response, item=survey.items.get(code=code), value=value)
    return response


def items():
    """Two items of the instrument, with values each allows."""
    chosen = list(instrument().items.order_by("sort_order")[:2])
    return [(item.code, sorted(int(v) for v in item.value_labels)) for item in chosen]


def add_waiting(user, pilot, class_page, **fields) -> ComparisonMember:
    entry = WaitingListEntryFactory(class_page=class_page, **fields)
    member, _created = service.add_from_waiting_list(
        user, pilot, entry.reference, agreed_on=AGREED, privacy_notice_version="2025-1"
    )
    return member


def assessed_booking(provider, **fields) -> AssessmentBooking:
    slot = slot_for(provider, mode=AssessmentSlot.Mode.PHONE, starts_at=timezone.now() - datetime.timedelta(days=3))
    booking = AssessmentBooking.objects.create(
        slot=slot, name="Hodan Assessed", phone="07700 900222", consent_to_contact=True, status="attended", **fields
    )
    AssessmentResult.objects.create(booking=booking, speaking=Level.objects.get(code="entry-1"))
    return booking


@pytest.fixture
def study(world):
    """Pilot A: five pilot learners and five comparison members with known answers to two items, plus people who
    must not count (no research consent, withdrawn, baseline only)."""
    pilot, cohort, staff = world["pilot_a"], world["cohort_a1"], world["staff1"]
    (code_a, allowed_a), (code_b, allowed_b) = items()
    low_a, low_b = allowed_a[0], allowed_b[0]
    pilot_values = [(0, 2, 0, 1), (1, 1, 0, 0), (0, 3, 1, 1), (1, 2, 0, 1), (0, 0, 1, 0)]  # a before/after, b ...
    comparison_values = [(0, 1, 0, 0), (1, 1, 1, 0), (0, 0, 0, 1), (1, 2, 0, 0), (0, 1, 1, 1)]
    pilot_learners = [world["enrolment_a1"].learner, world["enrolment_a2"].learner]
    pilot_learners += [EnrolmentFactory(cohort=cohort).learner for _ in range(3)]
    for learner, (a0, a1, b0, b1) in zip(pilot_learners, pilot_values, strict=True):
        answer(learner, BEFORE, **{code_a: low_a + a0, code_b: low_b + b0})
        answer(learner, AFTER, **{code_a: low_a + a1, code_b: low_b + b1})
    members = [add_waiting(staff, pilot, cohort.class_page) for _ in comparison_values]
    for member, (a0, a1, b0, b1) in zip(members, comparison_values, strict=True):
        answer(member.learner, BEFORE, **{code_a: low_a + a0, code_b: low_b + b0})
        answer(member.learner, AFTER, **{code_a: low_a + a1, code_b: low_b + b1})
    # Not counted: a pilot learner who said no to research, a member who withdrew, a member with a baseline only.
    declined = LearnerFactory(provider=cohort.provider, consent={"research": False})
    EnrolmentFactory(cohort=cohort, learner=declined)
    withdrawn = add_waiting(staff, pilot, cohort.class_page)
    baseline_only = add_waiting(staff, pilot, cohort.class_page)
    for learner in (declined, withdrawn.learner):
        answer(learner, BEFORE, **{code_a: low_a + 3, code_b: low_b})
        answer(learner, AFTER, **{code_a: low_a, code_b: low_b + 1})
    answer(baseline_only.learner, BEFORE, **{code_a: low_a, code_b: low_b})
    withdraw_consent(staff, withdrawn.learner, research=True, follow_up_contact=False, on=AGREED)
    return {"pilot": pilot, "codes": (code_a, code_b), "members": members, "withdrawn": withdrawn}


def _welch(treated: list[float], control: list[float]) -> tuple[float, float, float]:
    """Difference of means with Welch's 95% interval, by hand (scipy only for the t quantile)."""
    n1, n2 = len(treated), len(control)
    m1, m2 = sum(treated) / n1, sum(control) / n2
    v1 = sum((x - m1) ** 2 for x in treated) / (n1 - 1) / n1
    v2 = sum((x - m2) ** 2 for x in control) / (n2 - 1) / n2
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(v1 + v2)
    return m1 - m2, m1 - m2 - half, m1 - m2 + half


def _t_interval(values: list[float]) -> tuple[float, float, float]:
    n = len(values)
    m = sum(values) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in values) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return m, m - half, m + half


def test_difference_in_differences_equals_a_recomputation_from_the_record_level_export(study, tmp_path):
    today = timezone.localdate()
    export_pilot(study["pilot"], tmp_path, recipient="checker", today=today)
    with (tmp_path / "survey_responses.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with (tmp_path / "learners.csv").open(newline="", encoding="utf-8") as f:
        learners = list(csv.DictReader(f))
    assert {r["group"] for r in rows} == {"pilot", "comparison"}
    assert sum(1 for r in learners if r["group"] == "comparison") == 6  # 5 + baseline-only; the withdrawn one is out
    assert sum(1 for r in learners if r["group"] == "pilot") == 5
    answers = defaultdict(dict)
    for r in rows:
        answers[(r["group"], r["item"], r["learner_id"])][r["wave"]] = int(r["value"])
    changes = defaultdict(list)
    for (group, item, _learner), waves in answers.items():
        if BEFORE in waves and AFTER in waves:
            changes[(group, item)].append(waves[AFTER] - waves[BEFORE])

    table = {row.item.code: row for row in comparison_table(study["pilot"], today)}
    for code in study["codes"]:
        treated, control = changes[("pilot", code)], changes[("comparison", code)]
        assert len(treated) == 5 and len(control) == 5
        row = table[code]
        for estimate, expected in ((row.pilot, _t_interval(treated)), (row.comparison, _t_interval(control))):
            assert estimate.n == 5
            assert (estimate.value, estimate.low, estimate.high) == pytest.approx(expected, abs=1e-9)
        assert row.difference.n == 10
        assert (row.difference.value, row.difference.low, row.difference.high) == pytest.approx(
            _welch(treated, control), abs=1e-9
        )
    sizes = group_sizes(study["pilot"], today)
    assert (sizes.pilot, sizes.pilot_matched, sizes.comparison, sizes.comparison_matched) == (5, 5, 6, 5)


def test_withdrawn_consent_drops_a_member_and_a_baseline_alone_is_no_change(study):
    today = timezone.localdate()
    code = study["codes"][0]
    row = next(r for r in comparison_table(study["pilot"], today) if r.item.code == code)
    assert row.comparison.n == 5  # not the withdrawn member, not the one with a baseline only
    ConsentRecord.objects.create(
        learner=study["members"][0].learner,
        privacy_notice_version="2025-1",
        research=False,
        follow_up_contact=False,
        recorded_on=today,
    )
    row = next(r for r in comparison_table(study["pilot"], today) if r.item.code == code)
    assert row.comparison.n == 4


def test_answers_after_a_member_was_placed_are_not_the_comparison_groups(study):
    today = timezone.localdate()
    member = study["members"][0]
    service.mark_left(None, member, on=TERM_START + datetime.timedelta(weeks=1))
    row = next(r for r in comparison_table(study["pilot"], today) if r.item.code == study["codes"][0])
    assert row.comparison.n == 4
    member.refresh_from_db()
    service.mark_left(None, member, on=TERM_START + datetime.timedelta(weeks=3))  # marking again keeps the first
    member.refresh_from_db()
    assert member.left_on == TERM_START + datetime.timedelta(weeks=1)


def test_a_public_task_pilot_still_needs_a_members_own_yes(world):
    pilot, staff = world["pilot_a"], world["staff1"]
    pilot.research_basis = "public_task"
    pilot.save()
    member = add_waiting(staff, pilot, world["cohort_a1"].class_page)
    member.learner.consents.all().delete()
    assert group_sizes(pilot, timezone.localdate()).comparison == 0


def test_adding_the_same_entry_twice_gives_one_member_with_consent_and_identity(world):
    pilot, staff, cohort = world["pilot_a"], world["staff1"], world["cohort_a1"]
    entry = WaitingListEntryFactory(class_page=cohort.class_page, name="Samira Waiting", phone="07700 900555")
    first, created = service.add_from_waiting_list(
        staff, pilot, entry.reference, agreed_on=AGREED, privacy_notice_version="2025-1"
    )
    again, created_again = service.add_from_waiting_list(
        staff, pilot, entry.reference.lower().replace("-", " "), agreed_on=AGREED, privacy_notice_version="2025-1"
    )
    assert created and not created_again and first == again
    assert ComparisonMember.objects.filter(pilot=pilot).count() == 1
    learner = first.learner
    assert learner.identity.full_name == "Samira Waiting" and learner.provider_id == cohort.provider_id
    consent = learner.consents.get()
    assert consent.research and consent.follow_up_contact and consent.recorded_on == AGREED
    assert not learner.enrolments.exists()


def test_a_form_sent_twice_adds_one_member(client, world):
    pilot, cohort = world["pilot_a"], world["cohort_a1"]
    entry = WaitingListEntryFactory(class_page=cohort.class_page)
    client.force_login(world["staff1"])
    data = {
        "action": "add",
        "source": "waiting_list",
        "reference": entry.reference,
        "agreed": "on",
        "agreed_on": AGREED.isoformat(),
        "privacy_notice_version": "2025-1",
        "submission_key": str(uuid.uuid4()),
    }
    url = reverse("evaluation:comparison_add", args=[pilot.slug])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ComparisonMember.objects.filter(pilot=pilot).count() == 1


def test_assessed_and_not_placed_people_can_join(world):
    pilot, staff = world["pilot_a"], world["staff1"]
    booking = assessed_booking(world["cohort_a1"].provider)
    assert booking in service.assessed_candidates(staff, pilot)
    member, created = service.add_from_assessment(
        staff, pilot, booking.reference, agreed_on=AGREED, privacy_notice_version="2025-1"
    )
    assert created and member.source == ComparisonMember.Source.ASSESSED_NOT_PLACED
    assert booking not in service.assessed_candidates(staff, pilot)
    with pytest.raises(service.CannotAddToComparison):
        service.add_from_assessment(
            world["staff2"], pilot, booking.reference, agreed_on=AGREED, privacy_notice_version="2025-1"
        )


def test_another_providers_staff_can_neither_see_nor_add(client, world):
    pilot, cohort = world["pilot_a"], world["cohort_a1"]
    entry = WaitingListEntryFactory(class_page=cohort.class_page, name="Zainab Provider-One", phone="07700 900777")
    with pytest.raises(service.CannotAddToComparison):
        service.add_from_waiting_list(
            world["staff2"], pilot, entry.reference, agreed_on=AGREED, privacy_notice_version="2025-1"
        )
    client.force_login(world["staff2"])
    url = reverse("evaluation:comparison_add", args=[pilot.slug])
    page = client.get(url)
    assert page.status_code == 200 and "Zainab" not in page.text and entry.reference not in page.text
    refused = client.post(
        url,
        {
            "source": "waiting_list",
            "reference": entry.reference,
            "agreed": "on",
            "agreed_on": AGREED.isoformat(),
            "privacy_notice_version": "2025-1",
        },
    )
    assert refused.status_code == 200 and "No one is waiting with that reference" in refused.text
    assert not ComparisonMember.objects.exists()
    # staff of a provider with no cohort on the pilot: neither page
    outsider = world["nobody"]
    StaffAssignment.objects.create(user=outsider, provider=slot_for_provider())
    client.force_login(outsider)
    for name in ("comparison", "comparison_add"):
        assert client.get(reverse(f"evaluation:{name}", args=[pilot.slug])).status_code == 403


def slot_for_provider():
    from devtools.factories import ProviderPageFactory

    return ProviderPageFactory()


def test_evaluators_see_the_figures_but_no_names_or_contacts(client, world):
    pilot, staff = world["pilot_a"], world["staff1"]
    member = add_waiting(staff, pilot, world["cohort_a1"].class_page, name="Layla Hidden", phone="07700 900888")
    client.force_login(world["evaluator_a"])
    page = client.get(reverse("evaluation:comparison", args=[pilot.slug]))
    assert page.status_code == 200
    assert "not a randomised trial" in page.text and "Layla" not in page.text and "900888" not in page.text
    assert client.get(reverse("evaluation:comparison_add", args=[pilot.slug])).status_code == 403
    client.force_login(staff)
    own = client.get(reverse("evaluation:comparison_add", args=[pilot.slug]))
    assert "Layla Hidden" in own.text  # their own provider's staff see who the member is
    client.force_login(world["coordinator"])
    coordinator = client.get(reverse("evaluation:comparison_add", args=[pilot.slug]))
    assert (
        coordinator.status_code == 200 and "Layla" not in coordinator.text and str(member.learner) in coordinator.text
    )


def test_someone_enrolled_on_the_pilot_cannot_join(world):
    pilot, staff, enrolment = world["pilot_a"], world["staff1"], world["enrolment_a1"]
    LearnerIdentityFactory(learner=enrolment.learner, phone="07700 900321", email="")
    entry = WaitingListEntryFactory(class_page=world["cohort_a1"].class_page, phone="07700900321")
    with pytest.raises(service.CannotAddToComparison, match="already enrolled"):
        service.add_from_waiting_list(staff, pilot, entry.reference, agreed_on=AGREED, privacy_notice_version="1")
    assert not ComparisonMember.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reference": ""}, "Enter the reference from the waiting list"),
        ({"reference": "not-a-ref!"}, "Enter the reference as it is written"),
        ({"agreed": ""}, "Add only people who said yes"),
        ({"agreed_on": "2026-02-31"}, "as a real date"),
        ({"agreed_on": "2999-01-01"}, "cannot be in the future"),
        ({"source": "elsewhere"}, "Select a valid choice"),
        ({"submission_key": "garbage"}, None),
    ],
)
def test_malformed_forms_give_clear_messages(client, world, change, message):
    pilot = world["pilot_a"]
    entry = WaitingListEntryFactory(class_page=world["cohort_a1"].class_page)
    client.force_login(world["staff1"])
    data = {
        "source": "waiting_list",
        "reference": entry.reference,
        "agreed": "on",
        "agreed_on": AGREED.isoformat(),
        "privacy_notice_version": "2025-1",
        **change,
    }
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(reverse("evaluation:comparison_add", args=[pilot.slug]), data)
    if message is None:  # a mangled key is no key: the form still saves
        assert response.status_code == 302 and ComparisonMember.objects.count() == 1
        return
    assert response.status_code == 200 and message in response.text
    assert not ComparisonMember.objects.exists()


def test_marking_placed_with_a_bad_date_or_someone_elses_member_changes_nothing(client, world):
    pilot = world["pilot_a"]
    member = add_waiting(world["staff1"], pilot, world["cohort_a1"].class_page)
    url = reverse("evaluation:comparison_add", args=[pilot.slug])
    client.force_login(world["staff2"])
    client.post(url, {"action": "placed", "member": member.pk, "left_on": "2026-01-10"})
    client.force_login(world["staff1"])
    client.post(url, {"action": "placed", "member": member.pk, "left_on": "not a date"})
    client.post(url, {"action": "placed", "member": "x", "left_on": "2026-01-10"})
    member.refresh_from_db()
    assert member.left_on is None
    assert client.post(url, {"action": "placed", "member": member.pk, "left_on": "2026-01-10"}).status_code == 302
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 1, 10)


def test_the_demo_has_comparison_groups_with_changes(geography):
    import io

    from devtools.demo_comparison import MEMBERS_PER_PILOT, load_comparison_demo
    from devtools.demo_evaluation import load_demo_data
    from evaluation.models import Pilot

    load_demo_data(io.StringIO())
    load_comparison_demo(io.StringIO())
    load_comparison_demo(io.StringIO())  # reloading replaces, never doubles
    pilot = Pilot.objects.get(slug="childcare")
    assert pilot.comparison_members.count() == MEMBERS_PER_PILOT
    rows = comparison_table(pilot, timezone.localdate())
    assert rows and all(row.comparison.n > 1 and row.pilot.n > 1 and row.difference.has_interval for row in rows)


def test_the_page_can_show_one_provider_and_ignores_a_guessed_one(client, study, world):
    client.force_login(world["evaluator_a"])
    url = reverse("evaluation:comparison", args=[study["pilot"].slug])
    provider_2 = world["cohort_a2"].provider_id
    assert client.get(f"{url}?provider=not-a-number").status_code == 200
    assert client.get(f"{url}?provider=999999").context["provider_id"] is None
    one = client.get(f"{url}?provider={provider_2}")
    assert one.context["provider_id"] == provider_2
    # provider 2 registered one pilot learner and no comparison member: nobody has a comparison change
    assert all(row["comparison"]["n"] == 0 for row in one.context["rows"])


def test_members_whose_waiting_list_entry_says_joined_are_marked_as_left(world):
    pilot, staff = world["pilot_a"], world["staff1"]
    placed = add_waiting(staff, pilot, world["cohort_a1"].class_page)
    waiting = add_waiting(staff, pilot, world["cohort_a1"].class_page)
    WaitingListEntry.objects.filter(reference=placed.source_reference).update(status=WaitingListEntry.Status.JOINED)
    on = TERM_START + datetime.timedelta(weeks=2)
    assert service.mark_placed_members(None, pilot, on) == 1
    assert service.mark_placed_members(None, pilot, on) == 0
    placed.refresh_from_db(), waiting.refresh_from_db()
    assert placed.left_on == on and waiting.left_on is None
