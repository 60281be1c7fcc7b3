"""Correcting and deleting enrolments, assessments, goals, survey answers and outcomes (evaluation.correction_views,
evaluation.services.corrections): who may, what is checked, what the audit log keeps, and two people at once.

Forms are filled in from the HTML the screens send, as a browser without JavaScript would (tests.concurrency).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import (
    TERM_START,
    AssessmentFactory,
    AttendanceFactory,
    GoalFactory,
    SessionFactory,
)
from evaluation.models import (
    Assessment,
    Attendance,
    AuditEntry,
    CompletionStatus,
    Enrolment,
    Goal,
    ProgressionOutcome,
    StaffAssignment,
    SurveyResponse,
)
from evaluation.services import corrections
from finder.models import ClassPage
from tests.concurrency import form_on
from tests.evaluation.learner_records import outcome, survey_response

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(world, make_user):
    """A provider coordinator at provider 1 (cohort A1's): may delete its records."""
    user = make_user("manager")
    StaffAssignment.objects.create(
        user=user, provider=world["cohort_a1"].provider, role=StaffAssignment.Role.COORDINATOR
    )
    return user


@pytest.fixture
def records(world):
    """Provider 1's learner (enrolment A1) with two marks, an assessment, a goal, survey answers and an outcome."""
    enrolment = world["enrolment_a1"]
    for week in range(2):
        mark(enrolment, TERM_START + week * WEEK)
    return {
        "enrolment": enrolment,
        "assessment": AssessmentFactory(enrolment=enrolment, stage="initial", skill="speaking", level=1),
        "goal": GoalFactory(enrolment=enrolment, text="Talk to my child's teacher"),
        "survey": survey_response(enrolment.learner, belonging=3),
        "outcome": outcome(enrolment.learner),
    }


def mark(enrolment, day: datetime.date) -> Attendance:
    return AttendanceFactory(enrolment=enrolment, session=SessionFactory(cohort=enrolment.cohort, date=day))


def url(name: str, record) -> str:
    return reverse(f"evaluation:{name}", args=[record.pk])


def correct(client, name: str, record, **changes):
    """Open the correction form, change ``changes`` and send it; the response."""
    data = {**form_on(client.get(url(name, record)), "fingerprint"), **changes}
    return client.post(url(name, record), data)


def audit(action: str, record) -> AuditEntry:
    return AuditEntry.objects.get(action=action, model=record._meta.label, object_id=str(record.pk))


# Each kind of correction, with the old and new values in the audit log.


def test_staff_correct_an_enrolment_and_the_log_has_old_and_new_values(world, records):
    enrolment = records["enrolment"]
    version = enrolment.version
    response = correct(
        logged_in(world["staff1"]),
        "correct_enrolment",
        enrolment,
        completion_status=str(CompletionStatus.WITHDRAWN),
        actual_end_date="2025-02-03",
        withdrawal_reason="work",
    )
    assert response.status_code == 302 and response["Location"] == url("enrolment", enrolment)
    enrolment.refresh_from_db()
    assert (enrolment.completion_status, enrolment.actual_end_date) == (3, datetime.date(2025, 2, 3))
    assert enrolment.version == version + 1  # so an "end enrolment" form opened before now sees a newer version
    entry = audit("change", enrolment)
    assert entry.user == world["staff1"] and entry.pilot == world["pilot_a"]
    assert entry.detail["changes"] == {
        "actual_end_date": [None, "2025-02-03"],
        "completion_status": [1, 3],
        "withdrawal_reason": ["", "work"],
    }
    assert ClassPage.objects.get(pk=world["cohort_a1"].class_page_id).enrolled_on_register == 0  # a leaver now


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"completion_status": "2", "actual_end_date": ""}, "actual_end_date"),  # a leaver needs a last day
        ({"actual_end_date": "2024-12-01"}, "actual_end_date"),  # before the start
        ({"planned_end_date": "2024-12-01"}, "planned_end_date"),
        ({"start_date": "31/31/2025"}, "start_date"),
        ({"completion_status": "9"}, "completion_status"),
    ],
)
def test_an_impossible_enrolment_correction_is_a_form_error_and_nothing_changes(world, records, changes, field):
    enrolment = records["enrolment"]
    response = correct(logged_in(world["staff1"]), "correct_enrolment", enrolment, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "There is a problem" in response.text
    assert Enrolment.objects.get(pk=enrolment.pk).completion_status == CompletionStatus.CONTINUING
    assert not AuditEntry.objects.filter(action="change").exists()


def test_an_assessment_level_date_and_stage_are_corrected(world, records):
    assessment = records["assessment"]
    response = correct(
        logged_in(world["staff1"]), "correct_assessment", assessment, level="2", date="2025-01-13", stage="progress"
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.level, assessment.date, assessment.stage) == (2, datetime.date(2025, 1, 13), "progress")
    assert audit("change", assessment).detail["changes"] == {
        "stage": ["initial", "progress"],
        "level": [1, 2],
        "date": ["2025-01-06", "2025-01-13"],
    }


def test_an_assessment_cannot_become_a_second_initial_one_for_its_skill(world, records):
    other = AssessmentFactory(enrolment=records["enrolment"], stage="progress", skill="speaking", level=2)
    response = correct(logged_in(world["staff1"]), "correct_assessment", other, stage="initial")
    assert response.status_code == 200 and "stage" in response.context["form"].errors
    assert Assessment.objects.get(pk=other.pk).stage == "progress"


def test_an_invalid_level_is_a_form_error(world, records):
    response = correct(logged_in(world["staff1"]), "correct_assessment", records["assessment"], level="99")
    assert response.status_code == 200 and "level" in response.context["form"].errors


def test_a_goal_is_corrected(world, records):
    goal = records["goal"]
    response = correct(logged_in(world["staff1"]), "correct_goal", goal, text="Talk to the GP", rating="fully")
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.rating, goal.version) == ("Talk to the GP", "fully", 1)
    assert audit("change", goal).detail["changes"] == {
        "text": ["Talk to my child's teacher", "Talk to the GP"],
        "rating": ["", "fully"],
    }


