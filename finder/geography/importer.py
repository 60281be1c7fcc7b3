"""Loading UK geography: the prepared files in ``shared/data/geo`` or an OS Code-Point Open download.

Every import runs in one transaction and replaces the tables it loads, so a bad row anywhere
leaves the database exactly as it was.
"""

import csv
import gzip
import io
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, transaction

from finder.geography.models import District, Outcode, Place, Postcode, Sector
from finder.geography.postcodes import format_postcode, place_key

if TYPE_CHECKING:
    from finder.geography.codepoint import CodePointOpen

SCOPES = ("london", "gb")
LONDON_DISTRICT_PREFIX = "E09"
DISTRICT_CODE = re.compile(r"^[EWSNLM]\d{8}$")
# Generous bounds around Great Britain: a coordinate outside them is a broken row.
GB_LATITUDE = (49.0, 61.5)
GB_LONGITUDE = (-9.0, 2.5)
BATCH_SIZE = 20_000

Progress = Callable[[int], None]


class GeographyImportError(Exception):
    """A file that can't be loaded; the message names the file, the line and the reason."""


@dataclass
class ImportSummary:
    source: str
    scope: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PostcodeRow:
    postcode: str
    latitude: float
    longitude: float
    district_code: str


def _fail(where: str, line: int, reason: str):
    raise GeographyImportError(f"{where}, line {line}: {reason}")


def _coordinate(value: str, bounds: tuple[float, float], name: str, where: str, line: int):
    try:
        number = float(value)
    except (TypeError, ValueError):
        _fail(where, line, f"{name} {value!r} is not a number")
    if not bounds[0] <= number <= bounds[1]:
        _fail(where, line, f"{name} {number} is outside Great Britain")
    return number


