"""Cut the test fixture in this folder from the full prepared geography in ../shared/data/geo.

Run by hand, from the repository root, after adding a test that names a postcode the fixture lacks:

    .venv/bin/python tests/data/geo/cut_fixture.py [--source ../shared/data/geo] [--out tests/data/geo]

It keeps real rows, copied line for line, in the same files and formats as the source, so
``PreparedFiles(tests/data/geo)`` imports it unchanged:

- gb_districts.csv: every row (all GB districts; the 33 London boroughs among them);
- gb_outcodes.csv, gb_sectors.csv: every London outcode and sector (main district E09...), plus the
  outcode and sector of each kept postcode;
- london_places.csv: every row (all London place names);
- london_postcodes.csv.gz: POSTCODES_PER_BOROUGH postcodes per borough, evenly spread through its sorted list,
  plus every London postcode that a test or developer tool names (found by scanning SCANNED folders).

The output depends only on the source and the scanned code (gzip without a timestamp), so cutting again from the
same data gives the same files; the full-data tests in CI check that it does.
"""

import argparse
import csv
import gzip
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
POSTCODES_PER_BOROUGH = 10
SCANNED = ("tests", "devtools")
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}\b")
LONDON_DISTRICT_PREFIX = "E09"


def _lines(path: Path) -> list[str]:
    """The file's lines as they are, so the fixture holds the source's rows byte for byte."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            return handle.read().splitlines(keepends=True)
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _field(line: str, index: int) -> str:
    return next(csv.reader([line]))[index]


def named_postcodes(root: Path = ROOT) -> set[str]:
    """Postcodes written in the tests and developer tools, with one space before the inward code."""
    found = set()
    for folder in SCANNED:
        for path in (root / folder).rglob("*.py"):
            for match in POSTCODE.findall(path.read_text(encoding="utf-8")):
                code = match.replace(" ", "")
                found.add(f"{code[:-3]} {code[-3:]}")
    return found


def cut(source: Path, root: Path = ROOT) -> dict[str, list[str]]:
    """The fixture's files, by name, as lists of lines (header first)."""
    header, *rows = _lines(source / "london_postcodes.csv.gz")
    by_borough = defaultdict(list)
    for line in rows:
        by_borough[_field(line, 3)].append(line)
    named = named_postcodes(root)
    kept = {line for line in rows if _field(line, 0) in named}
    for lines in by_borough.values():
        lines.sort(key=lambda line: _field(line, 0))
        step = len(lines) / POSTCODES_PER_BOROUGH
        kept.update(lines[int(i * step)] for i in range(min(POSTCODES_PER_BOROUGH, len(lines))))
    postcodes = [line for line in rows if line in kept]
    outcodes = {_field(line, 0).split(" ")[0] for line in postcodes}
    sectors = {_field(line, 0)[:-2] for line in postcodes}

    def areas(filename: str, codes: set[str]) -> list[str]:
        head, *lines = _lines(source / filename)
        london = LONDON_DISTRICT_PREFIX
        return [head, *(line for line in lines if _field(line, 0) in codes or _field(line, 4).startswith(london))]

    return {
        "gb_districts.csv": _lines(source / "gb_districts.csv"),
        "gb_outcodes.csv": areas("gb_outcodes.csv", outcodes),
        "gb_sectors.csv": areas("gb_sectors.csv", sectors),
        "london_places.csv": _lines(source / "london_places.csv"),
        "london_postcodes.csv.gz": [header, *postcodes],
    }


def write(files: dict[str, list[str]], out: Path) -> None:
    for name, lines in files.items():
        data = "".join(lines).encode("utf-8")
        if name.endswith(".gz"):
            buffer = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as handle:
                handle.write(data)
            data = buffer.getvalue()
        (out / name).write_bytes(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data" / "geo")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    if not (args.source / "london_postcodes.csv.gz").exists():
        print(f"No prepared geography at {args.source} (see tests/data/geo/README.md)", file=sys.stderr)
        return 1
    files = cut(args.source)
    write(files, args.out)
    for name, lines in files.items():
        print(f"{name}: {len(lines) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
