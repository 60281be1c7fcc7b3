"""factory-boy factories for waiting lists (tests and demo content)."""

import factory

from devtools.factories import ClassPageFactory
from finder.models import WaitingListEntry


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    """Someone waiting for a place in a class (pass ``class_page=None`` with a level and coordinates for an area)."""

    class_page = factory.SubFactory(ClassPageFactory)
    name = factory.Sequence(lambda n: f"Learner {n}")
    phone = factory.Sequence(lambda n: f"07700 9{n:05d}")
    site_language = "en-gb"
    consent_to_contact = True

    class Meta:
        model = WaitingListEntry
