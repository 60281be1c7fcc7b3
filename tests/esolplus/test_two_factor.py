"""Staff second factor (django-two-factor-auth): set-up, codes, backup codes, and from the refused side, a session
that passed only the password gets no staff page, no export and no change to the second factor."""

import base64
import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import URLPattern, resolve, reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from devtools.evaluation_factories import EnrolmentFactory, GoalFactory, PilotFactory, SessionFactory
from esolplus import two_factor
from esolplus.roles import COORDINATE_PERMISSION
from evaluation import urls as evaluation_urls
from evaluation.models import StaffAssignment
from evaluation.services.releases import publish_release
from tests.evaluation.learner_records import learner_records

PASSWORD = "correct horse battery staple"
VERIFY = "/account/two_factor/verify/"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("editor", "editor@provider.example.org", PASSWORD)


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="default", confirmed=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _wrong_code(device_or_key: TOTPDevice | bytes) -> str:
    """A code that is right in none of the time steps accepted (the tolerance is one step each way)."""
    key = device_or_key if isinstance(device_or_key, bytes) else device_or_key.bin_key
    right = {totp(key, step=30, t0=0, digits=6, drift=drift) for drift in (-1, 0, 1)}
    return f"{min(set(range(4)) - right):06d}"


def _set_up(client, code: str):
    return client.post("/account/two_factor/setup/", {"setup_view-current_step": "generator", "generator-token": code})


def _log_in_with_password(client):
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _enter(client, field: str, code: str, next_url: str = "/admin/"):
    step = field.split("-")[0]
    return client.post(f"{VERIFY}?next={next_url}", {"verify_view-current_step": step, field: code})


def _enter_app_code(client, code: str, next_url: str = "/admin/"):
    return _enter(client, "token-otp_token", code, next_url)


def _enter_backup_code(client, code: str):
    assert client.post(VERIFY, {"wizard_goto_step": "backup"}).status_code == 200
    return _enter(client, "backup-otp_token", code)


