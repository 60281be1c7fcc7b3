"""Approval in batches: editors submit many drafts for approval at once, coordinators approve or send back many
with one comment.

Nothing here re-implements a workflow step. Submitting is what Wagtail's own "Submit for moderation" does
(``Workflow.start``, or ``WorkflowState.resume`` after "needs changes"); approving and requesting changes call the
task's own ``on_action(task_state, user, "approve" | "reject", comment=...)``, exactly as the single-page action
does, so Wagtail's log entries, notifications and comments on the task state are the same. What the batch adds:
each page is checked and locked inside one transaction (a second submit finds the first's workflow and skips the
page), and every page left out is listed with the reason.

The submit action is a page bulk action like Wagtail's Publish, behind the provider boundary (``ExplorablePagesOnly``).
Approve and "Request changes" are registered under Wagtail's ``WorkflowState`` model (the thing they change), not
``Page``: Wagtail shows a model's bulk actions to everyone who sees its listing, and only coordinators may use these,
so they appear only on the coordinators' "Awaiting approval" listing (``finder.cms.approval_views``). Their ids
are still page ids.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.models import Page, TaskState, WorkflowState

from esolplus.roles import is_coordinator
from finder.cms.boundary import ExplorablePagesOnly

NOT_EDITABLE = _("You can't edit this page.")
LOCKED = _("This page is locked.")
NO_WORKFLOW = _("This page has no approval workflow.")
IN_MODERATION = _("Already waiting for approval.")
NO_CHANGES = _("No changes to approve: the live page is the latest version.")
NOT_IN_MODERATION = _("Not waiting for approval.")
NOT_YOUR_TASK = _("Waiting for a step you can't approve.")


def submit_refusal(page: Page, user) -> str | None:
    """Why ``page`` can't be submitted for approval by ``user`` now, or None if it can."""
    permissions = page.permissions_for_user(user)
    if not permissions.can_edit():
        return str(NOT_EDITABLE)
    if page.workflow_in_progress:  # before the lock: the approval task itself locks the page for its editors
        return str(IN_MODERATION)
    if permissions.page_locked():
        return str(LOCKED)
    if page.get_workflow() is None:
        return str(NO_WORKFLOW)
    if not page.has_unpublished_changes:
        return str(NO_CHANGES)
    return None


def submit(page: Page, user) -> None:
    """Start the page's workflow, as Wagtail's editor does on "Submit for moderation"."""
    page = page.specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        page.get_workflow().start(page, user)


def moderation_refusal(page: Page, user, action: str) -> str | None:
    """Why ``user`` can't ``action`` ("approve" or "reject") the page's current task now, or None if they can."""
    task_state = page.current_workflow_task_state
    if task_state is None:
        return str(NOT_IN_MODERATION)
    if action not in {name for name, _label, _modal in task_state.task.specific.get_actions(page.specific, user)}:
        return str(NOT_YOUR_TASK)
    return None


def moderate(page: Page, user, action: str, comment: str) -> None:
    """The task's own action, with the one comment, as on the single page."""
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, user, action, comment=comment)


