"""Reading an OS Code-Point Open download (the zip or its unpacked folder) for ``import_geography``."""

import csv
import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from finder.geography.importer import (
    DISTRICT_CODE,
    LONDON_DISTRICT_PREFIX,
    GeographyImportError,
    PostcodeRow,
    _district,
    _fail,
)
from finder.geography.models import District, Outcode, Sector
from finder.geography.postcodes import format_postcode


class CodePointOpen:
    """An OS Code-Point Open download: the zip, or its unpacked folder of header-less CSVs.

    Eastings and northings (EPSG:27700) are converted to WGS84 with pyproj. Outcodes and sectors
    are the mean of their unit postcodes, as in the prepared files.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            raise GeographyImportError(f"{self.path}: not found")
        self._areas: dict[str, dict] = {}
        self._district_names: dict[str, str] | None = None

    def __str__(self):
        return f"Code-Point Open {self.path}"

    def _members(self) -> Iterator[tuple[str, Callable[[], io.TextIOBase]]]:
        if self.path.is_dir():
            files = sorted(self.path.rglob("*.csv"))
            files = [f for f in files if "doc" not in {p.lower() for p in f.relative_to(self.path).parts[:-1]}]
            for file in files:
                yield file.name, lambda file=file: file.open(encoding="utf-8-sig", newline="")
            return
        if not zipfile.is_zipfile(self.path):
            raise GeographyImportError(f"{self.path.name}: not a zip file or a folder")
        archive = zipfile.ZipFile(self.path)
        names = sorted(n for n in archive.namelist() if n.lower().endswith(".csv") and "/doc/" not in f"/{n.lower()}")
        for name in names:
            yield name, lambda name=name: io.TextIOWrapper(archive.open(name), encoding="utf-8-sig", newline="")

    def _codelist(self) -> bytes | None:
        if self.path.is_dir():
            found = [p for p in self.path.rglob("*.xlsx") if "codelist" in p.name.lower()]
            return found[0].read_bytes() if found else None
        with zipfile.ZipFile(self.path) as archive:
            found = [n for n in archive.namelist() if n.lower().endswith("codelist.xlsx")]
            return archive.read(found[0]) if found else None

    def postcodes(self, scope: str) -> Iterator[PostcodeRow]:
        from pyproj import Transformer

        to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
        areas: dict[str, list] = defaultdict(lambda: [0.0, 0.0, 0, Counter()])
        seen_any = False
        for name, opener in self._members():
            batch: list[tuple[str, float, float, str]] = []
            with opener() as handle:
                for line, columns in enumerate(csv.reader(handle), start=1):
                    if not columns or not any(columns):
                        continue
                    if len(columns) < 9:
                        _fail(name, line, "expected the 10 Code-Point Open columns")
                    postcode = format_postcode(columns[0])
                    if not postcode:
                        _fail(name, line, f"{columns[0]!r} is not a valid postcode")
                    try:
                        easting, northing = int(columns[2]), int(columns[3])
                    except ValueError:
                        _fail(name, line, f"eastings/northings {columns[2]!r}, {columns[3]!r} are not whole numbers")
                    if columns[1].strip() == "90" or (easting == 0 and northing == 0):
                        continue  # OS marks postcodes with no grid reference with quality 90.
                    batch.append((postcode, easting, northing, _district(columns[8], name, line)))
            if not batch:
                continue
            seen_any = True
            longitudes, latitudes = to_wgs84.transform([b[1] for b in batch], [b[2] for b in batch])
            for (postcode, _, _, district), lat, lon in zip(batch, latitudes, longitudes, strict=True):
                lat, lon = round(lat, 6), round(lon, 6)
                for code in (postcode.split(" ")[0], postcode[:-2]):
                    area = areas[code]
                    area[0] += lat
                    area[1] += lon
                    area[2] += 1
                    area[3][district] += 1
                if scope == "gb" or district.startswith(LONDON_DISTRICT_PREFIX):
                    yield PostcodeRow(postcode, lat, lon, district)
        if not seen_any:
            raise GeographyImportError(f"{self.path.name}: no Code-Point Open CSV rows found")
        self._areas = areas

    def _area_models(self, model, is_sector: bool) -> list:
        return [
            model(
                code=code,
                latitude=round(total_lat / count, 5),
                longitude=round(total_lon / count, 5),
                postcode_count=count,
                district_code=districts.most_common(1)[0][0],
            )
            for code, (total_lat, total_lon, count, districts) in self._areas.items()
            if (" " in code) == is_sector
        ]

    def outcodes(self) -> list[Outcode]:
        return self._area_models(Outcode, is_sector=False)

    def sectors(self) -> list[Sector]:
        return self._area_models(Sector, is_sector=True)

    def districts(self) -> list[District] | None:
        """District names from the download's Doc/Codelist.xlsx; None where it has none."""
        data = self._codelist()
        if data is None:
            return None
        from openpyxl import load_workbook

        names: dict[str, str] = {}
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = [str(c).strip() for c in row[:2] if c is not None]
                if len(cells) == 2 and DISTRICT_CODE.match(cells[1]):
                    names.setdefault(cells[1], cells[0].title() if cells[0].isupper() else cells[0])
        return [
            District(code=code, name=name, is_london_borough=code.startswith(LONDON_DISTRICT_PREFIX))
            for code, name in names.items()
        ]

    def places(self) -> None:
        return None
