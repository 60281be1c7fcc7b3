"""Security middleware: the Content Security Policy per area, and the staff second-factor gate."""

from urllib.parse import urlencode

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict site-wide policy, relaxed only inside the Wagtail admin.

    Wagtail's editing screens (inline panels, date pickers, rich text) use inline script and style,
    so ``/admin/`` allows them; staff reach it only after a password and, if they chose, a second
    factor. Every public page keeps the strict policy from ``CONTENT_SECURITY_POLICY``.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {
                **(parts.update or {}),
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
            }
        return parts


class StaffTwoFactorMiddleware:
    """Staff who set up an authenticator app must enter a code before using the admin (and any other
    area listed in ``TWO_FACTOR_PROTECTED_PREFIXES``).

    Runs after django-otp's ``OTPMiddleware``. Staff without a confirmed device are let through: the
    second factor is optional per person (see docs/security.md).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_second_factor(request):
            verify_url = reverse("two_factor_verify")
            return HttpResponseRedirect(f"{verify_url}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        if not request.path_info.startswith(tuple(settings.TWO_FACTOR_PROTECTED_PREFIXES)):
            return False
        if request.path_info.startswith(reverse("wagtailadmin_logout")):
            return False
        user = request.user
        return user.is_authenticated and not user.is_verified() and user_has_device(user, confirmed=True)
