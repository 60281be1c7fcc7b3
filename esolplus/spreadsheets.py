"""Reading uploaded spreadsheets (CSV or XLSX) one row at a time, for every import on the site.

An upload is untrusted, and a small file can ask for a lot: a 31 KB .xlsx can declare a sheet of a million
rows, a zip can unpack to gigabytes, one CSV field can be megabytes long. So no file is ever read whole or
unpacked blindly. The limits (``IMPORT_*`` settings) are checked while reading, and a file that breaks one is
refused at that point with a plain message, before it costs a worker more than a few seconds or tens of MB:

- CSV is decoded as it is read; rows, empty rows, columns and field length are counted as they come.
- XLSX is a zip of XML parts. Before openpyxl opens it, esolplus.xlsx_census adds up the members' declared
  sizes and scans every part once, keeping only counts (declared sheet size, rows, empty rows, columns, cell
  length, shared strings, formatting), because openpyxl would otherwise parse some parts whole. Then openpyxl
  reads the first sheet in read-only (streaming) mode, and the same row limits are checked again as it goes.

Importers open a file with ``open_spreadsheet`` and report with ``ImportResult``/``RowError``: one shape for
every import (row as the spreadsheet shows it, column, value, reason) and one set of date formats.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

MAX_REPORTED_ERRORS = 200  # a page listing more helps nobody; the rest are counted
SHOWN_VALUE_CHARS = 80


@dataclass(frozen=True)
class RowError:
    """One problem: the row as the spreadsheet shows it (1 is the header, 0 the file as a whole)."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    """What an import did: the problems (and then nothing was written), or how many rows and records."""

    errors: list[RowError] = field(default_factory=list)
    unreported: int = 0
    rows: int = 0
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problems(self) -> int:
        return len(self.errors) + self.unreported

    def add_error(self, row: int, column: str, value, reason) -> None:
        if len(self.errors) >= MAX_REPORTED_ERRORS:
            self.unreported += 1
        else:
            self.errors.append(RowError(row, column, shown(value), str(reason)))

    def extend(self, errors: list[RowError]) -> None:
        for error in errors:
            self.add_error(error.row, error.column, error.value, error.reason)

    @classmethod
    def refused(cls, reason, *, row: int = 0, column: str = "", value="") -> "ImportResult":
        result = cls()
        result.add_error(row, column, value, reason)
        return result


class SpreadsheetError(Exception):
    """The file cannot be used as a whole (too big, damaged, ...): nothing in it is imported."""

    def __init__(self, reason: str, *, row: int = 0, column: str = "", value=""):
        super().__init__(reason)
        self.error = RowError(row, column, shown(value), reason)

    def result(self) -> ImportResult:
        return ImportResult(errors=[self.error])


def shown(value) -> str:
    """A cell's value short enough to show back in a list of problems."""
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_field_chars: int
    max_empty_rows: int
    max_uncompressed_bytes: int

    @classmethod
    def from_settings(cls, **lower) -> "Limits":
        """The site's limits; an importer may lower one for its own reasons (``max_rows=1000``)."""
        limits = cls(
            max_bytes=settings.IMPORT_MAX_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_field_chars=min(settings.IMPORT_MAX_FIELD_CHARS, csv.field_size_limit()),
            max_empty_rows=settings.IMPORT_MAX_EMPTY_ROWS,
            max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
        )
        return replace(limits, **{name: min(value, getattr(limits, name)) for name, value in lower.items()})


def megabytes(size: int) -> str:
    return f"{size / 2**20:g} MB"


def file_too_big(limits: Limits) -> str:
    return _("The file is bigger than %(max)s. Split it into smaller files and upload each one.") % {
        "max": megabytes(limits.max_bytes)
    }


def too_many_rows(limits: Limits) -> str:
    return _("The file has more than %(max)s rows. Split it into smaller files and upload each one.") % {
        "max": f"{limits.max_rows:,}"
    }


def too_many_empty_rows(limits: Limits) -> str:
    return _("The file has more than %(max)s empty rows. Delete the empty rows and upload it again.") % {
        "max": f"{limits.max_empty_rows:,}"
    }


def too_many_columns(limits: Limits) -> str:
    return _(
        "There is something in this column, but only the first %(max)s columns are read. "
        "Delete the columns you don't need and upload the file again."
    ) % {"max": limits.max_columns}


