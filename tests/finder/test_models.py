import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailPageTestCase

from esolplus.models import HomePage
from finder.models import ClassPage, ProviderIndexPage, ProviderPage, Venue, WorkplaceOfferPage
from tests.factories import ClassPageFactory, ProviderPageFactory, VenueFactory, venue_at
from tests.geodata import postcode_row

pytestmark = pytest.mark.usefixtures("geography")


class TestPageTree(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertCanCreateAt(HomePage, ProviderIndexPage)
        self.assertCanCreateAt(ProviderIndexPage, ProviderPage)
        self.assertCanCreateAt(ProviderPage, ClassPage)
        self.assertCanCreateAt(ProviderPage, WorkplaceOfferPage)
        self.assertCanNotCreateAt(HomePage, ClassPage)
        self.assertCanNotCreateAt(ClassPage, ClassPage)
        self.assertAllowedSubpageTypes(ClassPage, {})


def test_venue_is_placed_from_its_postcode():
    venue = venue_at("e16an")
    row = postcode_row("E1 6AN")
    assert venue.postcode == "E1 6AN"
    assert (venue.latitude, venue.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))
    assert venue.borough.code == row["district_code"]


def test_unknown_venue_postcode_is_a_field_error_not_a_blank():
    venue = Venue(provider=ProviderPageFactory(), name="Hall", address="1 Road", postcode="ZZ99 9ZZ")
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert "ZZ99 9ZZ" in str(error.value.message_dict["postcode"])
    assert venue.latitude is None


def test_editor_can_move_the_pin_and_a_new_postcode_moves_it_back():
    venue = venue_at("E1 6AN")
    venue = Venue.objects.get(pk=venue.pk)
    venue.latitude, venue.longitude = 51.52, -0.08
    venue.full_clean()
    assert (venue.latitude, venue.longitude) == (51.52, -0.08)
    venue.save()
    venue = Venue.objects.get(pk=venue.pk)
    venue.postcode = "SE15 5AA"
    venue.full_clean()
    row = postcode_row("SE15 5AA")
    assert (venue.latitude, venue.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


def test_class_rules_are_validated():
    page = ClassPageFactory.build(
        cost=ClassPage.Cost.FEE,
        fee_amount=None,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 8, 1),
    )
    page.venue = VenueFactory()
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert set(error.value.message_dict) >= {"fee_amount", "end_date"}


def test_current_hides_ended_and_unpublished_classes():
    today = datetime.date(2026, 11, 24)
    running = ClassPageFactory(start_date=today - datetime.timedelta(days=30), end_date=today)
    ended = ClassPageFactory(
        start_date=today - datetime.timedelta(days=60), end_date=today - datetime.timedelta(days=1)
    )
    draft = ClassPageFactory(live=False)
    current = set(ClassPage.objects.current(today))
    assert running in current
    assert ended not in current
    assert draft not in current
