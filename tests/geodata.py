"""Read rows straight from ../shared/data/geo, so tests compare against the source files."""

import csv
import gzip

from django.conf import settings


def postcode_row(postcode: str) -> dict:
    with gzip.open(settings.GEO_DATA_DIR / "london_postcodes.csv.gz", "rt", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["postcode"] == postcode)


def area_row(filename: str, code: str) -> dict:
    with (settings.GEO_DATA_DIR / filename).open(newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["code"] == code)


def place_rows(name: str) -> list[dict]:
    with (settings.GEO_DATA_DIR / "london_places.csv").open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["place"] == name]


def count_rows(filename: str) -> int:
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(settings.GEO_DATA_DIR / filename, "rt", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))
