"""Every staff screen renders for each role that may use it: 200 (or the expected redirect, 405 for a
POST-only URL), never a server error.

The admin list is the screens coordinators and provider editors work in (dashboard, explorer, page edit for
a provider, class and workplace offer, venues, enquiries, every report, import, set-up, "still correct");
the evaluation list is read from evaluation/urls.py, as tests/evaluation/test_permission_matrix.py does, so
a new screen must be added here too. The refused side is tested in test_provider_boundary.py and the matrix.
"""

import pytest
from django.urls import URLPattern, reverse

from devtools.evaluation_factories import (
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    LearnerIdentityFactory,
    PilotFactory,
    SessionFactory,
)
from devtools.factories import (
    ClassPageFactory,
    EnquiryFactory,
    VenueFactory,
    WorkplaceOfferPageFactory,
    coordinator,
    provider_with_editor,
)
from evaluation import urls as evaluation_urlconf
from evaluation.models import PilotEvaluator, StaffAssignment
from evaluation.services.releases import publish_release
from finder.cms.providers import ensure_coordination
from tests.evaluation.learner_records import learner_records

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def site(db, django_user_model):
    ensure_coordination()
    setup = provider_with_editor("Alder Learning", "alder")
    provider = setup.provider
    venue = VenueFactory(provider=provider, name="Alder Hall")
    class_page = ClassPageFactory(venue=venue, parent=provider, title="Alder class")
    offer = WorkplaceOfferPageFactory(parent=provider, title="Alder at work")
    enquiry = EnquiryFactory(class_page=class_page, name="Amina Enquirer")
    pilot = PilotFactory(slug="pilot-a")
    cohort = CohortFactory(pilot=pilot, class_page=class_page)
    enrolment = EnrolmentFactory(cohort=cohort)
    LearnerIdentityFactory(learner=enrolment.learner, full_name="Amina Learner")
    staff = django_user_model.objects.create_user("staff", password="pw")
    StaffAssignment.objects.create(user=staff, provider=provider)
    evaluator = django_user_model.objects.create_user("evaluator", password="pw")
    PilotEvaluator.objects.create(user=evaluator, pilot=pilot)
    return {
        "users": {"coordinator": coordinator("coord"), "editor": setup.editor, "staff": staff, "evaluator": evaluator},
        "provider": provider,
        "index": provider.get_parent(),
        "venue": venue,
        "class": class_page,
        "offer": offer,
        "enquiry": enquiry,
        "pilot": pilot,
        "cohort": cohort,
        "enrolment": enrolment,
        "session": SessionFactory(cohort=cohort),
        "goal": GoalFactory(enrolment=enrolment),
    }


# Wagtail sends everyone from the explorer's root to the highest page they may explore, and an editor from
# the provider index (above their provider) to their provider.
REDIRECTS = {"coordinator": {"explorer"}, "editor": {"explorer", "explore index"}}


def admin_urls(site) -> dict[str, str]:
    """The admin screens both coordinators and provider editors use."""
    pages = {"provider": site["provider"], "class": site["class"], "offer": site["offer"]}
    urls = {
        "dashboard": reverse("wagtailadmin_home"),
        "explorer": reverse("wagtailadmin_explore_root"),
        "explore index": reverse("wagtailadmin_explore", args=[site["index"].pk]),
        "explore provider": reverse("wagtailadmin_explore", args=[site["provider"].pk]),
        "search": reverse("wagtailadmin_pages:search") + "?q=Alder",
        "add a class": reverse("wagtailadmin_pages:add", args=["finder", "classpage", site["provider"].pk]),
        "import": reverse("finder_import_classes"),
        "import template csv": reverse("finder_import_template", args=["csv"]),
        "import template xlsx": reverse("finder_import_template", args=["xlsx"]),
        "stale listings": reverse("finder_stale_listings"),
        "stale listings csv": reverse("finder_stale_listings") + "?export=csv",
        "page chooser": reverse("wagtailadmin_choose_page_child", args=[site["provider"].pk]),
    }
    for kind, page in pages.items():
        for view in ("edit", "history", "workflow_history", "preview_on_edit"):
            urls[f"{kind} {view}"] = reverse(f"wagtailadmin_pages:{view}", args=[page.pk])
    for kind in ("class", "offer"):
        urls[f"{kind} still correct"] = reverse("finder_still_correct", args=[pages[kind].pk])
    for model, views in (("venue", ("edit", "history", "usage")), ("enquiry", ("edit", "inspect", "history", "usage"))):
        record = site[model]
        urls[f"{model} list"] = reverse(f"wagtailsnippets_finder_{model}:list")
        urls[f"{model} chooser"] = reverse(f"wagtailsnippetchoosers_finder_{model}:choose")
        for view in views:
            urls[f"{model} {view}"] = reverse(f"wagtailsnippets_finder_{model}:{view}", args=[record.pk])
    enquiries = reverse("wagtailsnippets_finder_enquiry:list")
    urls["enquiry search"] = enquiries + "?q=Amina"
    urls["enquiry filters"] = enquiries + f"?status=new&class_page={site['class'].pk}&age=6&assigned=nobody"
    urls["enquiry export csv"] = enquiries + "?export=csv"
    urls["enquiry export xlsx"] = enquiries + "?export=xlsx"
    urls["venue add"] = reverse("wagtailsnippets_finder_venue:add")
    urls["venue search"] = reverse("wagtailsnippets_finder_venue:list") + "?q=Alder"
    for report in ("site_history", "aging_pages", "workflow", "workflow_tasks", "page_types_usage"):
        urls[report] = reverse(f"wagtailadmin_reports:{report}")
    return urls