def test_survey_answers_are_corrected_added_and_cleared(world, records):
    response_record = records["survey"]
    client = logged_in(world["staff1"])
    response = correct(client, "correct_survey", response_record, item_belonging="4", item_volunteering="1")
    assert response.status_code == 302 and response["Location"] == url("enrolment", records["enrolment"])
    assert dict(response_record.answers.values_list("item__code", "value")) == {"belonging": 4, "volunteering": 1}
    assert audit("change", response_record).detail["changes"] == {
        "answers.belonging": [3, 4],
        "answers.volunteering": [None, 1],
    }
    assert correct(client, "correct_survey", response_record, item_belonging="").status_code == 302
    assert dict(response_record.answers.values_list("item__code", "value")) == {"volunteering": 1}


def test_a_survey_answer_outside_the_items_values_is_a_form_error(world, records):
    response = correct(logged_in(world["staff1"]), "correct_survey", records["survey"], item_belonging="7")
    assert response.status_code == 200 and "item_belonging" in response.context["form"].errors
    assert records["survey"].answers.get().value == 3


def test_an_outcome_is_corrected_to_another_ilr_destination(world, records):
    record = records["outcome"]
    response = correct(logged_in(world["staff1"]), "correct_outcome", record, outcome_type="EDU", outcome_code="4")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.destination == "EDU4"
    assert audit("change", record).detail["changes"] == {"outcome_type": ["EMP", "EDU"], "outcome_code": [1, 4]}


def test_an_outcome_that_is_not_an_ilr_destination_is_a_form_error(world, records):
    response = correct(
        logged_in(world["staff1"]), "correct_outcome", records["outcome"], outcome_type="NPE", outcome_code=""
    )
    assert response.status_code == 200 and "outcome_code" in response.context["form"].errors
    assert ProgressionOutcome.objects.get().destination == "EMP1"


def test_a_correction_that_changes_nothing_writes_nothing(world, records):
    assert correct(logged_in(world["staff1"]), "correct_goal", records["goal"]).status_code == 302
    assert not AuditEntry.objects.exists()


# Two people at once.


@pytest.mark.parametrize(
    "name, key, mine, theirs",
    [
        ("correct_enrolment", "enrolment", {"outcome": "1"}, {"outcome": 3}),
        ("correct_assessment", "assessment", {"level": "2"}, {"level": 3}),
        ("correct_goal", "goal", {"text": "Mine"}, {"text": "Theirs"}),
        ("correct_outcome", "outcome", {"source": "provider"}, {"source": "employer"}),
    ],
)
def test_a_form_loaded_before_someone_elses_save_is_refused_then_kept_if_sent_again(
    world, records, name, key, mine, theirs
):
    record = records[key]
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url(name, record)), "fingerprint"), **mine}
    save = getattr(corrections, name)
    save(world["coordinator"], record, based_on=None, **theirs)  # someone else, a moment earlier
    refused = client.post(url(name, record), data)
    assert refused.status_code == 409
    assert "Someone else saved this while you were working on it" in refused.text
    record.refresh_from_db()
    field, value = next(iter(theirs.items()))
    assert getattr(record, field) == value  # theirs stands
    again = client.post(url(name, record), form_on(refused, "fingerprint"))  # "keep mine"
    assert again.status_code == 302
    record.refresh_from_db()
    assert str(getattr(record, field)) == next(iter(mine.values()))


