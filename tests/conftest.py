"""Shared fixtures: the real UK geography from ../shared/data/geo, loaded once per test database."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from finder.geography.importer import PreparedFiles, import_geography
from finder.models import Postcode

# Property tests assert behaviour, never speed: no per-example deadline on a shared 2-core machine.
hypothesis_settings.register_profile(
    "esolplus", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
hypothesis_settings.load_profile("esolplus")

GEO_DIR = settings.GEO_DATA_DIR
GEO_MISSING = f"the UK geography reference data is not at {GEO_DIR} (see README: 'Geography data')"


def geodata_available() -> bool:
    if (GEO_DIR / "london_postcodes.csv.gz").exists():
        return True
    if os.environ.get("ESOLPLUS_REQUIRE_SHARED_DATA"):
        pytest.fail(f"CI must run every test, but {GEO_MISSING}")
    return False


def load_london_geography():
    import_geography(PreparedFiles(GEO_DIR), scope="london")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load London's postcodes into the test database once, before any test runs."""
    if geodata_available():
        with django_db_blocker.unblock():
            load_london_geography()


@pytest.fixture
def geography(db):
    """Real London geography; reloaded if a transactional test flushed it."""
    if not geodata_available():
        pytest.skip(GEO_MISSING)
    if not Postcode.objects.exists():
        load_london_geography()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
