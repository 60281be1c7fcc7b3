"""Staff log in to the Wagtail admin in a real browser, with and without two-step login."""

import base64

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.tools import axe, require

PASSWORD = "correct horse battery staple"
CODE_LABEL = "6-digit code from your authenticator app"


def _log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _log_out(page):
    """As staff do: the account menu in Wagtail's sidebar (opened first on a phone-sized screen)."""
    page.goto("/admin/")
    toggle = page.get_by_role("button", name="Toggle sidebar")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    page.locator("[data-wagtail-sidebar] button[aria-haspopup]").last.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert "/admin/login/" in page.url


def _app_code(key: bytes) -> str:
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def _submit(page, button: str):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_staff_log_in_and_the_admin_works_under_its_content_security_policy(page):
    get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    _log_in(page, "editor")
    assert page.url.endswith("/admin/")
    page.goto("/admin/pages/")
    assert page.get_by_role("heading", level=1).count() >= 1


def test_staff_set_up_two_step_login_then_log_in_with_a_code_and_with_a_backup_code(page):
    require("axe")
    get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    _log_in(page, "editor")

    # Set up: from the account page, scan the QR code (here: read the key) and confirm with the app's first code.
    page.goto("/admin/account/")
    page.get_by_role("tab", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Two-step login").click()
    axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Set up two-step login").click()
    assert page.get_by_role("img", name="QR code for your authenticator app").evaluate("img => img.naturalWidth") > 0
    axe(page)
    key = base64.b32decode(page.locator(".otp-secret").inner_text())
    page.get_by_label(CODE_LABEL).fill(_app_code(key))
    _submit(page, "Turn on two-step login")
    assert page.get_by_role("heading", level=1).inner_text() == "Two-step login is on"
    assert TOTPDevice.objects.get(user__username="editor").confirmed
    axe(page)
    _submit(page, "Make backup codes")
    backup_codes = page.locator(".backup-codes code").all_inner_texts()
    assert len(backup_codes) == 10
    axe(page)

    # Next login: the password, then the code; a wrong code first gets a clear message.
    _log_out(page)
    _log_in(page, "editor")
    assert "/account/two_factor/verify/" in page.url
    axe(page)
    page.get_by_label(CODE_LABEL).fill("12")
    _submit(page, "Continue")
    assert "Enter the 6 digits" in page.get_by_role("alert").inner_text()
    axe(page)
    page.get_by_label(CODE_LABEL).fill(_app_code(key))
    _submit(page, "Continue")
    assert page.url.endswith("/admin/")

    # Without the phone: a backup code, once.
    _log_out(page)
    _log_in(page, "editor")
    _submit(page, "Use a backup code")
    axe(page)
    page.get_by_label("Backup code").fill(backup_codes[0])
    _submit(page, "Continue")
    assert page.url.endswith("/admin/")

    # Turning it off asks to be sure.
    page.goto("/account/two_factor/")
    with page.expect_navigation():
        page.get_by_role("link", name="Turn off two-step login").click()
    _submit(page, "Turn off two-step login")
    assert "Tick the box" in page.get_by_role("alert").inner_text()
    axe(page)
    page.get_by_label("Yes, turn off two-step login").check()
    _submit(page, "Turn off two-step login")
    assert not TOTPDevice.objects.filter(user__username="editor").exists()
