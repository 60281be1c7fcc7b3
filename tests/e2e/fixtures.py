"""pytest fixtures for browser tests: a live server on the test database and a Chromium page.

Import them into a test module (or conftest) with ``from tests.e2e.fixtures import *``.
"""

import os
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections

from tests.e2e.tools import launch_chromium, require, save_screenshot

__all__ = ["_migrated_content", "_restorable_content", "chromium", "live_site", "page"]

# Several test modules import these fixtures, and pytest would give each module its own "session"
# instance; one snapshot per test run is kept here instead.
_RUN: dict = {}


@pytest.fixture(scope="session")
def _migrated_content(django_db_setup, django_db_blocker):
    """The test database's content after migrations, for restoring before each live-server test.

    Taken before Playwright starts: Playwright's event loop gives the test thread a new database
    connection object, without the snapshot that Django keeps on the first one.
    """
    if "content" not in _RUN:
        connection = connections[DEFAULT_DB_ALIAS]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is None:
            with django_db_blocker.unblock():
                contents = connection.creation.serialize_db_to_string()
        _RUN["content"] = contents
    return _RUN["content"]


@contextmanager
def _orm_calls_allowed_beside_playwright():
    """Playwright's sync API runs an asyncio loop in the test thread, which Django takes for async
    code; the test's own ORM calls are synchronous, so allow them while the browser runs, and only then
    (subprocesses started by other tests must not inherit the setting)."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def chromium(_migrated_content):
    """Chromium for one test; stopped afterwards so that no asyncio loop outlives the test."""
    require("chromium")
    from playwright.sync_api import sync_playwright

    with _orm_calls_allowed_beside_playwright(), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def _restorable_content(chromium, _migrated_content):
    connections[DEFAULT_DB_ALIAS]._test_serialized_contents = _migrated_content


@pytest.fixture
def live_site(_restorable_content, live_server, django_db_serialized_rollback):
    """The site served from the test database; the home page and other migrated content are restored
    for each test (the live server needs a transactional database, emptied after every test).

    Every cache starts empty too: the database cache that counts enquiries per address is a table that
    emptying the models' tables leaves alone, and all browser tests come from the same address."""
    for alias in settings.CACHES:
        caches[alias].clear()
    return live_server.url


class BrowserProblems(list):
    """JavaScript errors and Content Security Policy violations seen while a test drove the page."""


@pytest.fixture
def page(request, chromium, live_site):
    """A phone-sized page on the live site; its last view is saved to test-artifacts/ after the test."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=live_site, locale="en-GB")
    browser_page = context.new_page()
    problems = BrowserProblems()
    browser_page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    browser_page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    browser_page.problems = problems
    yield browser_page
    try:
        if browser_page.url.startswith("http"):
            save_screenshot(browser_page, request.node.name)
    finally:
        context.close()
    assert not problems, f"the browser reported problems: {problems}"


def set_language(page, language: str, site_url: str) -> None:
    """Choose the site language as the language switcher does (its cookie)."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site_url}])
