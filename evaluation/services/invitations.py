"""Surveys a learner answers by link: the invitation (and its reminders), the answers saved screen by screen, and
the one response they make.

Why here and not in a view: an invitation touches the learner's consent, their identity (the address it goes
to), the outbox and the response, and each of these must hold under a double click, a retried job or two
browser tabs:

- ``invite`` makes at most one invitation per learner, instrument and wave (a unique constraint; a second call,
  or a second click at the same moment, returns the first) and queues one message (the outbox ``key``).
- ``save_progress`` stores one question's answer under its item code, so two tabs never wipe each other's
  answers; the version moves on with every save, so the check-answers screen knows when what it showed is old.
- ``record_self_answers`` writes the response and its answers once, in one transaction; a response for the
  wave that is already there (entered by staff, or by the same link in another tab) ends the link instead.
- ``remind_unanswered`` reminds each unanswered, unexpired invitation at most ``SURVEY_MAX_REMINDERS`` times,
  ``SURVEY_REMINDER_AFTER_DAYS`` apart; each reminder has its own outbox key, so a retried job sends it once.

Nobody may be invited, or reminded, unless the consent rule (``evaluation.consent``) allows contact on the day.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from esolplus import notifications
from esolplus.cldr import format_date
from esolplus.concurrency import StaleVersion

from ..consent import may_contact_for_follow_up
from ..models import AuditEntry, Learner, SurveyAnswer, SurveyInstrument, SurveyInvitation, SurveyResponse
from .audit import record_audit

Channel = SurveyInvitation.Channel
INSTRUMENT_CODE = "integration"
LEARNER_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class CannotInvite(Exception):
    """Why this learner cannot be invited; the message is for the member of staff."""


class LinkClosed(Exception):
    """The link can no longer be answered; ``reason`` says why (see ``survey_link.refusal``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def current_instrument() -> SurveyInstrument | None:
    """The latest version of the integration survey: new invitations use it."""
    return SurveyInstrument.objects.filter(code=INSTRUMENT_CODE).order_by("-version").first()


def wave_answered(learner_id: int, wave: str) -> bool:
    """Whether the learner has a response for the wave in any version of the survey (a version 1 answer entered by
    staff counts: versions share their constructs, so it is the same wave answered)."""
    return SurveyResponse.objects.filter(learner_id=learner_id, instrument__code=INSTRUMENT_CODE, wave=wave).exists()


def contact_address(learner: Learner, channel: str) -> str:
    """The learner's phone (SMS) or email (email), or "" when there is none (or the identity was erased)."""
    identity = getattr(learner, "identity", None)
    if identity is None or learner.erased_at is not None:
        return ""
    return (identity.phone if channel == Channel.SMS else identity.email).strip()


def check_contactable(learner: Learner, channel: str, today: datetime.date) -> str:
    """The address to write to, or ``CannotInvite`` saying why not."""
    if not may_contact_for_follow_up(learner, today):
        raise CannotInvite(_("This learner has not agreed to be contacted for follow-up (or has withdrawn it)."))
    address = contact_address(learner, channel)
    if not address:
        if channel == Channel.SMS:
            raise CannotInvite(_("There is no phone number for this learner. Add one, or send an email."))
        raise CannotInvite(_("There is no email address for this learner. Add one, or send a text message."))
    return address


def invite(learner: Learner, wave: str, *, channel: str, language: str, by, today: datetime.date) -> SurveyInvitation:
    """Invite the learner to answer ``wave`` of the current survey by link, and queue the message.

    Idempotent: the invitation for this learner, instrument and wave that already exists is returned as it is
    (no second message), whoever asks and however often; only one whose link has expired unanswered is sent again,
    with a new expiry.
    """
    if wave not in SurveyResponse.Wave.values:
        raise CannotInvite(_("Choose a survey wave."))
    if channel not in Channel.values:
        raise CannotInvite(_("Choose text message or email."))
    language = language if language in LEARNER_LANGUAGES else settings.LANGUAGE_CODE
    instrument = current_instrument()
    if instrument is None:
        raise CannotInvite(_("There is no survey to send."))
    existing = SurveyInvitation.objects.filter(learner=learner, instrument=instrument, wave=wave).first()
    if existing is not None and (existing.is_answered or existing.expires_on >= today):
        return existing
    if wave_answered(learner.pk, wave):
        raise CannotInvite(_("This learner's answers for this survey are already recorded."))
    address = check_contactable(learner, channel, today)
    if existing is not None:
        return _renew(existing, address, channel=channel, language=language, by=by, today=today)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                learner=learner,
                instrument=instrument,
                wave=wave,
                channel=channel,
                language=language,
                created_by=by if by is not None and by.is_authenticated else None,
                expires_on=today + datetime.timedelta(days=settings.SURVEY_LINK_DAYS),
                sent_at=timezone.now(),
            )
            _send(invitation, address, "survey_invitation", key=f"survey-invitation:{invitation.pk}")
            record_audit(by, AuditEntry.Action.CREATE, invitation, wave=wave, channel=channel)
    except IntegrityError:  # the same click, twice at once: the other request made it
        return SurveyInvitation.objects.get(learner=learner, instrument=instrument, wave=wave)
    return invitation


