"""Who is due which survey wave, and where each stands: the tutors' list (per cohort) and the comparison group's
(per pilot).

When a wave is due (the rule lives here; docs/indicators.md could quote it):

- a learner on a cohort: the **baseline** from the day their enrolment starts; the **end** survey from 14 days
  before its planned end; the **follow-up** 6 months after it ended (the actual end, else the planned end);
- a comparison-group member (``ComparisonMember`` of the pilot, not yet placed: no ``left_on``): the baseline
  from the day they joined and the follow-up 6 months later (they have no course, so no end survey).

A due wave's status, in this order: answered (a response of the integration survey, any version, by staff or by
link); cannot contact (no agreement to follow-up contact on the day, or neither phone nor email); reminded or
invited (an invitation for the current version); else not invited.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from esolplus.cldr import language_name

from .consent import contactable_learners
from .models import Cohort, ComparisonMember, Learner, Pilot, SurveyInvitation, SurveyResponse
from .services.invitations import INSTRUMENT_CODE, contact_address, current_instrument

Wave = SurveyResponse.Wave
END_WINDOW = datetime.timedelta(days=14)
FOLLOW_UP_AFTER = relativedelta(months=6)


class Status:
    ANSWERED = "answered"
    CANNOT_CONTACT = "cannot_contact"
    REMINDED = "reminded"
    INVITED = "invited"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"

    LABELS = {
        ANSWERED: _("Answered"),
        CANNOT_CONTACT: _("Cannot contact"),
        REMINDED: _("Reminded"),
        INVITED: _("Invited"),
        EXPIRED: _("Link expired, not answered"),
        NOT_INVITED: _("Not invited"),
    }


@dataclass
class DueWave:
    """One learner's one wave that is due, and where it stands."""

    learner: Learner
    wave: str
    due_from: datetime.date
    status: str = Status.NOT_INVITED
    invitation: SurveyInvitation | None = None
    channels: list[str] = field(default_factory=list)  # the channels the learner has an address for
    language: str = ""  # the language to suggest for the invitation
    label: str = ""  # set by the view (evaluation.access.learner_label)

    @property
    def wave_label(self) -> str:
        return Wave(self.wave).label

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def may_invite(self) -> bool:
        return self.status in (Status.NOT_INVITED, Status.EXPIRED) and bool(self.channels)


def enrolment_waves(start: datetime.date, planned_end: datetime.date, actual_end: datetime.date | None):
    """(wave, due from) for a learner on a cohort."""
    return [
        (Wave.BASELINE, start),
        (Wave.END, planned_end - END_WINDOW),
        (Wave.FOLLOW_UP, (actual_end or planned_end) + FOLLOW_UP_AFTER),
    ]


def comparison_waves(joined_on: datetime.date):
    """(wave, due from) for a comparison-group member."""
    return [(Wave.BASELINE, joined_on), (Wave.FOLLOW_UP, joined_on + FOLLOW_UP_AFTER)]


def suggested_language(learner: Learner) -> str:
    """The language to send in: the one the learner used the site in when they enquired, else their first
    language if the site has it, else English."""
    codes = [code for code, _name in settings.LANGUAGES]
    identity = getattr(learner, "identity", None)
    enquiry = getattr(identity, "enquiry", None) if identity else None
    for candidate in (getattr(enquiry, "site_language", ""), getattr(enquiry, "preferred_language", "")):
        if candidate in codes:
            return candidate
    first = (learner.first_language or "").strip().casefold()
    if first:
        for code in codes:
            if first in {code, (language_name(code, "en") or "").casefold()}:
                return code
    return settings.LANGUAGE_CODE


def _statuses(rows: list[DueWave], today: datetime.date) -> list[DueWave]:
    learner_ids = {row.learner.pk for row in rows}
    learners = Learner.objects.filter(pk__in=learner_ids)
    answered = set(
        SurveyResponse.objects.filter(learner_id__in=learner_ids, instrument__code=INSTRUMENT_CODE).values_list(
            "learner_id", "wave"
        )
    )
    contactable = set(contactable_learners(learners, today).values_list("pk", flat=True))
    instrument = current_instrument()
    invited = {
        (i.learner_id, i.wave): i
        for i in SurveyInvitation.objects.filter(learner_id__in=learner_ids, instrument=instrument)
    }
    for row in rows:
        row.channels = [c for c in SurveyInvitation.Channel.values if contact_address(row.learner, c)]
        row.invitation = invited.get((row.learner.pk, row.wave))
        if (row.learner.pk, row.wave) in answered:
            row.status = Status.ANSWERED
        elif row.learner.pk not in contactable or not row.channels:
            row.status = Status.CANNOT_CONTACT
        elif row.invitation is not None and row.invitation.expires_on < today:
            row.status = Status.EXPIRED
        elif row.invitation is not None:
            row.status = Status.REMINDED if row.invitation.reminders_sent else Status.INVITED
        row.language = row.invitation.language if row.invitation else suggested_language(row.learner)
    return rows


def cohort_due(cohort: Cohort, today: datetime.date) -> list[DueWave]:
    """Every wave due by ``today`` for each learner enrolled on the cohort, with its status."""
    rows = []
    enrolments = cohort.enrolments.select_related("learner__identity__enquiry", "learner__provider")
    for enrolment in enrolments:
        for wave, due_from in enrolment_waves(
            enrolment.start_date, enrolment.planned_end_date, enrolment.actual_end_date
        ):
            if due_from <= today:
                rows.append(DueWave(learner=enrolment.learner, wave=wave, due_from=due_from))
    return _statuses(rows, today)


def comparison_members(pilot: Pilot, provider_ids: QuerySet | list | None) -> QuerySet[ComparisonMember]:
    """The pilot's comparison-group members still waiting; only those of ``provider_ids`` unless None (all)."""
    members = pilot.comparison_members.filter(left_on=None).select_related(
        "learner__identity__enquiry", "learner__provider"
    )
    if provider_ids is not None:
        members = members.filter(learner__provider_id__in=provider_ids)
    return members.order_by("joined_on", "pk")


def comparison_due(members: QuerySet[ComparisonMember], today: datetime.date) -> list[DueWave]:
    rows = [
        DueWave(learner=member.learner, wave=wave, due_from=due_from)
        for member in members
        for wave, due_from in comparison_waves(member.joined_on)
        if due_from <= today
    ]
    return _statuses(rows, today)
