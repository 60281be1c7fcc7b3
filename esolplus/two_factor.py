"""Staff second factor on django-two-factor-auth: the few places where this site differs from its defaults.

django-two-factor-auth (on django-otp) serves the pages under ``/account/two_factor/`` (esolplus/urls.py): set-up
with a QR code, backup codes, the profile page and "turn off". Its templates are overridden in
templates/two_factor/. Four views are adapted here, each for a reason given in its docstring:
``VerifyView`` (the code after Wagtail's password page), ``SetupView`` (straight to the QR code, staff only),
``BackupCodesView`` (codes shown once) and ``DisableView`` (plain wording); the forms say what is wrong in plain
English. ``esolplus.middleware.StaffTwoFactorMiddleware``
decides who must pass the second factor, using ``has_second_factor`` below.
"""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from two_factor import views as two_factor_views
from two_factor.forms import AuthenticationTokenForm, DisableForm, MethodForm, TOTPDeviceForm
from two_factor.utils import default_device, get_otpauth_url, totp_digits

from esolplus import roles

WRONG_CODE = _("That code is not right. Enter the newest code from your app.")
CODE_FORMAT = _("Enter the 6 digits that your authenticator app shows.")
TOO_MANY_TRIES = _("Too many wrong codes. Wait a minute, then try again.")
BACKUP_CODE_FORMAT = _("Enter one of your backup codes.")


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_second_factor(user) -> bool:
    """Has a way to pass the second factor: an authenticator app (two_factor's "default" device) or unused
    backup codes. The same test decides who is asked for a code and what the verify page offers, so nobody is
    sent to a page they cannot get past."""
    return default_device(user) is not None or backup_codes_left(user) > 0


def may_set_up_second_factor(user) -> bool:
    """Anyone who uses a staff area: the Wagtail admin, or the evaluation as coordinator, provider staff or
    evaluator."""
    return (
        user.has_perm("wagtailadmin.access_admin")
        or roles.is_coordinator(user)
        or roles.is_provider_staff(user)
        or roles.is_evaluator(user)
    )


def must_set_up_second_factor(user) -> bool:
    """With ``TWO_FACTOR_REQUIRED`` on, coordinators and evaluators (who see every provider's, or a whole
    pilot's, records) may not use a staff area until they have a second factor."""
    return settings.TWO_FACTOR_REQUIRED and (roles.is_coordinator(user) or roles.is_evaluator(user))


def safe_next(request) -> str:
    """A path on this site from ``next``, or "": never another host, a view name or control characters."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return ""


class CodeField(forms.RegexField):
    """A code typed as it is shown, spaces and all ("123 456")."""

    def to_python(self, value):
        return super().to_python(value).replace(" ", "")


def _app_code_field() -> CodeField:
    digits = totp_digits()
    return CodeField(
        label=_("6-digit code from your authenticator app"),
        regex=rf"^[0-9]{{{digits}}}$",
        error_messages={"required": CODE_FORMAT, "invalid": CODE_FORMAT},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}),
    )


class AppCodeForm(AuthenticationTokenForm):
    """two_factor's code form with plain wording; a wrong code is shown at the field it belongs to."""

    otp_token = _app_code_field()
    otp_error_messages = {
        **AuthenticationTokenForm.otp_error_messages,
        "invalid_token": WRONG_CODE,
        "n_failed_attempts": TOO_MANY_TRIES,
        "verification_not_allowed": TOO_MANY_TRIES,
    }

    def clean(self):
        if "otp_token" in self.cleaned_data:  # else the field's own error says what is wrong
            try:
                self.clean_otp(self.user)
            except forms.ValidationError as error:
                self.add_error("otp_token", error)
        return self.cleaned_data


