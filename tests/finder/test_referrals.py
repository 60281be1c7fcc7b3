"""Adviser mode: a support worker refers a learner who agreed to it; referral-only classes send learners to it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from devtools.factories import ClassPageFactory, ProviderPageFactory, venue_at
from esolplus.models import Notification
from finder.models import ClassPage, Enquiry
from finder.search.enquiry_views import sent_url
from finder.vocabularies import Referrer
from tests.concurrency import form_on

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture(autouse=True)
def _english_addresses(settings):
    """A request to an /ar/ page leaves Arabic active in the test's thread, and reverse() follows the active
    language: each test here starts from the default language, whatever ran before it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


REFERRAL = {
    "referrer_name": "Sam Adviser",
    "referrer_organisation": "Peckham Jobcentre Plus",
    "referrer_phone": "020 7946 0000",
    "referrer_email": "sam@jobcentre.example.gov.uk",
    "name": "Amina Yusuf",
    "phone": "07700 900123",
    "email": "",
    "preferred_language": "",
    "best_time": "morning",
    "learner_agreed_to_referral": "on",
    "website": "",
}


@pytest.fixture
def provider():
    return ProviderPageFactory(title="Riverside Adult Learning", email="enquiries@college.example.org")


@pytest.fixture
def class_page(provider):
    return ClassPageFactory(title="Evening English", venue=venue_at("SE15 5AA", provider=provider), parent=provider)


@pytest.fixture
def referral_only(provider):
    return ClassPageFactory(
        title="Work English",
        venue=venue_at("SE15 5AA", provider=provider),
        parent=provider,
        how_to_join=ClassPage.HowToJoin.REFERRAL,
        referral_by=[Referrer.JOBCENTRE, Referrer.COUNCIL],
    )


def refer(client, class_page, data=REFERRAL, **extra):
    return client.post(reverse("finder:referral", args=[class_page.pk]), data, **extra)


def test_the_enquiry_form_offers_both_ways_of_asking_without_javascript(client, class_page):
    own = client.get(reverse("finder:enquiry", args=[class_page.pk])).content.decode()
    referral_url = reverse("finder:referral", args=[class_page.pk])
    assert f'href="{referral_url}"' in own and "I am an adviser or support worker referring someone" in own
    assert 'aria-current="page">I am asking for myself' in own
    page = client.get(referral_url)
    html = page.content.decode()
    assert page.status_code == 200 and not page.cookies and "csrfmiddlewaretoken" not in html
    assert 'aria-current="page">I am an adviser' in html
    for field in ("referrer_name", "referrer_organisation", "referrer_phone", "referrer_email", "name"):
        assert f'name="{field}"' in html
    assert 'name="learner_agreed_to_referral"' in html


def test_a_referral_is_stored_and_the_provider_told_who_referred(
    client, class_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(client, class_page)
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == sent_url(enquiry.reference)
    assert enquiry.is_referral and enquiry.learner_agreed_to_referral and enquiry.consent_to_contact
    assert (enquiry.name, enquiry.referrer_name, enquiry.referrer_organisation) == (
        "Amina Yusuf",
        "Sam Adviser",
        "Peckham Jobcentre Plus",
    )
    (to_provider,) = [message for message in mail.outbox if message.to == ["enquiries@college.example.org"]]
    assert to_provider.subject.startswith("New referral")
    assert "Sam Adviser, Peckham Jobcentre Plus" in to_provider.body and "07700 900123" in to_provider.body
    sent = client.get(response["Location"]).content.decode()
    assert enquiry.reference in sent and "The provider will contact the learner soon" in sent
    assert "Amina" not in sent and "Sam Adviser" not in sent


def test_the_confirmation_goes_to_the_advisers_email(client, class_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refer(client, class_page)
    enquiry = Enquiry.objects.get()
    (confirmation,) = [message for message in mail.outbox if message.to == ["sam@jobcentre.example.gov.uk"]]
    assert enquiry.reference in confirmation.body and "referral" in confirmation.body
    assert not Notification.objects.filter(channel=Notification.Channel.SMS).exists(), "one confirmation, not two"


def test_without_an_advisers_email_the_learner_gets_the_confirmation(client, class_page):
    refer(client, class_page, {**REFERRAL, "referrer_email": ""})
    enquiry = Enquiry.objects.get()
    (confirmation,) = Notification.objects.filter(key__startswith=f"enquiry:{enquiry.pk}:confirm")
    assert (confirmation.channel, confirmation.recipient) == (Notification.Channel.SMS, "07700 900123")
    assert confirmation.context["reference"] == enquiry.reference


def test_a_referral_needs_the_learners_agreement(client, class_page):
    response = refer(client, class_page, {**REFERRAL, "learner_agreed_to_referral": ""})
    assert response.status_code == 200
    assert "learner_agreed_to_referral" in response.context["form"].errors
    assert "Tick the box to say the learner agreed." in response.content.decode()
    assert b'href="#id_learner_agreed_to_referral"' in response.content
    assert not Enquiry.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"referrer_phone": "", "referrer_email": ""}, "referrer_phone"),
        ({"phone": "", "email": ""}, "phone"),
        ({"referrer_organisation": ""}, "referrer_organisation"),
        ({"referrer_name": ""}, "referrer_name"),
        ({"name": ""}, "name"),
    ],
)
def test_a_referral_needs_who_refers_and_how_to_reach_both(client, class_page, missing, field):
    response = refer(client, class_page, {**REFERRAL, **missing})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Enquiry.objects.exists()