@pytest.fixture
def clock(monkeypatch):
    """django-otp's throttling reads timezone.now(); a clock that only moves when the test says so."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


# --- Set-up -------------------------------------------------------------------------------------------------------


def test_staff_set_up_an_authenticator_app_from_a_qr_code(client, staff):
    client.force_login(staff)
    page = client.get("/account/two_factor/setup/")
    assert page.status_code == 200
    assert '<img src="data:image/svg+xml;base64,' in page.content.decode()
    assert "ESOL%20Plus" in page.context["otpauth_url"]
    key = base64.b32decode(page.context["secret_key"])
    code = f"{totp(key, step=30, t0=0, digits=6):06d}"
    response = _set_up(client, code)
    assert response["Location"] == "/account/two_factor/setup/complete/"
    device = TOTPDevice.objects.get(user=staff)
    assert (device.name, device.confirmed, device.bin_key) == ("default", True, key)
    assert "Two-step login is on" in client.get(response["Location"]).content.decode()
    assert client.get("/admin/").status_code == 200  # the set-up session has passed the second factor


def test_a_wrong_set_up_code_is_refused_and_no_device_is_made(client, staff):
    client.force_login(staff)
    key = base64.b32decode(client.get("/account/two_factor/setup/").context["secret_key"])
    for code, message in ((_wrong_code(key), "That code is not right"), ("12", "Enter the 6 digits")):
        page = _set_up(client, code)
        assert page.status_code == 200
        assert message in page.content.decode()
        assert 'aria-invalid="true"' in page.content.decode()
    assert not TOTPDevice.objects.exists()


def test_people_without_a_staff_role_cannot_set_up_a_second_factor(client, db):
    someone = get_user_model().objects.create_user("someone", "someone@example.org", PASSWORD)
    client.force_login(someone)
    assert client.get("/account/two_factor/setup/").status_code == 403


def test_evaluation_staff_without_admin_access_can_set_one_up(client, geography):
    cohort = SessionFactory().cohort
    staff_member = get_user_model().objects.create_user("tutor", "tutor@example.org", PASSWORD)
    StaffAssignment.objects.create(user=staff_member, provider=cohort.provider)
    client.force_login(staff_member)
    assert client.get("/account/two_factor/setup/").status_code == 200


def test_the_account_menu_links_to_two_step_login(client, staff):
    client.force_login(staff)
    assert "/account/two_factor/" in client.get("/admin/account/").content.decode()


def test_our_views_answer_two_factors_urls():
    assert resolve(reverse("two_factor:setup")).func.view_class is two_factor.SetupView
    assert resolve(reverse("two_factor:backup_tokens")).func.view_class is two_factor.BackupCodesView
    assert resolve(reverse("two_factor_verify")).func.view_class is two_factor.VerifyView
    assert resolve(reverse("two_factor:disable")).func.view_class is two_factor.DisableView


def test_there_is_one_login_page(client, db):
    response = client.get("/account/login/?next=/evaluation/")
    assert response["Location"] == "/admin/login/?next=/evaluation/"


# --- Logging in with a code ---------------------------------------------------------------------------------------


def test_after_the_password_staff_with_a_device_are_asked_for_the_code(client, staff, device):
    _log_in_with_password(client)
    response = client.get("/admin/pages/")
    assert response["Location"] == f"{VERIFY}?next=/admin/pages/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "6-digit code from your authenticator app" in page.content.decode()


def test_the_right_code_opens_the_staff_areas_with_a_new_session_key(client, staff, device):
    _log_in_with_password(client)
    before = client.session.session_key
    response = _enter_app_code(client, _code(device), next_url="/admin/pages/")
    assert response["Location"] == "/admin/pages/"
    assert client.session.session_key != before
    assert client.get("/admin/").status_code == 200
    assert not client.get("/evaluation/").get("Location", "").startswith(VERIFY)


def test_a_wrong_code_is_refused_with_a_clear_message(client, staff, device):
    _log_in_with_password(client)
    for code, message in ((_wrong_code(device), "That code is not right"), ("12", "Enter the 6"), ("", "Enter the 6")):
        device.throttle_reset()
        page = _enter_app_code(client, code)
        assert page.status_code == 200
        assert message in page.content.decode()
        assert 'aria-invalid="true"' in page.content.decode()
    assert client.get("/admin/").status_code == 302


def test_codes_may_be_typed_with_a_space(client, staff, device):
    _log_in_with_password(client)
    code = _code(device)
    assert _enter_app_code(client, f"{code[:3]} {code[3:]}").status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "wagtailadmin_home", "/admin/%0d%0a"]
)
def test_the_code_page_never_sends_anyone_off_site(client, staff, device, next_url):
    _log_in_with_password(client)
    assert client.get(VERIFY, {"next": next_url}).status_code == 200
    response = client.post(
        VERIFY + "?" + f"next={next_url}", {"verify_view-current_step": "token", "token-otp_token": _code(device)}
    )
    assert response["Location"] == "/admin/"


def test_guessing_codes_is_throttled(client, staff, device, clock):
    _log_in_with_password(client)
    for _guess in range(20):
        page = _enter_app_code(client, _wrong_code(device))
    assert "Too many wrong codes" in page.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # only the first guess was checked; the rest were refused unseen
    page = _enter_app_code(client, _code(device))
    assert "Too many wrong codes" in page.content.decode()  # even the right code must wait
    assert client.get("/admin/").status_code == 302
    clock[0] += timedelta(seconds=2)
    assert _enter_app_code(client, _code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_someone_signed_out_is_sent_to_log_in_first(client, db):
    assert client.get(VERIFY)["Location"].startswith("/admin/login/?next=")


def test_someone_without_a_second_factor_is_sent_on(client, staff):
    client.force_login(staff)
    assert client.get(VERIFY, {"next": "/evaluation/"})["Location"] == "/evaluation/"


# --- Backup codes -------------------------------------------------------------------------------------------------


def _verified(client, staff, device):
    _log_in_with_password(client)
    assert _enter_app_code(client, _code(device)).status_code == 302


def test_backup_codes_are_shown_once_and_each_works_once(client, staff, device):
    _verified(client, staff, device)
    page = client.post("/account/two_factor/backup/tokens/")
    assert page.status_code == 200
    codes = page.context["new_codes"]
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(codes)
    later = client.get("/account/two_factor/backup/tokens/").content.decode()
    assert "You have 10 unused backup codes" in later
    assert not any(code in later for code in codes)

    client.logout()
    _log_in_with_password(client)
    assert _enter_backup_code(client, codes[0].upper()).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == 9

    client.logout()
    _log_in_with_password(client)
    page = _enter_backup_code(client, codes[0])
    assert "it has been used" in page.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_new_set_of_backup_codes_replaces_the_old(client, staff, device):
    _verified(client, staff, device)
    old = client.post("/account/two_factor/backup/tokens/").context["new_codes"]
    new = client.post("/account/two_factor/backup/tokens/").context["new_codes"]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)
    assert StaticDevice.objects.filter(user=staff).count() == 1


def test_backup_codes_alone_still_guard_the_staff_areas(client, staff):
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd2345")
    _log_in_with_password(client)
    assert client.get("/evaluation/")["Location"] == f"{VERIFY}?next=/evaluation/"
    assert "Backup code" in client.get(VERIFY).content.decode()


# --- Refused: a session that passed only the password -------------------------------------------------------------


@pytest.fixture
def records(geography, staff, device):
    """One record of every kind the evaluation URLs take, which the staff member may download once verified."""
    pilot = PilotFactory()
    session = SessionFactory(cohort__pilot=pilot)
    publish_release(pilot, None, based_on=0)
    enrolment = EnrolmentFactory(cohort=session.cohort)
    StaffAssignment.objects.create(user=staff, provider=session.cohort.provider)
    return {
        "slug": pilot.slug,
        "cohort_id": session.cohort_id,
        "session_id": session.id,
        "enrolment_id": enrolment.id,
        "goal_id": GoalFactory(enrolment=enrolment).id,
        "learner_id": enrolment.learner_id,
        "version": 1,
        **learner_records(enrolment),
    }


def _evaluation_urls(records) -> list[str]:
    """Every URL in evaluation/urls.py (read from it, so a new one is covered), and the export's variants."""
    urls = []
    for pattern in evaluation_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = set(pattern.pattern.converters)
        if not names <= set(records):
            pytest.fail(f"give evaluation:{pattern.name} ({names}) a record in the records fixture")
        urls.append(reverse(f"evaluation:{pattern.name}", kwargs={name: records[name] for name in names}))
    export = reverse("evaluation:export", args=[records["slug"]])
    urls += [f"{export}?level=record&format={fmt}" for fmt in ("csv", "xlsx")]
    return urls