def _district(value: str, where: str, line: int) -> str:
    value = (value or "").strip()
    if value and not DISTRICT_CODE.match(value):
        _fail(where, line, f"district code {value!r} is not a GSS code like E09000001")
    return value


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _read_csv(path: Path, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with a header, checking that the columns the importer needs are there."""
    if not path.exists():
        raise GeographyImportError(f"{path}: file not found")
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise GeographyImportError(f"{path.name}: missing columns {', '.join(missing)}")
        yield from enumerate(reader, start=2)


class PreparedFiles:
    """The files described in ``shared/data/README.md``: WGS84 CSVs with header rows."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise GeographyImportError(f"{self.folder}: folder not found")

    def __str__(self):
        return str(self.folder)

    def districts(self) -> list[District]:
        path = self.folder / "gb_districts.csv"
        found = []
        for line, row in _read_csv(path, ["district_code", "name", "london_borough"]):
            code = _district(row["district_code"], path.name, line)
            if not code or not row["name"].strip():
                _fail(path.name, line, "district code and name are required")
            is_london = row["london_borough"].strip().lower() in {"yes", "true", "1"}
            found.append(District(code=code, name=row["name"].strip(), is_london_borough=is_london))
        return found

    def _areas(self, filename: str, model, pattern: re.Pattern) -> list:
        path = self.folder / filename
        found = []
        columns = ["code", "lat", "lon", "postcodes", "main_district_code"]
        for line, row in _read_csv(path, columns):
            code = row["code"].strip().upper()
            if not pattern.match(code):
                _fail(path.name, line, f"{code!r} is not a valid code")
            if not row["postcodes"].isdigit():
                _fail(path.name, line, f"postcode count {row['postcodes']!r} is not a whole number")
            found.append(
                model(
                    code=code,
                    latitude=_coordinate(row["lat"], GB_LATITUDE, "latitude", path.name, line),
                    longitude=_coordinate(row["lon"], GB_LONGITUDE, "longitude", path.name, line),
                    postcode_count=int(row["postcodes"]),
                    district_code=_district(row["main_district_code"], path.name, line),
                )
            )
        return found

    def outcodes(self) -> list[Outcode]:
        return self._areas("gb_outcodes.csv", Outcode, re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$"))

    def sectors(self) -> list[Sector]:
        return self._areas("gb_sectors.csv", Sector, re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$"))

    def places(self) -> list[Place]:
        return read_places(self.folder / "london_places.csv")

    def postcodes(self, scope: str) -> Iterator[PostcodeRow]:
        name = "gb_postcodes.csv.gz" if scope == "gb" else "london_postcodes.csv.gz"
        path = self.folder / name
        for line, row in _read_csv(path, ["postcode", "lat", "lon", "district_code"]):
            postcode = format_postcode(row["postcode"])
            if not postcode:
                _fail(name, line, f"{row['postcode']!r} is not a valid postcode")
            yield PostcodeRow(
                postcode,
                _coordinate(row["lat"], GB_LATITUDE, "latitude", name, line),
                _coordinate(row["lon"], GB_LONGITUDE, "longitude", name, line),
                _district(row["district_code"], name, line),
            )


def read_places(path: Path) -> list[Place]:
    """London place names, from the prepared CSV or a GeoNames postal-code file (GB.zip/GB.txt)."""
    if path.suffix in {".zip", ".txt"}:
        return _geonames_places(path)
    found: dict[tuple[str, str], Place] = {}
    for line, row in _read_csv(path, ["place", "outcode", "lat", "lon"]):
        name = row["place"].strip()
        if not name:
            _fail(path.name, line, "place name is empty")
        place = Place(
            name=name,
            lookup_key=place_key(name),
            outcode=row["outcode"].strip().upper(),
            latitude=_coordinate(row["lat"], GB_LATITUDE, "latitude", path.name, line),
            longitude=_coordinate(row["lon"], GB_LONGITUDE, "longitude", path.name, line),
        )
        found.setdefault((place.lookup_key, place.outcode), place)
    return list(found.values())


def _geonames_places(path: Path) -> list[Place]:
    """GeoNames rows in Greater London, one place per name and outcode at their mean position."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            member = next((n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()), None)
            if member is None:
                raise GeographyImportError(f"{path.name}: no GeoNames .txt file inside")
            text = archive.read(member).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    groups: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for line, columns in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
        if len(columns) < 11:
            _fail(path.name, line, "expected GeoNames' tab-separated postal code columns")
        if columns[5].strip() != "Greater London":
            continue
        outcode = columns[1].strip().split(" ")[0].upper()
        key = (place_key(columns[2]), outcode)
        names.setdefault(key, columns[2].strip())
        groups[key].append(
            (
                _coordinate(columns[9], GB_LATITUDE, "latitude", path.name, line),
                _coordinate(columns[10], GB_LONGITUDE, "longitude", path.name, line),
            )
        )
    return [
        Place(
            name=names[key],
            lookup_key=key[0],
            outcode=key[1],
            latitude=sum(p[0] for p in points) / len(points),
            longitude=sum(p[1] for p in points) / len(points),
        )
        for key, points in groups.items()
    ]


def _replace(model, rows: list, progress: Progress | None = None) -> int:
    model.objects.all().delete()
    model.objects.bulk_create(rows, batch_size=2_000)
    if progress:
        progress(len(rows))
    return len(rows)


def _upsert_districts(districts: list[District]) -> int:
    """Districts are updated in place, never deleted: boroughs served and venues point at them."""
    District.objects.bulk_create(
        districts,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "is_london_borough"],
    )
    return len(districts)


def _copy_postcodes(rows: Iterable[PostcodeRow], progress: Progress | None) -> int:
    """Replace every unit postcode with the fastest bulk path the database offers."""
    table = connection.ops.quote_name(Postcode._meta.db_table)  # a model's own table name, not user input
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table}")
            with cursor.cursor.copy(f"COPY {table} (postcode, latitude, longitude, district_code) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((row.postcode, row.latitude, row.longitude, row.district_code))
                    count += 1
                    if progress and count % BATCH_SIZE == 0:
                        progress(BATCH_SIZE)
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            sql = f"INSERT INTO {table} (postcode, latitude, longitude, district_code) VALUES (%s, %s, %s, %s)"  # noqa: S608
            batch: list[tuple] = []
            for row in rows:
                batch.append((row.postcode, row.latitude, row.longitude, row.district_code))
                if len(batch) == BATCH_SIZE:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
                    if progress:
                        progress(BATCH_SIZE)
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    if progress:
        progress(count % BATCH_SIZE)
    return count


def import_geography(
    source: "PreparedFiles | CodePointOpen",
    scope: str = "london",
    places_file: Path | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Load districts, outcodes, sectors, places and unit postcodes, all or nothing."""
    if scope not in SCOPES:
        raise GeographyImportError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    started = time.perf_counter()
    summary = ImportSummary(source=str(source), scope=scope)
    with transaction.atomic():
        if isinstance(source, PreparedFiles):
            districts, outcodes, sectors = source.districts(), source.outcodes(), source.sectors()
            postcode_count = _copy_postcodes(source.postcodes(scope), progress)
        else:
            postcode_count = _copy_postcodes(source.postcodes(scope), progress)
            districts, outcodes, sectors = source.districts(), source.outcodes(), source.sectors()
        places = read_places(places_file) if places_file else source.places()
        summary.counts["postcodes"] = postcode_count
        if districts is None:
            summary.notes.append("District names kept as they were: the download has no Codelist.xlsx.")
        else:
            summary.counts["districts"] = _upsert_districts(districts)
        summary.counts["outcodes"] = _replace(Outcode, outcodes)
        summary.counts["sectors"] = _replace(Sector, sectors)
        if places is None:
            summary.notes.append("Place names kept as they were: pass --places to load them.")
        else:
            summary.counts["places"] = _replace(Place, places)
        if postcode_count == 0:
            raise GeographyImportError(f"{source}: no postcodes in scope {scope!r}")
    summary.seconds = time.perf_counter() - started
    return summary
