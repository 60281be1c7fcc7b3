"""Which learners on a cohort are absent now, several times in a row: an alert for their tutors on the cohort page.

The rule is the persistent-absence indicator's (``evaluation.indicators``: ``PERSISTENT_ABSENCE_RUN`` unauthorised
absences in a row among held sessions, an authorised absence neither ending nor extending a run), applied to the
run the learner is on today rather than to any run in the past, so the alert goes once they come back.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from .indicators import PERSISTENT_ABSENCE_RUN, current_absence_run
from .models import Attendance, Cohort, Enrolment, Session


@dataclass(frozen=True)
class AbsenceAlert:
    enrolment: Enrolment
    run: int
    last_absence: datetime.date


def absence_alerts(cohort: Cohort, enrolments: list[Enrolment], today: datetime.date) -> list[AbsenceAlert]:
    """The cohort's learners (``enrolments``, as the page lists them) whose held sessions end with a run of at least
    ``PERSISTENT_ABSENCE_RUN`` unauthorised absences, longest run first. Leavers are not alerted: they have gone."""
    held = list(cohort.sessions.filter(status=Session.Status.HELD).order_by("date", "start_time"))
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    rows = Attendance.objects.filter(session__in=held).values_list("enrolment_id", "session_id", "status")
    for enrolment_id, session_id, status in rows:
        marks[enrolment_id][session_id] = status
    alerts = []
    for enrolment in enrolments:
        if enrolment.is_leaver:
            continue
        run, last = current_absence_run(enrolment, held, marks[enrolment.id], today)
        if run >= PERSISTENT_ABSENCE_RUN:
            alerts.append(AbsenceAlert(enrolment, run, last))
    return sorted(alerts, key=lambda alert: -alert.run)
