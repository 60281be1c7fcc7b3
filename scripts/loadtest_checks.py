"""The load test's checks across app servers: a session started on one is valid on the other, and the enquiry
limit holds whichever server a client reaches. Plain http.client on loopback; used by scripts/loadtest.py."""

import http.client
import re
import sys
from urllib.parse import urlencode

DEMO_LOGIN = ("admin", "esolplus-demo")  # devtools/demo.py: the demo site administrator, local demo logins only


class Browser:
    """Just enough of a browser for the checks: keeps cookies across servers (the Secure flag is ignored, as these
    servers speak plain http on loopback) and returns status and body; redirects are not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def form_fields(self, html: str) -> dict[str, str]:
        """The hidden inputs of the page's form (CSRF token, one-time submission key)."""
        fields = {}
        for tag in re.findall(r"<input[^>]*>", html):
            name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
            if name and 'type="hidden"' in tag:
                fields[name.group(1)] = value.group(1) if value else ""
        return fields


def session_shared(ports: list[int]) -> bool:
    """Log in to the admin on the first server; the second must then show the admin, not the login page."""
    first, other = ports[0], ports[-1]
    browser = Browser()
    _status, html = browser.request(first, "GET", "/admin/login/")
    form = {**browser.form_fields(html), "username": DEMO_LOGIN[0], "password": DEMO_LOGIN[1]}
    status, _html = browser.request(first, "POST", "/admin/login/", form)
    if status != 302 or "sessionid" not in browser.cookies:
        print(f"== login on :{first} failed ({status})", file=sys.stderr)
        return False
    logged_in, _html = browser.request(other, "GET", "/admin/")
    anonymous, _html = Browser().request(other, "GET", "/admin/")
    return logged_in == 200 and anonymous == 302


def enquiry_statuses(ports: list[int], class_id: int, count: int) -> list[int]:
    """``count`` enquiries from one client (this address), alternately to each server, each from a freshly fetched
    form (its own CSRF token and submission key): the answer to each (302 sent, 429 refused)."""
    statuses = []
    for index in range(count):
        port = ports[index % len(ports)]
        browser = Browser()
        path = f"/find/enquire/{class_id}/"
        _status, html = browser.request(port, "GET", path)
        form = {
            **browser.form_fields(html),
            "name": f"Load test {index}",
            "email": f"loadtest{index}@example.com",
            "best_time": "any",
            "consent_to_contact": "on",
        }
        status, _html = browser.request(port, "POST", path, form)
        statuses.append(status)
    return statuses