DOWNLOADS = {
    "export",
    "subject_access",
    "results_csv",
    "results_version_csv",
    "boroughs_csv",
    "evidence_csv",
    "funnel_csv",
    "public_funnel_csv",
}


def test_a_password_alone_gets_no_evaluation_page_and_no_download(client, staff, records):
    urls = _evaluation_urls(records)
    _log_in_with_password(client)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next=/evaluation/"), url
        assert not response.has_header("Content-Disposition"), url
        response = client.post(url)
        assert response.status_code == 403, url
        assert "Two-step login needed" in response.content.decode()

    # The same session, once it has passed the second factor, downloads every one of them: the refusals above
    # were the second factor's doing.
    assert _enter_app_code(client, _code(TOTPDevice.objects.get(user=staff))).status_code == 302
    downloaded = set()
    for url in urls:
        response = client.get(url)
        if response.has_header("Content-Disposition"):
            downloaded.add(resolve(url.split("?")[0]).url_name)
    assert downloaded == DOWNLOADS


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/pages/", "/admin/account/", "/admin/api/main/pages/", "/admin/reports/site-history/"]
)
def test_a_password_alone_gets_no_admin_page(client, staff, device, url):
    _log_in_with_password(client)
    assert client.get(url)["Location"] == f"{VERIFY}?next={url}"
    assert client.post(url).status_code == 403


