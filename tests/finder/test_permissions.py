"""Provider editors work only on their own provider, and only coordinators publish.

Every test is written from the side of the one refused: provider A's editor tries provider B's
pages and venues through the admin's own HTTP views, and B's objects stay as they were.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from finder.models import ClassPage, Venue

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def two_providers(db):
    a = provider_with_editor("Alpha Adult Learning", "alpha")
    b = provider_with_editor("Beta Community ESOL", "beta")
    venue_a = VenueFactory(provider=a.provider, name="Alpha Hall")
    venue_b = VenueFactory(provider=b.provider, name="Beta Hall", postcode="SE15 5AA")
    class_a = ClassPageFactory(venue=venue_a, parent=a.provider, title="Alpha class")
    class_b = ClassPageFactory(venue=venue_b, parent=b.provider, title="Beta class")
    return a, b, venue_a, venue_b, class_a, class_b


@pytest.fixture
def alpha_client(client, two_providers):
    client.login(username="alpha", password="pw")
    return client


def refused(response) -> bool:
    """Wagtail answers a refused admin request with 403/404, or a redirect away with a message."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/edit/" not in response.url and "/move/" not in response.url
    )


def test_editor_cannot_open_or_change_another_providers_class(alpha_client, two_providers):
    *_, class_b = two_providers
    edit_url = reverse("wagtailadmin_pages:edit", args=[class_b.pk])
    assert refused(alpha_client.get(edit_url))
    response = alpha_client.post(edit_url, {"title": "Hacked", "slug": class_b.slug, "action-publish": "1"})
    assert refused(response)
    class_b.refresh_from_db()
    assert class_b.title == "Beta class"
    assert class_b.get_latest_revision().content["title"] == "Beta class"


def test_editor_cannot_add_a_class_under_another_provider(alpha_client, two_providers):
    _a, b, *_ = two_providers
    url = reverse("wagtailadmin_pages:add", args=["finder", "classpage", b.provider.pk])
    assert refused(alpha_client.get(url))
    assert refused(alpha_client.post(url, {"title": "Sneaky", "slug": "sneaky"}))
    assert not ClassPage.objects.filter(title="Sneaky").exists()


def test_editor_cannot_see_another_provider_in_the_explorer(alpha_client, two_providers):
    _a, b, *_ = two_providers
    response = alpha_client.get(reverse("wagtailadmin_explore", args=[b.provider.pk]))
    assert refused(response) or b"Beta class" not in response.content


def test_editor_cannot_move_pages_between_providers(alpha_client, two_providers):
    a, b, _va, _vb, class_a, class_b = two_providers
    move_b = reverse("wagtailadmin_pages:move_confirm", args=[class_b.pk, a.provider.pk])
    assert refused(alpha_client.post(move_b))
    move_a = reverse("wagtailadmin_pages:move_confirm", args=[class_a.pk, b.provider.pk])
    assert refused(alpha_client.post(move_a))
    assert Page.objects.get(pk=class_b.pk).get_parent().pk == b.provider.pk
    assert Page.objects.get(pk=class_a.pk).get_parent().pk == a.provider.pk


def test_editor_cannot_delete_or_unpublish_another_providers_class(alpha_client, two_providers):
    *_, class_b = two_providers
    assert refused(alpha_client.post(reverse("wagtailadmin_pages:delete", args=[class_b.pk])))
    assert refused(alpha_client.post(reverse("wagtailadmin_pages:unpublish", args=[class_b.pk])))
    assert ClassPage.objects.get(pk=class_b.pk).live


def test_editor_cannot_publish_their_own_class_without_approval(alpha_client, two_providers):
    *_, class_a, _class_b = two_providers
    url = reverse("wagtailadmin_pages:edit", args=[class_a.pk])
    assert alpha_client.get(url).status_code == 200
    data = edit_form_data(class_a, title="Alpha class, changed")
    data["action-publish"] = "publish"
    response = alpha_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    class_a.refresh_from_db()
    assert class_a.title == "Alpha class"  # the live page is unchanged
    assert class_a.get_latest_revision().content["title"] == "Alpha class, changed"  # saved only as a draft
    assert class_a.has_unpublished_changes
    assert not class_a.permissions_for_user(two_providers[0].editor).can_publish()


def test_venue_list_shows_only_own_venues(alpha_client, two_providers):
    response = alpha_client.get(reverse("wagtailsnippets_finder_venue:list"))
    assert response.status_code == 200
    assert b"Alpha Hall" in response.content
    assert b"Beta Hall" not in response.content


def test_venue_chooser_shows_only_own_venues(alpha_client, two_providers):
    response = alpha_client.get(reverse("wagtailsnippetchoosers_finder_venue:choose"))
    assert b"Alpha Hall" in response.content
    assert b"Beta Hall" not in response.content


