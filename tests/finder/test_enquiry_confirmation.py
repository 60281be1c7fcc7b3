"""After an enquiry: a reference on the "sent" page and in a confirmation in the learner's language, and a status
page that answers for a reference — limited per client, and never showing who sent the enquiry."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, EnquiryFactory, ProviderPageFactory, venue_at
from esolplus.models import Notification
from esolplus.notifications import render
from finder.models import Enquiry
from finder.search.enquiry_views import sent_url
from tests.task_queue import database_queue, make_retries_due, run_queued  # noqa: F401

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture(autouse=True)
def _english_addresses(settings):
    """A request to an /ar/ page leaves Arabic active in the test's thread, and reverse() follows the active
    language: each test here starts from the default language, whatever ran before it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


LEARNER = {
    "name": "Amina Yusuf",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "",
    "best_time": "evening",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture
def class_page():
    provider = ProviderPageFactory(title="Riverside Adult Learning", email="enquiries@college.example.org")
    return ClassPageFactory(title="Evening English", venue=venue_at("SE15 5AA", provider=provider), parent=provider)


def enquire(client, class_page, data=LEARNER, language="en-gb", **extra):
    with translation.override(language):
        url = reverse("finder:enquiry", args=[class_page.pk])
    return client.post(url, data, **extra)


def status_url(language="en-gb"):
    with translation.override(language):
        return reverse("finder:enquiry_status")


def look_up(client, reference, **extra):
    return client.post(status_url(), {"reference": reference}, **extra)


# --- The confirmation --------------------------------------------------------------------------------------


def test_the_confirmation_is_queued_in_the_language_the_learner_used_with_the_reference(client, class_page):
    assert enquire(client, class_page, language="ar").status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.site_language == "ar"
    assert len(enquiry.reference) == 9 and enquiry.reference[4] == "-"
    sms = Notification.objects.get(key=f"enquiry:{enquiry.pk}:confirm:sms")
    assert (sms.channel, sms.recipient, sms.language) == (Notification.Channel.SMS, "07700 900123", "ar")
    assert sms.context["reference"] == enquiry.reference
    assert sms.context["status_url"].endswith("/ar/find/enquiry-status/")
    _subject, body = render(sms)
    assert enquiry.reference in body and "Evening English" in body
    provider = Notification.objects.get(key=f"enquiry:{enquiry.pk}")
    assert provider.language == "en-gb", "the provider's email stays in English"


def test_a_number_typed_in_arabic_digits_is_texted_and_a_wrong_one_refused_before_anything_is_stored(
    client, class_page
):
    refused = enquire(client, class_page, {**LEARNER, "phone": "اتصل بي"}, language="ar")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "أدخل رقم هاتف مثل 07700 900123." in html  # one message for the field, in the learner's language
    assert "لكي تتمكن الجهة المقدِّمة من التواصل" not in html  # not also "give a phone number or an email…"
    assert not Enquiry.objects.exists() and not Notification.objects.exists()

    assert enquire(client, class_page, {**LEARNER, "phone": "٠٧٧٠٠ ٩٠٠١٢٣"}, language="ar").status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.phone == "07700 900123"
    assert Notification.objects.get(key=f"enquiry:{enquiry.pk}:confirm:sms").recipient == "07700 900123"


def test_a_learner_who_gave_an_email_gets_one_email_not_a_text(client, class_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquire(client, class_page, {**LEARNER, "email": "amina@example.org"})
    enquiry = Enquiry.objects.get()
    assert sorted(message.to[0] for message in mail.outbox) == ["amina@example.org", "enquiries@college.example.org"]
    confirmation = next(message for message in mail.outbox if message.to == ["amina@example.org"])
    assert enquiry.reference in confirmation.subject and enquiry.reference in confirmation.body
    assert reverse("finder:enquiry_status") in confirmation.body
    assert "07700" not in confirmation.body, "the confirmation repeats no contact details"
    assert not Notification.objects.filter(channel=Notification.Channel.SMS).exists()


@pytest.mark.usefixtures("database_queue")
def test_mail_down_keeps_the_enquiry_and_sends_the_confirmation_later(
    client, class_page, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    def broken(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = enquire(client, class_page, {**LEARNER, "email": "amina@example.org"})
    enquiry = Enquiry.objects.get()
    assert response["Location"] == sent_url(enquiry.reference)
    assert enquiry.reference in client.get(response["Location"]).content.decode()
    run_queued()
    confirmation = Notification.objects.get(key=f"enquiry:{enquiry.pk}:confirm:email")
    assert confirmation.sent_at is None and confirmation.failed_at is None, "waiting to be tried again"

    monkeypatch.undo()
    make_retries_due()
    run_queued()
    confirmation.refresh_from_db()
    assert confirmation.sent_at is not None
    assert any(enquiry.reference in message.body for message in mail.outbox if message.to == ["amina@example.org"])


# --- The "sent" page ----------------------------------------------------------------------------------------


def test_the_sent_page_shows_the_reference_and_next_steps_and_nothing_personal(client, class_page):
    response = enquire(client, class_page, {**LEARNER, "email": "amina@example.org"})
    enquiry = Enquiry.objects.get()
    address = response["Location"]
    for personal in ("Amina", "07700", "900123", "amina", "example.org"):
        assert personal not in address
    page = client.get(address)
    html = page.content.decode()
    assert page.status_code == 200
    assert enquiry.reference in html and "Evening English" in html and "What happens next" in html
    assert f'href="{reverse("finder:enquiry_status")}"' in html
    for personal in ("Amina", "07700 900123", "amina@example.org"):
        assert personal not in html
    assert "no-store" in page.headers["Cache-Control"]


def test_a_made_up_or_altered_sent_address_shows_the_generic_page(client, class_page):
    other = EnquiryFactory(class_page=ClassPageFactory(title="Secret class", venue=venue_at("E1 6AN")))
    enquire(client, class_page)
    mine = Enquiry.objects.get(class_page=class_page)
    token = sent_url(mine.reference).rstrip("/").rsplit("/", 1)[1]
    altered = other.reference + token[len(mine.reference) :]
    for token in (altered, other.reference, "K7MQ-2XRD", "anything"):
        page = client.get(reverse("finder:enquiry_sent", args=[token]))
        html = page.content.decode()
        main = html.split('<main id="main"', 1)[1]  # the header's links repeat the address asked for, no more
        assert page.status_code == 200
        assert other.reference not in main and "Secret class" not in html and "Amina" not in html
        assert "Thank you" in main


def test_a_bot_filling_the_honeypot_sees_the_same_thanks_and_nothing_is_kept(client, class_page):
    response = enquire(client, class_page, {**LEARNER, "website": "http://spam.example"})
    assert response.status_code == 302 and "/sent/" in response["Location"]
    assert client.get(response["Location"]).status_code == 200
    assert not Enquiry.objects.exists() and not Notification.objects.exists()


# --- The status page ----------------------------------------------------------------------------------------


def test_the_status_page_sets_no_cookie_and_asks_by_post(client):
    response = client.get(status_url())
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert 'method="post"' in html and "csrfmiddlewaretoken" not in html
    assert client.get(status_url("ar")).status_code == 200


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{plain}", " {spaced} "])
def test_a_reference_is_found_however_it_is_typed(client, class_page, typed):
    enquiry = EnquiryFactory(class_page=class_page, name="Amina Yusuf", email="amina@example.org")
    code = enquiry.reference
    text = typed.format(code=code, lower=code.lower(), plain=code.replace("-", ""), spaced=code.replace("-", " "))
    response = look_up(client, text)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The provider has your enquiry and will contact you." in html
    assert "Evening English" in html and "Riverside Adult Learning" in html and code in html
    for personal in ("Amina", "07700 900123", "amina@example.org"):
        assert personal not in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Enquiry.Status.CONTACTED, "The provider has contacted you."),
        (Enquiry.Status.ASSESSED, "The provider has checked your English level."),
        (Enquiry.Status.ENROLLED, "You have a place in this class."),
        (Enquiry.Status.NOT_SUITABLE, "Please try other classes."),
    ],
)
def test_each_status_in_plain_words(client, class_page, status, words):
    enquiry = EnquiryFactory(class_page=class_page, status=status)
    html = look_up(client, enquiry.reference).content.decode()
    assert words in html
    assert ("Find other classes" in html) == (status == Enquiry.Status.NOT_SUITABLE)


def test_a_wrong_or_guessed_reference_gets_the_same_plain_answer(client, class_page):
    EnquiryFactory(class_page=class_page)
    for guess in ("K7MQ-2XRD", "AAAA-AAAA"):
        response = look_up(client, guess)
        html = response.content.decode()
        assert response.status_code == 200
        assert "We could not find an enquiry with this reference." in html
        assert "Evening English" not in html
    malformed = look_up(client, "12345")
    assert malformed.status_code == 200
    assert "A reference has 8 letters and numbers" in malformed.content.decode()


def test_look_ups_are_limited_per_client(client, class_page):
    enquiry = EnquiryFactory(class_page=class_page)
    for n in range(10):
        assert look_up(client, f"AAAA-AAA{n % 9 + 1}", REMOTE_ADDR="203.0.113.5").status_code == 200
    limited = look_up(client, enquiry.reference, REMOTE_ADDR="203.0.113.5")
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Please wait an hour" in html and "Evening English" not in html, "no answer once the limit is reached"
    other = look_up(Client(), enquiry.reference, REMOTE_ADDR="203.0.113.6")
    assert other.status_code == 200 and "Evening English" in other.content.decode()


def test_a_cross_site_look_up_is_refused(class_page):
    enquiry = EnquiryFactory(class_page=class_page)
    response = Client().post(status_url(), {"reference": enquiry.reference}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