def test_survey_answers_loaded_before_someone_elses_save_are_refused(world, records):
    record = records["survey"]
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url("correct_survey", record)), "fingerprint"), "item_belonging": "1"}
    corrections.correct_survey_answers(
        world["coordinator"], record, date=TERM_START, answers={"belonging": 2}, based_on=None
    )
    refused = client.post(url("correct_survey", record), data)
    assert refused.status_code == 409
    assert record.answers.get().value == 2


def test_a_mangled_or_missing_fingerprint_never_overwrites(world, records):
    record = records["goal"]
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url("correct_goal", record)), "fingerprint"), "text": "Mine", "fingerprint": "x"}
    assert client.post(url("correct_goal", record), data).status_code == 409
    del data["fingerprint"]
    assert client.post(url("correct_goal", record), data).status_code == 409
    assert Goal.objects.get().text == "Talk to my child's teacher"


def test_the_same_correction_sent_twice_is_saved_once(world, records):
    record = records["goal"]
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url("correct_goal", record)), "fingerprint"), "text": "Read a letter"}
    assert [client.post(url("correct_goal", record), data).status_code for _ in range(2)] == [302, 302]
    assert AuditEntry.objects.filter(action="change").count() == 1


def test_a_record_deleted_while_someone_corrects_it_is_reported_not_a_server_error(world, records, manager):
    record = records["goal"]
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url("correct_goal", record)), "fingerprint"), "text": "Mine"}
    corrections.delete_goal(manager, record, based_on=None)
    assert client.post(url("correct_goal", record), data).status_code == 404
    with pytest.raises(corrections.RecordGone):  # and at the moment the service locks it
        corrections.correct_goal(world["staff1"], record, based_on=None, text="Mine")


# Deleting.


def test_deleting_an_enrolment_says_what_goes_and_asks_to_confirm(world, records, manager):
    enrolment = records["enrolment"]
    client = logged_in(manager)
    page = client.get(url("delete_enrolment", enrolment))
    assert page.status_code == 200
    for going in ("2 register marks", "1 assessment", "1 goal"):
        assert going in page.text
    data = form_on(page, "fingerprint")
    not_ticked = client.post(url("delete_enrolment", enrolment), data)
    assert not_ticked.status_code == 200 and "confirm" in not_ticked.context["form"].errors
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    deleted = client.post(url("delete_enrolment", enrolment), {**data, "confirm": "on"})
    assert deleted.status_code == 302
    assert deleted["Location"] == reverse("evaluation:cohort", args=[enrolment.cohort_id])
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert not Attendance.objects.exists() and not Goal.objects.exists() and not Assessment.objects.exists()
    assert enrolment.learner.survey_responses.exists()  # the learner's own records stay
    entry = audit("delete", enrolment)
    assert entry.user == manager and entry.pilot == world["pilot_a"]
    assert entry.detail["old"]["start_date"] == "2025-01-06" and entry.detail["old"]["cohort"] == enrolment.cohort_id
    assert len(entry.detail["removed"]["attendance"]) == 2
    assert entry.detail["removed"]["goals"][0]["text"] == "Talk to my child's teacher"
    # The same confirmation sent again (a double click): nothing left to delete, no server error.
    assert client.post(url("delete_enrolment", enrolment), {**data, "confirm": "on"}).status_code == 404
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_a_mark_added_after_the_confirmation_page_was_shown_stops_the_deletion(world, records, manager):
    enrolment = records["enrolment"]
    client = logged_in(manager)
    data = {**form_on(client.get(url("delete_enrolment", enrolment)), "fingerprint"), "confirm": "on"}
    mark(enrolment, TERM_START + 2 * WEEK)
    refused = client.post(url("delete_enrolment", enrolment), data)
    assert refused.status_code == 409 and "3 register marks" in refused.text
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


