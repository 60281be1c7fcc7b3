"""The site language in the address: which pages have a version per language, and where each version is.

Learner pages live inside ``i18n_patterns`` (esolplus/urls.py): ``/find/`` is English, ``/ar/find/`` Arabic.
Staff areas, the API and technical addresses stay outside, with one address each. The language switcher and
the ``hreflang`` alternates link to the same page in each language; ``set_language`` stays for forms in pages
that browsers or caches kept from before, and for staff pages, which have no language in their address.
"""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpResponseRedirect
from django.urls import LocalePrefixPattern, Resolver404, URLResolver, get_resolver, get_script_prefix, translate_url
from django.urls.resolvers import RegexPattern
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_info,
    get_supported_language_variant,
    override,
)
from django.views.decorators.http import require_http_methods

from esolplus.public_forms import public_form


@dataclass(frozen=True)
class LanguageVersion:
    code: str  # as in settings.LANGUAGES and the address prefix: "ar", "en-gb"
    name: str  # in its own language, from settings.LANGUAGES: "العربية"
    url: str  # path and query of this page in that language
    bidi: bool
    current: bool


@lru_cache(maxsize=8)
def _outside_resolver(resolver: URLResolver) -> URLResolver:
    """A resolver over the root patterns that are not inside i18n_patterns (staff, API, technical)."""
    outside = [p for p in resolver.url_patterns if not isinstance(getattr(p, "pattern", None), LocalePrefixPattern)]
    return URLResolver(RegexPattern(r"^/"), outside)


def has_language_versions(path_info: str, urlconf=None) -> bool:
    """True for a learner page (one address per language), False for staff and technical addresses.

    Anything not matched by a pattern outside i18n_patterns is a learner page, including unknown
    addresses (Wagtail's page tree answers them, with a 404 page in the visitor's language)."""
    if not is_language_prefix_patterns_used(urlconf or settings.ROOT_URLCONF)[0]:
        return False
    try:
        _outside_resolver(get_resolver(urlconf)).resolve(path_info)
    except Resolver404:
        return True
    return False


def url_in_language(url: str, language: str) -> str:
    """The same page and query in ``language``, for an address on this site in any language."""
    path = urlsplit(url).path
    script_prefix = get_script_prefix()
    path_language = get_language_from_path(path[len(script_prefix) - 1 :] if path.startswith(script_prefix) else path)
    with override(path_language or settings.LANGUAGE_CODE):  # translate_url resolves in the active language
        return translate_url(url, language)


def language_versions(request) -> list[LanguageVersion]:
    """The current page in every site language, keeping the query string; empty on staff pages.

    Worked out once per request (the switcher and the hreflang alternates both ask). No address is translated
    (the same words in every language), so a version is the same path with the other language's prefix: no
    resolving and reversing per language, which was a tenth of /find/'s time.
    """
    cached = getattr(request, "_language_versions", None)
    if cached is not None:
        return cached
    versions = []
    learner_page = getattr(request, "has_language_versions", None)  # set by LanguageMiddleware
    if learner_page is None:
        learner_page = has_language_versions(request.path_info, getattr(request, "urlconf", None))
    if learner_page:
        current = get_language()
        rest = _path_without_language(request.path_info)
        query = request.get_full_path().partition("?")[2]
        script_prefix = get_script_prefix()
        for code, name in settings.LANGUAGES:  # the names as the site writes them, each in its own language
            prefix = "" if code == settings.LANGUAGE_CODE else f"{code}/"
            url = f"{script_prefix}{prefix}{rest}" + (f"?{query}" if query else "")
            versions.append(LanguageVersion(code, name, url, get_language_info(code)["bidi"], code == current))
    request._language_versions = versions
    return versions


def _path_without_language(path_info: str) -> str:
    """ "/ar/find/" and "/find/" both give "find/"."""
    path = path_info.lstrip("/")
    language = get_language_from_path(path_info)
    if language and path.startswith(f"{language}/"):
        return path[len(language) + 1 :]
    return path


def supported_language(code: str | None) -> str | None:
    """The site language for ``code`` ("ar", "en" for "en-gb"), or None if the site has none for it."""
    try:
        return get_supported_language_variant(code) if code else None
    except LookupError:
        return None


@public_form  # old pages' switcher forms carry no CSRF token that still works; cross-site posts are refused
@require_http_methods(["GET", "POST"])
def set_language(request):
    """Django's set_language, knowing that learner pages have the language in their address.

    Sends the visitor to ``next`` in the chosen language (``/find/`` to ``/ar/find/``, ``/ar/find/`` to
    ``/pl/find/``) and keeps the language cookie, which staff pages (no language in their address) still use.
    """
    next_url = request.POST.get("next", request.GET.get("next"))
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    language = supported_language(request.POST.get("language")) if request.method == "POST" else None
    if language is None:
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(url_in_language(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
