"""The check of an uploaded .xlsx before openpyxl reads any of it (see esolplus.spreadsheets).

An .xlsx is a zip of XML parts, and openpyxl, even in read-only mode, parses some parts whole (the shared
strings, the styles, and a sheet without a declared size while looking for one) and pads every row to the
width the sheet declares. So a small file can cost gigabytes or minutes: a sheet declared as A1:XFD1048576,
600,000 empty rows, 100,000 cell styles in 20 KB. Here every part is scanned once with expat, keeping only
counts, and the file is refused at the first limit it breaks: the unpacked size (zipfile never unpacks a member
past its declared size, so the declared sizes are enough), the declared sheet size, rows, empty rows, columns,
cell length, and how much formatting and how many shared strings openpyxl would have to build.
"""

import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from esolplus.spreadsheets import (
    Limits,
    SpreadsheetError,
    field_too_long,
    megabytes,
    too_many_columns,
    too_many_empty_rows,
    too_many_rows,
    xlsx_damaged,
)

XLSX_MAX_PARTS = 1000
XLSX_MAX_PART_ELEMENTS = 20_000  # styles, workbook, relationships...: openpyxl parses these whole
XLSX_MAX_ELEMENTS_PER_CELL = 8  # <c>, <v>, <f>, <is>, <t>, rich-text runs
XLSX_MAX_ELEMENTS_PER_STRING = 100  # one shared string with its rich-text runs
XLSX_SPARE_SHARED_STRINGS = 100
EXCEL_MAX_COLUMNS = 16_384
SHEET_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # "Strict Open XML"
}


def xlsx_too_complex() -> str:
    return _(
        "This Excel file has too much formatting or hidden content to read. Copy only the cells you need "
        "into a new file (paste them as values) and upload that."
    )


