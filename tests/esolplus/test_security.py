"""Security as an attacker would probe it: headers, CSP, login throttling, CSRF, rich-text sanitising, and no
learner details in logs or error pages. Two-step login is in test_two_factor.py."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authentication import SessionAuthentication
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.rich_text import RichText

from esolplus.logging import RedactPersonalData, redact
from finder.models import ProviderPage

PASSWORD = "correct horse battery staple"

# Views that may skip CSRF checks: read-only APIs that accept no state-changing requests.
CSRF_EXEMPT_ALLOWED: set[str] = set()


def _run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "esolplus.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "esolplus.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)


# --- HTTPS, cookies and headers -------------------------------------------------------------------


def test_production_settings_force_https_hsts_and_secure_cookies():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'X_FRAME_OPTIONS', "
        "'SECURE_CONTENT_TYPE_NOSNIFF']}))"
    )
    result = _run_python(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


@pytest.mark.django_db
def test_public_pages_refuse_framing_and_sniffing(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- Content Security Policy ----------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/about/data/", "/no-such-page/", "/admin/login/"])
def test_every_response_has_a_content_security_policy(client, url):
    policy = _csp(client.get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/about/data/", "/no-such-page/"])
def test_public_pages_allow_no_inline_script_or_style(client, url):
    policy = _csp(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]


@pytest.mark.django_db
def test_only_the_admin_allows_inline_script_for_wagtail(client):
    assert "'unsafe-inline'" in _csp(client.get("/admin/login/"))["script-src"]


def test_map_tiles_host_is_configurable():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY)"
    result = _run_python(
        code,
        DJANGO_SETTINGS_MODULE="esolplus.settings.test",
        FINDER_MAP_TILE_URL="https://tile.example.org/{z}/{x}/{y}.png",
    )
    assert "https://tile.example.org" in result.stdout, result.stderr
    assert "https://tile.example.org" not in str(settings.CONTENT_SECURITY_POLICY)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER_OR_STYLE = re.compile(r"\s(?:on[a-z]+|style)\s*=", re.I)
TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]


@pytest.mark.parametrize(
    "template", sorted({p for d in TEMPLATE_DIRS for p in d.rglob("*.html")}), ids=lambda p: p.name
)
def test_templates_have_no_inline_script_or_style(template):
    """The public CSP blocks inline code, so a template that used it would silently break."""
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "move the script to a static .js file"
    assert not INLINE_HANDLER_OR_STYLE.search(text), "use a CSS class or a static .js file"
    assert "<style" not in text.lower(), "move the style to a static .css file"


# --- Failed-login throttling (django-axes) --------------------------------------------------------


def _admin_login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_that_username_out_with_a_friendly_page(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _admin_login(client, "editor", "wrong").status_code == 200
    locked = _admin_login(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password is refused while locked out.
    refused = _admin_login(client, "editor", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_block_other_usernames(client, staff):
    get_user_model().objects.create_superuser("other", "other@provider.example.org", PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "editor", "wrong")
    assert _admin_login(client, "other", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "editor", "wrong")
    assert _admin_login(client, "editor", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _admin_login(client, "editor", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_successful_login_resets_the_count(client, staff):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, "editor", "wrong")
    assert _admin_login(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, "editor", "wrong")
    assert _admin_login(client, "editor", PASSWORD).status_code == 302


def test_server_side_logins_still_work(client, staff):
    assert client.login(username="editor", password=PASSWORD)


# --- CSRF -----------------------------------------------------------------------------------------


def _all_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _all_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, pattern.callback


def _checks_csrf_itself(callback) -> bool:
    """Django REST framework views are marked exempt but enforce CSRF in SessionAuthentication."""
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        return False
    authenticators = view_class().get_authenticators()
    return bool(authenticators) and all(isinstance(a, SessionAuthentication) for a in authenticators)


def test_no_view_skips_csrf_protection_unless_allow_listed():
    views = list(_all_views(get_resolver().url_patterns))
    assert len(views) > 100  # the walk reached Wagtail's admin
    exempt = {
        f"{route} ({name})"
        for route, name, callback in views
        if getattr(callback, "csrf_exempt", False)
        and name not in CSRF_EXEMPT_ALLOWED
        and not _checks_csrf_itself(callback)
        and not getattr(callback, "public_form", False)  # esolplus.public_forms checks Origin/Sec-Fetch-Site
    }
    assert exempt == set()


def test_the_admin_api_refuses_a_page_action_without_a_csrf_token(staff):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    response = strict.post("/admin/api/main/pages/2/action/copy/", {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_refused(staff):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    # set_language is a public form (esolplus.public_forms): no cookie, but a post from another site is refused.
    assert strict.post("/i18n/setlang/", {"language": "ar"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert strict.post("/admin/login/", {"username": "editor", "password": PASSWORD}).status_code == 403


# --- Providers' rich text -------------------------------------------------------------------------

MALICIOUS_HTML = (
    '<p onclick="steal()">Classes <b>every</b> week</p><script>alert(document.cookie)</script>'
    '<p><a href="javascript:alert(1)">Book</a> <img src="x" onerror="alert(2)"/></p>'
    '<iframe src="https://evil.example"></iframe>'
)


def test_rich_text_saved_through_the_editor_loses_script(db):
    """Providers edit descriptions in Wagtail's editor, which keeps only whitelisted markup."""
    field = ProviderPage._meta.get_field("description")
    widget = DraftailRichTextArea(features=field.features)
    editor_state = widget.format_value(MALICIOUS_HTML)
    saved = widget.value_from_datadict({"description": editor_state}, {}, "description")
    rendered = str(RichText(saved))
    assert "every" in rendered
    for dangerous in ("<script", "onclick", "onerror", "javascript:", "<iframe", "steal()"):
        assert dangerous not in rendered


# --- No learner details in logs or error pages ----------------------------------------------------


def test_logs_redact_emails_phone_numbers_and_full_postcodes():
    line = redact("Enquiry from amina.k@example.org, 07700 900123, living at E1 6AN, /find/?where=SE15+5DQ")
    assert line == "Enquiry from [email], [phone], living at E1 ***, /find/?where=SE15 ***"


def test_log_records_and_tracebacks_are_redacted():
    try:
        raise ValueError("could not save amina.k@example.org")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "For %s", ("+44 20 7946 0000",), exc_info)
    RedactPersonalData().filter(record)
    formatted = logging.Formatter().format(record)
    assert "amina" not in formatted
    assert "7946" not in formatted
    assert "[email]" in formatted


def test_every_log_handler_redacts():
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_personal_data" in handler["filters"]


BOOM_SCRIPT = """
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
from django.urls import path

def boom(request):
    raise ValueError("learner amina.k@example.org at E1 6AN")

class Urls:
    urlpatterns = [path("boom/", boom)]

setup_test_environment()
with override_settings(ROOT_URLCONF=Urls, ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).get("/boom/", secure=True)
print(response.status_code)
print(response.content.decode())
"""


def test_a_server_error_in_production_shows_the_plain_page_and_logs_no_learner_details():
    result = _run_python(BOOM_SCRIPT, **PRODUCTION_ENV)
    status, _, page = result.stdout.partition("\n")
    assert status == "500", result.stderr
    assert "Sorry, something went wrong" in page
    assert "amina" not in page
    assert "Traceback" not in page
    assert "ValueError" in result.stderr  # it was logged...
    assert "amina" not in result.stderr  # ...without the learner's details
    assert "E1 6AN" not in result.stderr
