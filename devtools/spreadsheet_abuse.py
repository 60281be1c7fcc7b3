"""Spreadsheets made to hurt an importer: the cases in issue 9 and a few more, built in memory.

Used by tests/esolplus/test_spreadsheets.py and ``manage.py bench_imports``. Each builder returns the
file's name and bytes; the XLSX ones write the XML parts straight into a zip, as an attacker would.
"""

import datetime
import io
import re
import zipfile

from openpyxl import Workbook

REGISTER_HEADER = "enrolment_id,session_date,status\n"


def csv_of_size(size: int, name: str = "register.csv") -> tuple[str, bytes]:
    """A register CSV of about ``size`` bytes: well formed, just too long."""
    row = b"101,2026-01-31,present\n"
    return name, REGISTER_HEADER.encode() + row * (size // len(row) + 1)


def csv_with_long_field(chars: int = 131_073) -> tuple[str, bytes]:
    """One cell longer than the csv module's own limit (131,072 characters)."""
    return "register.csv", (REGISTER_HEADER + "101,2026-01-31," + "x" * chars + "\n").encode()


def xlsx(rows: list[list], name: str = "register.xlsx") -> tuple[str, bytes]:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return name, buffer.getvalue()


def small_register_xlsx() -> tuple[str, bytes]:
    return xlsx([["enrolment_id", "session_date", "status"], [101, datetime.date(2026, 1, 31), "present"]])


def rewrite_part(data: bytes, part: str, change) -> bytes:
    """The same .xlsx with one part's XML passed through ``change`` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item.filename, change(body) if item.filename == part else body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def xlsx_declaring(reference: str = "A1:XFD1048576") -> tuple[str, bytes]:
    """A two-row sheet whose <dimension> claims ``reference``: openpyxl pads every row to that size."""
    _name, data = small_register_xlsx()
    return "register.xlsx", rewrite_part(
        data, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % reference.encode(), xml)
    )


def xlsx_with_empty_rows(count: int = 600_000, *, declared: bool = True) -> tuple[str, bytes]:
    """The header and one row, then ``count`` empty rows, with (or without) an honest <dimension>."""

    def change(xml: bytes) -> bytes:
        dimension = b'<dimension ref="A1:C%d"/>' % (count + 2) if declared else b""
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', dimension, xml)
        return xml.replace(b"</sheetData>", b"<row/>" * count + b"</sheetData>")

    _name, data = small_register_xlsx()
    return "register.xlsx", rewrite_part(data, SHEET, change)


def xlsx_truncated() -> tuple[str, bytes]:
    _name, data = small_register_xlsx()
    return "register.xlsx", data[: len(data) // 2]


def xlsx_zip_bomb(unpacked: int = 200 * 2**20) -> tuple[str, bytes]:
    """A sheet part that unpacks to ``unpacked`` bytes of spaces (about 1,000 times its packed size)."""
    _name, data = small_register_xlsx()
    return "register.xlsx", rewrite_part(data, SHEET, lambda xml: xml + b" " * unpacked)


def xlsx_lying_zip_bomb(unpacked: int = 200 * 2**20) -> tuple[str, bytes]:
    """The zip bomb with its sheet written down in the zip's directories as unpacking to 1 KB."""
    name, data = xlsx_zip_bomb(unpacked)
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size
    # The size is in the member's local header and in the central directory, 4 bytes little-endian each.
    return name, data.replace(real.to_bytes(4, "little"), (1024).to_bytes(4, "little"))


def xlsx_style_bomb(styles: int = 100_000) -> tuple[str, bytes]:
    """100,000 cell formats in 20 KB: openpyxl builds every one while opening the file."""
    _name, data = small_register_xlsx()
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    return "register.xlsx", rewrite_part(
        data, "xl/styles.xml", lambda xml: re.sub(rb"(<cellXfs[^>]*>)", rb"\1" + xf * styles, xml, count=1)
    )


def xlsx_wide_row(cells: int = 200_000) -> tuple[str, bytes]:
    """One row of ``cells`` cells: openpyxl holds a whole row in memory before it gives it out."""

    def change(xml: bytes) -> bytes:
        row = b'<row r="3">' + b'<c t="n"><v>1</v></c>' * cells + b"</row>"
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b"", xml)
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    _name, data = small_register_xlsx()
    return "register.xlsx", rewrite_part(data, SHEET, change)


ABUSE_CASES = {
    "10 MB CSV": lambda: csv_of_size(10 * 2**20),
    "XLSX declaring A1:XFD1048576": xlsx_declaring,
    "XLSX with 600,000 empty rows (declared)": xlsx_with_empty_rows,
    "XLSX with 600,000 empty rows (undeclared)": lambda: xlsx_with_empty_rows(declared=False),
    "truncated XLSX": xlsx_truncated,
    "CSV field of 131,073 characters": csv_with_long_field,
    "XLSX zip bomb (200 MB unpacked)": xlsx_zip_bomb,
    "XLSX zip bomb, its size declared as 1 KB": xlsx_lying_zip_bomb,
    "XLSX with 100,000 cell styles": xlsx_style_bomb,
    "XLSX row of 200,000 cells": xlsx_wide_row,
}
