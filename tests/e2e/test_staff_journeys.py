"""Journeys staff take in a real browser: a provider's editor changes a class and a coordinator approves
it; provider staff take a register on a phone; an evaluator downloads a pilot's aggregate export.

The register, the export and the admin login and submission are also done with the keyboard alone
(Tab, Enter and Space; no clicks).
"""

import csv
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model

from devtools.evaluation_factories import (
    CohortFactory,
    EnrolmentFactory,
    LearnerIdentityFactory,
    PilotFactory,
    SessionFactory,
)
from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from evaluation.models import Attendance, PilotEvaluator, StaffAssignment
from finder.models import ClassPage
from tests.e2e.tools import axe, require, tab_until

pytestmark = pytest.mark.usefixtures("geography")

PASSWORD = "pw"  # set by devtools.factories.provider_with_editor and coordinator


def log_in(page, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    page.goto(f"/admin/login/?next={next_url}" if next_url else "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def log_in_with_keyboard(page, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    page.goto(f"/admin/login/?next={next_url}" if next_url else "/admin/login/")
    if not page.locator("#id_username").evaluate("el => el === document.activeElement"):  # autofocus
        tab_until(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/admin/login/" not in page.url


def press_until_focused(page, selector: str, max_tabs: int = 120) -> None:
    """Tab to an element in the Wagtail admin (whose own focus styles are not ours to check)."""
    target = page.locator(selector)
    for _press in range(max_tabs):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with {max_tabs} presses of Tab")


# Provider editor and coordinator: a change goes live only after approval.


@pytest.fixture
def alpha_class(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    venue = VenueFactory(provider=setup.provider)
    return ClassPageFactory(venue=venue, parent=setup.provider, title="Alpha mornings")


@pytest.fixture
def coordinator_login(db):
    """Made before the browser starts: a write from the test thread while the live server is answering
    the browser's background requests can find an SQLite table locked."""
    return coordinator("coord")


def test_editor_submits_a_class_change_and_a_coordinator_approves_it(
    page, chromium, live_site, alpha_class, coordinator_login
):
    log_in(page, "alpha")
    page.goto(f"/admin/pages/{alpha_class.pk}/edit/")
    page.fill("#id_title", "Alpha mornings, new times")
    with page.expect_navigation():
        page.locator("button[name='action-submit']").dispatch_event("click")
    assert ClassPage.objects.get(pk=alpha_class.pk).title == "Alpha mornings"
    assert page.goto(alpha_class.url).ok
    assert "Alpha mornings, new times" not in page.content()

    coordinator_context = chromium.new_context(base_url=live_site, locale="en-GB")
    try:
        coordinator_page = coordinator_context.new_page()
        log_in(coordinator_page, coordinator_login.username, next_url=f"/admin/pages/{alpha_class.pk}/edit/")
        with coordinator_page.expect_navigation():
            coordinator_page.locator(
                "[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
            ).first.dispatch_event("click")
    finally:
        coordinator_context.close()
    live = ClassPage.objects.get(pk=alpha_class.pk)
    assert live.title == "Alpha mornings, new times" and not live.has_unpublished_changes

    page.context.clear_cookies()
    page.goto(live.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Alpha mornings, new times"


def test_editor_logs_in_and_submits_for_approval_with_the_keyboard_alone(page, alpha_class):
    log_in_with_keyboard(page, "alpha", next_url=f"/admin/pages/{alpha_class.pk}/edit/")
    assert f"/admin/pages/{alpha_class.pk}/edit/" in page.url
    press_until_focused(page, "#id_title")
    page.keyboard.press("End")
    page.keyboard.type(", new times")
    submit = page.locator("button[name='action-submit']")
    for _press in range(400):  # Tab to the footer's action menu, open it with Enter, Tab to "Submit"
        page.keyboard.press("Tab")
        if submit.evaluate("el => el === document.activeElement"):
            break
        if page.evaluate("() => document.activeElement.matches('footer [aria-expanded=\"false\"]')"):
            page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    state = ClassPage.objects.get(pk=alpha_class.pk).current_workflow_state
    assert state is not None and state.workflow.name == "ESOL coordinator approval"
    assert ClassPage.objects.get(pk=alpha_class.pk).get_latest_revision_as_object().title == (
        "Alpha mornings, new times"
    )


# Provider staff take a register on a phone.


@pytest.fixture
def register_session(db):
    cohort = CohortFactory()
    staff = get_user_model().objects.create_user("teacher", password=PASSWORD)
    StaffAssignment.objects.create(user=staff, provider=cohort.provider)
    enrolments = []
    for name in ("Amina Yusuf", "Bilal Khan", "Chen Wei"):
        enrolment = EnrolmentFactory(cohort=cohort)
        LearnerIdentityFactory(learner=enrolment.learner, full_name=name)
        enrolments.append(enrolment)
    return SessionFactory(cohort=cohort), enrolments


def marks(session) -> dict[str, str]:
    return {
        a.enrolment.learner.identity.full_name: a.status
        for a in Attendance.objects.filter(session=session).select_related("enrolment__learner__identity")
    }


def test_staff_take_a_register_on_a_phone(page, register_session):
    session, _enrolments = register_session
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, "teacher", next_url=f"/evaluation/sessions/{session.pk}/register/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Register")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    require("axe")
    axe(page)
    page.get_by_role("group", name="Bilal Khan").get_by_role("radio", name="Late").check()
    page.get_by_role("group", name="Chen Wei").get_by_role("radio", name="Absent", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save register").click()
    assert "Register saved." in page.get_by_role("main").inner_text()
    assert marks(session) == {"Amina Yusuf": "present", "Bilal Khan": "late", "Chen Wei": "unauthorised"}


def test_staff_take_a_register_with_the_keyboard_alone(page, register_session):
    session, enrolments = register_session
    page.set_viewport_size({"width": 360, "height": 740})
    log_in_with_keyboard(page, "teacher", next_url=f"/evaluation/sessions/{session.pk}/register/")
    # Tab stops once per learner, on the checked mark; within a radio group the browser's arrow keys
    # choose another mark (there is no Tab stop per option), then Space presses "Save register".
    bilal = enrolments[1]
    tab_until(page, f"input[name='mark_{bilal.id}']:checked")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.value") == "late"
    tab_until(page, "form.register button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "Register saved." in page.get_by_role("main").inner_text()
    assert marks(session)["Bilal Khan"] == "late"
    assert marks(session)["Amina Yusuf"] == "present"


# An evaluator downloads a pilot's aggregate export.


@pytest.fixture
def evaluated_pilot(db):
    """A pilot with one large and one small group, so that the export both rounds and suppresses."""
    pilot = PilotFactory(slug="pilot-e2e")
    for size in (17, 3):
        cohort = CohortFactory(pilot=pilot)
        session = SessionFactory(cohort=cohort)
        for _learner in range(size):
            enrolment = EnrolmentFactory(cohort=cohort)
            Attendance.objects.create(enrolment=enrolment, session=session, status=Attendance.Status.PRESENT)
    evaluator = get_user_model().objects.create_user("evaluator", password=PASSWORD)
    PilotEvaluator.objects.create(user=evaluator, pilot=pilot)
    return pilot


def assert_disclosure_controlled(download) -> None:
    with zipfile.ZipFile(download.path()) as archive:
        assert "indicators.csv" in archive.namelist()
        rows = list(csv.DictReader(io.StringIO(archive.read("indicators.csv").decode("utf-8-sig"))))
    counts = [row[column] for row in rows for column in ("numerator", "denominator") if row[column] != ""]
    assert counts and all(value == "[c]" or int(value) % 5 == 0 for value in counts)
    assert "[c]" in counts  # the group of 3 is hidden
    assert any(value not in ("[c]", "0") for value in counts)


def test_evaluator_downloads_the_aggregate_export_from_the_dashboard(page, evaluated_pilot):
    log_in(page, "evaluator", next_url=f"/evaluation/pilots/{evaluated_pilot.slug}/")
    assert evaluated_pilot.name in page.get_by_role("heading", level=1).inner_text()
    require("axe")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Indicators with disclosure control (CSV)").click()
    assert download.value.suggested_filename.startswith("pilot-e2e-aggregate-")
    assert_disclosure_controlled(download.value)


def test_evaluator_downloads_the_export_with_the_keyboard_alone(page, evaluated_pilot):
    log_in_with_keyboard(page, "evaluator", next_url=f"/evaluation/pilots/{evaluated_pilot.slug}/")
    tab_until(page, "a[href*='level=aggregate']", max_tabs=120)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert_disclosure_controlled(download.value)
