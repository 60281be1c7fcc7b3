"""Text cells that stay text in a spreadsheet: the one rule for every file the site writes (CSV and XLSX).

A value typed by a tutor, a provider or a learner ("=HYPERLINK(...)", "+44 7700 900123", "@SUM(A1)") is a formula
to Excel, LibreOffice and Google Sheets when a CSV file starting a cell with ``= + - @``, a tab or a carriage return
is opened (OWASP's "CSV injection"). In CSV such a cell gets a leading apostrophe, which spreadsheets read as "this
is text" and do not show; a cell that is a plain number written as text ("-3", "+2.5") is left alone. In XLSX the
cell is stored with the string type, so nothing is ever evaluated and the text is unchanged.
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value)


def csv_cell(value):
    """``value`` as a CSV cell no spreadsheet will evaluate."""
    return "'" + value if is_formula_like(value) else value


def csv_row(row: Iterable) -> list:
    return [csv_cell(value) for value in row]


def xlsx_row(sheet, row: Iterable) -> list:
    """Cells for openpyxl's write-only ``sheet.append``: text that looks like a formula is stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


class FormulaSafeExportMixin:
    """For Wagtail's spreadsheet exports (``SpreadsheetExportMixin``: reports, listings): CSV cells made safe as
    above; Wagtail already stores XLSX formulas as text."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
