"""Result cards are rendered once and reused, but never out of date: a new publication, the register's count,
the language and the distance of each search all show."""

import pytest
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from devtools.factories import ClassPageFactory, venue_at
from finder.models import ClassPage
from finder.search.cards import attach_cards
from finder.search.queries import attach_providers, for_cards
from finder.search.view_helpers import with_distances

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def card_renders():
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield lambda: names.count("components/result_card.html")
    template_rendered.disconnect(record)


def find(client, where="E1 6AN", language="en-gb"):
    with override(language):
        url = reverse("finder:find")
    return client.get(url, {"where": where, "radius": "5"}).content.decode()


def test_a_card_is_rendered_once_and_reused_with_each_searchs_distance(client, card_renders):
    ClassPageFactory(title="Evening English", venue=venue_at("E1 6AN"))
    first = find(client, "E1 6AN")
    second = find(client, "E1 6AW")
    assert card_renders() == 1
    assert "Evening English" in first and "Evening English" in second
    assert "0.0 km" in first and "0.0 km" not in second  # the distance is filled in per search


def test_a_published_change_and_the_register_show_at_once(client, card_renders):
    page = ClassPageFactory(title="Evening English", venue=venue_at("E1 6AN"), capacity=10, enrolled=2)
    assert "Places available" in find(client)
    page.title = "Evening English, new times"
    page.save_revision().publish()
    assert "Evening English, new times" in find(client)
    ClassPage.objects.filter(pk=page.pk).update(enrolled_on_register=10)
    assert "Join the waiting list" in find(client)
    assert card_renders() == 3


def test_each_language_has_its_own_card(client):
    ClassPageFactory(title="Evening English", venue=venue_at("E1 6AN"))
    english, arabic = find(client), find(client, language="ar")
    assert "I'm interested" in english and "I'm interested" not in arabic
    assert 'href="/ar/' in arabic


def test_a_card_rendered_afresh_has_the_whole_class_though_the_search_fetched_only_its_key(client):
    """The search's own query fetches only what the card's key needs (finder.search.queries.CARD_KEY_FIELDS)."""
    ClassPageFactory(
        title="Evening English", venue=venue_at("E1 6AN", name="Toynbee Hall"), sessions=((3, "18:30", "20:30"),)
    )
    page = find(client)
    assert "Evening English" in page and "Toynbee Hall, E1 6AN" in page
    assert "18:30–20:30" in page and "Entry 1" in page  # sessions and levels, fetched for the card alone


def test_a_class_deleted_between_the_search_and_its_card_is_left_out():
    kept = ClassPageFactory(title="Kept", venue=venue_at("E1 6AN"))
    gone = ClassPageFactory(title="Gone", venue=venue_at("E1 6AN"))
    items = attach_providers(list(for_cards(ClassPage.objects.filter(pk__in=[kept.pk, gone.pk]).order_by("pk"))))
    with_distances(items, None)
    gone.delete()
    shown = attach_cards(items, timezone.localdate())
    assert [item.pk for item in shown] == [kept.pk]
    assert "Kept" in shown[0].card_html
