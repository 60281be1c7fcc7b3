"""A register someone else saved while it was open, on a phone with JavaScript switched off: the tutor sees what
changed, their own change is kept, and one more press saves both (esolplus.concurrency)."""

import pytest
from django.contrib.auth import get_user_model

from devtools.evaluation_factories import CohortFactory, EnrolmentFactory, LearnerIdentityFactory, SessionFactory
from evaluation.models import Attendance, StaffAssignment
from evaluation.services import take_register
from tests.e2e.test_staff_journeys import PASSWORD, log_in
from tests.e2e.tools import save_screenshot

pytestmark = pytest.mark.usefixtures("geography")
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_without_javascript(request, chromium, live_site):
    context = chromium.new_context(viewport=PHONE, base_url=live_site, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    yield page
    try:
        save_screenshot(page, request.node.name)
    finally:
        context.close()


def test_a_register_saved_meanwhile_is_shown_and_saved_again_without_javascript(phone_without_javascript):
    page = phone_without_javascript
    cohort = CohortFactory()
    teacher = get_user_model().objects.create_user("teacher", password=PASSWORD)
    StaffAssignment.objects.create(user=teacher, provider=cohort.provider)
    learners = {}
    for name in ("Amina Yusuf", "Bilal Khan", "Chen Wei"):
        learners[name] = EnrolmentFactory(cohort=cohort)
        LearnerIdentityFactory(learner=learners[name].learner, full_name=name)
    session = SessionFactory(cohort=cohort)
    log_in(page, "teacher", next_url=f"/evaluation/sessions/{session.pk}/register/")

    take_register(None, session, {e.id: "present" for e in learners.values()} | {learners["Bilal Khan"].id: "late"})
    page.get_by_role("group", name="Chen Wei").get_by_role("radio", name="Absent", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save register").click()

    main = page.get_by_role("main")
    assert "Someone else saved this while you were working on it" in main.inner_text()
    assert "Saved by someone else: Late (it was Present when you opened the register)." in main.inner_text()
    checked = {
        name: page.locator(f"input[name='mark_{e.id}']:checked").get_attribute("value") for name, e in learners.items()
    }
    assert checked == {"Amina Yusuf": "present", "Bilal Khan": "late", "Chen Wei": "unauthorised"}  # theirs and mine
    save = page.get_by_role("button", name="Save register with my changes")
    for element in (main, save, page.get_by_role("link", name="Discard yours and keep what is saved")):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # nothing off the side of a phone

    with page.expect_navigation():
        save.click()
    assert "Register saved." in page.get_by_role("main").inner_text()
    saved = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert saved == {
        learners["Amina Yusuf"].id: "present",
        learners["Bilal Khan"].id: "late",
        learners["Chen Wei"].id: "unauthorised",
    }