def test_a_password_alone_cannot_see_or_change_the_second_factor(client, staff, device):
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd2345")
    _log_in_with_password(client)
    for url in ("/account/two_factor/", "/account/two_factor/setup/", "/account/two_factor/backup/tokens/"):
        assert client.get(url)["Location"].startswith(f"{VERIFY}?next="), url
    assert client.post("/account/two_factor/disable/", {"understand": "on"}).status_code == 403
    assert client.post("/account/two_factor/backup/tokens/").status_code == 403
    assert client.post("/account/two_factor/setup/", {"setup_view-current_step": "generator"}).status_code == 403
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["abcd2345"]


def test_logging_out_and_in_again_still_works_before_the_code(client, staff, device):
    _log_in_with_password(client)
    assert client.get("/admin/login/")["Location"] == "/admin/"
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_people_without_a_second_factor_are_unaffected(client, staff):
    _log_in_with_password(client)
    assert client.get("/admin/").status_code == 200
    assert not client.get("/evaluation/").get("Location", "").startswith(VERIFY)
    assert client.get("/account/two_factor/").status_code == 200


def test_a_verified_session_can_turn_the_second_factor_off(client, staff, device):
    _verified(client, staff, device)
    assert "Tick the box if you are sure" in client.post("/account/two_factor/disable/").content.decode()
    assert TOTPDevice.objects.exists()
    assert client.post("/account/two_factor/disable/", {"understand": "on"})["Location"] == "/admin/"
    assert not TOTPDevice.objects.exists()
    client.logout()
    _log_in_with_password(client)
    assert client.get("/admin/").status_code == 200


def test_the_guarded_areas_are_a_setting(client, staff, device, settings):
    assert settings.TWO_FACTOR_PROTECTED_PREFIXES == ["/admin/", "/evaluation/", "/account/"]
    settings.TWO_FACTOR_PROTECTED_PREFIXES = [*settings.TWO_FACTOR_PROTECTED_PREFIXES, "/about/"]
    client.force_login(staff)
    assert client.get("/about/data/")["Location"] == f"{VERIFY}?next=/about/data/"
    assert client.get("/").status_code == 200


def test_a_second_factor_can_be_required_of_coordinators_and_evaluators(client, staff, settings):
    settings.TWO_FACTOR_REQUIRED = True
    coordinator = get_user_model().objects.create_user("coordinator", "c@example.org", PASSWORD)
    coordinator.user_permissions.add(Permission.objects.get(codename=COORDINATE_PERMISSION.split(".")[1]))
    editor = get_user_model().objects.create_user("provider-editor", "e@example.org", PASSWORD)
    editor.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client.force_login(coordinator)
    assert client.get("/evaluation/")["Location"] == "/account/two_factor/setup/?next=/evaluation/"
    assert client.post("/evaluation/").status_code == 403
    assert client.get("/account/two_factor/setup/").status_code == 200
    client.force_login(editor)  # a provider's editor is neither
    assert client.get("/admin/").status_code == 200


# --- Devices set up before django-two-factor-auth -----------------------------------------------------------------


def test_apps_set_up_with_the_old_pages_keep_working(staff):
    migration = importlib.import_module("esolplus.migrations.0003_two_factor_default_devices")
    old = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=False)
    migration.name_apps_default(apps, None)
    assert list(TOTPDevice.objects.values_list("pk", "name")) == [(old.pk, "default")]
    assert two_factor.has_second_factor(get_user_model().objects.get(pk=staff.pk))
