"""The test data committed under tests/data is what it claims to be: an unchanged cut of the reference data
in ../shared. These run wherever ../shared is present, and always in CI."""

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.openreferral_schemas import SCHEMA_DIR

GEO_FIXTURE = Path(__file__).parent / "data" / "geo"
CUT = GEO_FIXTURE / "cut_fixture.py"


def _text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()


@pytest.mark.full_geodata
def test_the_geography_fixture_is_the_cut_of_the_full_files(tmp_path):
    """Real rows only, and current: cutting again from ../shared gives the committed files, so the fixture
    holds every London postcode that a test names."""
    subprocess.run(
        [sys.executable, str(CUT), "--source", str(settings.FULL_GEO_DATA_DIR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == sorted(path.name for path in GEO_FIXTURE.glob("*.csv*"))
    stale = [name for name in made if _text(tmp_path / name) != _text(GEO_FIXTURE / name)]
    assert not stale, f"{', '.join(stale)} differ from a fresh cut: run {CUT.relative_to(settings.BASE_DIR)}"


@pytest.mark.shared_openreferral
def test_the_committed_openreferral_schemas_are_the_published_ones():
    shared = Path(settings.OPENREFERRAL_SCHEMA_DIR)
    committed = {path.name: path.read_bytes() for path in SCHEMA_DIR.glob("*.json")}
    published = {path.name: path.read_bytes() for path in (shared / "schema").glob("*.json")}
    assert sorted(committed) == sorted(published)
    assert [name for name in committed if committed[name] != published[name]] == []
    assert (SCHEMA_DIR.parent / "LICENSE").read_bytes() == (shared / "LICENSE").read_bytes()
