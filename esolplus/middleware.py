"""Security middleware: the Content Security Policy per area, and the staff second-factor gate."""

from urllib.parse import urlencode

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from esolplus import two_factor

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
    """Once someone has a second factor, every staff area needs a session that has passed it.

    The areas are ``TWO_FACTOR_PROTECTED_PREFIXES`` (by default the Wagtail admin, the evaluation with its
    exports and downloads, and the account pages that change the second factor). A session that has passed
    only the password is sent to the code page (esolplus.two_factor.VerifyView, which says why logging in
    works this way) when it asks for a page, and refused with 403 when it sends a form or anything else, so
    it never gets a page, a file or a change. People without a second factor go on as before, unless
    ``TWO_FACTOR_REQUIRED`` makes coordinators and evaluators set one up first.

    Runs after django-otp's ``OTPMiddleware``, which says whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        user = request.user
        path = request.path_info
        if not user.is_authenticated or user.is_verified():
            return None
        if not path.startswith(tuple(settings.TWO_FACTOR_PROTECTED_PREFIXES)):
            return None
        if path in {reverse("two_factor_verify"), reverse("wagtailadmin_login"), reverse("wagtailadmin_logout")}:
            return None
        if two_factor.has_second_factor(user):
            target = reverse("two_factor_verify")
        elif two_factor.must_set_up_second_factor(user) and not path.startswith(reverse("two_factor:profile")):
            target = reverse("two_factor:setup")
        else:
            return None
        if request.method in {"GET", "HEAD"}:
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        return render(request, "two_factor/core/otp_required.html", {"target": target}, status=403)
