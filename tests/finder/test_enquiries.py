"""Enquiries: stored, emailed to the provider, protected from spam, and seen only by their provider."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission

from devtools.factories import ClassPageFactory, EnquiryFactory, ProviderPageFactory, coordinator, venue_at
from finder.models import Enquiry
from finder.search.enquiry_views import sent_url
from tests.concurrency import at_the_same_moment, connections_that_wait, form_on  # noqa: F401 (a fixture)
from tests.task_queue import database_queue, make_retries_due, run_queued  # noqa: F401

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture(autouse=True)
def _english_addresses(settings):
    """A request to an /ar/ page leaves Arabic active in the test's thread, and reverse() follows the active
    language: each test here starts from the default language, whatever ran before it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


VALID = {
    "name": "Amina",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "so",
    "best_time": "evening",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture
def class_page():
    provider = ProviderPageFactory(email="enquiries@college.example.org")
    return ClassPageFactory(venue=venue_at("SE15 5AA", provider=provider), parent=provider)


def enquire(client, class_page, data, **extra):
    return client.post(reverse("finder:enquiry", args=[class_page.pk]), data, **extra)


def test_form_page(client, class_page):
    response = client.get(reverse("finder:enquiry", args=[class_page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html, "public forms need no CSRF cookie (esolplus.public_forms)"
    assert 'for="id_name"' in html and "<legend>Best time to call you</legend>" in html


def test_enquiry_is_stored_and_emailed_to_the_provider(client, class_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = enquire(client, class_page, VALID)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert response["Location"] == sent_url(enquiry.reference)
    assert (enquiry.class_page, enquiry.name, enquiry.preferred_language, enquiry.status) == (
        class_page,
        "Amina",
        "so",
        Enquiry.Status.NEW,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["enquiries@college.example.org"]
    assert "07700 900123" in mail.outbox[0].body and class_page.title in mail.outbox[0].subject
    assert client.get(response["Location"]).status_code == 200


def test_email_falls_back_to_the_class_contact(client, django_capture_on_commit_callbacks):
    provider = ProviderPageFactory(email="")
    page = ClassPageFactory(venue=venue_at("E1 6AN", provider=provider), parent=provider, contact_email="tutor@x.org")
    with django_capture_on_commit_callbacks(execute=True):
        enquire(client, page, VALID)
    assert mail.outbox[0].to == ["tutor@x.org"]


def test_needs_phone_or_email_and_consent(client, class_page):
    response = enquire(client, class_page, {**VALID, "phone": "", "consent_to_contact": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "phone" in errors and "consent_to_contact" in errors
    assert b'href="#id_phone"' in response.content
    assert not Enquiry.objects.exists()


def test_honeypot_keeps_nothing(client, class_page):
    response = enquire(client, class_page, {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Enquiry.objects.exists()
    assert not mail.outbox


def test_rate_limit_per_address(client, class_page):
    for _ in range(5):
        assert enquire(client, class_page, VALID, REMOTE_ADDR="203.0.113.5").status_code == 302
    response = enquire(client, class_page, VALID, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "wait an hour" in response.content.decode()
    assert Enquiry.objects.count() == 5
    assert enquire(client, class_page, VALID, REMOTE_ADDR="203.0.113.6").status_code == 302


def test_a_cross_site_post_is_refused(class_page):
    """No CSRF cookie on public pages: the browser's Sec-Fetch-Site says where the form was sent from."""
    from django.test import Client

    url = reverse("finder:enquiry", args=[class_page.pk])
    response = Client(enforce_csrf_checks=True).post(url, VALID, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not Enquiry.objects.exists()
    response = Client(enforce_csrf_checks=True).post(url, VALID, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302


def test_unknown_or_draft_class_is_404(client):
    assert client.get(reverse("finder:enquiry", args=[999999])).status_code == 404
    draft = ClassPageFactory(live=False)
    assert client.get(reverse("finder:enquiry", args=[draft.pk])).status_code == 404


def provider_editor(django_user_model, provider, name):
    group = Group.objects.create(name=f"{name} editors")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="change_enquiry")
    )
    GroupPagePermission.objects.create(group=group, page=provider, permission_type="change")
    user = django_user_model.objects.create_user(username=name, password="pw")
    user.groups.add(group)
    return user


def test_each_provider_sees_only_its_own_enquiries(client, django_user_model):
    provider_a, provider_b = ProviderPageFactory(), ProviderPageFactory()
    enquiry_a = EnquiryFactory(
        class_page=ClassPageFactory(venue=venue_at("E1 6AN", provider=provider_a), parent=provider_a), name="Alia"
    )
    enquiry_b = EnquiryFactory(
        class_page=ClassPageFactory(venue=venue_at("SE15 5AA", provider=provider_b), parent=provider_b), name="Bilal"
    )
    client.force_login(provider_editor(django_user_model, provider_b, "bee"))
    index = client.get(reverse("wagtailsnippets_finder_enquiry:list"))
    assert index.status_code == 200
    assert b"Bilal" in index.content and b"Alia" not in index.content
    assert client.get(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry_a.pk])).status_code == 404
    assert client.get(reverse("wagtailsnippets_finder_enquiry:inspect", args=[enquiry_a.pk])).status_code == 404
    response = client.post(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry_a.pk]), {"status": "enrolled"})
    assert response.status_code == 404
    enquiry_a.refresh_from_db()
    assert enquiry_a.status == Enquiry.Status.NEW
    response = client.post(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry_b.pk]), {"status": "contacted"})
    assert response.status_code == 302
    enquiry_b.refresh_from_db()
    assert enquiry_b.status == Enquiry.Status.CONTACTED


def test_coordinators_see_every_enquiry(client):
    """A coordinator is whoever holds the coordinate permission (esolplus.roles), however they got it."""
    EnquiryFactory(name="Alia")
    EnquiryFactory(name="Bilal")
    client.force_login(coordinator("coord"))
    index = client.get(reverse("wagtailsnippets_finder_enquiry:list"))
    assert b"Bilal" in index.content and b"Alia" in index.content


def test_an_editor_set_up_by_setup_provider_can_follow_up_their_enquiries(client):
    """The group setup_provider creates must carry the enquiry rights, not just page rights."""
    from devtools.factories import provider_with_editor

    setup = provider_with_editor("Riverside Adult Learning", "river-editor")
    other = provider_with_editor("Hilltop College", "hill-editor")
    own = EnquiryFactory(class_page=ClassPageFactory(venue=venue_at("E1 6AN", provider=setup.provider)), name="Alia")
    EnquiryFactory(class_page=ClassPageFactory(venue=venue_at("SE15 5AA", provider=other.provider)), name="Bilal")
    client.force_login(setup.editor)
    listing = client.get(reverse("wagtailsnippets_finder_enquiry:list"))
    assert listing.status_code == 200
    assert b"Alia" in listing.content and b"Bilal" not in listing.content
    edit_url = reverse("wagtailsnippets_finder_enquiry:edit", args=[own.pk])  # the link in the provider's email
    page = client.get(edit_url)
    assert page.status_code == 200 and b"Alia" in page.content
    response = client.post(edit_url, {"status": "contacted"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == Enquiry.Status.CONTACTED


def test_the_providers_email_links_to_the_enquiry(client, class_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquire(client, class_page, VALID)
    enquiry = Enquiry.objects.get()
    assert reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk]) in mail.outbox[0].body


def test_a_line_break_in_the_class_title_cannot_add_an_email_header(client, django_capture_on_commit_callbacks):
    provider = ProviderPageFactory(email="enquiries@college.example.org")
    page = ClassPageFactory(
        venue=venue_at("E1 6AN", provider=provider), parent=provider, title="Beginners\r\nBcc: everyone@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert enquire(client, page, VALID).status_code == 302
    (message,) = mail.outbox
    assert "\n" not in message.subject and message.recipients() == ["enquiries@college.example.org"]
    assert "\nBcc:" not in message.message().as_string().split("\n\n", 1)[0]


@pytest.mark.parametrize("outage", ["mail server refuses connections", "mail server errors"])
@pytest.mark.usefixtures("database_queue")
def test_mail_down_the_enquiry_is_kept_the_learner_is_thanked_and_the_email_goes_later(
    client, class_page, settings, django_capture_on_commit_callbacks, outage, monkeypatch
):
    from esolplus.models import Notification
    from tests.esolplus.notify_standin import closed_port

    if outage == "mail server refuses connections":
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    else:
        import smtplib

        def broken(self, messages):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

        monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = enquire(client, class_page, VALID)
    assert response.status_code == 302 and response["Location"] == sent_url(Enquiry.objects.get().reference)
    assert client.get(response["Location"]).status_code == 200
    assert Enquiry.objects.count() == 1
    run_queued()
    notification = Notification.objects.get(key=f"enquiry:{Enquiry.objects.get().pk}")
    assert notification.sent_at is None and notification.failed_at is None, "waiting to be tried again"
    assert not mail.outbox

    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_retries_due()
    run_queued()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["enquiries@college.example.org"]
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_a_forwarded_for_header_is_ignored_unless_a_proxy_is_trusted(client, class_page):
    """By default anyone could send X-Forwarded-For: a client changing it is still one client."""
    for n in range(5):
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert enquire(client, class_page, VALID, REMOTE_ADDR="203.0.113.5", **forged).status_code == 302
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert enquire(client, class_page, VALID, REMOTE_ADDR="203.0.113.5", **forged).status_code == 429


def test_behind_a_trusted_proxy_each_learner_has_their_own_limit(client, class_page, settings):
    """One proxy (TRUSTED_PROXY_COUNT=1): the client is the address the proxy appended, whatever came before it."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}, 81.2.69.160"}
        assert enquire(client, class_page, VALID, **proxy, **spoofed).status_code == 302
    limited = enquire(client, class_page, VALID, **proxy, HTTP_X_FORWARDED_FOR="81.2.69.160")
    assert limited.status_code == 429, "a made-up first entry does not make a new client"
    other = enquire(client, class_page, VALID, **proxy, HTTP_X_FORWARDED_FOR="81.2.69.161")
    assert other.status_code == 302, "another learner behind the same proxy is not limited"


# Sent twice (a double tap, a retry on a slow connection): one enquiry, one email.


def filled_in(client, class_page) -> dict:
    """The enquiry form as the page sends it, with its one-time key, filled in."""
    return {**form_on(client.get(reverse("finder:enquiry", args=[class_page.pk])), "submission_key"), **VALID}


def test_an_enquiry_sent_twice_is_one_enquiry_and_one_email(client, class_page, django_capture_on_commit_callbacks):
    data = filled_in(client, class_page)
    assert data["submission_key"]
    with django_capture_on_commit_callbacks(execute=True):
        responses = [enquire(client, class_page, data) for _ in range(2)]
    assert [r.status_code for r in responses] == [302, 302]
    assert Enquiry.objects.count() == 1
    assert {r["Location"] for r in responses} == {sent_url(Enquiry.objects.get().reference)}
    assert len(mail.outbox) == 1


def test_the_form_shown_again_is_a_new_enquiry(client, class_page, django_capture_on_commit_callbacks):
    first, second = filled_in(client, class_page), filled_in(client, class_page)
    assert first["submission_key"] != second["submission_key"]
    with django_capture_on_commit_callbacks(execute=True):
        enquire(client, class_page, first)
        enquire(client, class_page, second)
    assert Enquiry.objects.count() == 2 and len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_the_same_enquiry_sent_twice_at_the_same_moment_is_one_enquiry_and_one_email(class_page):
    from django.test import Client

    learners_phone, retry = Client(), Client()
    data = filled_in(learners_phone, class_page)
    results = at_the_same_moment(
        lambda: enquire(learners_phone, class_page, data), lambda: enquire(retry, class_page, data)
    )
    assert [getattr(result, "status_code", result) for result in results] == [302, 302]
    assert Enquiry.objects.count() == 1
    assert len(mail.outbox) == 1
