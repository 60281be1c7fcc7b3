"""The shared spreadsheet reader: every abuse case is refused with a plain message, early and in little memory."""

import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devtools import spreadsheet_abuse as abuse
from esolplus.spreadsheets import Limits, SpreadsheetError, open_spreadsheet, parse_date

MEMORY_CEILING = 100 * 2**20  # issue 9: no file may cost a worker more than about 100 MB


def read(name: str, data: bytes, limits: Limits | None = None):
    """(headers, rows) of a file, or the SpreadsheetError it is refused with; and the peak memory used."""
    upload = SimpleUploadedFile(name, data)
    tracemalloc.start()
    try:
        with open_spreadsheet(upload, limits) as sheet:
            outcome = (sheet.headers, list(sheet.rows()))
    except SpreadsheetError as error:
        outcome = error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak


def refused(name: str, data: bytes, limits: Limits | None = None) -> SpreadsheetError:
    outcome, peak = read(name, data, limits)
    assert isinstance(outcome, SpreadsheetError), outcome
    assert peak < MEMORY_CEILING
    return outcome


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("10 MB CSV", "The file is bigger than 5 MB. Split it into smaller files"),
        ("XLSX declaring A1:XFD1048576", "The sheet says it is 1,048,576 rows long"),
        ("XLSX with 600,000 empty rows (declared)", "The sheet says it is 600,002 rows long"),
        ("XLSX with 600,000 empty rows (undeclared)", "more than 1,000 empty rows. Delete the empty rows"),
        ("truncated XLSX", "may be damaged, incomplete or protected by a password"),
        ("CSV field of 131,073 characters", "This cell has more than 10,000 characters"),
        ("XLSX zip bomb (200 MB unpacked)", "unpacks to more than 20 MB"),
        ("XLSX zip bomb, its size declared as 1 KB", "may be damaged, incomplete"),
        ("XLSX with 100,000 cell styles", "too much formatting or hidden content"),
        ("XLSX row of 200,000 cells", "only the first 40 columns are read"),
    ],
)
def test_each_abuse_case_is_refused_with_a_plain_message_in_little_memory(case, message):
    error = refused(*abuse.ABUSE_CASES[case]())
    assert message in error.error.reason


def test_the_long_field_is_reported_on_its_row():
    error = refused(*abuse.csv_with_long_field(131_073))
    assert error.error.row == 2
    error = refused(*abuse.csv_with_long_field(20_000))  # under the csv module's limit, over ours
    assert (error.error.row, error.error.column) == (2, "status")
    assert len(error.error.value) <= 80  # shown back shortened


def test_the_size_limit_holds_while_reading_even_if_the_upload_claims_to_be_small(settings):
    settings.IMPORT_MAX_ROWS = 10**7
    name, data = abuse.csv_of_size(6 * 2**20)
    upload = SimpleUploadedFile(name, data)
    upload.size = 100
    with pytest.raises(SpreadsheetError, match="bigger than 5 MB"), open_spreadsheet(upload) as sheet:
        list(sheet.rows())


def test_reading_stops_at_the_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 3
    data = (abuse.REGISTER_HEADER + "101,2026-01-31,present\n" * 10).encode()
    error = refused("register.csv", data)
    assert "more than 3 rows" in error.error.reason and error.error.row == 5


def test_an_importer_may_lower_a_limit_but_not_raise_it(settings):
    settings.IMPORT_MAX_ROWS = 50
    assert Limits.from_settings(max_rows=10).max_rows == 10
    assert Limits.from_settings(max_rows=100).max_rows == 50


def test_a_large_valid_sheet_is_read_whole_in_little_memory():
    rows = [[100 + n, datetime.date(2026, 1, 5) + datetime.timedelta(days=n % 300), "present"] for n in range(10_000)]
    (headers, read_rows), peak = read(*abuse.xlsx([["enrolment_id", "session_date", "status"], *rows]))
    assert headers == ["enrolment_id", "session_date", "status"]
    assert len(read_rows) == 10_000
    assert read_rows[-1].values == {"enrolment_id": "10099", "session_date": "2026-04-14", "status": "present"}
    assert read_rows[-1].number == 10_001
    assert peak < MEMORY_CEILING


def test_csv_with_a_byte_order_mark_and_loose_headings():
    data = "\ufeffEnrolment ID,Session-date,status\n101, 31/01/2026 ,present\n,,\n".encode()
    (headers, rows), _peak = read("register.csv", data)
    assert headers == ["enrolment_id", "session_date", "status"]
    assert [(row.number, row.values) for row in rows] == [
        (2, {"enrolment_id": "101", "session_date": "31/01/2026", "status": "present"})
    ]