def test_editor_cannot_see_edit_or_delete_another_providers_venue(alpha_client, two_providers):
    *_, venue_b, _ca, _cb = two_providers
    edit = reverse("wagtailsnippets_finder_venue:edit", args=[venue_b.pk])
    assert alpha_client.get(edit).status_code == 404
    response = alpha_client.post(edit, {"provider": venue_b.provider_id, "name": "Mine now", "postcode": "E1 6AN"})
    assert response.status_code == 404
    delete = reverse("wagtailsnippets_finder_venue:delete", args=[venue_b.pk])
    assert alpha_client.post(delete).status_code == 404
    venue_b.refresh_from_db()
    assert venue_b.name == "Beta Hall"


def test_editor_cannot_create_a_venue_for_another_provider(alpha_client, two_providers):
    _a, b, *_ = two_providers
    response = alpha_client.post(
        reverse("wagtailsnippets_finder_venue:add"),
        {"provider": b.provider.pk, "name": "Planted", "address": "1 Road", "postcode": "E1 6AN"},
    )
    assert response.status_code == 200  # the form again, with an error on the provider
    assert "provider" in response.context["form"].errors
    assert not Venue.objects.filter(name="Planted").exists()


def test_unknown_postcode_is_an_error_on_the_venue_form(alpha_client, two_providers):
    a, *_ = two_providers
    response = alpha_client.post(
        reverse("wagtailsnippets_finder_venue:add"),
        {"provider": a.provider.pk, "name": "Nowhere", "address": "1 Road", "postcode": "ZZ99 9ZZ"},
    )
    assert "ZZ99 9ZZ" in str(response.context["form"].errors["postcode"])
    assert not Venue.objects.filter(name="Nowhere").exists()


def test_editor_can_add_own_venue_and_it_is_placed(alpha_client, two_providers):
    a, *_ = two_providers
    response = alpha_client.post(
        reverse("wagtailsnippets_finder_venue:add"),
        {"provider": a.provider.pk, "name": "Alpha Annexe", "address": "2 Road", "postcode": "se155aa"},
    )
    assert response.status_code == 302
    venue = Venue.objects.get(name="Alpha Annexe")
    assert venue.postcode == "SE15 5AA" and venue.borough is not None


def test_class_form_offers_only_own_venues(alpha_client, two_providers):
    a, *_ = two_providers
    response = alpha_client.get(reverse("wagtailadmin_pages:add", args=["finder", "classpage", a.provider.pk]))
    assert response.status_code == 200
    assert b"Alpha Hall" in response.content
    assert b"Beta Hall" not in response.content


def test_coordinator_sees_every_providers_venues(client, two_providers):
    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.get(reverse("wagtailsnippets_finder_venue:list"))
    assert b"Alpha Hall" in response.content and b"Beta Hall" in response.content


def edit_form_data(page, **changes) -> dict:
    """The admin edit form as a browser would post it, from the page's current values."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "description": rich_text(page.description or "<p></p>"),
        "skills_focus": page.skills_focus,
        "delivery_mode": page.delivery_mode,
        "venue": page.venue_id or "",
        "sessions": inline_formset(
            [
                {"id": s.pk, "weekday": s.weekday, "start_time": s.start_time, "end_time": s.end_time}
                for s in page.sessions.all()
            ]
        ),
        "start_date": page.start_date or "",
        "end_date": page.end_date or "",
        "how_to_join": page.how_to_join,
        "cost": page.cost,
        "childcare": page.childcare,
        "strand": page.strand,
        "places_status": page.places_status,
        "last_checked": page.last_checked,
        "comments": inline_formset([]),
    }
    data.update(changes)
    return {**nested_form_data(data), "levels": [level.pk for level in page.levels.all()]}


def test_bulk_delete_skips_another_providers_venue(alpha_client, two_providers):
    _a, b, *_ = two_providers
    spare = VenueFactory(provider=b.provider, name="Beta Spare Room")
    url = reverse("wagtail_bulk_action", args=["finder", "venue", "delete"]) + f"?id={spare.pk}"
    alpha_client.post(url)
    assert Venue.objects.filter(pk=spare.pk).exists()


def test_editor_cannot_preview_or_read_history_of_another_providers_class(alpha_client, two_providers):
    *_, class_b = two_providers
    assert refused(alpha_client.get(reverse("wagtailadmin_pages:view_draft", args=[class_b.pk])))
    assert refused(alpha_client.get(reverse("wagtailadmin_pages:history", args=[class_b.pk])))


def test_editor_cannot_put_their_class_in_another_providers_venue(alpha_client, two_providers):
    *_, venue_b, class_a, _class_b = two_providers
    url = reverse("wagtailadmin_pages:edit", args=[class_a.pk])
    response = alpha_client.post(url, edit_form_data(class_a, venue=venue_b.pk))
    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert class_a.get_latest_revision().as_object().venue_id != venue_b.pk


def test_a_class_cannot_use_another_providers_venue_even_outside_the_admin(two_providers):
    a, _b, _va, venue_b, *_ = two_providers
    with pytest.raises(ValidationError) as error:
        ClassPageFactory(parent=a.provider, venue=venue_b, title="Borrowed venue")
    assert "venue" in error.value.message_dict
