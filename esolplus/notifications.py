"""Notifications to learners, advisers and staff: one interface, sent in the background.

``send_email(to, template, context, language)`` and ``send_sms(...)`` store the message (a ``Notification``, the
outbox) in the caller's transaction and, once it commits, enqueue ``deliver``. So the request that caused it never
waits for, or fails with, a mail server or GOV.UK Notify: if either is down the job is tried again with backoff
(``esolplus.tasks.job``) and the message goes out when the service is back. A message that cannot be sent at all is
marked failed and listed for coordinators.

Templates: ``templates/emails/<template>.subject.txt`` and ``<template>.txt`` for email,
``templates/sms/<template>.txt`` for SMS. A language may have a file of its own (``<template>.<language>.txt``);
every template is rendered under ``translation.override(language)``, so a learner's message is in their language.

Sent through GOV.UK Notify (its official client) when ``NOTIFY_API_KEY`` is set, else Django's email backend (SMS are
then written to the log, which redacts the number). Safety: the subject is one line (line breaks in a class title or
a provider's text are folded into spaces, so nothing can add a header), and addresses are checked before sending.
"""

import contextlib
import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import select_template
from django.utils import timezone, translation

from esolplus.contact_fields import is_phone_number, normalised_phone
from esolplus.models import Notification
from esolplus.tasks import PermanentFailure, TemporaryFailure, enqueue_on_commit, error_text, job

logger = logging.getLogger(__name__)

SUBJECT_MAX = 200


def send_email(to: str, template: str, context: dict, language: str = "", *, key: str = "") -> Notification:
    """Queue an email; ``key`` (e.g. ``"enquiry:42"``) makes a second call for the same event a no-op."""
    return _queue(Notification.Channel.EMAIL, to, template, context, language, key)


def send_sms(to: str, template: str, context: dict, language: str = "", *, key: str = "") -> Notification:
    """Queue a text message; as ``send_email``."""
    return _queue(Notification.Channel.SMS, to, template, context, language, key)


def _queue(channel: str, to: str, template: str, context: dict, language: str, key: str) -> Notification:
    notification, created = Notification.objects.get_or_create(
        key=key or f"{channel}:{uuid.uuid4()}",
        defaults={
            "channel": channel,
            "recipient": (to or "").strip(),
            "template": template,
            "context": context,
            "language": language or settings.LANGUAGE_CODE,
        },
    )
    if created:
        enqueue_on_commit(deliver, notification.pk)
    return notification


def one_line(text: str, limit: int = SUBJECT_MAX) -> str:
    """Text safe for a header: every run of whitespace, line breaks included, becomes one space."""
    return " ".join(text.split())[:limit]


def checked_email(address: str) -> str:
    address = address.strip()
    try:
        if any(char in address for char in "\r\n,;<>"):
            raise ValidationError("not a single address")
        validate_email(address)
    except ValidationError as error:
        raise PermanentFailure(f"not a valid email address: {address!r}") from error
    return address


def checked_phone(number: str) -> str:
    """The number as the SMS service takes it (esolplus.contact_fields: the forms refuse anything else)."""
    number = normalised_phone(number)
    if not is_phone_number(number):
        raise PermanentFailure("not a valid phone number")
    return number


def render(notification: Notification) -> tuple[str, str]:
    """(subject, body) in the notification's language; the subject is empty for an SMS."""
    folder = "emails" if notification.channel == Notification.Channel.EMAIL else "sms"
    language, name = notification.language, notification.template
    with translation.override(language):
        body = select_template([f"{folder}/{name}.{language}.txt", f"{folder}/{name}.txt"])
        text = body.render(notification.context).strip()
        if notification.channel == Notification.Channel.SMS:
            return "", text
        subject = select_template([f"emails/{name}.subject.{language}.txt", f"emails/{name}.subject.txt"])
        return one_line(subject.render(notification.context)), text


