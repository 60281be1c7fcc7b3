"""Sessions cancelled, reinstated, moved and added, with the register following; minutes attended on the register.

Forms are filled in from the HTML the screens send (tests.concurrency.form_on), as a browser without JavaScript
would, so a field the page forgets to send fails here.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import TERM_START, AttendanceFactory, SessionFactory
from evaluation.indicators import indicator_rows
from evaluation.models import Attendance, AuditEntry, Session, StaffAssignment
from evaluation.services import take_register
from evaluation.services.sessions import (
    CannotChangeSession,
    add_session,
    cancel_session,
    move_session,
    reinstate_session,
)
from tests.concurrency import form_on

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(weeks=1)
TODAY = TERM_START + 20 * WEEK
TEN, NOON, ONE = datetime.time(10), datetime.time(12), datetime.time(13)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(session) -> str:
    return reverse("evaluation:change_session", args=[session.id])


def add_url(cohort) -> str:
    return reverse("evaluation:add_session", args=[cohort.id])


def audit(session) -> list[dict]:
    return list(
        AuditEntry.objects.filter(model="evaluation.Session", object_id=str(session.pk))
        .order_by("pk")
        .values_list("detail", flat=True)
    )


@pytest.fixture
def held(world):
    """Two held sessions of cohort_a1, a week apart, each with enrolment_a1 marked: present, then absent."""
    enrolment = world["enrolment_a1"]
    first = SessionFactory(cohort=world["cohort_a1"], date=TERM_START + WEEK)
    second = SessionFactory(cohort=world["cohort_a1"], date=TERM_START + 2 * WEEK)
    AttendanceFactory(enrolment=enrolment, session=first, status="present")
    AttendanceFactory(enrolment=enrolment, session=second, status="unauthorised")
    return first, second


def attendance_rate(pilot):
    (row,) = [r for r in indicator_rows(pilot, TODAY) if r.indicator == "attendance_rate" and r.breakdown == "pilot"]
    return row.measure.numerator, row.measure.denominator


# Cancelling: the marks go, in the same transaction, and the session no longer counts.


def test_a_cancelled_session_with_marks_says_so_removes_them_and_no_longer_counts(world, held):
    first, second = held
    assert attendance_rate(world["pilot_a"]) == (1, 2)
    client = logged_in(world["staff1"])
    page = client.get(change_url(second))
    assert "This session's register has 1 mark. Cancelling the session removes it." in page.text
    form = form_on(page, action="cancel")
    unticked = client.post(change_url(second), {**form, "cancel-reason": "Tutor ill"})
    assert unticked.status_code == 200
    assert "Tick the box to remove them with the session." in unticked.text
    assert Attendance.objects.filter(session=second).exists()

    response = client.post(change_url(second), {**form, "cancel-reason": "Tutor ill", "cancel-remove_marks": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:cohort", args=[second.cohort_id])
    second.refresh_from_db()
    assert second.status == "cancelled" and not Attendance.objects.filter(session=second).exists()
    assert Attendance.objects.filter(session=first).exists()  # the other session's register is untouched
    assert attendance_rate(world["pilot_a"]) == (1, 1)  # the cancelled session is no absence
    (detail,) = audit(second)
    enrolment_id = str(world["enrolment_a1"].id)
    assert detail == {
        "changes": {"status": ["held", "cancelled"]},
        "marks_removed": {enrolment_id: "unauthorised"},
        "reason": "Tutor ill",
    }


def test_a_cancel_sent_twice_cancels_once_and_both_say_done(world, held):
    _first, second = held
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(change_url(second)), action="cancel"), "cancel-remove_marks": "on"}
    responses = [client.post(change_url(second), data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert len(audit(second)) == 1


def test_a_cancel_based_on_an_empty_register_never_removes_marks_saved_since(world, make_user):
    colleague = make_user("colleague")
    StaffAssignment.objects.create(user=colleague, provider=world["cohort_a1"].provider)
    session = SessionFactory(cohort=world["cohort_a1"], status=Session.Status.PLANNED)
    client = logged_in(world["staff1"])
    form = form_on(client.get(change_url(session)), action="cancel")
    assert "cancel-remove_marks" not in form
    take_register(colleague, session, {world["enrolment_a1"].id: "present"}, based_on=0)  # meanwhile

    response = client.post(change_url(session), form)
    assert response.status_code == 200  # asked again, with the marks now shown: never cancelled unseen
    assert "This session's register has 1 mark." in response.text and "Tick the box" in response.text
    session.refresh_from_db()
    assert session.status == "held" and Attendance.objects.filter(session=session).count() == 1


def test_a_stale_cancel_is_refused_with_a_message(world, held):
    _first, second = held
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(change_url(second)), action="cancel"), "cancel-remove_marks": "on"}
    take_register(None, second, {world["enrolment_a1"].id: "late"})  # someone corrects the register meanwhile
    response = client.post(change_url(second), data)
    assert response.status_code == 409
    assert "Someone else saved this while you were working on it" in response.text
    second.refresh_from_db()
    assert second.status == "held" and Attendance.objects.get(session=second).status == "late"


def test_a_cancelled_session_can_be_reinstated_and_has_no_register_until_then(world, held):
    _first, second = held
    cancel_session(world["staff1"], second)
    client = logged_in(world["staff1"])
    register = reverse("evaluation:register", args=[second.id])
    page = client.get(register)
    assert "This session was cancelled, so it has no register." in page.text
    assert client.post(register, {f"mark_{world['enrolment_a1'].id}": "present"}).status_code == 409
    assert not Attendance.objects.filter(session=second).exists()

    form = form_on(client.get(change_url(second)), action="reinstate")
    assert client.post(change_url(second), form).status_code == 302
    second.refresh_from_db()
    assert second.status == "planned"
    assert audit(second)[-1] == {"changes": {"status": ["cancelled", "planned"]}}
    assert client.post(change_url(second), form).status_code == 302  # sent twice: reinstated once
    assert len(audit(second)) == 2
    assert "Save register" in client.get(register).text


# Moving: the marks stay with the session.


def test_a_moved_session_keeps_its_marks_and_the_audit_has_old_and_new_values(world, held):
    _first, second = held
    client = logged_in(world["staff1"])
    form = form_on(client.get(change_url(second)), action="move")
    assert form["move-date"] == second.date.isoformat() and form["move-start_time"] == "10:00"
    new_day = second.date + datetime.timedelta(days=2)
    data = {**form, "move-date": new_day.isoformat(), "move-start_time": "13:00", "move-end_time": "15:00"}
    assert client.post(change_url(second), data).status_code == 302
    second.refresh_from_db()
    assert (second.date, second.start_time, second.end_time) == (new_day, ONE, datetime.time(15))
    assert Attendance.objects.get(session=second).status == "unauthorised"
    (detail,) = audit(second)
    assert detail == {
        "changes": {
            "date": [(TERM_START + 2 * WEEK).isoformat(), new_day.isoformat()],
            "start_time": ["10:00", "13:00"],
            "end_time": ["12:00", "15:00"],
        }
    }
    assert client.post(change_url(second), data).status_code == 302  # sent twice: moved once
    assert len(audit(second)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"move-date": (TERM_START + WEEK).isoformat()}, "This class already has a session on"),
        ({"move-end_time": "09:00"}, "The session must end after it starts."),
        ({"move-date": "2024-12-30"}, "when this class runs."),
        ({"move-date": "2025-13-45"}, "Enter a valid date."),
        ({"move-start_time": "25:99"}, "Enter a valid time."),
    ],
)
def test_a_move_onto_a_taken_slot_or_an_impossible_one_is_a_form_error(world, held, change, message):
    _first, second = held
    client = logged_in(world["staff1"])
    data = {**form_on(client.get(change_url(second)), action="move"), **change}
    response = client.post(change_url(second), data)
    assert response.status_code == 200
    assert message in response.text
    second.refresh_from_db()
    assert second.date == TERM_START + 2 * WEEK and not audit(second)


def test_a_move_based_on_an_old_version_is_refused_with_what_changed(world, held):
    _first, second = held
    client = logged_in(world["staff1"])
    form = form_on(client.get(change_url(second)), action="move")
    move_session(world["coordinator"], second, date=second.date, start_time=ONE, end_time=datetime.time(15))
    response = client.post(change_url(second), {**form, "move-start_time": "11:00"})
    assert response.status_code == 409
    assert "Someone else saved this while you were working on it" in response.text
    second.refresh_from_db()
    assert second.start_time == ONE
    again = form_on(response, action="move")  # rebased on what is saved now: sending it again means "mine"
    assert again["move-start_time"] == "11:00"
    assert client.post(change_url(second), again).status_code == 302
    second.refresh_from_db()
    assert second.start_time == datetime.time(11)


def test_a_register_opened_before_the_session_moved_is_not_saved_over_it_unseen(world, held):
    _first, second = held
    client = logged_in(world["staff1"])
    register = reverse("evaluation:register", args=[second.id])
    form = {**form_on(client.get(register)), f"mark_{world['enrolment_a1'].id}": "present"}
    move_session(world["coordinator"], second, date=second.date, start_time=ONE, end_time=datetime.time(15))
    assert client.post(register, form).status_code == 409
    assert Attendance.objects.get(session=second).status == "unauthorised"


def test_the_service_refuses_a_clash_without_writing(world, held):
    first, second = held
    with pytest.raises(CannotChangeSession):
        move_session(world["staff1"], second, date=first.date, start_time=TEN, end_time=NOON)
    second.refresh_from_db()
    assert second.register_version == 0 and second.date == TERM_START + 2 * WEEK


# Adding one extra session.


def test_an_added_session_sent_twice_is_added_once(world):
    cohort = world["cohort_a1"]
    client = logged_in(world["staff1"])
    data = {
        **form_on(client.get(add_url(cohort)), "date"),
        "date": "2025-02-08",
        "start_time": "10:00",
        "end_time": "12:00",
    }
    responses = [client.post(add_url(cohort), data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    (session,) = cohort.sessions.all()
    assert (session.date, session.status) == (datetime.date(2025, 2, 8), "planned")
    assert audit(session) == [
        {
            "changes": {
                "date": [None, "2025-02-08"],
                "start_time": [None, "10:00"],
                "end_time": [None, "12:00"],
                "status": [None, "planned"],
            }
        }
    ]
    page = client.get(reverse("evaluation:cohort", args=[cohort.id]))
    assert change_url(session) in page.text and add_url(cohort) in page.text


def test_the_add_service_returns_the_session_already_added(world):
    cohort = world["cohort_a1"]
    made, created = add_session(world["staff1"], cohort, date=TERM_START, start_time=TEN, end_time=NOON)
    again, created_again = add_session(world["staff1"], cohort, date=TERM_START, start_time=TEN, end_time=NOON)
    assert (created, created_again) == (True, False) and made == again


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end_time": "11:00"}, "This class already has a session on"),  # the same start, another end: a clash
        ({"end_time": "09:00"}, "The session must end after it starts."),
        ({"date": "2025-06-01"}, "when this class runs."),
        ({"date": ""}, "This field is required."),
    ],
)
def test_an_added_session_that_cannot_be_is_a_form_error(world, fields, message):
    cohort = world["cohort_a1"]
    SessionFactory(cohort=cohort, date=datetime.date(2025, 2, 8))
    client = logged_in(world["staff1"])
    data = {"date": "2025-02-08", "start_time": "10:00", "end_time": "12:00", **fields}
    response = client.post(add_url(cohort), data)
    assert response.status_code == 200 and message in response.text
    assert cohort.sessions.count() == 1


def test_adding_at_a_cancelled_sessions_slot_asks_to_reinstate_it(world):
    cohort = world["cohort_a1"]
    SessionFactory(cohort=cohort, date=datetime.date(2025, 2, 8), status=Session.Status.CANCELLED)
    response = logged_in(world["staff1"]).post(
        add_url(cohort), {"date": "2025-02-08", "start_time": "10:00", "end_time": "12:00"}
    )
    assert response.status_code == 200 and "Reinstate that session instead." in response.text
    assert cohort.sessions.count() == 1


# Who may change sessions: whoever may take the register.


def test_a_coordinator_may_change_any_cohorts_sessions(world, held):
    _first, second = held
    client = logged_in(world["coordinator"])
    data = {**form_on(client.get(change_url(second)), action="cancel"), "cancel-remove_marks": "on"}
    assert client.post(change_url(second), data).status_code == 302
    assert client.get(add_url(world["cohort_a1"])).status_code == 200


@pytest.mark.parametrize("who", ["staff2", "evaluator_a", "nobody"])
def test_other_roles_are_refused_with_real_and_guessed_ids(world, held, who):
    _first, second = held
    client = logged_in(world[who])
    for url in (change_url(second), add_url(world["cohort_a1"]), f"/evaluation/sessions/{second.id + 1000}/change/"):
        assert client.get(url).status_code in (403, 404), url
    data = {"action": "cancel", "cancel-based_on": "0", "cancel-remove_marks": "on"}
    assert client.post(change_url(second), data).status_code in (403, 404)
    add = {"date": "2025-02-08", "start_time": "10:00", "end_time": "12:00"}
    assert client.post(add_url(world["cohort_a1"]), add).status_code in (403, 404)
    second.refresh_from_db()
    assert second.status == "held" and world["cohort_a1"].sessions.count() == 2


def test_anonymous_visitors_are_sent_to_log_in(client, world, held):
    _first, second = held
    for url in (change_url(second), add_url(world["cohort_a1"])):
        response = client.post(url, {"action": "cancel"})
        assert response.status_code == 302 and "login" in response["Location"]
    second.refresh_from_db()
    assert second.status == "held"


def test_the_services_reinstate_only_what_is_cancelled(world, held):
    _first, second = held
    reinstate_session(world["staff1"], second)
    second.refresh_from_db()
    assert second.status == "held" and not audit(second)


# Minutes attended, for cohorts that record them.


@pytest.fixture
def minutes_register(world):
    cohort = world["cohort_a1"]
    cohort.records_minutes = True
    cohort.save()
    session = SessionFactory(cohort=cohort, status=Session.Status.PLANNED)  # 10:00 to 12:00: 120 minutes
    return session, world["enrolment_a1"], reverse("evaluation:register", args=[session.id])


def test_a_register_without_minutes_asks_for_none(world):
    session = SessionFactory(cohort=world["cohort_a1"], status=Session.Status.PLANNED)
    page = logged_in(world["staff1"]).get(reverse("evaluation:register", args=[session.id]))
    assert "minutes_" not in page.text and "Minutes attended" not in page.text


def test_minutes_attended_are_asked_for_checked_and_saved(world, minutes_register):
    _session, enrolment, url = minutes_register
    client = logged_in(world["staff1"])
    form = form_on(client.get(url))
    assert form[f"minutes_{enrolment.id}"] == "120"  # the whole session, until changed

    too_many = client.post(url, {**form, f"minutes_{enrolment.id}": "121"})
    assert too_many.status_code == 200
    assert "Enter the minutes from 0 to 120: the session is 120 minutes long." in too_many.text
    missing = client.post(url, {**form, f"mark_{enrolment.id}": "late", f"minutes_{enrolment.id}": ""})
    assert "Enter how many minutes" in missing.text
    assert client.post(url, {**form, f"minutes_{enrolment.id}": "-5"}).status_code == 200
    assert not Attendance.objects.exists()

    late = {**form, f"mark_{enrolment.id}": "late", f"minutes_{enrolment.id}": "95"}
    assert [client.post(url, late).status_code for _ in range(2)] == [302, 302]  # sent twice: saved once
    mark = Attendance.objects.get()
    assert (mark.status, mark.minutes) == ("late", 95)
    assert AuditEntry.objects.get(model="evaluation.Session").detail["minutes"] == {str(enrolment.id): 95}

    absent = {**form_on(client.get(url)), f"mark_{enrolment.id}": "unauthorised", f"minutes_{enrolment.id}": "x"}
    assert client.post(url, absent).status_code == 302  # an absent learner's minutes are not asked for
    mark.refresh_from_db()
    assert (mark.status, mark.minutes) == ("unauthorised", None)


def test_the_register_service_refuses_minutes_longer_than_the_session(world, minutes_register):
    session, enrolment, _url = minutes_register
    with pytest.raises(ValueError):
        take_register(world["staff1"], session, {enrolment.id: "present"}, {enrolment.id: 121})
    assert not Attendance.objects.exists()


def test_a_session_is_not_moved_shorter_than_the_minutes_recorded(world, minutes_register):
    session, enrolment, _url = minutes_register
    take_register(world["staff1"], session, {enrolment.id: "present"}, {enrolment.id: 110})
    session.refresh_from_db()
    with pytest.raises(CannotChangeSession):
        move_session(world["staff1"], session, date=session.date, start_time=TEN, end_time=datetime.time(11))
    moved = move_session(world["staff1"], session, date=session.date, start_time=ONE, end_time=datetime.time(15))
    assert Attendance.objects.get(session=moved).minutes == 110
