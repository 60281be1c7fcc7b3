"""python manage.py import_geography [--scope london|gb] [--source DIR | --codepoint ZIP_OR_DIR] [--places FILE]"""

import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from finder.geography.codepoint import CodePointOpen
from finder.geography.importer import (
    SCOPES,
    GeographyImportError,
    PreparedFiles,
    import_geography,
)
from finder.models import Postcode

GEONAMES_URL = "https://download.geonames.org/export/zip/GB_full.csv.zip"
NO_DATA_HELP = """No UK geography data was found at {folder} and it could not be downloaded ({reason}).

To load it yourself:
  1. Download "Code-Point Open" (CSV) free from the OS Data Hub:
     https://osdatahub.os.uk/downloads/open/CodePointOpen
  2. Optionally download GeoNames' GB postal codes for London place names:
     {geonames}
  3. Run: python manage.py import_geography --codepoint codepo_gb.zip --places GB_full.csv.zip
"""


class Command(BaseCommand):
    help = "Load UK postcodes, sectors, outcodes, districts and London places for the finder."

    def add_arguments(self, parser):
        parser.add_argument("--scope", choices=SCOPES, default="london")
        parser.add_argument("--source", type=Path, help="folder of prepared files (default GEO_DATA_DIR)")
        parser.add_argument("--codepoint", type=Path, help="an OS Code-Point Open zip, or its unpacked folder")
        parser.add_argument("--places", type=Path, help="London places CSV, or GeoNames GB.zip/GB_full.csv.zip")
        parser.add_argument(
            "--download",
            action="store_true",
            help="if the prepared files are missing, download Code-Point Open and GeoNames",
        )
        parser.add_argument(
            "--skip-if-loaded", action="store_true", help="do nothing when postcodes are already loaded"
        )

    def handle(self, *args, scope, source, codepoint, places, download, skip_if_loaded, **options):
        if skip_if_loaded and Postcode.objects.exists():
            self.stdout.write("Geography already loaded; skipping (run without --skip-if-loaded to reload).")
            return
        folder = source or settings.GEO_DATA_DIR
        try:
            if codepoint:
                data = CodePointOpen(codepoint)
            elif Path(folder).is_dir():
                data = PreparedFiles(folder)
            elif download:
                codepoint_zip, places = self._download(folder)
                data = CodePointOpen(codepoint_zip)
            else:
                raise CommandError(
                    NO_DATA_HELP.format(folder=folder, reason="--download not given", geonames=GEONAMES_URL)
                )
            self.stdout.write(f"Importing {scope} geography from {data} …")
            with tqdm(unit=" postcodes", unit_scale=True, disable=None, file=self.stderr._out) as bar:
                summary = import_geography(data, scope=scope, places_file=places, progress=bar.update)
        except GeographyImportError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        counts = ", ".join(f"{count:,} {name}" for name, count in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {counts} in {summary.seconds:.1f} s."))
        for note in summary.notes:
            self.stdout.write(note)

    def _download(self, folder: Path) -> tuple[Path, Path | None]:
        target = Path(settings.GEO_DOWNLOAD_DIR)
        target.mkdir(parents=True, exist_ok=True)
        codepoint_zip = target / "codepo_gb.zip"
        places_zip: Path | None = target / "GB_full.csv.zip"
        try:
            if not codepoint_zip.exists():
                self.stdout.write("Downloading Code-Point Open from Ordnance Survey …")
                self._fetch(settings.CODEPOINT_OPEN_URL, codepoint_zip)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise CommandError(NO_DATA_HELP.format(folder=folder, reason=error, geonames=GEONAMES_URL)) from None
        try:
            if not places_zip.exists():
                self.stdout.write("Downloading GeoNames place names …")
                self._fetch(GEONAMES_URL, places_zip)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            self.stdout.write(f"Place names not downloaded ({error}); postcodes will still work.")
            places_zip = None
        return codepoint_zip, places_zip

    @staticmethod
    def _fetch(url: str, path: Path):
        if not url.startswith(("https://", "http://")):
            raise CommandError(f"Refusing to download from {url!r}: only http and https addresses are used.")
        partial = path.with_suffix(".part")
        request = urllib.request.Request(url, headers={"User-Agent": settings.GEOCODER_USER_AGENT})  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response, partial.open("wb") as out:  # noqa: S310
            while chunk := response.read(1 << 20):
                out.write(chunk)
        partial.rename(path)
