"""Security middleware: the Content Security Policy per area, and the staff second-factor gate; the site language."""

from urllib.parse import urlencode

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from esolplus import two_factor
from esolplus.languages import has_language_versions, supported_language

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
        path = request.path_info
        if not path.startswith(tuple(settings.TWO_FACTOR_PROTECTED_PREFIXES)):
            return None  # before looking at the user: that reads the session, and public pages must not vary on Cookie
        user = request.user
        if not user.is_authenticated or user.is_verified():
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


# Addresses whose answers must not depend on the visitor's language: the Open Referral API writes page addresses
# (page.url, which takes the active language's prefix) and is the same for every client.
LANGUAGE_NEUTRAL_PREFIXES = ("/openreferral/", "/documents/")


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the language of a learner page taken from its address alone.

    - Learner pages (inside ``i18n_patterns``): ``/ar/...`` is Arabic and ``/...`` English, whatever the
      browser's Accept-Language says, so that one address is one page, which caches can keep for everyone.
    - Old links: before the language moved into the address it was kept in the ``django_language`` cookie.
      A GET for an English address from a browser with that cookie set to another language is redirected
      (302) to the same address in that language, unless the browser says it followed a link on this site
      (``Sec-Fetch-Site: same-origin``): then the visitor chose English in the switcher, or the link had no
      prefix. So unprefixed learner pages vary on Cookie; prefixed ones vary on nothing.
    - Staff pages (outside ``i18n_patterns``) choose the language as before: the cookie, then
      Accept-Language. The API is always English (``LANGUAGE_NEUTRAL_PREFIXES``), so its links have no prefix.
    """

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", None)
        path_language = translation.get_language_from_path(request.path_info)
        request.has_language_versions = bool(path_language) or has_language_versions(request.path_info, urlconf)
        if path_language:
            language = path_language
        elif request.has_language_versions or request.path_info.startswith(LANGUAGE_NEUTRAL_PREFIXES):
            language = settings.LANGUAGE_CODE
        else:
            language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if request.has_language_versions and not path_language:
            return self._old_link_redirect(request)
        return None

    def _old_link_redirect(self, request):
        if request.method not in {"GET", "HEAD"} or request.headers.get("Sec-Fetch-Site") == "same-origin":
            return None
        language = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if language is None or language == supported_language(settings.LANGUAGE_CODE):
            return None
        script_prefix = get_script_prefix()
        target = request.get_full_path().replace(script_prefix, f"{script_prefix}{language}/", 1)
        response = HttpResponseRedirect(target)
        add_never_cache_headers(response)  # it depends on the cookie; keep it out of shared caches
        return response

    def process_response(self, request, response):
        if getattr(request, "has_language_versions", False):
            if not translation.get_language_from_path(request.path_info):
                patch_vary_headers(response, ("Cookie",))  # the language cookie of old links may redirect
        elif not request.path_info.startswith(LANGUAGE_NEUTRAL_PREFIXES):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
