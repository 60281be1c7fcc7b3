"""Staff log in to the Wagtail admin in a real browser, with and without two-step login."""

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    staff = get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _log_in(page, "editor")
    assert "/account/two-factor/" in page.url
    page.get_by_label("6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").inner_text().startswith("That code is not right")
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    device.throttle_reset()
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/admin/")
