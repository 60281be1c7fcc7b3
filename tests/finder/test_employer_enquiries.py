"""Employers ask about a workplace offer: stored once, the provider told, a confirmation with a reference, and
only that provider's staff (and coordinators) see it in the admin."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from devtools.factories import WorkplaceOfferPageFactory, coordinator, provider_with_editor
from esolplus.models import Notification
from finder.models import EmployerEnquiry
from tests.concurrency import form_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_addresses(settings):
    """A request to an /ar/ page leaves Arabic active in the test's thread, and reverse() follows the active
    language: each test here starts from the default language, whatever ran before it."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


EMPLOYER = {
    "organisation": "Thames Hotels Ltd",
    "name": "Jo Manager",
    "job_title": "HR manager",
    "phone": "",
    "email": "jo@thameshotels.example.com",
    "workplace_postcode": "e1 6an",
    "staff_count": "12",
    "message": "Housekeeping staff, mornings are best.",
    "consent_to_contact": "on",
    "website": "",
}


@pytest.fixture
def riverside():
    return provider_with_editor("Riverside Adult Learning", "river-editor", email="enquiries@college.example.org")


@pytest.fixture
def offer(riverside):
    return WorkplaceOfferPageFactory(title="English for hotel staff", parent=riverside.provider)


def form_url(offer, language="en-gb"):
    with translation.override(language):
        return reverse("finder:employer_enquiry", args=[offer.pk])


def ask(client, offer, data=EMPLOYER, language="en-gb", **extra):
    return client.post(form_url(offer, language), data, **extra)


def test_the_offer_page_links_to_the_form(client, offer):
    html = client.get(offer.url).content.decode()
    assert f'href="{form_url(offer)}"' in html
    page = client.get(form_url(offer))
    assert page.status_code == 200 and not page.cookies and "csrfmiddlewaretoken" not in page.content.decode()


def test_an_employer_enquiry_is_stored_told_to_the_provider_and_confirmed(
    client, offer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, offer)
    enquiry = EmployerEnquiry.objects.get()
    assert (enquiry.workplace_offer, enquiry.organisation, enquiry.staff_count, enquiry.workplace_postcode) == (
        offer,
        "Thames Hotels Ltd",
        12,
        "E1 6AN",
    )
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    assert enquiry.reference in sent and "English for hotel staff" in sent
    assert "Jo Manager" not in sent and "thameshotels" not in response["Location"] + sent
    (to_provider,) = [m for m in mail.outbox if m.to == ["enquiries@college.example.org"]]
    assert "Thames Hotels Ltd" in to_provider.body and "English for hotel staff" in to_provider.subject
    assert reverse("wagtailsnippets_finder_employerenquiry:edit", args=[enquiry.pk]) in to_provider.body
    (confirmation,) = [m for m in mail.outbox if m.to == ["jo@thameshotels.example.com"]]
    assert enquiry.reference in confirmation.subject and enquiry.reference in confirmation.body


def test_the_confirmation_is_in_the_language_used_and_by_text_without_an_email(client, offer):
    ask(client, offer, {**EMPLOYER, "email": "", "phone": "07700 900456"}, language="ar")
    enquiry = EmployerEnquiry.objects.get()
    (sms,) = Notification.objects.filter(channel=Notification.Channel.SMS)
    assert (sms.recipient, sms.language, sms.context["reference"]) == ("07700 900456", "ar", enquiry.reference)


def test_the_offer_falls_back_to_its_own_contact_email(client):
    setup = provider_with_editor("Hilltop College", "hill-editor")
    offer = WorkplaceOfferPageFactory(parent=setup.provider, contact_email="work@hilltop.example.org")
    ask(client, offer)
    assert Notification.objects.filter(key__startswith="employer:", recipient="work@hilltop.example.org").count() == 1