def test_text_that_is_not_utf8_is_refused_with_what_to_do():
    error = refused("register.csv", "enrolment_id,status\n101,présent\n".encode("latin-1"))
    assert "save it as “CSV UTF-8”" in error.error.reason


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_an_empty_file_is_refused(data):
    outcome, _peak = read("register.csv", data)
    if data == b"\n\n":  # a header row with nothing in it, and no rows
        assert outcome == ([], [])
    else:
        assert "The file is empty" in outcome.error.reason


@pytest.mark.parametrize("name", ["register.pdf", "register.xls", "register", "register.csv.exe"])
def test_only_csv_and_xlsx_are_read(name):
    error = refused(name, b"enrolment_id\n101\n")
    assert ".csv or .xlsx" in error.error.reason and error.error.value == name


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "can't be read" in refused("register.xlsx", buffer.getvalue()).error.reason
    assert "can't be read" in refused("register.xlsx", b"enrolment_id\n101\n").error.reason


def test_a_column_heading_twice_is_refused():
    error = refused("register.csv", b"enrolment_id,status,Status\n101,present,late\n")
    assert (error.error.row, error.error.column) == (1, "status")
    assert "appears twice" in error.error.reason


def test_too_many_columns_are_refused_but_trailing_empty_cells_are_not():
    (headers, rows), _peak = read("register.csv", b"enrolment_id" + b"," * 100 + b"\n101" + b"," * 100 + b"\n")
    assert headers == ["enrolment_id"] and rows[0].values == {"enrolment_id": "101"}
    error = refused("register.csv", b"enrolment_id\n101" + b",x" * 45 + b"\n")
    assert (error.error.row, error.error.column) == (2, "AT")


def test_formula_looking_cells_are_reported_not_stored():
    (_headers, rows), _peak = read("register.csv", b'enrolment_id,status\n101,=HYPERLINK("x")\n102,-1\n103,+44\n')
    assert [(e.row, e.column, e.value) for e in rows[0].errors] == [(2, "status", '=HYPERLINK("x")')]
    assert "formula" in rows[0].errors[0].reason
    assert not rows[1].errors and not rows[2].errors  # a minus or plus sign starts ordinary values too


def test_an_excel_formula_gives_its_worked_out_value_and_one_never_worked_out_is_refused():
    name, data = abuse.xlsx([["enrolment_id", "status"], [101, "=1+1"]])  # openpyxl saves no result
    error = refused(name, data)
    assert (error.error.row, error.error.column) == (2, "B")
    assert "never worked out" in error.error.reason
    with_result = abuse.rewrite_part(
        data, abuse.SHEET, lambda xml: xml.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    )
    (_headers, rows), _peak = read(name, with_result)
    assert rows[0].values == {"enrolment_id": "101", "status": "2"} and not rows[0].errors


def test_a_cell_with_a_nul_character_is_reported():
    (_headers, rows), _peak = read("register.csv", b"enrolment_id,status\n101,pres\x00ent\n")
    [error] = rows[0].errors
    assert (error.column, error.value) == ("status", "present")


def test_excel_cells_become_the_text_the_importers_read():
    name, data = abuse.xlsx(
        [
            ["date", "when", "number", "fraction", "flag"],
            [datetime.date(2026, 1, 31), datetime.datetime(2026, 1, 31, 9, 30), 101.0, 45.5, True],
        ]
    )
    (_headers, [row]), _peak = read(name, data)
    assert row.values == {
        "date": "2026-01-31",
        "when": "2026-01-31 09:30:00",
        "number": "101",
        "fraction": "45.5",
        "flag": "True",
    }


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-01-31", datetime.date(2026, 1, 31)),
        ("31/01/2026", datetime.date(2026, 1, 31)),
        ("1/2/2026", datetime.date(2026, 2, 1)),
        ("2026-01-31 09:30:00", datetime.date(2026, 1, 31)),
        (" 2026-01-31 ", datetime.date(2026, 1, 31)),
    ],
)
def test_the_accepted_date_formats(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["", "31/01/26", "2026-02-30", "01/31/2026", "31.01.2026", "Jan 31 2026", "46053"])
def test_other_dates_are_refused_with_the_formats_to_use(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD or DD/MM/YYYY"):
        parse_date(text)


@pytest.mark.parametrize("name", ["register.csv", "register.xlsx"])
def test_a_row_that_stops_short_has_every_headed_column_empty(name):
    """A spreadsheet program leaves trailing empty cells out; the importers read every headed column."""
    if name.endswith(".csv"):
        data = b"enrolment_id,session_date,status\n101\n"
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["enrolment_id", "session_date", "status"])
        book.active.append(["101"])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    (_headers, rows), _peak = read(name, data)
    assert [row.values for row in rows] == [{"enrolment_id": "101", "session_date": "", "status": ""}]