def locked_fresh(pages: list[Page]) -> list[Page]:
    """The pages again, their rows locked until the transaction ends and their workflow state read afresh, so two
    runs at once act on each page once (the second sees what the first did)."""
    ids = [page.pk for page in pages]
    list(Page.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    fresh = Page.objects.filter(pk__in=ids).prefetch_workflow_states().in_bulk()
    return [fresh[pk] for pk in ids if pk in fresh]


def submit_pages(pages: list[Page], user) -> tuple[list[Page], list[tuple[Page, str]]]:
    """Submit each page that may be submitted; the others come back with the reason. Call inside a transaction."""
    submitted, skipped = [], []
    for page in locked_fresh(pages):
        reason = submit_refusal(page, user)
        if reason:
            skipped.append((page, reason))
        else:
            submit(page, user)
            submitted.append(page)
    return submitted, skipped


def moderate_pages(pages: list[Page], user, action: str, comment: str) -> tuple[list[Page], list[tuple[Page, str]]]:
    """Approve or send back each page on a task this user may act on, all with ``comment``; the others come back
    with the reason. Call inside a transaction."""
    done, skipped = [], []
    for page in locked_fresh(pages):
        reason = moderation_refusal(page, user, action)
        if reason:
            skipped.append((page, reason))
        else:
            moderate(page, user, action, comment)
            done.append(page)
    return done, skipped


def awaiting_pages(user):
    """The pages whose current workflow task this user may approve (all of them for a coordinator)."""
    reviewable = TaskState.objects.reviewable_by(user)
    return Page.objects.filter(
        _workflow_states__status=WorkflowState.STATUS_IN_PROGRESS,
        _workflow_states__current_task_state__in=reviewable,
    ).distinct()


def warn_skipped(request, skipped: list[tuple[Page, str]]) -> None:
    for page, reason in skipped:
        messages.warning(
            request,
            _("Skipped “%(title)s”: %(reason)s") % {"title": page.get_admin_display_title(), "reason": reason},
        )


class SkippedWithReason:
    """A page that can't be acted on is listed as skipped, with the reason, instead of Wagtail's "you don't have
    permission"; the reasons are checked again, under lock, when the action runs."""

    default_next_url_name = "wagtailadmin_explore_root"

    def __init__(self, request, model):
        super().__init__(request, model)
        if not get_valid_next_url_from_request(request):  # Wagtail would go back to this URL, without its ids
            self.next_url = reverse(self.default_next_url_name)

    def refusal(self, page) -> str | None:
        raise NotImplementedError

    def check_perm(self, page):
        self.reasons = getattr(self, "reasons", {})
        self.reasons[page.pk] = self.refusal(page)
        return self.reasons[page.pk] is None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for item in context["items_with_no_access"]:
            item["reason"] = self.reasons.get(item["item"].pk)
        return context

    def prepare_action(self, objects, objects_without_access):
        self.skipped_before = [(page, self.reasons[page.pk]) for page in objects_without_access["items_with_no_access"]]

    def report(self, count: int, message: str) -> None:
        """What was done, then each page left out with its reason (Wagtail would show only the first)."""
        if count:
            messages.success(self.request, message)
        else:
            messages.warning(self.request, _("Nothing was changed."))
        warn_skipped(self.request, self.skipped_before + self.skipped)


class SubmitForApprovalBulkAction(SkippedWithReason, ExplorablePagesOnly, PageBulkAction):
    display_name = _("Submit for approval")
    action_type = "submit_for_approval"
    aria_label = _("Submit the selected pages for approval")
    template_name = "finder/admin/bulk_submit.html"
    action_priority = 5  # first: the one action a provider's editor uses
    form_class = forms.Form

    def refusal(self, page):
        return submit_refusal(page, self.request.user)

    def execute_action(self, objects, user=None, **kwargs):
        self.done, self.skipped = submit_pages(objects, user)
        return len(self.done), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "%(count)d page was submitted for approval.",
            "%(count)d pages were submitted for approval.",
            num_parent_objects,
        )
        return self.report(num_parent_objects, message % {"count": num_parent_objects})


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Shown with every selected page, in its workflow history."),
    )


class RequiredCommentForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].help_text = _("Say what must change. The editors see it with every selected page.")
        self.fields["comment"].error_messages["required"] = _("Write what must change before sending these back.")


class ModerationBulkAction(SkippedWithReason, ExplorablePagesOnly, PageBulkAction):
    """Approve or send back pages in moderation, one comment for all: coordinators only."""

    models = [WorkflowState]
    default_next_url_name = "finder_awaiting_approval"
    template_name = "finder/admin/bulk_moderate.html"
    workflow_action = ""  # Wagtail's task action name
    form_class = CommentForm

    def dispatch(self, request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def refusal(self, page):
        return moderation_refusal(page, self.request.user, self.workflow_action)

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Select all" on the "Awaiting approval" listing: everything it lists, searched as it searches."""
        pages = awaiting_pages(self.request.user)
        if query := self.request.GET.get("q"):
            return [page.pk for page in Page.objects.filter(pk__in=pages.values("pk")).autocomplete(query)]
        return list(pages.values_list("pk", flat=True))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}

    def execute_action(self, objects, user=None, **kwargs):
        comment = self.cleaned_form.cleaned_data["comment"]
        self.done, self.skipped = moderate_pages(objects, user, self.workflow_action, comment)
        return len(self.done), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.report(num_parent_objects, self.done_message(num_parent_objects) % {"count": num_parent_objects})


class ApproveBulkAction(ModerationBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected pages")
    action_priority = 10
    workflow_action = "approve"
    button_text = _("Approve")

    def done_message(self, count):
        return ngettext("%(count)d page was approved.", "%(count)d pages were approved.", count)


class RequestChangesBulkAction(ModerationBulkAction):
    display_name = _("Request changes")
    action_type = "request_changes"
    aria_label = _("Request changes to the selected pages")
    action_priority = 20
    workflow_action = "reject"
    form_class = RequiredCommentForm
    button_text = _("Send back for changes")

    def done_message(self, count):
        return ngettext(
            "%(count)d page was sent back for changes.", "%(count)d pages were sent back for changes.", count
        )


BULK_ACTIONS = [SubmitForApprovalBulkAction, ApproveBulkAction, RequestChangesBulkAction]