def coordinator_admin_urls(site) -> dict[str, str]:
    """Screens only coordinators use: set-up, locked pages, the pilot evaluation's admin."""
    urls = {
        "set up a provider": reverse("finder_set_up_provider"),
        "locked pages": reverse("wagtailadmin_reports:locked_pages"),
        "site history csv": reverse("wagtailadmin_reports:site_history") + "?export=csv",
        "overdue enquiries": reverse("finder_overdue_enquiries"),
        "overdue enquiries csv": reverse("finder_overdue_enquiries") + "?export=csv",
        "awaiting approval": reverse("finder_awaiting_approval"),
        "awaiting approval results": reverse("finder_awaiting_approval_results") + "?q=Alder",
    }
    for name in ("pilots", "cohorts", "evaluators", "provider_staff", "audit_log", "exports"):
        urls[name] = reverse(f"evaluation_{name}:index")
    urls["edit a pilot"] = reverse("evaluation_pilots:edit", args=[site["pilot"].pk])
    urls["edit a cohort"] = reverse("evaluation_cohorts:edit", args=[site["cohort"].pk])
    return urls


@pytest.mark.parametrize("role", ["coordinator", "editor"])
def test_admin_screens_render_for_coordinators_and_editors(client, site, role):
    urls = admin_urls(site)
    if role == "coordinator":
        urls |= coordinator_admin_urls(site)
    client.force_login(site["users"][role])
    failures = []
    for name, url in urls.items():
        status = client.get(url).status_code
        if status != (302 if name in REDIRECTS[role] else 200):
            failures.append(f"{role}: {name} {url} -> {status}")
    assert not failures, failures


def test_enquiry_edit_page_opens_from_the_providers_email(client, site):
    """The link in the new-enquiry email; it was a server error for every role."""
    url = reverse("wagtailsnippets_finder_enquiry:edit", args=[site["enquiry"].pk])
    for role in ("coordinator", "editor"):
        client.force_login(site["users"][role])
        response = client.get(url)
        assert response.status_code == 200 and "Amina Enquirer" in response.text, role
        site["enquiry"].refresh_from_db()  # the version the screen was based on: the other role saved first
        saved = client.post(url, {"status": "contacted", "based_on": site["enquiry"].version})
        assert saved.status_code == 302 and saved.url == reverse("wagtailsnippets_finder_enquiry:list"), role