def _renew(
    invitation: SurveyInvitation, address: str, *, channel: str, language: str, by, today: datetime.date
) -> SurveyInvitation:
    """An expired, unanswered invitation sent again with a new expiry (the answers so far are kept). Claimed by a
    conditional update on the old expiry, so a double click renews, and sends, once."""
    with transaction.atomic():
        renewed = SurveyInvitation.objects.filter(
            pk=invitation.pk, expires_on=invitation.expires_on, completed_at=None
        ).update(
            channel=channel,
            language=language,
            expires_on=today + datetime.timedelta(days=settings.SURVEY_LINK_DAYS),
            sent_at=timezone.now(),
            reminders_sent=0,
            last_reminded_at=None,
            version=F("version") + 1,
        )
        invitation.refresh_from_db()
        if renewed:
            _send(invitation, address, "survey_invitation", key=f"survey-invitation:{invitation.pk}:{today}")
            record_audit(by, AuditEntry.Action.CHANGE, invitation, wave=invitation.wave, renewed=True)
    return invitation


def _send(invitation: SurveyInvitation, address: str, template: str, *, key: str) -> None:
    from ..survey_link import link_url  # the link's address is the link module's business

    with translation.override(invitation.language):
        context = {
            "url": link_url(invitation),
            "provider": invitation.learner.provider.title,
            "until": format_date(invitation.expires_on, invitation.language),
        }
    send = notifications.send_sms if invitation.channel == Channel.SMS else notifications.send_email
    send(address, template, context, invitation.language, key=key)


def next_question(invitation: SurveyInvitation, items: list, after: int = 0) -> int | None:
    """The number (1-based) of the next question not yet answered or skipped, looking from ``after`` on, then from
    the start; None when every question has been seen (time for the check-answers screen)."""
    seen = invitation.progress or {}
    order = list(range(after, len(items))) + list(range(0, after))
    for index in order:
        if items[index].code not in seen:
            return index + 1
    return None


def save_progress(invitation: SurveyInvitation, code: str, value: int | None) -> SurveyInvitation:
    """Keep one answer (``None``: skipped) so the learner can stop and come back; returns the saved invitation.

    Per question, under the row's lock: a stale tab that sends question 3 again changes question 3 only.
    """
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.is_answered:
            raise LinkClosed("answered")
        item = locked.instrument.items.filter(code=code).first()
        if item is None or (value is not None and str(value) not in item.value_labels):
            raise ValueError(f"{value!r} is not an allowed answer to {code}")
        locked.progress = {**(locked.progress or {}), code: value}
        locked.version = F("version") + 1
        locked.save(update_fields=["progress", "version"])
    locked.refresh_from_db()
    return locked


