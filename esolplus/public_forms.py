"""Forms that anyone may send without signing in, protected without a CSRF cookie.

Public pages must set no cookie, so that a cache can keep one copy per URL for everyone (see
docs/architecture.md). Django's CSRF protection needs a cookie and a token in the page, so public
forms (the enquiry form, the waiting list, the eligibility checker, employer enquiries, referrals)
use ``public_form`` instead: a POST is refused when the browser says it comes from another site,
either through ``Sec-Fetch-Site: cross-site`` (every current browser sends it) or through an
``Origin`` header that is neither this site nor one of ``CSRF_TRUSTED_ORIGINS``.

A POST with neither header (old browsers, scripts, the test client) is let through: an anonymous
form has no signed-in session for a forged request to ride on, and each form also has a submission
key (esolplus.concurrency) and a rate limit, which stop replays and floods.

Usage::

    @public_form
    @require_http_methods(["GET", "POST"])
    def enquire(request, class_id): ...
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.shortcuts import render
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REFUSED_TEMPLATE = "esolplus/form_refused.html"


def is_cross_site(request) -> bool:
    """True when the browser tells us this request was sent from a page on another site.

    A page that sends no referrer (``Referrer-Policy: no-referrer``: the signed-link pages, whose address is a key)
    makes browsers send ``Origin: null`` with its forms; such a POST is ours when the browser also says it came from
    this site (``Sec-Fetch-Site: same-origin``, which no page can forge). A null origin without that is refused."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "").lower()
    if fetch_site == "cross-site":
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return False
    if origin == "null" and fetch_site == "same-origin":
        return False
    return not origin_is_allowed(request, origin)


def origin_is_allowed(request, origin: str) -> bool:
    """The same rule as Django's CsrfViewMiddleware: this host (behind proxies as request.get_host() sees it)
    with this scheme, or an entry of CSRF_TRUSTED_ORIGINS (which may start with a "*." wildcard)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        host = None
    if host is not None and origin == f"{request.scheme}://{host}":
        return True
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted:
        return True
    parts = urlsplit(origin)
    try:
        netloc = parts.netloc.lower()
    except ValueError:
        return False
    if not parts.scheme or not netloc:
        return False  # "null" from a sandboxed frame or a privacy-conscious redirect, or garbage
    wildcard_hosts = [
        urlsplit(o).netloc.lstrip("*") for o in trusted if "*" in o and urlsplit(o).scheme == parts.scheme
    ]
    return any(is_same_domain(netloc, pattern) for pattern in wildcard_hosts)


def public_form(view):
    """Let ``view`` take POSTs from anonymous visitors without a CSRF cookie, refusing cross-site ones (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS and is_cross_site(request):
            return render(request, REFUSED_TEMPLATE, status=403)
        return view(request, *args, **kwargs)

    wrapper.public_form = True  # for the check that no view skips CSRF protection without a reason
    return csrf_exempt(wrapper)
