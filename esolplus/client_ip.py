"""The client's address, the one place that decides it: for the enquiry limit (django-ratelimit) and login throttling
(django-axes).

Behind reverse proxies the connecting address is the proxy's, so every learner would share one limit; but
X-Forwarded-For is only as true as the proxies that wrote it: a client can put anything at its start.
``TRUSTED_PROXY_COUNT`` (settings, from the environment) says how many proxies in front of the app append to it; the
client is the address the outermost of them saw, that many entries from the right (found by django-ipware). With the
default of 0 the header is ignored and the connecting address (REMOTE_ADDR) is the client.
"""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

UNKNOWN = "0.0.0.0"  # noqa: S104 - not a bind address: the key for a request with no usable address


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text; never empty, so a request without one is still limited (as "unknown")."""
    proxies = settings.TRUSTED_PROXY_COUNT
    address = None
    if proxies:
        # ipware counts the proxies *within* the header: the nearest trusted proxy appended the address it saw,
        # so with N trusted proxies the header holds N - 1 proxy hops after the client.
        address, _routable = get_client_ip(
            request, request_header_order=["HTTP_X_FORWARDED_FOR"], proxy_count=proxies - 1, strict=False
        )
    if address is None:
        # No proxy trusted, or a request that did not come through them all: the connecting address is all we know.
        address, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"], proxy_count=0)
    return address or UNKNOWN