def field_too_long(limits: Limits) -> str:
    return _("This cell has more than %(max)s characters. Shorten it and upload the file again.") % {
        "max": f"{limits.max_field_chars:,}"
    }


def xlsx_damaged() -> str:
    return _(
        "This Excel file can't be read: it may be damaged, incomplete or protected by a password. "
        "Open it, save it again as .xlsx without a password, and upload it again."
    )


# --- Dates ----------------------------------------------------------------------------------------------

DATE_PATTERNS = [
    (re.compile(r"\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?"), "%Y-%m-%d"),
    (re.compile(r"\d{1,2}/\d{1,2}/\d{4}"), "%d/%m/%Y"),
]


def date_help() -> str:
    return _("Write the date as YYYY-MM-DD or DD/MM/YYYY, like 2026-01-31 or 31/01/2026.")


def parse_date(text: str) -> datetime.date:
    """A date as every import accepts it: 2026-01-31, 31/01/2026, or a real Excel date (read as the first).

    Raises ValueError with a message for the person who wrote it. A two-digit year is refused rather than
    guessed.
    """
    text = text.strip()
    for pattern, date_format in DATE_PATTERNS:
        if pattern.fullmatch(text):
            try:
                return datetime.datetime.strptime(text.split(" ")[0], date_format).date()
            except ValueError:
                break
    raise ValueError(date_help())


# --- Reading --------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]  # header -> text, for the columns that have a header
    errors: list[RowError]  # cells that can't be used as they are (formulas, control characters)


def header_name(text: str) -> str:
    """A column heading as importers name it: "Session date" and "session-date" are ``session_date``."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time.min else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Spreadsheet:
    """An opened upload: ``headers`` (row 1), then ``rows()``; use it in a ``with`` block."""

    def __init__(self, uploaded, limits: Limits):
        self.limits = limits
        self.headers: list[str] = []
        self._closers = []
        try:
            self._open(uploaded)
        except BaseException:
            self.close()
            raise

    def _open(self, uploaded) -> None:
        name = getattr(uploaded, "name", "") or ""
        size = _size(uploaded)
        if size > self.limits.max_bytes:
            raise SpreadsheetError(file_too_big(self.limits), value=name)
        if not name.lower().endswith((".csv", ".xlsx")):
            raise SpreadsheetError(
                _("Upload a .csv or .xlsx file. An older Excel file (.xls) has to be saved as .xlsx first."),
                value=name,
            )
        empty = _("The file is empty. Fill in the template and upload it again.")
        if size == 0:
            raise SpreadsheetError(empty, value=name)
        csv_file = name.lower().endswith(".csv")
        self._cells = _csv_cells(uploaded, self.limits) if csv_file else self._xlsx_cells(uploaded)
        first = next(self._cells, None)
        if first is None:
            raise SpreadsheetError(empty, value=name)
        self.headers = [header_name(text) for text in self._texts(1, first)]
        seen = set()
        for header in self.headers:
            if header and header in seen:
                raise SpreadsheetError(
                    _("This column appears twice. Delete one of them and upload the file again."),
                    row=1,
                    column=header,
                    value=header,
                )
            seen.add(header)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        for close in self._closers:
            close()
        self._closers = []

    def rows(self) -> Iterator[Row]:
        """The rows with something under a heading, numbered as the spreadsheet shows them."""
        data = empty = 0
        for number, cells in enumerate(self._cells, start=2):
            texts = self._texts(number, cells)
            # Every headed column is in the row, empty when the row stops short of it (trailing blank cells).
            values = {header: texts[index] if index < len(texts) else "" for index, header in enumerate(self.headers)}
            values.pop("", None)
            if not any(values.values()):
                empty += 1
                if empty > self.limits.max_empty_rows:
                    raise SpreadsheetError(too_many_empty_rows(self.limits), row=number)
                continue
            data += 1
            if data > self.limits.max_rows:
                raise SpreadsheetError(too_many_rows(self.limits), row=number)
            yield Row(number, values, _cell_errors(number, values))

    def _texts(self, number: int, cells) -> list[str]:
        texts = [cell_text(cell) for cell in cells]
        while texts and not texts[-1]:
            texts.pop()
        if len(texts) > self.limits.max_columns:
            column = get_column_letter(len(texts))
            raise SpreadsheetError(too_many_columns(self.limits), row=number, column=column, value=texts[-1])
        for index, text in enumerate(texts):
            if len(text) > self.limits.max_field_chars:
                column = self.headers[index] if number > 1 and index < len(self.headers) else ""
                raise SpreadsheetError(
                    field_too_long(self.limits), row=number, column=column or get_column_letter(index + 1), value=text
                )
        return texts

    def _xlsx_cells(self, uploaded) -> Iterator[tuple]:
        from openpyxl import load_workbook

        from esolplus.xlsx_census import check_xlsx_package  # it uses this module's limits and messages

        try:
            uploaded.seek(0)
            with zipfile.ZipFile(uploaded) as archive:
                check_xlsx_package(archive, self.limits)  # before openpyxl parses any of it
            uploaded.seek(0)
            workbook = load_workbook(uploaded, read_only=True, data_only=True)
        except SpreadsheetError:
            raise
        except Exception:  # zipfile, zlib and openpyxl raise many kinds of error for a damaged file
            raise SpreadsheetError(xlsx_damaged()) from None
        self._closers.append(workbook.close)
        if not workbook.worksheets:
            raise SpreadsheetError(_("The Excel file has no sheet in it. Use the template."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # checked already; openpyxl would pad every row to the declared width
        return _guarded(sheet.iter_rows(max_col=self.limits.max_columns, values_only=True))


def open_spreadsheet(uploaded, limits: Limits | None = None) -> Spreadsheet:
    """Open an uploaded .csv or .xlsx; raises SpreadsheetError with a message if it can't be used."""
    return Spreadsheet(uploaded, limits or Limits.from_settings())