def test_a_referral_sent_twice_is_one_referral(client, class_page):
    data = {**form_on(client.get(reverse("finder:referral", args=[class_page.pk])), "submission_key"), **REFERRAL}
    first, second = refer(client, class_page, data), refer(client, class_page, data)
    assert first["Location"] == second["Location"]
    assert Enquiry.objects.count() == 1
    assert Notification.objects.filter(key=f"enquiry:{Enquiry.objects.get().pk}").count() == 1


def test_advisers_have_a_limit_of_their_own(client, class_page, settings):
    settings.REFERRAL_RATE = "2/h"
    for _ in range(2):
        assert refer(client, class_page, REMOTE_ADDR="203.0.113.9").status_code == 302
    limited = refer(client, class_page, REMOTE_ADDR="203.0.113.9")
    assert limited.status_code == 429 and Enquiry.objects.count() == 2
    learner = {k: REFERRAL[k] for k in ("name", "phone", "email", "preferred_language", "best_time", "website")}
    own = client.post(
        reverse("finder:enquiry", args=[class_page.pk]),
        {**learner, "consent_to_contact": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert own.status_code == 302, "a learner's own enquiry counts against the enquiry limit, not the referrals'"


def test_a_referral_only_class_sends_the_learner_to_an_adviser(client, referral_only):
    page = client.get(reverse("finder:enquiry", args=[referral_only.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "An adviser must refer you to this class" in html
    assert "Jobcentre Plus" in html and "The council" in html
    assert f'href="{reverse("finder:referral", args=[referral_only.pk])}"' in html
    assert 'name="consent_to_contact"' not in html, "no self-enquiry form for a referral-only class"
    posted = client.post(
        reverse("finder:enquiry", args=[referral_only.pk]),
        {"name": "Amina", "phone": "07700 900123", "best_time": "any", "consent_to_contact": "on"},
    )
    assert posted.status_code == 200 and not Enquiry.objects.exists()


def test_the_referral_form_of_a_referral_only_class_says_who_can_refer(client, referral_only):
    html = client.get(reverse("finder:referral", args=[referral_only.pk])).content.decode()
    assert "This class only takes learners sent by an adviser or support worker." in html
    assert "Jobcentre Plus" in html
    assert refer(client, referral_only).status_code == 302
    assert Enquiry.objects.get().class_page == referral_only


def test_the_admin_shows_who_referred(client, class_page):
    from devtools.factories import coordinator

    refer(client, class_page)
    enquiry = Enquiry.objects.get()
    client.force_login(coordinator("coord"))
    html = client.get(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk])).content.decode()
    assert "Peckham Jobcentre Plus" in html and enquiry.reference in html
    assert 'value="assessed"' in html, "the status list has Assessed"
