"""Every public page type, for the accessibility and HTML-validity checks; extend PUBLIC_PAGES as pages land.

Each entry makes the content it needs with factories (the browser tests run on a database that is
emptied between tests) and returns the URL to check.
"""

from collections.abc import Callable
from dataclasses import dataclass

LANGUAGES = ["en-gb", "ar"]  # English, and Arabic for right-to-left layout


@dataclass(frozen=True)
class PublicPage:
    name: str
    url: Callable[[], str]
    status: int = 200
    geography: bool = False  # needs the London postcodes (finder searches)

    def __str__(self) -> str:
        return self.name


def _fixed(url: str) -> Callable[[], str]:
    return lambda: url


def _provider_index() -> str:
    from devtools.factories import ProviderPageFactory, provider_index

    ProviderPageFactory(title="Alpha Adult Learning")
    return provider_index().url


def _provider() -> str:
    from devtools.factories import ClassPageFactory, ProviderPageFactory, VenueFactory, WorkplaceOfferPageFactory

    provider = ProviderPageFactory()
    ClassPageFactory(parent=provider, venue=VenueFactory(provider=provider))
    WorkplaceOfferPageFactory(parent=provider)
    return provider.url


def _class() -> str:
    from devtools.factories import ClassPageFactory
    from finder.models import Level

    return ClassPageFactory(sessions=((1, "10:00", "12:00"), (3, "18:30", "20:00")), levels=Level.objects.all()[:2]).url


def _workplace_offer() -> str:
    from devtools.factories import WorkplaceOfferPageFactory

    return WorkplaceOfferPageFactory().url


def _published_results() -> str:
    """A pilot's public results, with one group large enough to show and one small enough to hide."""
    from devtools.evaluation_factories import CohortFactory, EnrolmentFactory, PilotFactory, SessionFactory
    from evaluation.models import Attendance
    from evaluation.services.releases import publish_release

    pilot = PilotFactory()
    for size in (12, 2):
        cohort = CohortFactory(pilot=pilot)
        session = SessionFactory(cohort=cohort)
        for _learner in range(size):
            Attendance.objects.create(
                enrolment=EnrolmentFactory(cohort=cohort), session=session, status=Attendance.Status.PRESENT
            )
    publish_release(pilot, None, based_on=0)
    return f"/evaluation/results/{pilot.slug}/"


def _near_e1() -> "ClassPage":  # noqa: F821
    from devtools.factories import ClassPageFactory, venue_at
    from finder.models import ClassPage, Level

    return ClassPageFactory(
        venue=venue_at("E1 6AW"),
        levels=Level.objects.filter(code__in=["entry-1", "entry-2"]),
        childcare=ClassPage.Childcare.CRECHE,
        sessions=((1, "18:00", "20:00"),),
    )


def _finder_results() -> str:
    _near_e1()
    return "/find/?where=E1+6AN&radius=5&level=entry-1"


HELP_ANSWERS = "where=E1+6AN&level=entry-1&when=evening&childcare=yes&free=no"


def _help_step(step: int) -> Callable[[], str]:
    def url() -> str:
        _near_e1()
        return f"/find/help/?{HELP_ANSWERS}&step={step}"

    return url


def _workplace_finder() -> str:
    from devtools.factories import WorkplaceOfferPageFactory
    from finder.models import District, IndustrySector

    WorkplaceOfferPageFactory(
        boroughs=District.objects.filter(code="E09000001"), sectors=IndustrySector.objects.filter(code="care")
    )
    return "/find/workplace/?where=E1+6AN"


def _enquiry_form() -> str:
    return f"/find/enquire/{_near_e1().pk}/"


def _enquiry_sent() -> str:
    from devtools.factories import EnquiryFactory
    from finder.search.enquiry_views import sent_url

    return sent_url(EnquiryFactory(class_page=_near_e1()).reference)


def _referral_form() -> str:
    from django.urls import reverse

    return reverse("finder:referral", args=[_near_e1().pk])


def _employer_enquiry_form() -> str:
    from django.urls import reverse

    from devtools.factories import WorkplaceOfferPageFactory

    return reverse("finder:employer_enquiry", args=[WorkplaceOfferPageFactory().pk])


def _problem_report_form() -> str:
    from django.urls import reverse

    return reverse("finder:report_problem", args=[_near_e1().pk])


def _problem_reported() -> str:
    from django.urls import reverse

    return reverse("finder:problem_reported", args=[_near_e1().pk])


PUBLIC_PAGES = [
    PublicPage("home", _fixed("/")),
    PublicPage("about-data", _fixed("/about/data/")),
    PublicPage("not-found", _fixed("/no-such-page/"), status=404),
    PublicPage("admin-login", _fixed("/admin/login/")),
    PublicPage("provider-index", _provider_index),
    PublicPage("provider", _provider, geography=True),
    PublicPage("class", _class, geography=True),
    PublicPage("workplace-offer", _workplace_offer),
    PublicPage("evaluation-results", _published_results, geography=True),
    PublicPage("funnel-public", _fixed("/evaluation/evidence/funnel/?borough=nowhere"), geography=True),
    PublicPage("finder-results", _finder_results, geography=True),
    PublicPage("finder-error", _fixed("/find/?where=Atlantis"), geography=True),
    *(PublicPage(f"help-me-choose-step-{step}", _help_step(step), geography=True) for step in range(1, 7)),
    PublicPage("workplace-finder", _workplace_finder, geography=True),
    PublicPage("enquiry-form", _enquiry_form, geography=True),
    PublicPage("enquiry-sent", _enquiry_sent, geography=True),
    PublicPage("referral-form", _referral_form, geography=True),
    PublicPage("enquiry-status", _fixed("/find/enquiry-status/")),
    PublicPage("employer-enquiry-form", _employer_enquiry_form),
    PublicPage("problem-report-form", _problem_report_form, geography=True),
    PublicPage("problem-reported", _problem_reported, geography=True),
]
