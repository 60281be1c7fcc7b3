"""Writes that survive a busy day (esolplus.concurrency): a form sent twice stores one record, and when two people
save the same thing from the same starting point neither gets a server error and neither save is lost unseen.

Forms are filled in from the HTML the screens send, as a browser without JavaScript would. The tests marked
``transaction=True`` send real simultaneous requests from two threads with their own database connections; run
them on PostgreSQL too (DATABASE_URL=postgres://...), where the second request really waits for the first.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import EnrolmentFactory, GoalFactory, LearnerIdentityFactory, SessionFactory
from evaluation.models import (
    Assessment,
    Attendance,
    AuditEntry,
    Enrolment,
    Goal,
    LearnerIdentity,
    ProgressionOutcome,
    Session,
    StaffAssignment,
    SurveyResponse,
)
from evaluation.services import recording, take_register
from tests.concurrency import at_the_same_moment, connections_that_wait, form_on  # noqa: F401 (a fixture)


@pytest.fixture
def colleague(world, make_user):
    """A second member of staff at staff1's provider: two people who may record the same class."""
    user = make_user("colleague")
    StaffAssignment.objects.create(user=user, provider=world["cohort_a1"].provider)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A form sent twice (double click, browser retry) stores one record.

ENROL = {
    "identity-full_name": "Maryam Yusuf",
    "identity-phone": "07700 900321",
    "learner-age_band": "35-49",
    "learner-gender": "woman",
    "enrol-start_date": "2025-01-06",
}


@pytest.mark.django_db
def test_an_enrolment_sent_twice_enrols_the_learner_once(world):
    cohort = world["cohort_a1"]
    url = reverse("evaluation:enrol", args=[cohort.id])
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url)), **ENROL}
    assert data["enrol-submission_key"]
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {reverse("evaluation:cohort", args=[cohort.id])}
    assert LearnerIdentity.objects.filter(full_name="Maryam Yusuf").count() == 1
    assert Enrolment.objects.filter(cohort=cohort, learner__identity__full_name="Maryam Yusuf").count() == 1
    assert AuditEntry.objects.filter(model="evaluation.Enrolment", action="create").count() == 1
    # A form shown afresh has a new key: enrolling someone else with the same name is a new learner.
    again = {**form_on(client.get(url)), **ENROL}
    assert again["enrol-submission_key"] != data["enrol-submission_key"]
    assert client.post(url, again).status_code == 302
    assert LearnerIdentity.objects.filter(full_name="Maryam Yusuf").count() == 2


CREATE_FORMS = {
    "a progress assessment": (
        "enrolment",
        {"action": "assessment"},
        {"assessment-stage": "progress", "assessment-skill": "reading", "assessment-level": "2"},
        Assessment,
    ),
    "an initial assessment": (
        "enrolment",
        {"action": "assessment"},
        {"assessment-stage": "initial", "assessment-skill": "writing", "assessment-level": "1"},
        Assessment,
    ),
    "a goal": ("enrolment", {"action": "goal"}, {"goal-text": "Read a bus timetable"}, Goal),
    "an outcome": (
        "outcome",
        {},
        {"destination": "EMP1", "date": "2025-06-02", "source": "learner"},
        ProgressionOutcome,
    ),
    "survey answers": ("survey", {}, {"wave": "baseline", "item_belonging": "3"}, SurveyResponse),
}


@pytest.mark.django_db
@pytest.mark.parametrize("what", CREATE_FORMS)
def test_a_create_form_sent_twice_stores_one_record(world, what):
    screen, having, fields, model = CREATE_FORMS[what]
    enrolment = world["enrolment_a1"]
    url = reverse(f"evaluation:{screen}", args=[enrolment.id if screen == "enrolment" else enrolment.learner_id])
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url), **having), **fields}
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302], what
    assert responses[0]["Location"] == responses[1]["Location"]
    assert model.objects.count() == 1
    assert AuditEntry.objects.filter(model=model._meta.label).count() == 1  # the second send wrote nothing


