"""The data dictionary of an SPSS/Stata export, laid out as REDCap's (the CSV its "Data Dictionary" page downloads
and uploads): one row per variable of every file, with REDCap's own column headers, so analysts and data managers
who know REDCap read it without a key, and tools that parse REDCap dictionaries can read it too.

Form Name is the file (the table), Choices lists the value labels as REDCap writes them ("1, Not at all | 2, Not
very"), Text Validation Type says how a text field is read (date_ymd, integer, number), Field Note says how codes
were stored. A variable name recurs across forms (learner_id links the tables), which a REDCap upload would refuse:
the file documents an export, it is not a project to upload.

Written through the formula-safe CSV writer (``esolplus.safe_cells``), as every CSV the site writes.
"""

import csv
from pathlib import Path

from esolplus import safe_cells

# REDCap's data dictionary columns A to R, spelt as REDCap writes them.
HEADERS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
VALIDATION = {"date": "date_ymd", "integer": "integer", "number": "number"}


def choices(labels: dict[int, str]) -> str:
    """REDCap's "1, Label | 2, Label" (a "|" in a label would split it, so it becomes "/")."""
    return " | ".join(f"{code}, {label.replace('|', '/')}" for code, label in sorted(labels.items()))


def row(variable, file_name: str, first: bool) -> list[str]:
    coded = bool(variable.labels)
    field_type = ("radio" if variable.question else "dropdown") if coded else "text"
    if variable.column:
        source = f"From column {variable.column} of {variable.source}.csv"
    elif variable.question:
        source = f"From the rows of survey_responses.csv for question {variable.note.split()[1]}"
    else:
        source = "Derived, not in the CSV"
    by_kind = {"string": "text", "date": "date", "integer": "whole number", "number": "number", "coded": "code"}
    stored = f"stored as {by_kind[variable.kind]}"
    values = {
        "Variable / Field Name": variable.name,
        "Form Name": variable.table,
        "Section Header": file_name if first else "",
        "Field Type": field_type,
        "Field Label": variable.label,
        "Choices, Calculations, OR Slider Labels": choices(variable.labels) if coded else "",
        "Field Note": variable.note,
        "Text Validation Type OR Show Slider Number": "" if coded else VALIDATION.get(variable.kind, ""),
        "Field Annotation": f"{source}; {stored}",
    }
    return [values.get(header, "") for header in HEADERS]


def write_data_dictionary(path: Path, written: dict) -> Path:
    """``written``: table -> (file path, rows, variables), as ``analyst_formats.write_analyst_files`` returns."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADERS)
        for _table, (file_path, _rows, variables) in written.items():
            for n, variable in enumerate(variables):
                writer.writerow(safe_cells.csv_row(row(variable, file_path.name, n == 0)))
    return path
