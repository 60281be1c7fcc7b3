"""Browser tests: every test here drives Debian's Chromium against a live server."""

import pytest

from tests.e2e.fixtures import *  # noqa: F403


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)
