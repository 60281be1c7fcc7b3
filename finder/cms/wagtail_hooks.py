"""The provider CMS in Wagtail's admin: venues scoped to their provider, the stale listings
report, bulk import, provider set-up, the one-click "still correct" action, and the provider boundary in
Wagtail's bulk actions and page chooser (``finder.cms.boundary``)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

# These modules register their own hooks: assessment slots, bookings and results; the coordinators' assessment
# figures; the waiting lists screen.
import finder.cms.assessment_admin
import finder.cms.assessment_report
import finder.cms.waiting_admin  # noqa: F401
from esolplus.roles import is_coordinator
from finder.cms import (
    admin_views,
    approval_views,
    boundary,
    bulk_approval,
    eligibility_admin,  # noqa: F401  (the eligibility rules snippet)
)
from finder.cms.permissions import editable_providers
from finder.cms.providers import STILL_CORRECT_ACTION
from finder.models import ClassPage, ProviderPage, WorkplaceOfferPage


@hooks.register("register_admin_urls")
def register_provider_cms_urls():
    report = admin_views.StaleListingsReport
    return [
        path("listings/<int:page_id>/still-correct/", admin_views.still_correct, name="finder_still_correct"),
        path("reports/stale-listings/", report.as_view(), name="finder_stale_listings"),
        path(
            "reports/stale-listings/results/", report.as_view(results_only=True), name="finder_stale_listings_results"
        ),
        path("classes/import/", admin_views.import_classes, name="finder_import_classes"),
        path(
            "classes/import/template.<str:file_format>",
            admin_views.import_template,
            name="finder_import_template",
        ),
        path("providers/set-up/", admin_views.set_up_provider, name="finder_set_up_provider"),
        path("classes/import/done/", approval_views.imported_classes, name="finder_imported_classes"),
        path("approval/", approval_views.AwaitingApprovalView.as_view(), name="finder_awaiting_approval"),
        path(
            "approval/results/",
            approval_views.AwaitingApprovalView.as_view(results_only=True),
            name="finder_awaiting_approval_results",
        ),
    ]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return editable_providers(request.user).exists()


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_admin_menu_item")
def import_classes_menu_item():
    return EditorMenuItem(
        _("Import classes"), reverse("finder_import_classes"), name="import-classes", icon_name="upload", order=220
    )


@hooks.register("register_admin_menu_item")
def set_up_provider_menu_item():
    return CoordinatorMenuItem(
        _("Set up a provider"), reverse("finder_set_up_provider"), name="set-up-provider", icon_name="group", order=230
    )


@hooks.register("register_admin_menu_item")
def awaiting_approval_menu_item():
    return CoordinatorMenuItem(
        _("Awaiting approval"),
        reverse("finder_awaiting_approval"),
        name="awaiting-approval",
        icon_name="tasks",
        order=210,
    )


@hooks.register("register_reports_menu_item")
def stale_listings_menu_item():
    return EditorMenuItem(
        _("Listings not checked recently"),
        reverse("finder_stale_listings"),
        name="stale-listings",
        icon_name="time",
        order=50,
    )


def _still_correct_button(page, user, next_url, priority):
    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if not isinstance(page, ClassPage | WorkplaceOfferPage) or not page.permissions_for_user(user).can_edit():
        return []
    url = reverse("finder_still_correct", args=[page.pk])
    return [
        Button(
            _("Still correct"),
            url=url,
            icon_name="check",
            priority=priority,
            attrs={
                "data-controller": "w-action",
                "data-action": "w-action#post",
                "data-w-action-url-value": url,
                "title": _("Confirm this listing is still correct today"),
            },
        )
    ]


@hooks.register("register_page_listing_more_buttons")
def still_correct_listing_button(page, user, next_url=None):
    yield from _still_correct_button(page, user, next_url, priority=5)


@hooks.register("register_page_header_buttons")
def still_correct_header_button(page, user, view_name, next_url=None):
    yield from _still_correct_button(page, user, next_url, priority=12)


# After Wagtail's own (order 0), so these replace its bulk actions for pages, venues and enquiries.
for bulk_action in [*boundary.PAGE_BULK_ACTIONS, boundary.BoundedSnippetDeleteBulkAction]:
    hooks.register("register_bulk_action", bulk_action, order=1)

# Submit for approval (pages); Approve and Request changes (on the coordinators' "Awaiting approval" listing).
for bulk_action in bulk_approval.BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action, order=1)


@hooks.register("register_admin_viewset")
def register_provider_page_viewsets():
    return [boundary.ProviderPagesViewSet(model=model) for model in (ProviderPage, ClassPage, WorkplaceOfferPage)]


@hooks.register("construct_page_chooser_queryset")
def choose_only_visible_pages(pages, request):
    return boundary.pages_to_choose(pages, request.user)


@hooks.register("register_log_actions")
def register_still_correct_log_action(actions):
    actions.register_action(STILL_CORRECT_ACTION, _("Confirmed still correct"), _("Listing confirmed still correct"))