def _size(uploaded) -> int:
    size = getattr(uploaded, "size", None)
    if size is None:
        position = uploaded.tell()
        size = uploaded.seek(0, io.SEEK_END)
        uploaded.seek(position)
    return size


def _cell_errors(number: int, values: dict[str, str]) -> list[RowError]:
    errors = []
    for column, text in values.items():
        if "\x00" in text:
            reason = _("This cell has a hidden control character in it. Type the value again and upload the file.")
            errors.append(RowError(number, column, shown(text.replace("\x00", "")), reason))
        elif text.startswith("="):
            reason = _("This cell holds a formula. Type the value itself instead, and upload the file again.")
            errors.append(RowError(number, column, shown(text), reason))
    return errors


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    """openpyxl's rows, with a damaged part of the file reported as such."""
    try:
        yield from rows
    except Exception:  # zipfile, zlib, XML and openpyxl's own conversions (a date out of range) all raise
        raise SpreadsheetError(xlsx_damaged()) from None


class _Bytes(io.RawIOBase):
    """The upload as a raw stream for TextIOWrapper, counting what is read against the size limit."""

    def __init__(self, uploaded, limits: Limits):
        self._uploaded, self._limits, self._read = uploaded, limits, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._uploaded.read(len(buffer))
        self._read += len(data)
        if self._read > self._limits.max_bytes:
            raise SpreadsheetError(file_too_big(self._limits))
        buffer[: len(data)] = data
        return len(data)


def _csv_cells(uploaded, limits: Limits) -> Iterator[list[str]]:
    uploaded.seek(0)
    text = io.TextIOWrapper(io.BufferedReader(_Bytes(uploaded, limits)), encoding="utf-8-sig", newline="")
    # One physical line can't be longer than a full row of full cells; this keeps a line of a million
    # commas from becoming a million cells in memory before the column limit is checked.
    longest_line = limits.max_columns * (limits.max_field_chars + 3)
    lines = (_line_within(line, number, longest_line, limits) for number, line in enumerate(text, start=1))
    reader = csv.reader(lines)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - the number is reported on error
            yield cells
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _(
                "The file is not saved as UTF-8 text. In your spreadsheet program, save it as "
                "“CSV UTF-8” and upload it again."
            )
        ) from None
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise SpreadsheetError(field_too_long(limits), row=number + 1) from None
        raise SpreadsheetError(
            _("This CSV file can't be read. Save it again as “CSV UTF-8” and upload it again."), row=number + 1
        ) from None


def _line_within(line: str, number: int, longest: int, limits: Limits) -> str:
    if len(line) > longest:
        raise SpreadsheetError(too_many_columns(limits), row=number)
    return line
