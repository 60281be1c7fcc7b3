"""The enquiry form works without a CSRF cookie and refuses posts from other sites."""

import pytest
from django.test import Client
from django.urls import reverse

from devtools.factories import ClassPageFactory, venue_at
from finder.models import Enquiry

pytestmark = pytest.mark.usefixtures("geography")

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
def csrf_client():
    return Client(enforce_csrf_checks=True)


def form_data(client, url):
    html = client.get(url).content.decode()
    key = html.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    return {**VALID, "submission_key": key}


def test_enquiry_is_sent_from_the_page_without_any_cookie(csrf_client):
    class_page = ClassPageFactory(venue=venue_at("E1 6AW"))
    url = reverse("finder:enquiry", args=[class_page.pk])
    data = form_data(csrf_client, url)
    assert not csrf_client.cookies
    response = csrf_client.post(url, data, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 302
    assert Enquiry.objects.filter(class_page=class_page).count() == 1


def test_enquiry_posted_from_another_site_is_refused_and_not_stored(csrf_client):
    class_page = ClassPageFactory(venue=venue_at("E1 6AW"))
    url = reverse("finder:enquiry", args=[class_page.pk])
    response = csrf_client.post(url, form_data(csrf_client, url), HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not Enquiry.objects.exists()
