"""Consecutive-absence alerts on the cohort page: the persistent-absence rule (docs/indicators.md), applied to the run
each learner is on now."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import (
    TERM_START,
    AttendanceFactory,
    EnrolmentFactory,
    LearnerIdentityFactory,
)
from evaluation.indicators import current_absence_run
from evaluation.models import CompletionStatus, Enrolment, Session

WEEK = datetime.timedelta(weeks=1)
HEADING = "Learners absent 3 or more times in a row"


def _sessions(n):
    return [Session(id=i + 1, date=TERM_START + i * WEEK, status=Session.Status.HELD) for i in range(n)]


U, A, P = "unauthorised", "authorised", "present"


@pytest.mark.parametrize(
    ("marks", "run", "last"),
    [
        ([U, U, U], 3, 3),
        ([U, U], 2, 2),
        ([U, U, P, U], 1, 4),
        # an authorised absence neither ends nor extends a run; a missing mark ends it
        ([U, A, U, U], 3, 4),
        ([U, U, U, A], 3, 3),
        ([U, U, U, None], 0, None),
        ([P, "late"], 0, None),
    ],
)
def test_the_current_run_of_unauthorised_absences(marks, run, last):
    """``marks`` are for weekly held sessions 1, 2...; ``last`` is the week of the run's last absence."""
    sessions = _sessions(len(marks))
    by_session = {i + 1: mark for i, mark in enumerate(marks) if mark}
    found = current_absence_run(Enrolment(start_date=TERM_START), sessions, by_session, today=TERM_START + 9 * WEEK)
    assert found == (run, None if last is None else TERM_START + (last - 1) * WEEK)


def test_sessions_outside_the_window_do_not_count():
    marks = {1: "unauthorised", 2: "unauthorised", 3: "unauthorised", 4: "unauthorised"}
    joined_late = Enrolment(start_date=TERM_START + 2 * WEEK)
    assert current_absence_run(joined_late, _sessions(4), marks, today=TERM_START + 9 * WEEK)[0] == 2
    today_is_week_2 = TERM_START + WEEK
    assert current_absence_run(Enrolment(start_date=TERM_START), _sessions(4), marks, today=today_is_week_2)[0] == 2


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _marked(cohort, name, marks: list[str | None]) -> Enrolment:
    """A learner called ``name`` with these marks at the cohort's held sessions, one a week (None: no mark)."""
    enrolment = EnrolmentFactory(cohort=cohort)
    LearnerIdentityFactory(learner=enrolment.learner, full_name=name)
    for week, mark in enumerate(marks):
        session, _ = Session.objects.get_or_create(
            cohort=cohort,
            date=TERM_START + week * WEEK,
            start_time=datetime.time(10),
            defaults={"end_time": datetime.time(12), "status": Session.Status.HELD},
        )
        if mark:
            AttendanceFactory(enrolment=enrolment, session=session, status=mark)
    return enrolment


@pytest.mark.django_db
def test_the_cohort_page_lists_learners_absent_3_times_in_a_row_and_not_2_or_broken_runs(world):
    cohort = world["cohort_a1"]
    world["enrolment_a1"].delete()
    _marked(cohort, "Amina Yusuf", [P, U, U, U])
    _marked(cohort, "Bilal Khan", [P, P, U, U])
    _marked(cohort, "Chen Wei", [U, U, P, U])
    _marked(cohort, "Dara Okafor", [U, U, U, None])  # no mark at the last session ends the run
    _marked(cohort, "Esi Mensah", [U, U, A, U])
    left = _marked(cohort, "Farah Ali", [U, U, U, U])
    Enrolment.objects.filter(pk=left.pk).update(
        completion_status=CompletionStatus.WITHDRAWN, actual_end_date=TERM_START + 4 * WEEK
    )

    page = _client(world["staff1"]).get(reverse("evaluation:cohort", args=[cohort.id])).text
    alerts = page[page.index(HEADING) : page.index("<h2>Sessions</h2>")]
    assert "Amina Yusuf" in alerts and "Esi Mensah" in alerts
    for name in ("Bilal Khan", "Chen Wei", "Dara Okafor", "Farah Ali"):
        assert name not in alerts, name
    assert "Absent 3 times in a row" in alerts
    assert f"last on {TERM_START + 3 * WEEK:%a} {(TERM_START + 3 * WEEK).day} " in alerts


@pytest.mark.django_db
def test_a_cancelled_session_is_no_part_of_a_run(world):
    cohort = world["cohort_a1"]
    world["enrolment_a1"].delete()
    enrolment = _marked(cohort, "Amina Yusuf", [U, U, U])
    url = reverse("evaluation:cohort", args=[cohort.id])
    client = _client(world["staff1"])
    assert HEADING in client.get(url).text
    Session.objects.filter(cohort=cohort, date=TERM_START + WEEK).update(status=Session.Status.CANCELLED)
    assert HEADING not in client.get(url).text
    assert enrolment.attendance.count() == 3  # the marks are still there; the session no longer counts


@pytest.mark.django_db
def test_the_alert_names_the_learner_as_the_page_does(world):
    cohort = world["cohort_a1"]
    world["enrolment_a1"].delete()
    enrolment = _marked(cohort, "Amina Yusuf", [U] * 4)
    url = reverse("evaluation:cohort", args=[cohort.id])
    staff_page = _client(world["staff1"]).get(url).text
    assert "Absent 4 times in a row" in staff_page and "Amina Yusuf" in staff_page
    coordinator_page = _client(world["coordinator"]).get(url).text  # coordinators never see names
    alerts = coordinator_page[coordinator_page.index(HEADING) : coordinator_page.index("<h2>Sessions</h2>")]
    assert "Amina Yusuf" not in coordinator_page and str(enrolment.learner) in alerts
