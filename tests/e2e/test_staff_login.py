"""Staff log in to the Wagtail admin in a real browser, with and without two-step login."""

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.tools import axe, require

PASSWORD = "correct horse battery staple"


def _log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_staff_log_in_and_the_admin_works_under_its_content_security_policy(page):
    get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    _log_in(page, "editor")
    assert page.url.endswith("/admin/")
    page.goto("/admin/pages/")
    assert page.get_by_role("heading", level=1).count() >= 1


def test_staff_with_an_authenticator_app_enter_a_code_after_the_password(page):
    require("axe")
    staff = get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _log_in(page, "editor")
    assert "/account/two-factor/" in page.url
    axe(page)
    page.get_by_label("6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").inner_text().startswith("That code is not right")
    axe(page)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    device.throttle_reset()
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/admin/")


def test_staff_set_up_two_step_login_from_their_account(page):
    require("axe")
    get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    _log_in(page, "editor")
    page.goto("/admin/account/")
    page.get_by_role("tab", name="More actions").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Two-step login").click()
    axe(page)
    device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
    page.get_by_label("6-digit code from your authenticator app").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step login").click()
    device.refresh_from_db()
    assert device.confirmed
    assert "Two-step login is on" in page.content()
