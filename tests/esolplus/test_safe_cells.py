"""Text that a spreadsheet would run as a formula stays text in every file the site writes (esolplus.safe_cells)."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from esolplus.safe_cells import csv_cell, csv_row, xlsx_row

ATTACKS = ['=HYPERLINK("http://evil.example","Click")', "+44 7700 900123", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_gets_a_leading_apostrophe_in_csv(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Evening English", "-3", "+2.5", "1e3", "", 42, -7, None, "E1 6AN", "’quoted’"])
def test_everything_else_is_written_as_it_is(value):
    assert csv_cell(value) == value


def test_a_csv_row_read_back_keeps_the_text_with_its_apostrophe():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(["Cohort A", '=HYPERLINK("x")', 12]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["Cohort A", '\'=HYPERLINK("x")', "12"]


def test_xlsx_cells_that_look_like_formulas_are_stored_as_text_unchanged(tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    sheet.append(xlsx_row(sheet, ['=HYPERLINK("x")', "@SUM(A1)", "plain", 5]))
    book.save(tmp_path / "t.xlsx")

    cells = next(load_workbook(tmp_path / "t.xlsx")["t"].iter_rows())
    assert [cell.value for cell in cells] == ['=HYPERLINK("x")', "@SUM(A1)", "plain", 5]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "n"]  # no formula ("f") anywhere