# The register: a version, checked and moved on by every save.


@pytest.fixture
def register(world):
    """A session of cohort_a1 with three learners, named for staff of their provider."""
    session = SessionFactory(cohort=world["cohort_a1"], status=Session.Status.PLANNED)
    learners = {}
    for name in ("Amina Yusuf", "Bilal Khan", "Chen Wei"):
        enrolment = EnrolmentFactory(cohort=session.cohort)
        LearnerIdentityFactory(learner=enrolment.learner, full_name=name)
        learners[name] = enrolment
    world["enrolment_a1"].delete()
    return session, learners, reverse("evaluation:register", args=[session.id])


def marks(session) -> dict[str, str]:
    rows = Attendance.objects.filter(session=session).values_list("enrolment__learner__identity__full_name", "status")
    return dict(rows)


def chosen(form: dict, learners, **changes) -> dict:
    """The register form with some learners' marks changed, e.g. chosen(form, learners, Bilal_Khan="late")."""
    return {**form, **{f"mark_{learners[name.replace('_', ' ')].id}": mark for name, mark in changes.items()}}


@pytest.mark.django_db
def test_a_register_sent_twice_is_saved_once_and_both_say_saved(world, register):
    session, learners, url = register
    client = logged_in(world["staff1"])
    data = chosen(form_on(client.get(url)), learners, Bilal_Khan="late")
    responses = [client.post(url, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert marks(session) == {"Amina Yusuf": "present", "Bilal Khan": "late", "Chen Wei": "present"}
    session.refresh_from_db()
    assert session.register_version == 1
    assert AuditEntry.objects.filter(model="evaluation.Session").count() == 1


@pytest.mark.django_db
def test_a_register_saved_meanwhile_is_shown_with_what_changed_and_nothing_is_overwritten(world, register, colleague):
    session, learners, url = register
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url)), form_on(theirs.get(url))
    assert theirs.post(url, chosen(their_form, learners, Bilal_Khan="late")).status_code == 302

    conflict = mine.post(url, chosen(my_form, learners, Chen_Wei="unauthorised"))
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Someone else saved this while you were working on it" in page
    assert "Nothing you entered has been saved yet." in page
    assert "Saved by someone else: Late (it was Present when you opened the register)." in page
    assert page.count("Saved by someone else") == 1  # only Bilal's mark changed
    assert f'href="{url}"' in page  # discard mine: the register as saved
    assert marks(session) == {"Amina Yusuf": "present", "Bilal Khan": "late", "Chen Wei": "present"}

    # The form now holds their change and mine; sending it again keeps both.
    again = form_on(conflict, based_on="1")
    assert again[f"mark_{learners['Bilal Khan'].id}"] == "late"
    assert again[f"mark_{learners['Chen Wei'].id}"] == "unauthorised"
    response = mine.post(url, again)
    assert response.status_code == 302
    assert marks(session) == {"Amina Yusuf": "present", "Bilal Khan": "late", "Chen Wei": "unauthorised"}
    session.refresh_from_db()
    assert session.register_version == 2


@pytest.mark.django_db
def test_when_both_changed_the_same_learner_mine_is_kept_in_the_form_and_flagged(world, register, colleague):
    session, learners, url = register
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url)), form_on(theirs.get(url))
    theirs.post(url, chosen(their_form, learners, Bilal_Khan="late"))
    conflict = mine.post(url, chosen(my_form, learners, Bilal_Khan="authorised"))
    assert conflict.status_code == 409
    assert "You chose Absent with reason: check which is right." in conflict.content.decode()
    assert marks(session)["Bilal Khan"] == "late"
    assert form_on(conflict, based_on="1")[f"mark_{learners['Bilal Khan'].id}"] == "authorised"
    assert mine.post(url, form_on(conflict, based_on="1")).status_code == 302
    assert marks(session)["Bilal Khan"] == "authorised"


