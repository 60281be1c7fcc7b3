"""Problem reports: anyone tells a listing's provider and the coordinators that something on it is wrong.

The one place for:

* **which pages take a report** (``reportable_page``): live, public class, provider and workplace-offer pages that
  the public can open (a class whose venue awaits its first approval is not shown, so it takes none either);
* **who is told** (``recipients``): the editors of the listing's own provider and the coordinators, one email
  each, keyed by report and person so a retried job sends once; never another provider's editors;
* **who may move a report on** (``may_set``): coordinators confirm, dismiss, mark fixed or reopen; a provider's
  editors may only mark their own listings' reports fixed. Each change carries the version it was based on
  (``esolplus.concurrency``), so a coordinator's "dismissed" and an editor's "fixed" never silently overwrite
  each other;
* **what learners see** (``has_confirmed_problem``): "a problem was reported" only once a coordinator confirmed it,
  and no longer once it is fixed or dismissed. A report nobody has checked says nothing in public, so one person
  cannot put a warning on a provider's page.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.log_actions import log
from wagtail.models import Page

from esolplus import notifications
from esolplus.concurrency import StaleVersion, claim_version, create_once
from esolplus.roles import coordinators, is_coordinator
from finder.cms.enquiries import scoped_to_listings
from finder.cms.providers import provider_editors
from finder.models import ClassPage, ProblemReport, ProviderPage, WorkplaceOfferPage

REPORTABLE_TYPES = (ClassPage, ProviderPage, WorkplaceOfferPage)
Status = ProblemReport.Status
# What a provider's editor may do to a report about their own listing: say it is fixed, while it is open.
EDITOR_MOVES = {Status.NEW: {Status.FIXED}, Status.CONFIRMED: {Status.FIXED}}


def reportable_page(page_id) -> Page | None:
    """The public listing with this id, as its specific page; ``None`` for a draft, a private page, another type
    of page or no page at all (the view answers 404 for all of them alike)."""
    page = Page.objects.live().public().type(*REPORTABLE_TYPES).filter(pk=page_id).first()
    if page is None:
        return None
    page = page.specific
    if isinstance(page, ClassPage) and page.venue_id and not page.venue.live:
        return None  # as ClassPage.serve: not public while its venue waits for its first approval
    return page


def provider_of(page: Page) -> ProviderPage | None:
    return page if isinstance(page, ProviderPage) else page.provider


def recipients(page: Page) -> list:
    """Whom a report about ``page`` goes to: its provider's editors, then the coordinators; each person once."""
    provider = provider_of(page)
    people = list(provider_editors(provider)) if provider is not None else []
    seen = {person.pk for person in people}
    people += [person for person in coordinators().order_by("pk") if person.pk not in seen]
    return [person for person in people if person.email]


def _admin_url(report: ProblemReport) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    try:
        return base + reverse("problem_reports:edit", args=[report.pk])
    except NoReverseMatch:  # the admin is not mounted (a management command without the admin's URLs)
        return ""


def _tell(report: ProblemReport, page: Page) -> None:
    """Queue one email per recipient, in English (staff messages are), keyed so a retry sends it once."""
    provider = provider_of(page)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": page.title,
            "provider_name": provider.title if provider else "",
            "kind": str(report.get_kind_display()),
            "note": report.note,
            "page_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (page.url or ""),
            "report_url": _admin_url(report),
        }
    for person in recipients(page):
        notifications.send_email(
            person.email,
            "problem_report_notification",
            context,
            settings.LANGUAGE_CODE,
            key=f"problem:{report.pk}:{person.pk}",
        )


def report(page: Page, kind: str, note: str, site_language: str, submission_key: uuid.UUID | None) -> ProblemReport:
    """Store a report about a public listing and tell its provider's editors and the coordinators.

    Sent twice with the same key (a double click, a retry): one report, one email each. A key already used for
    another page's report gives that report back; the public confirmation shows nothing of it.
    """

    @transaction.atomic
    def create() -> ProblemReport:
        found = ProblemReport(
            page=page, kind=kind, note=note.strip(), site_language=site_language, submission_key=submission_key
        )
        found.full_clean()
        found.save()
        _tell(found, page)
        return found

    made, _created = create_once(ProblemReport.objects.all(), submission_key, create)
    return made


def has_confirmed_problem(page: Page) -> bool:
    """Whether learners are told "a problem was reported with this page": a coordinator confirmed a report."""
    return ProblemReport.objects.filter(page_id=page.pk, status=Status.CONFIRMED).exists()


# --- In the admin ------------------------------------------------------------------------------------------------


def visible_to(user) -> QuerySet[ProblemReport]:
    """The reports a user may see: all for coordinators, else those about pages they can edit (their provider's
    page and its listings), by the same provider-boundary rule as enquiries."""
    return scoped_to_listings(user, ProblemReport.objects.select_related("page", "handled_by"), "page", Page)


def statuses_for(user, report: ProblemReport) -> list[str]:
    """The statuses this user may give this report (besides leaving it as it is)."""
    if is_coordinator(user):
        return [status for status in Status.values if status != report.status]
    if not visible_to(user).filter(pk=report.pk).exists():
        return []
    return sorted(EDITOR_MOVES.get(report.status, set()))


def may_set(user, report: ProblemReport, status: str) -> bool:
    return status in statuses_for(user, report)


@transaction.atomic
def set_status(report: ProblemReport, by, status: str, based_on: int | None) -> ProblemReport:
    """Move a report to ``status`` for ``by``, if they may and nobody changed it since ``based_on``.

    Raises ``PermissionDenied`` (nothing written) when they may not, ``StaleVersion`` when someone saved first.
    """
    current = ProblemReport.objects.get(pk=report.pk)
    if based_on is not None and based_on != current.version:
        raise StaleVersion(current.version, current)
    if status == current.status:
        return current
    if not may_set(by, current, status):
        raise PermissionDenied
    claim_version(ProblemReport.objects.all(), current.pk, based_on)
    ProblemReport.objects.filter(pk=current.pk).update(status=status, handled_by=by, updated_at=timezone.now())
    changed = ProblemReport.objects.select_related("page").get(pk=current.pk)
    log(instance=changed, action="wagtail.edit", user=by, title=str(changed))
    return changed


def confirm(report: ProblemReport, by, based_on: int | None) -> ProblemReport:
    """A coordinator checked it: learners now see that a problem was reported."""
    return set_status(report, by, Status.CONFIRMED, based_on)


def fix(report: ProblemReport, by, based_on: int | None) -> ProblemReport:
    """The provider (or a coordinator) put it right: the notice goes."""
    return set_status(report, by, Status.FIXED, based_on)


def dismiss(report: ProblemReport, by, based_on: int | None) -> ProblemReport:
    """A coordinator found nothing wrong."""
    return set_status(report, by, Status.DISMISSED, based_on)
