"""Shared fixtures: real London geography, loaded once per test database, and a closing line on skips.

The suite runs on the small committed cut of the real geography in tests/data/geo (settings.GEO_DATA_DIR
in the test settings), so it runs the same in a plain clone and in CI. The few tests that need the full
files in ../shared are marked (``full_geodata``, ``shared_openreferral``): they are skipped with the reason
where the files are absent, and fail instead under CI (ESOLPLUS_REQUIRE_SHARED_DATA=1), which runs them all.
"""

import os
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from finder.geography.importer import PreparedFiles, import_geography
from finder.models import Postcode
from tests.geodata import count_rows

# Property tests assert behaviour, never speed: no per-example deadline on a shared 2-core machine.
hypothesis_settings.register_profile(
    "esolplus", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
hypothesis_settings.load_profile("esolplus")

FULL_GEO_DIR = Path(settings.FULL_GEO_DATA_DIR)
# What each marker needs from ../shared: (a file that must exist, what it is).
SHARED_DATA = {
    "full_geodata": (FULL_GEO_DIR / "london_postcodes.csv.gz", "full UK geography"),
    "shared_openreferral": (
        Path(settings.OPENREFERRAL_SCHEMA_DIR) / "schema" / "service.json",
        "Open Referral UK schemas",
    ),
}


def load_london_geography():
    """London's postcodes from settings.GEO_DATA_DIR: the fixture, or the full files in a full_geodata test."""
    import_geography(PreparedFiles(settings.GEO_DATA_DIR), scope="london")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the committed London fixture into the test database once, before any test runs."""
    with django_db_blocker.unblock():
        load_london_geography()


@pytest.fixture(autouse=True)
def _shared_data(request):
    """A test marked as needing ../shared gets it, or is skipped saying so (a failure in CI); a full_geodata
    test sees the full files wherever it looks: the import command's default, tests.geodata and, through
    the geography fixture, the database."""
    needed = [marker for marker in SHARED_DATA if request.node.get_closest_marker(marker)]
    for marker in needed:
        path, what = SHARED_DATA[marker]
        if not path.exists():
            reason = f"no {what} at {path.parent} (CI runs these tests)"
            if os.environ.get("ESOLPLUS_REQUIRE_SHARED_DATA"):
                pytest.fail(f"CI must run every test, but there is {reason}")
            pytest.skip(reason)
    if "full_geodata" not in needed:
        yield
        return
    with override_settings(GEO_DATA_DIR=FULL_GEO_DIR):
        yield


@pytest.fixture
def geography(request, db, _shared_data):
    """Real London geography. The session loaded the fixture; a full_geodata test loads the full files in its
    own transaction, and a transactional test that flushed the tables gets the fixture again."""
    full = request.node.get_closest_marker("full_geodata") is not None
    if full or Postcode.objects.count() != count_rows("london_postcodes.csv.gz"):
        load_london_geography()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in English: a request to an /ar/ page leaves Arabic active in the thread, and a later
    test's reverse() would otherwise give /ar/ addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple | list) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """After pytest's summaries and just before its closing "N passed" line: how many tests were skipped and
    why, so that a partial run is plain to see."""
    result = yield
    if terminalreporter.config.option.collectonly:
        return result
    reasons = Counter(_skip_reason(report) for report in terminalreporter.stats.get("skipped", []))
    total = sum(reasons.values())
    line = f"Skipped {total} test{'' if total == 1 else 's'}"
    if reasons:
        line += ": " + "; ".join(f"[{count}] {reason}" for reason, count in reasons.most_common())
    terminalreporter.write_line(line, yellow=bool(total), bold=bool(total))
    return result
