import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailPageTestCase

from devtools.factories import ClassPageFactory, VenueFactory
from esolplus.models import HomePage
from finder.models import ClassPage, ProviderIndexPage, ProviderPage, WorkplaceOfferPage

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
