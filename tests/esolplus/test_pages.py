import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_home_page_renders_in_every_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/", follow=True)  # an old cookie is sent to /<language>/ (esolplus.middleware)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize("language", ["ar", "fa", "ur"])
def test_right_to_left_languages_set_the_direction(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert 'dir="rtl"' in client.get("/", follow=True).content.decode()


def test_language_switcher_keeps_the_current_address(client):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/find/?where=E1+6AN&radius=5"})
    assert response.status_code == 302
    assert response["Location"] == "/ar/find/?where=E1+6AN&radius=5"  # the language is in the address
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_data_sources_page_shows_the_licence_attributions(client):
    html = client.get("/about/data/").content.decode()
    assert "Contains OS data © Crown copyright and database right 2025" in html
    assert "Contains Royal Mail data" in html
    assert "Contains National Statistics data" in html
    assert "GeoNames" in html


def test_every_page_footer_carries_the_attribution(client):
    assert "Contains OS data" in client.get("/").content.decode()


def test_admin_login_is_served(client):
    assert client.get("/admin/login/").status_code == 200


def test_favicon_requests_are_sent_to_the_icon_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
