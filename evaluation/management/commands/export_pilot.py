"""Export a pilot's data: record level (pseudonymised tables and a codebook) or aggregate (indicators)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation.analyst_formats import ANALYST_FORMATS, FORMATS, export_analyst_files
from evaluation.exports import export_pilot
from evaluation.indicators import Period
from evaluation.models import Pilot


class Command(BaseCommand):
    help = (
        "Export one pilot (or --all, one folder per pilot slug) as CSV or XLSX, at record or aggregate level; "
        "or, record level, as SPSS (sav) or Stata (dta) files with the CSVs and a data dictionary."
    )

    def add_arguments(self, parser):
        parser.add_argument("pilot_slug", nargs="?")
        parser.add_argument("--all", action="store_true", help="Export every pilot, each into OUT/<slug>/.")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--format", default="csv", help="csv (default), xlsx, sav (SPSS) or dta (Stata).")
        parser.add_argument("--level", choices=["record", "aggregate"], default="record")
        parser.add_argument(
            "--recipient", default="command-line", help="Who receives the files: pseudonyms are keyed to them."
        )
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="Reference date (default: today).")
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat)

    def handle(self, *args, **options):
        if bool(options["all"]) == bool(options["pilot_slug"]):
            raise CommandError("Give a pilot slug or --all, not both.")
        if bool(options["start"]) != bool(options["end"]):
            raise CommandError("Give both --from and --to, or neither.")
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(f"Unknown format {fmt!r}: give csv, xlsx, sav (SPSS) or dta (Stata).")
        if fmt in ANALYST_FORMATS and options["level"] != "record":
            raise CommandError("SPSS and Stata files are record level only: leave out --level aggregate.")
        period = Period(options["start"], options["end"]) if options["start"] else None
        if options["all"]:
            pilots = list(Pilot.objects.all())
        else:
            pilots = list(Pilot.objects.filter(slug=options["pilot_slug"]))
            if not pilots:
                raise CommandError(f"No pilot with slug {options['pilot_slug']!r}.")
        today = options["today"] or timezone.localdate()
        for pilot in pilots:
            out = options["out"] / pilot.slug if options["all"] else options["out"]
            if fmt in ANALYST_FORMATS:
                record = export_analyst_files(
                    pilot, out, fmt, recipient=options["recipient"], today=today, period=period
                )
            else:
                record = export_pilot(
                    pilot,
                    out,
                    recipient=options["recipient"],
                    fmt=fmt,
                    level=options["level"],
                    today=today,
                    period=period,
                )
            counts = ", ".join(f"{name} {rows}" for name, rows in record.row_counts.items())
            self.stdout.write(f"{pilot.slug}: {out} ({counts})")
            if record.filters.get("learners_in_small_combinations"):
                self.stdout.write(
                    self.style.WARNING(
                        f"  {record.filters['learners_in_small_combinations']} learners share their age band, borough, "
                        "first language and gender with fewer than 5 others: check before release."
                    )
                )
