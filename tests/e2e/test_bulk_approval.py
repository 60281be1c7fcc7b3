"""A provider's editor imports two classes and submits them for approval together; a coordinator finds them in
"Awaiting approval" and approves the batch with one comment, in a real browser. The new screens (the import's
result, the coordinators' list, the bulk confirmation) pass axe and the HTML checker."""

import csv

import pytest
from wagtail.models import TaskState, WorkflowState

from devtools.factories import VenueFactory, coordinator, provider_with_editor
from finder.cms.class_import import COLUMN_NAMES
from finder.models import ClassPage
from tests.e2e.test_staff_journeys import log_in
from tests.e2e.tools import admin_html_errors, axe, require
from tests.finder.test_class_import import GOOD_ROWS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("geography")]


def settled(page):
    """Wait for Wagtail's messages to finish fading in: axe measures colours as they are at that moment."""
    page.evaluate("() => Promise.all(document.getAnimations().map(animation => animation.finished))")
    return page


@pytest.fixture
def spreadsheet(tmp_path):
    path = tmp_path / "classes.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(GOOD_ROWS)
    return path


@pytest.fixture
def alpha(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    VenueFactory(provider=setup.provider, name="Alpha Hall")
    coordinator("coord")
    return setup


def test_an_editor_submits_an_import_together_and_a_coordinator_approves_it(page, live_site, alpha, spreadsheet):
    require("axe", "java", "vnu")
    documents = {}
    log_in(page, "alpha", next_url="/admin/classes/import/")
    page.set_input_files("#id_file", str(spreadsheet))
    with page.expect_navigation():
        page.get_by_role("button", name="Check and import").click()
    assert page.url.endswith("/admin/classes/import/done/")
    assert "Entry 1 mornings" in page.inner_text("#imported-classes")
    axe(settled(page), "main")
    documents["imported classes"] = page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit these 2 classes for approval").click()
    assert "2 classes were submitted for approval." in page.inner_text("main")
    classes = list(ClassPage.objects.child_of(alpha.provider))
    assert len(classes) == 2 and all(not p.live and p.workflow_in_progress for p in classes)

    page.context.clear_cookies()
    log_in(page, "coord", next_url="/admin/approval/")
    assert "Entry 1 mornings" in page.inner_text("main") and "Online evening conversation" in page.inner_text("main")
    axe(settled(page), "main")
    documents["awaiting approval"] = page.content()
    page.locator("[data-bulk-action-select-all-checkbox]").first.check()
    with page.expect_navigation():
        page.locator("[data-bulk-action-footer] a", has_text="Approve").click()
    assert "These 2 pages will be approved and go live" in page.inner_text("main")
    axe(settled(page), "main")
    documents["approve confirmation"] = page.content()
    page.fill("#id_comment", "Checked against the prospectus.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "2 pages were approved." in page.inner_text("main")

    for class_page in classes:
        class_page.refresh_from_db()
        assert class_page.live and not class_page.has_unpublished_changes
        task_state = TaskState.objects.get(workflow_state__object_id=str(class_page.pk))
        assert task_state.comment == "Checked against the prospectus."
        assert task_state.workflow_state.status == WorkflowState.STATUS_APPROVED

    errors = admin_html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
