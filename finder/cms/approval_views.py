"""The two screens that make batch approval easy to reach (the rules are in ``finder.cms.bulk_approval``).

- "Awaiting approval", for coordinators: Wagtail 8's explorer and page search have no filter for pages in
  moderation (its "Workflows" report and dashboard panel list them, but without checkboxes), so this is Wagtail's
  own page listing (``pages.listing.IndexView``: its columns, search, checkboxes and bulk-action bar) over the
  pages whose current task the coordinator may approve. Its bar offers Approve and "Request changes".
- After a class import, the classes it created or updated, with one button to submit them all for approval. The
  import keeps their ids in the session; the button posts them back, and only pages the user may explore are
  looked at (another provider's id is ignored, never shown).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.views.pages.listing import IndexView
from wagtail.models import Page, WorkflowState
from wagtail.permissions import policy_registry

from esolplus.roles import is_coordinator
from finder.cms.boundary import valid_ids
from finder.cms.bulk_approval import awaiting_pages, submit_pages, submit_refusal, warn_skipped
from finder.cms.permissions import editable_providers

IMPORTED_SESSION_KEY = "finder_imported_class_ids"


class AwaitingApprovalView(IndexView):
    """Every page waiting for a step this coordinator may approve, with Wagtail's bulk-action bar."""

    template_name = "finder/admin/awaiting_approval.html"
    index_url_name = "finder_awaiting_approval"
    index_results_url_name = "finder_awaiting_approval_results"
    page_title = gettext_lazy("Awaiting approval")
    header_icon = "tasks"
    model = Page
    default_ordering = "latest_revision_created_at"  # the longest waiting first
    # No filters: "select all" must mean every page this listing shows (search alone is repeated by the action).
    base_filterset_class = None
    list_display = []  # Wagtail's page columns (checkbox, title, parent, updated, status), as in its page search

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        explorable = self.permission_policy.explorable_instances(self.request.user)
        pages = Page.objects.filter(pk__in=awaiting_pages(self.request.user).values("pk"))
        return self.annotate_queryset(pages.filter(pk__in=explorable.values("pk")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workflow_state_opts"] = WorkflowState._meta
        return context


def imported_pages(user, ids) -> list[Page]:
    """The pages among ``ids`` this user may explore (their own provider's), by title; anything else is dropped."""
    explorable = policy_registry.get_by_type(Page).explorable_instances(user)
    pages = Page.objects.filter(pk__in=valid_ids(ids)).filter(pk__in=explorable.values("pk"))
    return list(pages.specific().order_by("title"))


def remember_import(request, page_ids: list[int]) -> None:
    request.session[IMPORTED_SESSION_KEY] = page_ids


@require_http_methods(["GET", "POST"])
def imported_classes(request):
    """GET: the classes the last import wrote, and the offer to submit them; POST: submit the ones posted."""
    if not editable_providers(request.user).exists():
        raise PermissionDenied
    if request.method == "POST":
        pages = imported_pages(request.user, request.POST.getlist("page"))
        with transaction.atomic():
            submitted, skipped = submit_pages(pages, request.user)
        if submitted:
            message = ngettext(
                "%(count)d class was submitted for approval.",
                "%(count)d classes were submitted for approval.",
                len(submitted),
            )
            messages.success(request, message % {"count": len(submitted)})
        warn_skipped(request, skipped)
        request.session.pop(IMPORTED_SESSION_KEY, None)
        parent = (submitted or [page for page, _reason in skipped] or [None])[0]
        if parent is None:
            return redirect("finder_import_classes")
        return redirect("wagtailadmin_explore", parent.get_parent().pk)
    pages = imported_pages(request.user, request.session.get(IMPORTED_SESSION_KEY, []))
    if not pages:
        return redirect("finder_import_classes")
    rows = [(page, submit_refusal(page, request.user)) for page in pages]
    ready = [page for page, reason in rows if reason is None]
    return TemplateResponse(
        request,
        "finder/admin/imported_classes.html",
        {
            "rows": rows,
            "ready": ready,
            "provider": pages[0].get_parent(),
            "page_title": _("Classes imported"),
            "header_icon": "upload",
            "submit_url": reverse("finder_imported_classes"),
        },
    )