def check_xlsx_package(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip bomb, a sheet declared or filled past the limits, or parts openpyxl would choke on."""
    members = [member for member in archive.infolist() if not member.is_dir()]
    if len(members) > XLSX_MAX_PARTS:
        raise SpreadsheetError(xlsx_too_complex())
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise SpreadsheetError(
            _(
                "The Excel file unpacks to more than %(max)s. Copy only the rows you need into a new file "
                "and upload that."
            )
            % {"max": megabytes(limits.max_uncompressed_bytes)}
        )
    census = _Census(limits)
    for member in members:
        census.scan(archive, member)
    if census.shared_strings > census.string_cells + XLSX_SPARE_SHARED_STRINGS:
        raise SpreadsheetError(xlsx_too_complex())


class _Census:
    """One pass of expat over every part, keeping counts only: what openpyxl would later build in memory."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.string_cells = 0
        self.shared_strings = 0

    def scan(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = self._doctype
        parser.buffer_text = True
        self.elements = 0  # in this part, outside rows and shared strings
        self.row = self.data_rows = self.empty_rows = 0
        self.row_elements = self.string_elements = self.text_length = 0
        self.in_row = self.in_string = self.row_has_value = False
        self.cell = None
        with archive.open(member) as stream:
            try:
                while chunk := stream.read(65_536):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except expat.ExpatError:
                return  # not XML (an image) or broken XML, which openpyxl refuses if it needs the part

    def _doctype(self, *args) -> None:
        raise SpreadsheetError(xlsx_damaged())  # no part of an .xlsx has one; entity tricks start here

    def _start(self, name: str, attributes: dict) -> None:
        namespace, _separator, tag = name.rpartition("}")
        sheet = namespace in SHEET_NAMESPACES
        self.text_length = 0
        if self.in_row:
            self.row_elements += 1
            if self.row_elements > self.limits.max_columns * XLSX_MAX_ELEMENTS_PER_CELL:
                raise SpreadsheetError(too_many_columns(self.limits), row=self.row)
            if sheet and tag == "c":
                self._cell(attributes)
            elif sheet and tag in {"v", "is", "f"} and self.cell is not None:
                self.row_has_value = self.cell[tag] = True
                if tag == "v":
                    self.cell["v"] = False  # until it turns out to hold something: openpyxl writes <v/>
        elif self.in_string:
            self.string_elements += 1
            if self.string_elements > XLSX_MAX_ELEMENTS_PER_STRING:
                raise SpreadsheetError(xlsx_too_complex())
        elif sheet and tag == "row":
            self._row(attributes)
        elif sheet and tag == "si":
            self.in_string, self.string_elements = True, 0
            self.shared_strings += 1
        else:
            self.elements += 1
            if self.elements > XLSX_MAX_PART_ELEMENTS:
                raise SpreadsheetError(xlsx_too_complex())
            if sheet and tag == "dimension":
                self._dimension(attributes.get("ref", ""))

    def _end(self, name: str) -> None:
        namespace, _separator, tag = name.rpartition("}")
        if namespace not in SHEET_NAMESPACES:
            return
        if tag == "v" and self.cell is not None:
            self.cell["v"] = self.text_length > 0
        elif tag == "row" and self.in_row:
            self.in_row = False
            if self.row_has_value:
                self.data_rows += 1
                if self.data_rows > self.limits.max_rows + 1:  # and the header
                    raise SpreadsheetError(too_many_rows(self.limits), row=self.row)
            else:
                self._empty(1)
        elif tag == "c" and self.cell is not None:
            if self.cell.get("f") and not self.cell.get("v"):
                raise SpreadsheetError(
                    _(
                        "This cell holds a formula that was never worked out. Open the file in your spreadsheet "
                        "program, save it, and upload it again."
                    ),
                    row=self.row,
                    column=get_column_letter(self.cell["column"]),
                )
            self.cell = None
        elif tag == "si":
            self.in_string = False

    def _text(self, data: str) -> None:
        self.text_length += len(data)
        if self.text_length > self.limits.max_field_chars:
            raise SpreadsheetError(field_too_long(self.limits), row=self.row if self.in_row else 0)

    def _row(self, attributes: dict) -> None:
        number = _number(attributes.get("r"), self.row + 1)
        if number > self.row + 1:
            self._empty(number - self.row - 1)  # rows left out of the file are empty rows all the same
        self.row = number
        self.in_row, self.row_has_value, self.row_elements, self.column = True, False, 0, 0

    def _cell(self, attributes: dict) -> None:
        reference = attributes.get("r", "")
        letters = reference.rstrip("0123456789")
        try:
            column = column_index_from_string(letters) if letters else self.column + 1
        except ValueError:
            raise SpreadsheetError(xlsx_damaged()) from None
        self.column = column
        if column > self.limits.max_columns:
            raise SpreadsheetError(too_many_columns(self.limits), row=self.row, column=get_column_letter(column))
        if attributes.get("t") == "s":
            self.string_cells += 1
        self.cell = {"column": column}

    def _empty(self, count: int) -> None:
        self.empty_rows += count
        if self.empty_rows > self.limits.max_empty_rows:
            raise SpreadsheetError(too_many_empty_rows(self.limits), row=self.row + 1)

    def _dimension(self, reference: str) -> None:
        """The size the sheet says it has, e.g. "A1:XFD1048576": refused before any row is read."""
        last = reference.split(":")[-1]
        letters = last.rstrip("0123456789")
        rows = _number(last[len(letters) :], 0)
        try:
            columns = column_index_from_string(letters) if letters else 0
        except ValueError:
            raise SpreadsheetError(xlsx_damaged()) from None
        if rows > 1 + self.limits.max_rows + self.limits.max_empty_rows or columns > EXCEL_MAX_COLUMNS:
            raise SpreadsheetError(
                _(
                    "The sheet says it is %(rows)s rows long; at most %(max)s rows of data are read. "
                    "Copy only the rows you need into a new file and upload that."
                )
                % {"rows": f"{rows:,}", "max": f"{self.limits.max_rows:,}"},
                value=reference,
            )


def _number(text: str | None, default: int) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else default