@pytest.mark.parametrize(
    "name, key, model",
    [
        ("delete_assessment", "assessment", Assessment),
        ("delete_goal", "goal", Goal),
        ("delete_survey", "survey", SurveyResponse),
        ("delete_outcome", "outcome", ProgressionOutcome),
    ],
)
def test_a_provider_coordinator_deletes_a_record_once_and_the_log_keeps_its_values(
    world, records, manager, name, key, model
):
    record = records[key]
    client = logged_in(manager)
    data = form_on(client.get(url(name, record)), "fingerprint")
    assert "confirm" not in data  # nothing else goes: the button is the confirmation
    responses = [client.post(url(name, record), data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 404]
    assert not model.objects.filter(pk=record.pk).exists()
    old = audit("delete", record).detail["old"]
    assert old["id"] == record.pk
    if key == "survey":
        assert old["answers.belonging"] == 3 and old["wave"] == "baseline"
    if key == "outcome":
        assert (old["outcome_type"], old["outcome_code"], old["date"]) == ("EMP", 1, "2025-04-14")


def test_a_delete_at_the_same_moment_as_another_finds_the_record_gone(world, records, manager):
    goal = records["goal"]
    corrections.delete_goal(manager, Goal.objects.get(pk=goal.pk), based_on=None)
    with pytest.raises(corrections.RecordGone):
        corrections.delete_goal(manager, goal, based_on=None)
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_programme_coordinators_may_delete(world, records):
    client = logged_in(world["coordinator"])
    data = form_on(client.get(url("delete_goal", records["goal"])), "fingerprint")
    assert client.post(url("delete_goal", records["goal"]), data).status_code == 302


# Who may.

CORRECTIONS = {
    "enrolment": "correct_enrolment",
    "assessment": "correct_assessment",
    "goal": "correct_goal",
    "survey": "correct_survey",
    "outcome": "correct_outcome",
}
DELETIONS = {key: name.replace("correct_", "delete_") for key, name in CORRECTIONS.items()}


def test_tutors_correct_but_do_not_delete_and_see_no_delete_links(world, records):
    client = logged_in(world["staff1"])
    for key, name in DELETIONS.items():
        assert client.get(url(name, records[key])).status_code == 403, name
        assert client.post(url(name, records[key]), {"confirm": "on"}).status_code == 403, name
    page = client.get(url("enrolment", records["enrolment"]))
    assert url("correct_goal", records["goal"]) in page.text
    assert url("correct_survey", records["survey"]) in page.text
    assert url("correct_outcome", records["outcome"]) in page.text
    assert "/delete/" not in page.text
    assert Goal.objects.exists() and not AuditEntry.objects.exists()


def test_the_enrolment_page_links_provider_coordinators_to_every_correction_and_deletion(world, records, manager):
    page = logged_in(manager).get(url("enrolment", records["enrolment"]))
    for key in CORRECTIONS:
        assert url(CORRECTIONS[key], records[key]) in page.text
        assert url(DELETIONS[key], records[key]) in page.text


@pytest.mark.parametrize("who", [None, "nobody", "staff2", "evaluator_a", "other_manager"])
def test_everyone_else_is_refused_with_real_and_guessed_ids(world, records, make_user, who):
    if who == "other_manager":  # a provider coordinator, but of provider 2
        world[who] = make_user(who)
        StaffAssignment.objects.create(
            user=world[who], provider=world["cohort_a2"].provider, role=StaffAssignment.Role.COORDINATOR
        )
    client = logged_in(world[who]) if who else Client()
    problems = []
    for name in [*CORRECTIONS.values(), *DELETIONS.values()]:
        key = name.split("_", 1)[1]
        for pk in (records[key].pk, records[key].pk + 1000):
            address = reverse(f"evaluation:{name}", args=[pk])
            for method in ("get", "post"):
                status = getattr(client, method)(address, {"confirm": "on", "text": "x"}).status_code
                if status not in ({302} if who is None else {403, 404}):
                    problems.append(f"{method} {address}: {status}")
    assert not problems, problems
    assert not AuditEntry.objects.exists()
    assert Enrolment.objects.filter(pk=records["enrolment"].pk).exists() and Goal.objects.exists()


def test_another_providers_tutor_cannot_reach_this_providers_records_through_their_own_learner(world, records):
    """Staff 2 may record enrolment A2's learner; that gives them nothing of enrolment A1's learner."""
    client = logged_in(world["staff2"])
    own = survey_response(world["enrolment_a2"].learner)
    assert client.get(url("correct_survey", own)).status_code == 200
    assert client.get(url("correct_survey", records["survey"])).status_code == 404
