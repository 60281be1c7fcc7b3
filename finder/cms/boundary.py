"""The provider boundary in Wagtail's own admin screens: reports, bulk actions and the page chooser.

Wagtail scopes pages by page permissions (and ``ProviderPagesViewSet`` closes the few page views that show a
title before checking them), but several of its screens decide what to show about snippets by
*model* permission alone: a provider's editor holds "change venue" and "change enquiry" for their own provider,
so the site history report and the bulk-action confirmation page would show every provider's venues and
learners' enquiries. Here each of those screens asks the models' permission policies
(``finder.cms.permissions.VenuePermissionPolicy``, ``finder.cms.enquiries.EnquiryPermissionPolicy``) which
rows this user may see; coordinators see every provider's records. The workflow reports are scoped in
``finder.cms.venues`` (for venues and assessment slots, the snippets with a workflow). ``finder.cms.admin_urls``
puts the reports here in front of Wagtail's own.
"""

import functools

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_list_or_404
from wagtail.admin.views.pages.bulk_actions import (
    DeleteBulkAction,
    MoveBulkAction,
    PublishBulkAction,
    UnpublishBulkAction,
)
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, Page
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDeleteBulkAction

from esolplus.roles import is_coordinator
from finder.models import AssessmentSlot, EmployerEnquiry, Enquiry, ProblemReport, Venue

BOUNDED_MODELS = (Venue, AssessmentSlot, Enquiry, EmployerEnquiry, ProblemReport)  # records of one provider
WORKFLOW_SNIPPETS = (Venue, AssessmentSlot)  # of those, the ones whose changes go through the approval workflow
ANY_ACTION = ("add", "change", "delete", "view", "publish")
MAX_ID = 2**63 - 1  # the largest id the database holds


def valid_ids(pks) -> list[int]:
    """The ids among ``pks`` (as they come in a URL) that could be a record's; anything else matches nothing,
    so a mistyped or overlong id is "not found", never a server error."""
    found = [unquote(str(pk)) for pk in pks]
    return [int(pk) for pk in found if pk.isdecimal() and int(pk) <= MAX_ID]


def visible_instances(user, model) -> QuerySet:
    """The records of a provider-bound snippet model this user may see, as its permission policy says."""
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ANY_ACTION)


def within_boundary(rows: QuerySet, user, *, content_type="content_type", object_id="object_id") -> QuerySet:
    """Drop the rows (log entries, for example) about another provider's venue or enquiry.

    ``content_type`` and ``object_id`` name the generic-relation fields of ``rows``; object ids are text there.
    """
    if is_coordinator(user):
        return rows
    for model in BOUNDED_MODELS:
        visible = visible_instances(user, model).annotate(id_text=Cast("pk", CharField())).values("id_text")
        kind = ContentType.objects.get_for_model(model)
        rows = rows.exclude(Q(**{content_type: kind}) & ~Q(**{f"{object_id}__in": visible}))
    return rows


def viewable_log_entries(log_model, user) -> QuerySet:
    entries = log_model.objects.viewable_by_user(user)
    return within_boundary(entries, user) if log_model is ModelLogEntry else entries


class SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        """Only the people whose actions this user may see (Wagtail lists everyone who ever edited a page)."""
        user_ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            user_ids.update(viewable_log_entries(log_model, self.request.user).get_user_ids())
        users = get_user_model().objects.filter(pk__in=user_ids)
        return users.order_by(get_user_model().USERNAME_FIELD)


class SiteHistoryReport(LogEntriesView):
    """Wagtail's site history, without other providers' venues and enquiries (their labels are learners'
    names)."""

    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return within_boundary(queryset, self.request.user) if queryset.model is ModelLogEntry else queryset


class PageTypesUsageReport(PageTypesUsageReportView):
    """Counts per page type for everyone; the "last edited" page only when it is one the user may explore."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        if is_coordinator(self.request.user):
            return page_types
        shown = {item.last_edited_page_id for item in page_types if item.last_edited_page_id}
        explorable = policy_registry.get_by_type(Page).explorable_instances(self.request.user)
        own = set(explorable.filter(pk__in=shown).values_list("pk", flat=True))
        for item in page_types:
            if item.last_edited_page_id not in own:
                item.last_edited_page = None
        return page_types


class VisibleSnippetsOnly:
    """A bulk action on venues or enquiries finds only the records the user may see: another provider's are
    "not found" rather than listed by name as "you don't have permission"."""

    def get_queryset(self, model, object_ids):
        return get_list_or_404(visible_instances(self.request.user, model), pk__in=valid_ids(object_ids))


class BoundedSnippetDeleteBulkAction(VisibleSnippetsOnly, SnippetDeleteBulkAction):
    models = list(BOUNDED_MODELS)

    def check_perm(self, obj):
        """A booked assessment slot is listed as one that cannot be deleted: its bookings refer to it."""
        if isinstance(obj, AssessmentSlot) and obj.bookings.exists():
            return False
        return super().check_perm(obj)


class ExplorablePagesOnly:
    """A bulk action on pages finds only pages the user may explore; Wagtail would list other providers'
    classes (drafts included) by title as "you don't have permission"."""

    def get_queryset(self, model, object_ids):
        explorable = policy_registry.get_by_type(Page).explorable_instances(self.request.user)
        return get_list_or_404(explorable, pk__in=valid_ids(object_ids))

    def get_all_objects_in_listing_query(self, parent_id):
        if parent_id is not None and not Page.objects.filter(pk__in=valid_ids([parent_id])).exists():
            raise Http404
        return super().get_all_objects_in_listing_query(parent_id)


PAGE_BULK_ACTIONS = [
    type(f"Bounded{action.__name__}", (ExplorablePagesOnly, action), {})
    for action in (DeleteBulkAction, MoveBulkAction, PublishBulkAction, UnpublishBulkAction)
]


PAGE_ID_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "pk")


def explorable_pages_only(view):
    """Wrap a page admin view so that a page the user may not explore (another provider's) is "not found".

    Wagtail checks permissions in each view, but several (the move confirmation, the workflow action and
    cancellation views, the task preview) show or flash a page's title before or without that check.
    """

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        asked = {str(kwargs[name]) for name in PAGE_ID_ARGUMENTS if name in kwargs}
        ids = set(valid_ids(asked))
        explorable = policy_registry.get_by_type(Page).explorable_instances(request.user)
        if len(ids) < len(asked) or explorable.filter(pk__in=ids).count() < len(ids):
            raise Http404
        return view(request, *args, **kwargs)

    return checked


class ProviderPagesViewSet(PageViewSet):
    """The admin views of a provider's pages (the provider, its classes and workplace offers), each behind
    ``explorable_pages_only``."""

    def get_view_by_name(self, name):
        return explorable_pages_only(super().get_view_by_name(name))


def pages_to_choose(pages: QuerySet, user) -> QuerySet:
    """The page chooser shows live pages and the user's own; never another provider's unpublished drafts."""
    if is_coordinator(user):
        return pages
    explorable = policy_registry.get_by_type(Page).explorable_instances(user)
    return pages.filter(Q(live=True) | Q(pk__in=explorable.values("pk")))
