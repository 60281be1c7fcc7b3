"""Helpers for tests of what happens when requests meet: forms filled in from a page's HTML as a browser without
JavaScript would, requests sent at the same moment from threads, and database connections that wait for each other.
"""

import sqlite3
import threading
from html.parser import HTMLParser

import pytest
from django.db import connection, connections
from django.urls import reverse


class _Forms(HTMLParser):
    """What a browser sends for each form on a page: hidden and text inputs, checked radios and boxes, chosen
    options (the first when none is marked selected)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"<form action>": attrs.get("action", "")})
        elif not self.forms or "name" not in attrs:
            if tag == "option" and self._select and (self._select not in self.forms[-1] or "selected" in attrs):
                self.forms[-1][self._select] = attrs.get("value", "")
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button") or (kind in ("radio", "checkbox") and "checked" not in attrs):
                return
            self.forms[-1][attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "textarea":
            self.forms[-1][attrs["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_on(page, *names: str, **having: str) -> dict[str, str]:
    """The values of the page's own form (not the language switcher's) that has the fields ``names`` and the
    values ``having`` (e.g. action="end")."""
    parser = _Forms()
    parser.feed(page.content.decode())
    own = (form for form in parser.forms if form.pop("<form action>") != reverse("set_language"))
    return next(form for form in own if set(names) <= form.keys() and having.items() <= form.items())


@pytest.fixture
def connections_that_wait(tmp_path):
    """Connections that wait for each other's locks, as the site's do. PostgreSQL's do. SQLite's test database
    lives in memory, shared between connections whose table locks refuse a second writer at once ("database table
    is locked") where a database file makes it wait: on SQLite the test runs on a copy in a file, opened with the
    site's settings (write-ahead log, writers queue for the lock), and the in-memory database is left as it was."""
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict, in_memory = connection.settings_dict, connection.connection
    memory_name, copy = settings_dict["NAME"], tmp_path / "concurrent.sqlite3"
    with sqlite3.connect(copy) as target:
        in_memory.backup(target)
    target.close()
    settings_dict["NAME"] = str(copy)
    connection.connection = None  # set aside, not closed: an in-memory database lasts while a connection is open
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = in_memory


def at_the_same_moment(*requests) -> list:
    """Run each request (a callable) in its own thread, all released together; their responses (or errors)."""
    barrier, results = threading.Barrier(len(requests)), [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as error:  # a server error: the assertions report it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