class DjangoBackend:
    """Django's email backend (SMTP in production without Notify, the console in development)."""

    def send_email(self, notification: Notification, subject: str, body: str) -> None:
        message = EmailMessage(subject, body, to=[checked_email(notification.recipient)])
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentFailure(f"recipient refused: {error}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"mail server: {error}") from error

    def send_sms(self, notification: Notification, body: str) -> None:
        checked_phone(notification.recipient)
        logger.info("SMS to %s (no SMS service configured; set NOTIFY_API_KEY): %s", notification.recipient, body)


class NotifyBackend:
    """GOV.UK Notify, through its official client; the rendered subject and body are the template's fields."""

    def __init__(self):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.NOTIFY_TIMEOUT
        )

    def send_email(self, notification: Notification, subject: str, body: str) -> None:
        template = settings.NOTIFY_TEMPLATE_IDS.get(notification.template) or settings.NOTIFY_EMAIL_TEMPLATE_ID
        self._call(
            self.client.send_email_notification,
            email_address=checked_email(notification.recipient),
            template_id=template,
            personalisation={"subject": subject, "body": body},
            reference=notification.key,
        )

    def send_sms(self, notification: Notification, body: str) -> None:
        template = settings.NOTIFY_TEMPLATE_IDS.get(notification.template) or settings.NOTIFY_SMS_TEMPLATE_ID
        self._call(
            self.client.send_sms_notification,
            phone_number=checked_phone(notification.recipient),
            template_id=template,
            personalisation={"body": body},
            reference=notification.key,
        )

    @staticmethod
    def _call(method, **kwargs) -> None:
        from notifications_python_client.errors import APIError

        try:
            method(**kwargs)
        except APIError as error:
            # Connection errors and timeouts arrive as status 503; 429 is Notify's rate limit.
            if error.status_code == 429 or error.status_code >= 500:
                raise TemporaryFailure(f"GOV.UK Notify: {error}") from error
            raise PermanentFailure(f"GOV.UK Notify refused the message: {error}") from error


def backend() -> DjangoBackend | NotifyBackend:
    return NotifyBackend() if settings.NOTIFICATIONS_BACKEND == "notify" else DjangoBackend()


def _mark_failed(notification_id: int, *, error: BaseException) -> None:
    Notification.objects.filter(pk=notification_id, sent_at=None).update(
        failed_at=timezone.now(), last_error=error_text(error)
    )


@job(on_give_up=_mark_failed)
def deliver(notification_id: int) -> str:
    """Send one notification, once: a notification already sent is left alone, however often this runs.

    Where the database can lock the row (PostgreSQL), it is locked while sending, so two copies of this job (a
    recovered job whose first worker was only slow) cannot both send; SQLite has one worker, so no second copy.
    """
    Notification.objects.filter(pk=notification_id).update(attempts=F("attempts") + 1, last_attempt_at=timezone.now())
    locking = connection.features.has_select_for_update
    try:
        with transaction.atomic() if locking else contextlib.nullcontext():
            notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if notification is None:
                return "gone"
            if notification.sent_at is not None:
                return "already sent"
            subject, body = render(notification)
            if notification.channel == Notification.Channel.EMAIL:
                backend().send_email(notification, subject, body)
            else:
                backend().send_sms(notification, body)
            notification.sent_at, notification.failed_at = timezone.now(), None
            notification.context, notification.last_error = {}, ""
            notification.save(update_fields=["sent_at", "failed_at", "context", "last_error"])
    except Exception as error:
        Notification.objects.filter(pk=notification_id).update(last_error=error_text(error))
        raise
    return "sent"


@job()
def resend_unsent() -> int:
    """The sweep: queue again notifications whose job was lost (the queue was down at enqueue time, an RQ worker
    died mid-job). Unsent, not given up, and untouched for longer than two retry intervals: a job that is still
    retrying is never more than one interval away. ``last_attempt_at`` is set here too, so one is queued once."""
    now = timezone.now()
    quiet = now - timedelta(seconds=2 * settings.TASK_RETRY_MAX_SECONDS)
    lost = Notification.objects.filter(sent_at=None, failed_at=None).filter(
        Q(last_attempt_at__lt=quiet) | Q(last_attempt_at=None, created_at__lt=quiet)
    )
    ids = list(lost.values_list("pk", flat=True)[:1000])
    Notification.objects.filter(pk__in=ids).update(last_attempt_at=now)
    for pk in ids:
        deliver.enqueue(pk)
    return len(ids)


@job()
def prune_sent() -> int:
    """Sent and failed notifications are kept ``NOTIFICATIONS_KEEP_DAYS`` (long enough that no retry can send twice,
    and for a coordinator to try a failed one again), then deleted: the outbox holds contact details."""
    cutoff = timezone.now() - timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    deleted, _ = Notification.objects.filter(Q(sent_at__lt=cutoff) | Q(failed_at__lt=cutoff)).delete()
    return deleted