@pytest.mark.django_db
def test_a_register_form_without_a_version_is_never_applied_over_saved_marks(world, register):
    session, learners, url = register
    take_register(None, session, {e.id: "present" for e in learners.values()})
    client = logged_in(world["staff1"])
    response = client.post(url, {f"mark_{e.id}": "late" for e in learners.values()})  # as an old page would
    assert response.status_code == 409
    assert set(marks(session).values()) == {"present"}


@pytest.mark.django_db
def test_an_import_moves_the_register_on_so_an_open_form_does_not_overwrite_it(world, register):
    session, learners, url = register
    client = logged_in(world["staff1"])
    form = form_on(client.get(url))
    take_register(None, session, {learners["Amina Yusuf"].id: "unauthorised"})  # as import_registers does
    assert client.post(url, chosen(form, learners, Bilal_Khan="late")).status_code == 409
    assert marks(session) == {"Amina Yusuf": "unauthorised"}


# The same for the other things two staff may edit: an enrolment's details, assessments, goal ratings.


@pytest.mark.django_db
def test_finishing_an_enrolment_that_someone_else_changed_shows_both_and_keeps_theirs_until_asked(world, colleague):
    enrolment = world["enrolment_a1"]
    url = reverse("evaluation:enrolment", args=[enrolment.id])
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url), action="end"), form_on(theirs.get(url), action="end")
    withdrawn = {"end-completion_status": "3", "end-actual_end_date": "2025-02-03", "end-withdrawal_reason": "work"}
    assert theirs.post(url, {**their_form, **withdrawn}).status_code == 302

    conflict = mine.post(url, {**my_form, "end-completion_status": "2", "end-actual_end_date": "2025-03-31"})
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Someone else saved this while you were working on it" in page
    assert "Saved now: Withdrawn" in page and "Yours: Completed" in page
    assert "Saved now: Started work or changed hours" in page
    enrolment.refresh_from_db()
    assert (enrolment.completion_status, enrolment.withdrawal_reason) == (3, "work")

    response = mine.post(url, form_on(conflict, action="end"))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.completion_status, str(enrolment.actual_end_date)) == (2, "2025-03-31")


@pytest.mark.django_db
def test_an_end_date_before_the_start_is_a_message_not_a_server_error(world):
    enrolment = world["enrolment_a1"]
    url = reverse("evaluation:enrolment", args=[enrolment.id])
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(url), action="end"), "end-completion_status": "3", "end-actual_end_date": "2024-12-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The last day cannot be before the learner started." in response.content.decode()


@pytest.mark.django_db
def test_an_initial_assessment_saved_meanwhile_is_not_replaced_unseen(world, colleague):
    enrolment = world["enrolment_a1"]
    url = reverse("evaluation:enrolment", args=[enrolment.id])
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url), action="assessment"), form_on(theirs.get(url), action="assessment")
    initial_reading = {"assessment-stage": "initial", "assessment-skill": "reading", "assessment-date": "2025-01-06"}
    assert theirs.post(url, {**their_form, **initial_reading, "assessment-level": "3"}).status_code == 302

    conflict = mine.post(url, {**my_form, **initial_reading, "assessment-level": "2"})
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Saved now: Entry 3" in page and "Yours: Entry 2" in page
    assert Assessment.objects.get().level == 3

    assert mine.post(url, form_on(conflict, action="assessment")).status_code == 302  # keep mine
    assert Assessment.objects.get().level == 2
    # Replacing one the page showed needs no second word, as before.
    shown = form_on(theirs.get(url), action="assessment")
    assert theirs.post(url, {**shown, **initial_reading, "assessment-level": "4"}).status_code == 302
    assert Assessment.objects.get().level == 4


