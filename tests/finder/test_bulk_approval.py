"""Approval in batches: imported drafts go for approval together; a coordinator approves or sends back a batch with
one comment, through Wagtail's own workflow (its log entries and task-state comments), within the provider
boundary."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState

from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from finder.models import ClassPage
from tests.concurrency import at_the_same_moment, connections_that_wait  # noqa: F401 (a fixture)
from tests.finder.test_class_import import GOOD_ROWS, csv_file
from tests.finder.test_provider_boundary import refused

pytestmark = pytest.mark.usefixtures("geography")

SUBMIT = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "submit_for_approval"])
APPROVE = reverse("wagtail_bulk_action", args=["wagtailcore", "workflowstate", "approve"])
REQUEST_CHANGES = reverse("wagtail_bulk_action", args=["wagtailcore", "workflowstate", "request_changes"])


def with_ids(url: str, pages) -> str:
    return url + "?" + "&".join(f"id={page.pk}" for page in pages)


def draft(setup, title: str) -> ClassPage:
    """A live class with a change saved as a draft by its editor (waiting for nobody yet)."""
    page = ClassPageFactory(parent=setup.provider, venue=VenueFactory(provider=setup.provider), title=title)
    page.title = f"{title}, new times"
    page.save_revision(user=setup.editor)
    return ClassPage.objects.get(pk=page.pk)


def states(page) -> list[str]:
    return list(WorkflowState.objects.filter(object_id=str(page.pk)).values_list("status", flat=True))


@pytest.fixture
def alpha(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    VenueFactory(provider=setup.provider, name="Alpha Hall")
    return setup


@pytest.fixture
def beta(db):
    return provider_with_editor("Beta Birch Learning", "beta")


@pytest.fixture
def submitted(client, alpha):
    """Three of Alpha's changes, submitted together by Alpha's editor."""
    pages = [draft(alpha, f"Alpha class {n}") for n in range(3)]
    client.force_login(alpha.editor)
    assert client.post(with_ids(SUBMIT, pages)).status_code == 302
    client.logout()
    return pages


def test_an_editor_imports_then_submits_the_imported_classes_together(client, alpha):
    client.force_login(alpha.editor)
    data = {"provider": alpha.provider.pk, "file": csv_file(GOOD_ROWS)}
    response = client.post(reverse("finder_import_classes"), data)
    assert response.status_code == 302 and response.url == reverse("finder_imported_classes")
    screen = client.get(response.url)
    assert screen.status_code == 200
    assert "Entry 1 mornings" in screen.text and "Online evening conversation" in screen.text
    assert "Submit these 2 classes for approval" in screen.text
    imported = list(ClassPage.objects.child_of(alpha.provider))
    assert all(states(page) == [] for page in imported)  # the import alone starts nothing

    done = client.post(reverse("finder_imported_classes"), {"page": [page.pk for page in imported]})
    assert done.status_code == 302 and done.url == reverse("wagtailadmin_explore", args=[alpha.provider.pk])
    for page in imported:
        assert states(page) == [WorkflowState.STATUS_IN_PROGRESS]
        assert not Page.objects.get(pk=page.pk).live
        assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.start", user=alpha.editor).exists()


def test_the_bulk_action_submits_together_and_lists_what_it_skips(client, alpha):
    changed = [draft(alpha, "Alpha one"), draft(alpha, "Alpha two")]
    unchanged = ClassPageFactory(parent=alpha.provider, venue=VenueFactory(provider=alpha.provider), title="Alpha live")
    client.force_login(alpha.editor)
    confirm = client.get(with_ids(SUBMIT, [*changed, unchanged]))
    assert confirm.status_code == 200
    assert "Submit 2 pages for approval" in confirm.text
    assert "Alpha live" in confirm.text and "No changes to approve" in confirm.text
    response = client.post(with_ids(SUBMIT, [*changed, unchanged]), follow=True)
    assert "2 pages were submitted for approval." in response.text
    assert [states(page) for page in changed] == [[WorkflowState.STATUS_IN_PROGRESS]] * 2
    assert states(unchanged) == []


def test_a_double_submit_starts_each_workflow_once(client, alpha, submitted):
    client.force_login(alpha.editor)
    again = client.post(with_ids(SUBMIT, submitted), follow=True)
    assert "Nothing was changed." in again.text and "Already waiting for approval." in again.text
    assert client.post(reverse("finder_imported_classes"), {"page": [p.pk for p in submitted]}).status_code == 302
    for page in submitted:
        assert states(page) == [WorkflowState.STATUS_IN_PROGRESS]
        assert TaskState.objects.filter(workflow_state__object_id=str(page.pk)).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("connections_that_wait")
def test_two_submits_at_the_same_moment_start_each_workflow_once(alpha):
    """A double click, or two editors at once: each page is checked again under lock, so the second run finds the
    first's workflow (run on PostgreSQL too, where the second really waits on the rows)."""
    pages = [draft(alpha, f"Alpha class {n}") for n in range(2)]
    first, second = Client(), Client()
    first.force_login(alpha.editor)
    second.force_login(alpha.editor)
    url = with_ids(SUBMIT, pages)
    results = at_the_same_moment(lambda: first.post(url), lambda: second.post(url))
    assert all(not isinstance(result, Exception) for result in results), results
    assert [result.status_code for result in results] == [302, 302]
    for page in pages:
        assert states(page) == [WorkflowState.STATUS_IN_PROGRESS]


