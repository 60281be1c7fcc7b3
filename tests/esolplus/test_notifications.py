"""Notifications: one interface, GOV.UK Notify (a stand-in on 127.0.0.1) or Django's email, sent once, retried while
the service is down, safe whatever text goes into them."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from devtools.factories import coordinator
from esolplus import notifications
from esolplus.models import FailedJob, Notification
from tests.esolplus.notify_standin import API_KEY, closed_port, notify_standin
from tests.task_queue import database_queue, make_retries_due, run_queued, waiting  # noqa: F401

pytestmark = pytest.mark.django_db

CONTEXT = {
    "class_title": "Speaking and listening",
    "name": "Amina",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "so",
    "best_time": "Evening",
    "enquiry_url": "https://esolplus.example.org/admin/snippets/finder/enquiry/edit/1/",
}


@pytest.fixture
def notify(settings):
    with notify_standin() as server:
        settings.NOTIFICATIONS_BACKEND = "notify"
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_BASE_URL = server.base_url
        settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.NOTIFY_SMS_TEMPLATE_ID = "0f6a9e1b-7d0c-4b57-9a43-55d1c7a9bd11"
        yield server


def queue_email(to="enquiries@college.example.org", context=None, **kwargs):
    return notifications.send_email(to, "enquiry_notification", context or CONTEXT, "en-gb", **kwargs)


def test_email_goes_through_django_by_default(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(key="enquiry:1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["enquiries@college.example.org"]
    assert message.subject == "New enquiry: Speaking and listening"
    assert "07700 900123" in message.body and CONTEXT["enquiry_url"] in message.body
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 1
    assert notification.context == {}, "the content (contact details) is not kept once sent"


def test_the_same_key_queues_and_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email(key="enquiry:7")
        second = queue_email(key="enquiry:7")
    assert first.pk == second.pk and Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert notifications.deliver.call(first.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_email_through_notify_with_a_signed_token(notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(key="enquiry:2")
    assert notify.refused == []
    (email,) = notify.received
    assert email["path"] == "/v2/notifications/email"
    assert email["email_address"] == "enquiries@college.example.org"
    assert email["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert email["personalisation"]["subject"] == "New enquiry: Speaking and listening"
    assert "07700 900123" in email["personalisation"]["body"] and email["reference"] == "enquiry:2"
    assert not mail.outbox
    assert Notification.objects.get().sent_at is not None


def test_a_wrong_api_key_is_refused_by_the_stand_in(notify, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_API_KEY = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(key="enquiry:3")
    assert notify.refused == [(403, "/v2/notifications/email")] and not notify.received
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.failed_at is not None
    assert "403" in notification.last_error


@pytest.mark.parametrize("outage", ["500", "connection refused"])
@pytest.mark.usefixtures("database_queue")
def test_notify_down_retries_later_and_sends_once_it_is_back(
    notify, settings, django_capture_on_commit_callbacks, outage
):
    working_url = notify.base_url
    if outage == "500":
        notify.fail_with = 500
    else:
        settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{closed_port()}"
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(key="enquiry:4")
    assert run_queued() == 1
    assert not notify.received
    retry = waiting()
    assert len(retry) == 1 and retry[0].args_kwargs["kwargs"] == {"attempt": 2}
    assert retry[0].run_after > retry[0].enqueued_at, "the retry waits (backoff), it is not run at once"
    assert run_queued() == 0, "not before its time"

    notify.fail_with = None
    settings.NOTIFY_BASE_URL = working_url
    make_retries_due()
    assert run_queued() == 1
    assert len(notify.received) == 1 and notify.received[0]["reference"] == "enquiry:4"
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 2
    assert not waiting() and not FailedJob.objects.exists()


@pytest.mark.usefixtures("database_queue")
def test_mail_server_down_retries_with_backoff_then_gives_up_for_coordinators_to_see(
    settings, django_capture_on_commit_callbacks, client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.TASK_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(key="enquiry:5")
    delays = []
    for _attempt in range(3):
        assert run_queued() == 1
        for task in waiting():
            delays.append((task.run_after - task.enqueued_at).total_seconds())
        make_retries_due()
    assert not waiting(), "no fourth attempt"
    assert 30 <= delays[0] < 34 and 60 <= delays[1] < 67, "30 s, then 1 minute: doubling"
    notification.refresh_from_db()
    assert notification.sent_at is None and notification.failed_at is not None and notification.attempts == 3
    failed = FailedJob.objects.get()
    assert failed.task_path == "esolplus.notifications.deliver"
    assert failed.arguments == {"args": [notification.pk], "kwargs": {"attempt": 3}}
    assert "TemporaryFailure" in failed.error and "mail server" in failed.error

    client.force_login(coordinator("coord"))
    report = client.get(reverse("esolplus_failed_jobs"))
    assert report.status_code == 200 and "esolplus.notifications.deliver" in report.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert client.post(reverse("esolplus_try_failed_job", args=[failed.pk])).status_code == 302
    run_queued()  # Wagtail's own jobs from setting up the coordinator run too
    assert len(mail.outbox) == 1
    failed.refresh_from_db()
    notification.refresh_from_db()
    assert failed.retried_at is not None and notification.sent_at is not None and notification.failed_at is None


def test_failed_jobs_are_for_coordinators_only(client, django_user_model):
    job = FailedJob.objects.create(task_path="esolplus.notifications.deliver", arguments={}, error="x")
    client.force_login(django_user_model.objects.create_user("editor", password="pw", is_staff=True))
    assert client.get(reverse("esolplus_failed_jobs")).status_code in (302, 403)
    assert client.post(reverse("esolplus_try_failed_job", args=[job.pk])).status_code in (302, 403)
    job.refresh_from_db()
    assert job.retried_at is None


@pytest.mark.parametrize(
    "title",
    [
        "Beginners\r\nBcc: everyone@example.org",
        "Beginners\nContent-Type: text/html",
        "Beginners\u2028Bcc: x@example.org",
    ],
)
def test_text_with_line_breaks_cannot_add_a_header(title, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(context={**CONTEXT, "class_title": title}, key="enquiry:6")
    notification.refresh_from_db()
    assert notification.sent_at is not None
    message = mail.outbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject and "\u2028" not in message.subject
    raw = message.message().as_string()
    headers = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and "\nContent-Type: text/html" not in headers
    assert message.recipients() == ["enquiries@college.example.org"]


@pytest.mark.parametrize(
    "address", ["enquiries@college.example.org\r\nBcc: everyone@example.org", "a@example.org, b@example.org", "x"]
)
def test_a_bad_address_is_never_sent_to_and_is_marked_failed(address, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(to=address, key="enquiry:8")
    assert not mail.outbox
    notification.refresh_from_db()
    assert notification.failed_at is not None and "not a valid email address" in notification.last_error
    assert FailedJob.objects.filter(task_path="esolplus.notifications.deliver").count() == 1


# Learner-facing messages are not written yet (the enquiry email goes to providers); these stand for them.
LEARNER_TEMPLATES = {
    "sms/class_reminder.txt": "{% load i18n %}{% translate 'Find an English class near you' %}: {{ name }}",
    "sms/class_reminder.pl.txt": "Przypomnienie dla {{ name }}",
}


@pytest.fixture
def learner_templates(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", LEARNER_TEMPLATES),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", None), ("pl", "Przypomnienie dla Amina"), ("en-gb", "Find an English class near you: Amina")],
)
def test_learner_messages_render_in_the_learners_language(learner_templates, language, expected):
    """The catalogue of the learner's language, or a template of its own for that language."""
    notification = notifications.send_sms("07700 900123", "class_reminder", {"name": "Amina"}, language)
    _subject, body = notifications.render(notification)
    if expected:
        assert body == expected
    else:
        assert body.endswith(": Amina") and "Find an English class" not in body


def test_sms_through_notify_and_without_it(
    learner_templates, notify, settings, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_sms("07700 900123", "class_reminder", {"name": "Amina"}, "pl", key="sms:1")
    assert notify.refused == []
    (sms,) = notify.received
    assert sms["path"] == "/v2/notifications/sms" and sms["phone_number"] == "07700 900123"
    assert sms["template_id"] == "0f6a9e1b-7d0c-4b57-9a43-55d1c7a9bd11"
    assert sms["personalisation"] == {"body": "Przypomnienie dla Amina"}

    settings.NOTIFICATIONS_BACKEND = "django"
    with (
        caplog.at_level(logging.INFO, logger="esolplus.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = notifications.send_sms("07700 900123", "class_reminder", {"name": "Amina"}, "pl")
    assert "no SMS service configured" in caplog.text and "Przypomnienie dla Amina" in caplog.text
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert len(notify.received) == 1


def test_a_bad_phone_number_is_never_sent_to(learner_templates, notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.send_sms("07700\nBcc: x", "class_reminder", {"name": "Amina"}, "pl")
    notification.refresh_from_db()
    assert notification.failed_at is not None and not notify.received
