"""Every public page type is valid HTML (Nu HTML Checker), in English and in Arabic."""

import pytest

from tests.e2e import tools
from tests.e2e.pages import LANGUAGES, PUBLIC_PAGES
from tests.e2e.tools import admin_html_errors, html_errors, require


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_valid_html(request, client, language):
    """All pages go to one run of the checker, so the Java start-up is paid once per language."""
    require("java", "vnu")
    client.cookies["django_language"] = language
    documents = {}
    for public_page in PUBLIC_PAGES:
        if public_page.geography:
            request.getfixturevalue("geography")
        response = client.get(public_page.url(), follow=True)  # the cookie sends learner pages to /ar/...
        assert response.status_code == public_page.status, public_page
        documents[public_page.name] = response.content.decode()
    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())


def test_the_checker_reports_invalid_html():
    require("java", "vnu")
    valid = '<!DOCTYPE html><html lang="en"><head><title>ok</title></head><body><p>Hi</p></body></html>'
    invalid = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div id="a" id="a"></p></body>'
    errors = html_errors({"valid": valid, "invalid": invalid})
    assert list(errors) == ["invalid"]
    assert any("Duplicate attribute" in error for error in errors["invalid"])


def test_missing_tools_skip_locally_but_fail_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(tools, "VNU_JAR", tmp_path / "missing.jar")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="missing vnu: run scripts/ci-browser-setup"):
        tools.require("vnu")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        tools.require("vnu")


@pytest.mark.django_db
def test_the_login_security_pages_are_valid_html(client, settings):
    """The lockout page, and the two-step login pages (set-up, code, backup codes, turn off), with and without
    errors."""
    require("java", "vnu")
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = get_user_model().objects.create_superuser("editor", "editor@example.org", "right-password-1")
    documents = {}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    documents["locked-out"] = locked.content.decode()
    client.force_login(staff)
    documents["two-factor-profile"] = client.get("/account/two_factor/").content.decode()
    documents["two-factor-setup"] = client.get("/account/two_factor/setup/").content.decode()
    documents["two-factor-setup-wrong-code"] = client.post(
        "/account/two_factor/setup/", {"setup_view-current_step": "generator", "generator-token": "12"}
    ).content.decode()
    device = TOTPDevice.objects.create(user=staff, name="default")
    client.force_login(staff)
    documents["two-factor-code"] = client.get("/account/two_factor/verify/").content.decode()
    wrong = {"verify_view-current_step": "token", "token-otp_token": "12"}
    documents["two-factor-wrong-code"] = client.post("/account/two_factor/verify/", wrong).content.decode()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/account/two_factor/verify/", {"verify_view-current_step": "token", "token-otp_token": code})
    documents["two-factor-backup-codes"] = client.post("/account/two_factor/backup/tokens/").content.decode()
    documents["two-factor-profile-on"] = client.get("/account/two_factor/").content.decode()
    documents["two-factor-disable"] = client.get("/account/two_factor/disable/").content.decode()
    documents["two-factor-disable-unticked"] = client.post("/account/two_factor/disable/").content.decode()
    assert "Too many attempts" in documents["locked-out"]
    assert "aria-invalid" in documents["two-factor-wrong-code"]
    assert "<code>" in documents["two-factor-backup-codes"]
    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())


@pytest.mark.django_db
def test_the_evaluation_dashboard_definitions_and_comparison_are_valid_html(request, client, django_user_model):
    """Staff pages with charts (SVG, data tables in <details>): the dashboard with a figure in every chart."""
    require("java", "vnu")
    request.getfixturevalue("geography")
    from tests.evaluation.test_dashboard import pilot_with_figures

    pilot = pilot_with_figures("evaluator-html")
    client.force_login(django_user_model.objects.get(username="evaluator-html"))
    documents = {}
    for name, url in (
        ("dashboard", f"/evaluation/pilots/{pilot.slug}/"),
        ("definitions", "/evaluation/indicators/"),
        ("comparison", f"/evaluation/pilots/{pilot.slug}/comparison/"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        documents[name] = response.content.decode()
    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())


@pytest.mark.django_db
def test_the_borough_evidence_pages_are_valid_html(request, client):
    """The public page and the coordinators' one, with a filter that is refused."""
    require("java", "vnu")
    request.getfixturevalue("geography")
    from tests.evaluation.test_evidence import make_figures

    make_figures()
    documents = {
        name: client.get("/evaluation/evidence/", query).content.decode()
        for name, query in (
            ("evidence", {}),
            ("evidence-every-borough", {"borough": ""}),
            ("evidence-borough", {"borough": "E09000030"}),
            ("evidence-bad-filter", {"level": "x"}),
        )
    }
    from devtools.factories import coordinator

    client.force_login(coordinator())
    for name, query in (("boroughs", {}), ("boroughs-bad-months", {"start": "2026-05", "end": "May"})):
        documents[name] = client.get("/evaluation/boroughs/", query).content.decode()
    errors = html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())


@pytest.mark.django_db
def test_the_operations_screens_are_valid_html(request, client):
    """Issue 15's screens: the enquiry inbox (filtered, one enquiry with its notes), the overdue enquiries and stale
    listings reports, problem reports (list and one report) and the signed "still correct" page, before and after."""
    require("java", "vnu")
    request.getfixturevalue("geography")
    from django.urls import reverse

    from devtools.factories import ClassPageFactory, EnquiryFactory, coordinator, provider_with_editor, venue_at
    from finder.freshness_services import link_token
    from finder.models import ProblemReport

    setup = provider_with_editor("Alder Learning", "alder")
    listing = ClassPageFactory(parent=setup.provider, venue=venue_at("E1 6AN", provider=setup.provider))
    enquiry = EnquiryFactory(class_page=listing, name="Amina Yusuf", preferred_language="so")
    report = ProblemReport.objects.create(page=listing, kind=ProblemReport.Kind.CLASS_ENDED, note="No class today.")
    token = link_token(listing)
    documents = {"listing-check": client.get(f"/listing-check/{token}/").content.decode()}
    client.post(f"/listing-check/{token}/")
    documents["listing-check-used"] = client.get(f"/listing-check/{token}/").content.decode()
    client.force_login(setup.editor)
    for name, url in (
        ("inbox", "/admin/snippets/finder/enquiry/?status=new&q=Amina"),
        ("enquiry", f"/admin/snippets/finder/enquiry/edit/{enquiry.pk}/"),
        ("problem-reports", reverse("problem_reports:index")),
        ("problem-report", reverse("problem_reports:edit", args=[report.pk])),
        ("stale-listings", "/admin/reports/stale-listings/"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        documents[name] = response.content.decode()
    client.force_login(coordinator())
    documents["overdue-enquiries"] = client.get("/admin/reports/overdue-enquiries/").content.decode()
    errors = admin_html_errors(documents)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
