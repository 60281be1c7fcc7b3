"""Authentication backends: django-axes login throttling that tolerates server-side logins."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuse logins for a username and address that failed too often (django-axes).

    Every login form on the site (Wagtail's admin, Django's admin) passes the request to
    ``authenticate()``. Calls without a request come only from server-side code, such as the test
    client's ``login()`` or a management command; no attacker can make them, so they are not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