@pytest.mark.django_db
def test_a_goal_rated_meanwhile_is_shown_before_it_is_rated_again(world, colleague):
    goal = GoalFactory(enrolment=world["enrolment_a1"])
    url = reverse("evaluation:rate_goal", args=[goal.id])
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url)), form_on(theirs.get(url))
    assert theirs.post(url, {**their_form, "rating": "fully"}).status_code == 302
    conflict = mine.post(url, {**my_form, "rating": "partly"})
    assert conflict.status_code == 409
    assert "Saved now: Fully achieved" in conflict.content.decode()
    goal.refresh_from_db()
    assert goal.rating == "fully"
    assert mine.post(url, form_on(conflict)).status_code == 302
    goal.refresh_from_db()
    assert goal.rating == "partly"


# Real simultaneous requests: two threads, two clients, two database connections.


def hold_the_first_save_until_the_other_is_waiting(monkeypatch) -> dict:
    """The first request to reach its audit entry (inside its transaction, holding the session's row) waits
    there until the other request is blocked behind it: on PostgreSQL, until there is an ungranted lock. (SQLite
    has no row locks to watch: there the other request has only been released at the same moment.)"""
    real, seen = recording.record_audit, {"held": threading.Event(), "other_waited": False}

    def record_audit(*args, **kwargs):
        if not seen["held"].is_set():
            seen["held"].set()
            seen["other_waited"] = wait_until_another_request_waits()
        return real(*args, **kwargs)

    monkeypatch.setattr(recording, "record_audit", record_audit)
    return seen


def wait_until_another_request_waits() -> bool:
    if connection.vendor != "postgresql":
        return False
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_two_first_saves_of_an_empty_register_at_once_give_one_save_and_one_conflict(
    world, register, colleague, monkeypatch
):
    session, learners, url = register
    mine, theirs = logged_in(colleague), logged_in(world["staff1"])
    my_form, their_form = form_on(mine.get(url)), form_on(theirs.get(url))
    seen = hold_the_first_save_until_the_other_is_waiting(monkeypatch)
    results = at_the_same_moment(
        lambda: theirs.post(url, chosen(their_form, learners, Bilal_Khan="late")),
        lambda: mine.post(url, chosen(my_form, learners, Chen_Wei="unauthorised")),
    )
    assert all(not isinstance(result, Exception) for result in results), results
    assert sorted(r.status_code for r in results) == [302, 409], [r.status_code for r in results]
    saved, conflict = sorted(results, key=lambda r: r.status_code)
    winner = "Bilal Khan" if saved is results[0] else "Chen Wei"
    expected = {"Amina Yusuf": "present", "Bilal Khan": "present", "Chen Wei": "present"}
    expected[winner] = "late" if winner == "Bilal Khan" else "unauthorised"
    assert marks(session) == expected  # exactly one save applied, whole
    assert "Someone else saved this while you were working on it" in conflict.content.decode()
    session.refresh_from_db()
    assert session.register_version == 1
    if connection.vendor == "postgresql":
        assert seen["other_waited"], "the second request never had to wait for the first"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_the_same_enrolment_sent_twice_at_once_makes_one_learner(world):
    cohort = world["cohort_a1"]
    url = reverse("evaluation:enrol", args=[cohort.id])
    first, second = logged_in(world["staff1"]), logged_in(world["staff1"])
    data = {**form_on(first.get(url)), **ENROL}
    results = at_the_same_moment(lambda: first.post(url, data), lambda: second.post(url, data))
    assert all(not isinstance(result, Exception) for result in results), results
    assert [r.status_code for r in results] == [302, 302]
    assert LearnerIdentity.objects.filter(full_name="Maryam Yusuf").count() == 1
    assert Enrolment.objects.filter(cohort=cohort).exclude(pk=world["enrolment_a1"].pk).count() == 1


@pytest.mark.django_db
def test_staff_get_a_new_key_on_every_form(client, world):
    """The key is made when the form is shown, so two people (or two tabs) never share one."""
    url = reverse("evaluation:enrol", args=[world["cohort_a1"].id])
    client.force_login(world["staff1"])
    keys = {form_on(client.get(url))["enrol-submission_key"] for _ in range(3)}
    assert len(keys) == 3
