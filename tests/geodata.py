"""Read rows straight from the geography files the test database was loaded from, so tests compare with the
source: settings.GEO_DATA_DIR, the committed fixture in tests/data/geo (or the full files in ../shared
while a full_geodata test runs)."""

import csv
import gzip

from django.conf import settings

RECUT = "re-run tests/data/geo/cut_fixture.py (tests/data/geo/README.md)"


def _first(rows, what: str) -> dict:
    found = next(rows, None)
    if found is None:
        raise LookupError(f"{what} is not in {settings.GEO_DATA_DIR}; if it is a real London one, {RECUT}")
    return found


def postcode_row(postcode: str) -> dict:
    with gzip.open(settings.GEO_DATA_DIR / "london_postcodes.csv.gz", "rt", newline="") as handle:
        return _first((row for row in csv.DictReader(handle) if row["postcode"] == postcode), postcode)


def area_row(filename: str, code: str) -> dict:
    with (settings.GEO_DATA_DIR / filename).open(newline="") as handle:
        return _first((row for row in csv.DictReader(handle) if row["code"] == code), f"{code} ({filename})")


def place_rows(name: str) -> list[dict]:
    with (settings.GEO_DATA_DIR / "london_places.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["place"] == name]


def count_rows(filename: str) -> int:
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(settings.GEO_DATA_DIR / filename, "rt", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))
