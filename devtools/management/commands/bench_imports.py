"""Benchmark (not a test): each abusive spreadsheet of issue 9 through the shared reader, one process per case.

    python manage.py bench_imports [--case "truncated XLSX"]

For each case (devtools/spreadsheet_abuse.py, plus two valid 10,000-row files for comparison) a subprocess
builds the file, then reads it as an import does (``esolplus.spreadsheets.open_spreadsheet``, every row) and
reports the outcome, the wall time, the growth of its peak resident set size (ru_maxrss, so Django's own
start-up is left out) and, in a second read, the peak of Python allocations under tracemalloc (which slows
allocation-heavy code, so the times come from the first read). The last line printed is one JSON object.
"""

import datetime
import json
import resource
import subprocess
import sys
import time
import tracemalloc

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from devtools import spreadsheet_abuse as abuse
from esolplus.spreadsheets import SpreadsheetError, open_spreadsheet


def _valid_register_xlsx():
    header = ["enrolment_id", "session_date", "status"]
    start = datetime.date(2026, 1, 5)
    return abuse.xlsx(
        [header, *([100 + n, start + datetime.timedelta(days=n % 300), "present"] for n in range(10_000))]
    )


def _valid_register_csv():
    return "register.csv", (
        abuse.REGISTER_HEADER + "".join(f"{100 + n},2026-01-31,present\n" for n in range(10_000))
    ).encode()


CASES = {
    **abuse.ABUSE_CASES,
    "valid register CSV, 10,000 rows": _valid_register_csv,
    "valid register XLSX, 10,000 rows": _valid_register_xlsx,
}


def _read(name: str, data: bytes) -> str:
    try:
        with open_spreadsheet(SimpleUploadedFile(name, data)) as sheet:
            return f"read {sum(1 for _row in sheet.rows())} rows"
    except SpreadsheetError as error:
        return f"refused (row {error.error.row}): {error.error.reason}"


class Command(BaseCommand):
    help = "Build each abusive spreadsheet and measure how the import reader refuses it (time, memory)."

    def add_arguments(self, parser):
        parser.add_argument("--case", choices=sorted(CASES), help="Only this case.")
        parser.add_argument("--worker", action="store_true", help="internal: measure --case in this process")

    def handle(self, *args, **options):
        if options["worker"]:
            self.stdout.write(json.dumps(self._measure(options["case"])))
            return
        figures = {}
        for case in [options["case"]] if options["case"] else CASES:
            figures[case] = self._in_child(case)
            f = figures[case]
            self.stdout.write(
                f"{case} ({f['file_kb']} KB): {f['outcome']}\n"
                f"    {f['seconds']} s, ru_maxrss +{f['rss_growth_mb']} MB, "
                f"tracemalloc peak {f['tracemalloc_peak_mb']} MB"
            )
        self.stdout.write(json.dumps(figures))

    def _in_child(self, case: str) -> dict:
        process = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, sys.argv[0], "bench_imports", "--worker", "--case", case],
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode != 0:
            raise CommandError(f"bench_imports --case {case!r} failed:\n{process.stderr}")
        return json.loads(process.stdout.strip().splitlines()[-1])

    def _measure(self, case: str) -> dict:
        name, data = CASES[case]()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        outcome = _read(name, data)
        seconds = time.perf_counter() - started
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        tracemalloc.start()
        _read(name, data)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {
            "file_kb": round(len(data) / 1024, 1),
            "outcome": outcome,
            "seconds": round(seconds, 3),
            "rss_growth_mb": round(growth / 1024, 1),  # ru_maxrss is in KiB on Linux
            "tracemalloc_peak_mb": round(peak / 2**20, 1),
        }
