"""factory-boy factories for the page tree and its snippets; venues sit on real London postcodes.

The tests and the demo content (devtools/demo_finder.py) are built from these same factories.
"""

import datetime

import factory
from django.utils import timezone
from wagtail.models import Page

from esolplus.models import HomePage
from finder.cms.venue_places import place_venue
from finder.geography.postcodes import format_postcode
from finder.models import (
    ClassPage,
    ClassSession,
    Enquiry,
    Level,
    Postcode,
    ProviderIndexPage,
    ProviderPage,
    Venue,
    WorkplaceOfferPage,
)


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under ``parent`` in the tree, as the Wagtail admin does."""

    title = factory.Sequence(lambda n: f"Page {n}")
    live = True

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        m2m = {k: kwargs.pop(k) for k in list(kwargs) if k in cls._m2m_fields}
        page = model_class(*args, **kwargs)
        (parent or cls._default_parent()).add_child(instance=page)
        for name, values in m2m.items():
            getattr(page, name).set(values)
        if m2m:
            page.save()
        page.save_revision().publish() if page.live else page.save_revision()
        return page

    _m2m_fields: tuple[str, ...] = ()

    @classmethod
    def _default_parent(cls) -> Page:
        raise NotImplementedError


def home_page() -> HomePage:
    return HomePage.objects.get()


def provider_index() -> ProviderIndexPage:
    index = ProviderIndexPage.objects.first()
    if index is None:
        index = ProviderIndexPage(title="Providers", slug="providers")
        home_page().add_child(instance=index)
        index.save_revision().publish()
    return index


class ProviderPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Provider {n}")
    summary = "Free English classes for adults."
    email = factory.Sequence(lambda n: f"esol{n}@provider.example.org")
    _m2m_fields = ("boroughs_served", "staff_languages")

    class Meta:
        model = ProviderPage

    @classmethod
    def _default_parent(cls):
        return provider_index()


class VenueFactory(factory.django.DjangoModelFactory):
    """A live (approved) venue at a real postcode, placed as the venue form places it."""

    provider = factory.SubFactory(ProviderPageFactory)
    name = factory.Sequence(lambda n: f"Community Centre {n}")
    address = "1 High Street, London"
    postcode = "E1 6AN"
    step_free_access = True

    class Meta:
        model = Venue

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        venue = place_venue(model_class(*args, **kwargs))
        venue.full_clean()
        venue.save()
        return venue


class ClassPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"English class {n}")
    summary = "Improve your speaking and listening."
    venue = factory.SubFactory(VenueFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=100))
    _m2m_fields = ("levels", "target_groups", "support_languages")

    class Meta:
        model = ClassPage

    @classmethod
    def _create(cls, model_class, *args, parent=None, sessions=((1, "10:00", "12:00"),), **kwargs):
        kwargs.setdefault("levels", [Level.objects.get(code="entry-1")])
        venue = kwargs.get("venue")
        if parent is None:
            parent = venue.provider if venue else ProviderPageFactory()
        page = model_class(*args, **{k: v for k, v in kwargs.items() if k not in cls._m2m_fields})
        page.sessions = [
            ClassSession(
                weekday=day, start_time=datetime.time.fromisoformat(start), end_time=datetime.time.fromisoformat(end)
            )
            for day, start, end in sessions
        ]
        parent.add_child(instance=page)
        for name in cls._m2m_fields:
            if name in kwargs:
                getattr(page, name).set(kwargs[name])
        revision = page.save_revision()
        if page.live:
            revision.publish()
        return page


class WorkplaceOfferPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"English at work {n}")
    summary = "English for your staff, at your workplace."
    funding_and_cost = "Free for employers with fewer than 250 staff."
    typical_length = "10 weeks, 2 hours a week"
    _m2m_fields = ("sectors", "boroughs", "levels")

    class Meta:
        model = WorkplaceOfferPage

    @classmethod
    def _default_parent(cls):
        return ProviderPageFactory()


class EnquiryFactory(factory.django.DjangoModelFactory):
    class_page = factory.SubFactory(ClassPageFactory)
    name = "Amina"
    phone = "07700 900123"
    consent_to_contact = True

    class Meta:
        model = Enquiry


def venue_at(postcode: str, **kwargs) -> Venue:
    """A venue at a real postcode, which must be in the loaded geography."""
    if not Postcode.objects.filter(postcode=format_postcode(postcode)).exists():
        raise LookupError(f"{postcode} is not in the loaded geography (tests: tests/data/geo/cut_fixture.py)")
    return VenueFactory(postcode=postcode, **kwargs)


def provider_with_editor(name: str, editor_username: str, **provider_fields):
    """A provider set up as in production: its page, editors' group and first editor (password "pw")."""
    from finder.cms.providers import setup_provider

    setup = setup_provider(name, editor_username=editor_username, provider_fields=provider_fields or None)
    setup.editor.set_password("pw")
    setup.editor.save()
    return setup


def coordinator(username: str = "coordinator"):
    """A member of the ESOL coordinators group (password "pw")."""
    from django.contrib.auth import get_user_model

    from finder.cms.providers import ensure_coordination

    group = ensure_coordination().coordinators
    user = get_user_model().objects.create_user(username, password="pw", is_staff=True)  # noqa: S106  (tests only)
    user.groups.add(group)
    return user