def test_another_providers_page_id_is_refused_and_never_shown(client, alpha, beta):
    theirs = draft(beta, "Birch class")
    ours = draft(alpha, "Alpha class")
    client.force_login(alpha.editor)
    assert client.get(with_ids(SUBMIT, [theirs])).status_code == 404
    mixed = client.get(with_ids(SUBMIT, [ours, theirs]))
    assert mixed.status_code == 200 and "Alpha class" in mixed.text and "Birch" not in mixed.text
    client.post(with_ids(SUBMIT, [ours, theirs]))
    client.post(reverse("finder_imported_classes"), {"page": [theirs.pk, theirs.pk + 1000, "x", 2**70]})
    assert states(theirs) == [] and states(ours) == [WorkflowState.STATUS_IN_PROGRESS]
    client.force_login(alpha.editor)
    session = client.session
    session["finder_imported_class_ids"] = [theirs.pk]  # a stale or planted id is not shown either
    session.save()
    screen = client.get(reverse("finder_imported_classes"))
    assert screen.status_code == 302 and "Birch" not in screen.content.decode()


def test_editors_cannot_approve_or_see_the_awaiting_approval_list(client, alpha, submitted):
    client.force_login(alpha.editor)
    for url in (APPROVE, REQUEST_CHANGES):
        assert refused(client.get(with_ids(url, submitted)))
        assert refused(client.post(with_ids(url, submitted), {"comment": "Fine by me"}))
    assert refused(client.get(reverse("finder_awaiting_approval")))
    home = client.get(reverse("wagtailadmin_home")).text
    assert reverse("finder_awaiting_approval") not in home
    explorer = client.get(reverse("wagtailadmin_explore", args=[alpha.provider.pk])).text
    assert "Submit for approval" in explorer and APPROVE not in explorer and REQUEST_CHANGES not in explorer
    assert all(states(page) == [WorkflowState.STATUS_IN_PROGRESS] for page in submitted)


def test_a_coordinator_finds_everything_awaiting_approval_in_one_list(client, alpha, beta, submitted):
    other = draft(beta, "Birch class")
    not_submitted = draft(alpha, "Alpha draft only")
    client.force_login(beta.editor)
    client.post(with_ids(SUBMIT, [other]))
    client.force_login(coordinator("coord"))
    for url in (reverse("finder_awaiting_approval"), reverse("finder_awaiting_approval_results")):
        listing = client.get(url)
        assert listing.status_code == 200
        for page in [*submitted, other]:
            assert f'data-object-id="{page.pk}"' in listing.text
        assert f'data-object-id="{not_submitted.pk}"' not in listing.text
    full = client.get(reverse("finder_awaiting_approval")).text
    assert APPROVE in full and REQUEST_CHANGES in full and SUBMIT not in full
    assert reverse("finder_awaiting_approval") in client.get(reverse("wagtailadmin_home")).text  # in the menu