class BackupCodeForm(AppCodeForm):
    otp_token = CodeField(
        label=_("Backup code"),
        regex=r"^[A-Za-z0-9]+$",
        error_messages={"required": BACKUP_CODE_FORMAT, "invalid": BACKUP_CODE_FORMAT},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    otp_error_messages = {
        **AppCodeForm.otp_error_messages,
        "invalid_token": _("That backup code is not right, or it has been used. Each code works once."),
    }

    def clean_otp_token(self):
        return self.cleaned_data["otp_token"].lower()


class AppSetupForm(TOTPDeviceForm):
    """The first code from a newly added app, which confirms it; same field and wording as at login."""

    token = _app_code_field()
    error_messages = {"invalid_token": WRONG_CODE}

    def clean_token(self):
        self.cleaned_data["token"] = int(self.cleaned_data["token"])
        return super().clean_token()


@method_decorator(never_cache, name="dispatch")
class VerifyView(two_factor_views.LoginView):
    """The code (or a backup code) for someone who has just given their password at Wagtail's /admin/login/.

    Why Wagtail's login page plus this page, rather than two_factor's login wizard at /admin/login/: a session
    that has passed only the password can exist whatever the login page (it began before its owner set up a
    second factor, in another browser), so ``StaffTwoFactorMiddleware`` must send such sessions somewhere to
    enter a code anyway; with this page as that place there is one code page, the password is typed once, and
    Wagtail's login (with its look, django-axes' lockout page and every link to it) is unchanged.

    This is two_factor's login wizard without its password step: the signed-in user is the one to verify, and
    the wizard's token and backup steps, django-otp's throttling and the user_logged_in signal (which marks the
    session verified) all work as in two_factor. The session gets a new key once verified, as at any login.
    """

    template_name = "two_factor/core/login.html"
    form_list = (
        (two_factor_views.LoginView.TOKEN_STEP, AppCodeForm),
        (two_factor_views.LoginView.BACKUP_STEP, BackupCodeForm),
    )
    expired = False  # the password step happened at Wagtail's login; the session's own expiry applies

    def has_token_step(self):
        return default_device(self.get_user()) is not None

    def has_backup_step(self):
        return self.TOKEN_STEP not in self.storage.validated_step_data and backup_codes_left(self.get_user()) > 0

    condition_dict = {
        two_factor_views.LoginView.TOKEN_STEP: has_token_step,
        two_factor_views.LoginView.BACKUP_STEP: has_backup_step,
    }

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_verified() or not has_second_factor(user):
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_user(self):
        user = self.request.user
        if not user.is_authenticated:
            return False
        user.backend = self.request.session[BACKEND_SESSION_KEY]  # login() needs it: two backends are configured
        return user

    def get_form(self, step=None, **kwargs):
        # Skip LoginView.get_form, which swaps in the token form of the device's method: this site has one
        # method (an authenticator app) and words its forms itself.
        return super(two_factor_views.LoginView, self).get_form(step=step, **kwargs)

    def get_done_form_list(self):
        return self.get_form_list()

    def done(self, form_list, **kwargs):
        # login() keeps the key when the same person is already signed in; a verified session is worth more.
        self.request.session.cycle_key()
        return super().done(form_list, **kwargs)

    def get_redirect_url(self):
        return safe_next(self.request)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["backup_codes_left"] = backup_codes_left(self.get_user())
        return context


class SetupView(two_factor_views.SetupView):
    """two_factor's set-up, opening straight on the QR code (there is one method, so no choice to make), for
    staff only. The QR code is an ``<img>`` with a data: URI (the CSP allows ``img-src data:``) and names the
    site as ``OTP_TOTP_ISSUER`` rather than the host name."""

    form_list = (("method", MethodForm),)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not may_set_up_second_factor(user):
                raise PermissionDenied
            if default_device(user):
                return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_form_list(self):
        form_list = super().get_form_list()
        if "generator" in form_list:
            form_list["generator"] = AppSetupForm
        return form_list

    def get_redirect_url(self):
        return safe_next(self.request)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == "generator":
            issuer = settings.OTP_TOTP_ISSUER
            url = get_otpauth_url(self.request.user.get_username(), context["secret_key"], issuer, totp_digits())
            svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).to_string()
            context.update(
                issuer=issuer,
                otpauth_url=url,
                qr_code=f"data:image/svg+xml;base64,{base64.b64encode(svg).decode()}",
            )
        return context


class BackupCodesView(two_factor_views.BackupTokensView):
    """Backup codes are shown once, on the page that makes them; afterwards only how many are left.

    The new set replaces the old in one transaction with the device row locked, so a double click leaves one
    set: the one on the page the browser shows last.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["backup_codes_left"] = backup_codes_left(self.request.user)
        return context

    def form_valid(self, form):
        with transaction.atomic():
            device = StaticDevice.objects.select_for_update().get(pk=self.get_device().pk)
            device.token_set.all().delete()
            codes = [StaticToken.random_token() for _number in range(self.number_of_tokens)]
            StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return self.render_to_response(self.get_context_data(form=form, new_codes=codes))


class TurnOffForm(DisableForm):
    understand = forms.BooleanField(
        label=_("Yes, turn off two-step login"),
        error_messages={"required": _("Tick the box if you are sure you want to turn two-step login off.")},
    )


class DisableView(two_factor_views.DisableView):
    """two_factor's "turn off" (which deletes the app and the backup codes), with plain wording and a message
    saying it is done."""

    form_class = TurnOffForm

    def form_valid(self, form):
        messages.success(self.request, _("Two-step login is off."))
        return super().form_valid(form)