def test_sent_twice_is_stored_once(client, offer):
    data = {**form_on(client.get(form_url(offer)), "submission_key"), **EMPLOYER}
    first, second = ask(client, offer, data), ask(client, offer, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert EmployerEnquiry.objects.count() == 1
    assert Notification.objects.filter(key=f"employer:{EmployerEnquiry.objects.get().pk}").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation": ""}, "organisation", "Enter the name of your organisation."),
        ({"email": "", "phone": ""}, "phone", "Give a phone number or an email address"),
        ({"email": "not an email"}, "email", "Enter an email address like name@example.com."),
        ({"staff_count": "a dozen"}, "staff_count", "Enter a number, like 12."),
        ({"staff_count": "0"}, "staff_count", "Enter a number, like 12."),
        ({"consent_to_contact": ""}, "consent_to_contact", "Tick the box"),
        ({"message": "x" * 2001}, "message", "Your message is too long."),
    ],
)
def test_bad_input_gets_a_clear_message(client, offer, change, field, message):
    response = ask(client, offer, {**EMPLOYER, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not EmployerEnquiry.objects.exists()


def test_honeypot_and_rate_limit(client, offer):
    assert ask(client, offer, {**EMPLOYER, "website": "spam"}).status_code == 302
    assert not EmployerEnquiry.objects.exists()
    for _ in range(5):
        assert ask(client, offer, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert ask(client, offer, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert EmployerEnquiry.objects.count() == 5


def test_an_unpublished_offer_takes_no_enquiries(client, riverside):
    draft = WorkplaceOfferPageFactory(parent=riverside.provider, live=False)
    assert client.get(form_url(draft)).status_code == 404
    assert client.get(reverse("finder:employer_enquiry", args=[999999])).status_code == 404


def test_an_employer_can_check_the_status(client, offer):
    ask(client, offer)
    enquiry = EmployerEnquiry.objects.get()
    EmployerEnquiry.objects.filter(pk=enquiry.pk).update(status=EmployerEnquiry.Status.AGREED)
    html = client.post(reverse("finder:enquiry_status"), {"reference": enquiry.reference.lower()}).content.decode()
    assert "You and the provider have agreed a course." in html and "English for hotel staff" in html
    assert "Jo Manager" not in html and "Thames Hotels" not in html


# --- The admin: each provider sees its own ----------------------------------------------------------------------


@pytest.fixture
def two_providers_enquiries(riverside, offer):
    hilltop = provider_with_editor("Hilltop College", "hill-editor")
    own = EmployerEnquiry.objects.create(
        workplace_offer=offer, organisation="Thames Hotels", name="Jo", email="jo@x.example", consent_to_contact=True
    )
    other = EmployerEnquiry.objects.create(
        workplace_offer=WorkplaceOfferPageFactory(parent=hilltop.provider),
        organisation="Hilltop Builders",
        name="Kim",
        phone="07700 900789",
        consent_to_contact=True,
    )
    return riverside, own, other


def test_provider_staff_see_only_their_own_employer_enquiries(client, two_providers_enquiries):
    riverside, own, other = two_providers_enquiries
    client.force_login(riverside.editor)
    listing = client.get(reverse("wagtailsnippets_finder_employerenquiry:list"))
    assert listing.status_code == 200
    assert b"Thames Hotels" in listing.content and b"Hilltop Builders" not in listing.content
    for view in ("edit", "inspect", "history", "delete"):
        url = reverse(f"wagtailsnippets_finder_employerenquiry:{view}", args=[other.pk])
        assert client.get(url).status_code == 404, view
    assert client.get(reverse("wagtailsnippets_finder_employerenquiry:edit", args=[999999])).status_code == 404
    response = client.post(
        reverse("wagtailsnippets_finder_employerenquiry:edit", args=[other.pk]), {"status": "agreed"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == EmployerEnquiry.Status.NEW
    edit_url = reverse("wagtailsnippets_finder_employerenquiry:edit", args=[own.pk])
    assert b"Thames Hotels" in client.get(edit_url).content
    assert client.post(edit_url, {"status": "contacted"}).status_code == 302
    own.refresh_from_db()
    assert own.status == EmployerEnquiry.Status.CONTACTED


def test_nobody_adds_an_employer_enquiry_in_the_admin(client, two_providers_enquiries):
    riverside, _own, _other = two_providers_enquiries
    client.force_login(riverside.editor)
    assert client.get(reverse("wagtailsnippets_finder_employerenquiry:add")).status_code in (302, 403)


def test_coordinators_see_every_employer_enquiry(client, two_providers_enquiries):
    client.force_login(coordinator("coord"))
    listing = client.get(reverse("wagtailsnippets_finder_employerenquiry:list"))
    assert b"Thames Hotels" in listing.content and b"Hilltop Builders" in listing.content


def test_the_bulk_delete_page_never_names_another_providers_employer_enquiry(client, two_providers_enquiries):
    riverside, own, other = two_providers_enquiries
    client.force_login(riverside.editor)
    url = reverse("wagtail_bulk_action", args=["finder", "employerenquiry", "delete"])
    alone = client.get(url, {"id": [other.pk]})
    assert alone.status_code == 404 and b"Hilltop Builders" not in alone.content
    mixed = client.get(url, {"id": [own.pk, other.pk, "x"]})
    assert b"Hilltop Builders" not in mixed.content
    client.post(url + f"?id={other.pk}")
    assert EmployerEnquiry.objects.filter(pk=other.pk).exists()


def test_the_chooser_lists_only_the_providers_own(client, two_providers_enquiries):
    riverside, _own, _other = two_providers_enquiries
    client.force_login(riverside.editor)
    response = client.get(reverse("wagtailsnippetchoosers_finder_employerenquiry:choose"))
    assert response.status_code == 200
    assert b"Thames Hotels" in response.content and b"Hilltop Builders" not in response.content
