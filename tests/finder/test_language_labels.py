"""Staff languages and CEFR levels as learners read them, in the page's language."""

import pytest
from django.utils.translation import override

from devtools.factories import ClassPageFactory, venue_at
from finder.models import Language, Level

pytestmark = pytest.mark.usefixtures("geography")


def test_language_label_comes_from_cldr_in_the_page_language():
    somali = Language.objects.get(code="so")
    for language, label in [("en-gb", "Somali"), ("pl", "Somalijski"), ("so", "Soomaali"), ("ar", "الصومالية")]:
        with override(language):
            assert str(somali) == label


def test_language_without_a_cldr_name_keeps_its_stored_name():
    assert str(Language(code="zzz", name="Made-up")) == "Made-up"


def test_below_a1_is_translated_and_a1_is_not():
    with override("ar"):
        assert Level.objects.get(code="entry-1").cefr_label == "A1"
        assert Level.objects.get(code="pre-entry").cefr_label != "below A1"


def test_staff_speak_filter_and_class_page_show_cldr_names(client):
    class_page = ClassPageFactory(venue=venue_at("E1 6AW"))
    class_page.support_languages.set(Language.objects.filter(code="so"))
    class_page.save()
    with override("ar"):
        url = class_page.url
    assert "الصومالية" in client.get(url).content.decode()
    assert "الصومالية" in client.get("/ar/find/?where=E1+6AN").content.decode()