def test_a_coordinator_approves_a_batch_with_one_comment(client, alpha, submitted):
    user = coordinator("coord")
    client.force_login(user)
    confirm = client.get(with_ids(APPROVE, submitted))
    assert confirm.status_code == 200 and "These 3 pages will be approved and go live" in confirm.text
    response = client.post(with_ids(APPROVE, submitted), {"comment": "Checked against the prospectus."}, follow=True)
    assert "3 pages were approved." in response.text
    for page in submitted:
        live = ClassPage.objects.get(pk=page.pk)
        assert live.live and live.title.endswith("new times") and not live.has_unpublished_changes
        assert states(page) == [WorkflowState.STATUS_APPROVED]
        task_state = TaskState.objects.get(workflow_state__object_id=str(page.pk))
        assert (task_state.status, task_state.finished_by, task_state.comment) == (
            TaskState.STATUS_APPROVED,
            user,
            "Checked against the prospectus.",
        )
        entry = PageLogEntry.objects.get(page=page, action="wagtail.workflow.approve")
        assert entry.user == user and entry.data["comment"] == "Checked against the prospectus."


def test_a_coordinator_sends_a_batch_back_with_one_comment(client, alpha, submitted):
    client.force_login(coordinator("coord"))
    response = client.post(with_ids(REQUEST_CHANGES, submitted), {"comment": "Add the fee for each term."}, follow=True)
    assert "3 pages were sent back for changes." in response.text
    for page in submitted:
        stored = ClassPage.objects.get(pk=page.pk)
        assert not stored.title.endswith("new times") and stored.has_unpublished_changes
        assert states(page) == [WorkflowState.STATUS_NEEDS_CHANGES]
        task_state = TaskState.objects.get(workflow_state__object_id=str(page.pk))
        assert (task_state.status, task_state.comment) == (TaskState.STATUS_REJECTED, "Add the fee for each term.")
        assert PageLogEntry.objects.get(page=page, action="wagtail.workflow.reject").data["comment"]

    # the editor changes nothing more and submits again: the same workflow resumes, as in Wagtail's editor
    client.force_login(alpha.editor)
    client.post(with_ids(SUBMIT, submitted[:1]))
    assert states(submitted[0]) == [WorkflowState.STATUS_IN_PROGRESS]


def test_sending_back_without_a_comment_is_refused_with_a_clear_message(client, alpha, submitted):
    client.force_login(coordinator("coord"))
    response = client.post(with_ids(REQUEST_CHANGES, submitted), {"comment": "  "})
    assert response.status_code == 200 and "Write what must change before sending these back." in response.text
    assert all(states(page) == [WorkflowState.STATUS_IN_PROGRESS] for page in submitted)


def test_pages_not_in_moderation_are_skipped(client, alpha, submitted):
    not_submitted = draft(alpha, "Alpha draft only")
    client.force_login(coordinator("coord"))
    pages = [*submitted, not_submitted]
    confirm = client.get(with_ids(APPROVE, pages))
    assert "These 3 pages" in confirm.text and "Alpha draft only" in confirm.text
    assert "Not waiting for approval." in confirm.text
    response = client.post(with_ids(APPROVE, pages), {"comment": ""}, follow=True)
    assert "3 pages were approved." in response.text and "Skipped “Alpha draft only" in response.text
    assert states(not_submitted) == [] and not ClassPage.objects.get(pk=not_submitted.pk).title.endswith("new times")
    again = client.post(with_ids(APPROVE, submitted), {"comment": ""}, follow=True)  # approved already: skipped
    assert "Nothing was changed." in again.text
    assert all(states(page) == [WorkflowState.STATUS_APPROVED] for page in submitted)


def test_select_all_on_the_awaiting_list_means_what_it_lists(client, alpha, submitted):
    not_submitted = draft(alpha, "Alpha draft only")
    client.force_login(coordinator("coord"))
    client.post(APPROVE + "?id=all", {"comment": "All good."})
    assert all(states(page) == [WorkflowState.STATUS_APPROVED] for page in submitted)
    assert states(not_submitted) == []
