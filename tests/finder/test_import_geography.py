import csv
import gzip
import io
import shutil
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from pyproj import Transformer

from finder.geography.codepoint import CodePointOpen
from finder.geography.importer import GeographyImportError, PreparedFiles, import_geography
from finder.models import District, Outcode, Place, Postcode, Sector
from tests.geodata import area_row, count_rows, postcode_row

pytestmark = pytest.mark.usefixtures("geography")


@pytest.mark.full_geodata
def test_london_scope_loads_every_row_of_the_reference_files():
    assert Postcode.objects.count() == count_rows("london_postcodes.csv.gz")
    assert Outcode.objects.count() == count_rows("gb_outcodes.csv")
    assert Sector.objects.count() == count_rows("gb_sectors.csv")
    assert District.objects.count() == count_rows("gb_districts.csv")
    assert District.objects.filter(is_london_borough=True).count() == 33
    assert Place.objects.filter(lookup_key="peckham", outcode="SE15").exists()


def test_import_is_idempotent():
    before = (Postcode.objects.count(), Outcode.objects.count(), District.objects.count(), Place.objects.count())
    call_command("import_geography", stdout=io.StringIO(), stderr=io.StringIO())
    after = (Postcode.objects.count(), Outcode.objects.count(), District.objects.count(), Place.objects.count())
    assert before == after


def test_skip_if_loaded_does_nothing_when_postcodes_exist():
    out = io.StringIO()
    call_command("import_geography", "--skip-if-loaded", stdout=out)
    assert "already loaded" in out.getvalue()


@pytest.fixture
def copied_geo(tmp_path):
    folder = tmp_path / "geo"
    shutil.copytree(settings.GEO_DATA_DIR, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    return folder


def _rewrite_london_postcodes(folder, change):
    path = folder / "london_postcodes.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with gzip.open(path, "wt", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.full_geodata  # it breaks lines 5001 and 9001 of the London postcodes
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda rows: rows[5000].__setitem__(1, "north"), "line 5001: latitude 'north' is not a number"),
        (lambda rows: rows[9000].__setitem__(0, "NOT A CODE"), "line 9001: 'NOT A CODE' is not a valid postcode"),
        (lambda rows: rows[100].__setitem__(2, "45.0"), "line 101: longitude 45.0 is outside Great Britain"),
        (lambda rows: rows[0].__setitem__(1, "latitude"), "missing columns lat"),
    ],
)
def test_malformed_file_is_reported_and_nothing_is_half_written(copied_geo, change, reason):
    _rewrite_london_postcodes(copied_geo, change)
    Place.objects.all().delete()
    before = Postcode.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_geography", "--source", str(copied_geo), stdout=io.StringIO(), stderr=io.StringIO())
    assert "Nothing was imported" in str(error.value)
    assert reason in str(error.value)
    assert Postcode.objects.count() == before
    assert Postcode.objects.filter(postcode="E1 6AN").exists()
    assert not Place.objects.exists(), "places must not be reloaded by a failed import"


def test_missing_folder_explains_how_to_get_the_data(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_geography", "--source", str(tmp_path / "nowhere"), stdout=io.StringIO())
    assert "Code-Point Open" in str(error.value)


def test_download_without_network_stops_with_a_plain_message(tmp_path, settings):
    settings.GEO_DATA_DIR = tmp_path / "no-such-folder"
    settings.CODEPOINT_OPEN_URL = "http://127.0.0.1:9/codepo_gb.zip"
    settings.GEO_DOWNLOAD_DIR = tmp_path
    with pytest.raises(CommandError) as error:
        call_command("import_geography", "--download", stdout=io.StringIO())
    message = str(error.value)
    assert "could not be downloaded" in message
    assert "osdatahub.os.uk" in message


SAMPLE = ["E1 6AN", "E1 6AW", "SE15 5AA", "BR1 1AA"]


def _codepoint_rows(district_override=None):
    """Real postcodes from the shared data, converted back to OS grid references."""
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    rows = []
    for postcode in SAMPLE:
        row = postcode_row(postcode)
        easting, northing = to_grid.transform(float(row["lon"]), float(row["lat"]))
        district = district_override or row["district_code"]
        rows.append(
            [
                postcode.replace(" ", " " * (8 - len(postcode))),
                "10",
                round(easting),
                round(northing),
                "E92000001",
                "",
                "",
                "",
                district,
                "",
            ]
        )
    return rows


def _write_codepoint_zip(path, rows, extra_rows=()):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([*rows, *extra_rows])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/CSV/e.csv", buffer.getvalue())
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n")
    return path


def test_codepoint_open_zip_is_converted_to_wgs84(tmp_path):
    no_coordinates = ["E1 6ZZ", "90", "0", "0", "E92000001", "", "", "", "E09000030", ""]
    archive = _write_codepoint_zip(tmp_path / "codepo_gb.zip", _codepoint_rows(), [no_coordinates])
    summary = import_geography(CodePointOpen(archive), scope="london")
    assert summary.counts["postcodes"] == len(SAMPLE)
    for postcode in SAMPLE:
        expected = postcode_row(postcode)
        stored = Postcode.objects.get(postcode=postcode)
        assert stored.latitude == pytest.approx(float(expected["lat"]), abs=2e-5)
        assert stored.longitude == pytest.approx(float(expected["lon"]), abs=2e-5)
    assert not Postcode.objects.filter(postcode="E1 6ZZ").exists()
    e1 = Outcode.objects.get(code="E1")
    assert e1.postcode_count == 2
    assert Sector.objects.get(code="E1 6").postcode_count == 2
    assert any("Codelist" in note for note in summary.notes)


def test_codepoint_open_folder_london_scope_keeps_only_london(tmp_path):
    folder = tmp_path / "codepo_gb" / "Data" / "CSV"
    folder.mkdir(parents=True)
    rows = _codepoint_rows()
    rows[3][8] = "E06000001"
    with (folder / "e.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    summary = import_geography(CodePointOpen(tmp_path / "codepo_gb"), scope="london")
    assert summary.counts["postcodes"] == 3
    assert not Postcode.objects.filter(postcode="BR1 1AA").exists()
    summary = import_geography(CodePointOpen(tmp_path / "codepo_gb"), scope="gb")
    assert summary.counts["postcodes"] == 4


def test_codepoint_open_bad_row_writes_nothing(tmp_path):
    bad = ["E1 6AN", "10", "east", "north", "E92000001", "", "", "", "E09000030", ""]
    archive = _write_codepoint_zip(tmp_path / "codepo_gb.zip", _codepoint_rows(), [bad])
    before = Postcode.objects.count()
    with pytest.raises(GeographyImportError, match="line 5: eastings/northings"):
        import_geography(CodePointOpen(archive), scope="london")
    assert Postcode.objects.count() == before


def test_prepared_and_codepoint_outcodes_agree_for_real_rows():
    row = area_row("gb_outcodes.csv", "E1")
    outcode = Outcode.objects.get(code="E1")
    assert (outcode.latitude, outcode.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


def test_unknown_scope_is_refused():
    with pytest.raises(GeographyImportError, match="scope"):
        import_geography(PreparedFiles(settings.GEO_DATA_DIR), scope="mars")