# Who uses each evaluation screen, and how: the GET status (405 for POST-only screens) and, for those,
# the status of a POST with the data given.
POST_ONLY = {
    "schedule": ({}, 302),
    "erase": ({}, 302),
    "publish": ({"action": "publish", "based_on": "1"}, 302),
}
EVALUATION_USERS = {
    "home": ("coordinator", "staff", "evaluator"),
    "cohort": ("coordinator", "staff"),
    "enrol": ("coordinator", "staff"),
    "schedule": ("coordinator", "staff"),
    "import": ("coordinator", "staff"),
    "register": ("coordinator", "staff"),
    "enrolment": ("coordinator", "staff"),
    "rate_goal": ("coordinator", "staff"),
    "survey": ("coordinator", "staff"),
    "outcome": ("coordinator", "staff"),
    "identity": ("staff",),
    "subject_access": ("staff",),
    "erase": ("staff",),
    "withdraw_consent": ("staff",),
    "survey_due": ("coordinator", "staff"),
    "invite_survey": ("coordinator", "staff"),
    "comparison_due": ("coordinator",),  # staff: only with comparison-group members of their provider
    "add_session": ("coordinator", "staff"),
    "change_session": ("coordinator", "staff"),
    **{
        f"correct_{kind}": ("coordinator", "staff") for kind in ("enrolment", "assessment", "goal", "survey", "outcome")
    },
    **{f"delete_{kind}": ("coordinator",) for kind in ("enrolment", "assessment", "goal", "survey", "outcome")},
    "dashboard": ("coordinator", "evaluator"),
    "indicator_definitions": ("coordinator", "evaluator"),
    "export": ("coordinator", "evaluator"),
    "publish": ("coordinator",),
    "comparison": ("coordinator", "staff", "evaluator"),
    "comparison_add": ("coordinator", "staff"),
    "results": ("coordinator", "staff", "evaluator"),
    "results_csv": ("coordinator", "staff", "evaluator"),
    "results_version": ("coordinator", "staff", "evaluator"),
    "results_version_csv": ("coordinator", "staff", "evaluator"),
    "boroughs": ("coordinator",),
    "boroughs_csv": ("coordinator",),
    "evidence": ("coordinator", "staff", "evaluator"),
    "evidence_csv": ("coordinator", "staff", "evaluator"),
    "funnel": ("coordinator", "staff"),  # staff: their own providers' figures (tests/evaluation/test_funnel_views.py)
    "funnel_csv": ("coordinator", "staff"),
    "public_funnel": ("coordinator", "staff", "evaluator"),
    "public_funnel_csv": ("coordinator", "staff", "evaluator"),
}


def evaluation_urls(site) -> dict[str, str]:
    values = {
        "cohort_id": site["cohort"].pk,
        "session_id": site["session"].pk,
        "enrolment_id": site["enrolment"].pk,
        "goal_id": site["goal"].pk,
        "learner_id": site["enrolment"].learner_id,
        **learner_records(site["enrolment"]),
        "slug": site["pilot"].slug,
        "version": 1,
    }
    urls = {}
    for pattern in evaluation_urls_module_patterns():
        names = set(pattern.pattern.converters)
        assert names <= set(values), f"give test_staff_urls a value for evaluation:{pattern.name} ({names})"
        urls[pattern.name] = reverse(f"evaluation:{pattern.name}", kwargs={n: values[n] for n in names})
    return urls


def evaluation_urls_module_patterns() -> list[URLPattern]:
    return [p for p in evaluation_urlconf.urlpatterns if isinstance(p, URLPattern)]


def test_every_evaluation_url_has_its_users_here():
    assert {p.name for p in evaluation_urls_module_patterns()} == set(EVALUATION_USERS)


@pytest.mark.parametrize("role", ["coordinator", "staff", "evaluator"])
def test_evaluation_screens_render_for_each_role_that_uses_them(client, site, role):
    publish_release(site["pilot"], None, based_on=0)  # so the results pages exist
    user = site["users"][role]
    client.force_login(user)
    failures = []
    urls = evaluation_urls(site)
    for name in sorted(urls, key=lambda n: n == "erase"):  # erasing last: the identity screens need it
        if role not in EVALUATION_USERS[name]:
            continue
        url = urls[name]
        if name in POST_ONLY:
            data, expected = POST_ONLY[name]
            got = (client.get(url).status_code, client.post(url, data).status_code)
            if got != (405, expected):
                failures.append(f"{role}: {name} {url} GET/POST -> {got}")
            continue
        queries = [""]
        if name == "export":
            queries = [f"?level={level}&format={fmt}" for level in ("record", "aggregate") for fmt in ("csv", "xlsx")]
        for query in queries:
            status = client.get(url + query).status_code
            if status != 200:
                failures.append(f"{role}: {name} {url}{query} -> {status}")
    assert not failures, failures


def test_editors_without_a_staff_assignment_are_refused_evaluation_not_broken(client, site):
    client.force_login(site["users"]["editor"])
    assert client.get(reverse("evaluation:home")).status_code == 403