def record_self_answers(
    invitation: SurveyInvitation,
    answers: dict[str, int],
    *,
    today: datetime.date,
    language: str = "",
    version: int | None = None,
) -> SurveyResponse:
    """Store the learner's own answers as the wave's response (mode "self"), once.

    ``version``: the invitation's version the check-answers screen showed; ``StaleVersion`` if the answers
    changed since (another tab). ``LinkClosed("answered")`` when the wave already has a response.
    """
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().select_related("instrument").get(pk=invitation.pk)
        if locked.is_answered:
            raise LinkClosed("answered")
        if version is not None and locked.version != version:
            raise StaleVersion(locked.version, locked)
        instrument = locked.instrument
        items = {item.code: item for item in instrument.items.all()}
        for code, value in answers.items():
            if code not in items or str(value) not in items[code].value_labels:
                raise ValueError(f"{value!r} is not an allowed answer to {code}")
        if wave_answered(locked.learner_id, locked.wave):
            raise LinkClosed("answered")
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    learner_id=locked.learner_id,
                    instrument=instrument,
                    wave=locked.wave,
                    date=today,
                    mode=SurveyResponse.Mode.SELF,
                    language=language or locked.language,
                    translation_version=instrument.translation_version,
                )
        except IntegrityError as error:  # staff saved the wave at this very moment
            raise LinkClosed("answered") from error
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, item=items[code], value=value) for code, value in answers.items()
        )
        SurveyInvitation.objects.filter(pk=locked.pk).update(
            completed_at=timezone.now(), response=response, version=F("version") + 1
        )
        record_audit(None, AuditEntry.Action.CREATE, response, wave=locked.wave, answers=len(answers), mode="self")
    invitation.refresh_from_db()
    return response


def closed_reason(invitation: SurveyInvitation, today: datetime.date) -> str | None:
    """Why the link can no longer be answered ("answered", "expired", "withdrawn"), or None while it is open."""
    if invitation.is_answered or wave_answered(invitation.learner_id, invitation.wave):
        return "answered"
    if invitation.expires_on < today:
        return "expired"
    if not may_contact_for_follow_up(invitation.learner, today):
        return "withdrawn"
    return None


def remind_unanswered(now: datetime.datetime) -> int:
    """Remind learners who have not answered; how many reminders were queued.

    An invitation is reminded when it is unanswered, unexpired, has had fewer than ``SURVEY_MAX_REMINDERS``, was
    sent (or last reminded) ``SURVEY_REMINDER_AFTER_DAYS`` or more ago, the wave has no response, and the learner
    may still be contacted and has an address for the channel.
    """
    today = timezone.localdate(now)
    due_before = now - datetime.timedelta(days=settings.SURVEY_REMINDER_AFTER_DAYS)
    candidates = (
        SurveyInvitation.objects.filter(
            completed_at=None, expires_on__gte=today, reminders_sent__lt=settings.SURVEY_MAX_REMINDERS
        )
        .filter(Q(last_reminded_at__lte=due_before) | Q(last_reminded_at=None, sent_at__lte=due_before))
        .select_related("learner__identity", "learner__provider", "instrument")
    )
    sent = 0
    for invitation in candidates:
        if closed_reason(invitation, today) is not None:
            continue
        address = contact_address(invitation.learner, invitation.channel)
        if not address:
            continue
        number = invitation.reminders_sent + 1
        with transaction.atomic():
            # Claimed by a conditional update: two runs of the job at once remind once.
            claimed = SurveyInvitation.objects.filter(
                pk=invitation.pk, reminders_sent=invitation.reminders_sent, completed_at=None
            ).update(reminders_sent=number, last_reminded_at=now)
            if not claimed:
                continue
            _send(invitation, address, "survey_reminder", key=f"survey-reminder:{invitation.pk}:{number}")
        sent += 1
    return sent
