"""SPSS (.sav) and Stata (.dta) files of a record-level export, for analysts who would otherwise rebuild the labels
by hand from the codebook.

The files are made from the record-level CSV tables of the same run (``exports.export_pilot``), so they hold exactly
the same learners (the consent rule, ``evaluation.consent``), the same pseudonyms and no names or contact details:
nothing here queries a learner. Each CSV column becomes a variable with the codebook's label; every coded column gets
value labels:

- codes the codebook lists ("woman=Woman; man=Man") become integers 1, 2, … in the codebook's order when they are
  text, and stay as they are when they are numbers (ILR completion status, outcome, yes/no 0/1, levels as ranks);
  "blank=…" is a missing value (system missing), written in the data dictionary;
- the ESOL level is labelled from ``finder.vocabularies`` (rank, name and CEFR), the ILR destination from
  ``evaluation.destinations`` (an extra variable ``destination``: the ILR OutCode only means something with its type);
- survey answers, long in the CSV (one row per question) where one variable cannot carry each question's labels, are
  also written wide (``survey_answers_wide``: one row per response, one variable per question with its
  ``SurveyItem.value_labels``).

Stata's limits hold for both formats: names are identifiers of at most 32 characters (not reserved words), labels at
most 80 characters, value labels only on numeric variables. Dates are dates; blank cells are system missing; text is
written as stored (not made formula-safe: these files are not spreadsheets). Columns coded without a closed list
(borough, the survey question code) stay text without value labels, and the data dictionary says so.

pyreadstat writes a whole table at once, so a table is held in memory while it is written (the CSVs stay streamed).
"""

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

from esolplus import safe_cells
from finder.vocabularies import LEVELS

from . import destinations
from .exports import export_pilot, sha256
from .models import AuditEntry, ExportRecord, Pilot, SurveyItem

ANALYST_FORMATS = ("sav", "dta")
FORMATS = ("csv", "xlsx", *ANALYST_FORMATS)
LABEL_LIMIT = 80
NAME_LIMIT = 32
VALUE_LABEL_BYTES = 120  # SPSS's limit for one value label, in bytes
RESERVED = {
    # Stata
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_N", "_pi", "_pred",
    "_rc", "_skip", "strl", "using", "with",
    # SPSS
    "all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to",
}  # fmt: skip
SURVEY_TABLE, SURVEY_WIDE = "survey_responses", "survey_answers_wide"
NUMERIC_TYPES = {"integer": "integer", "count": "integer", "decimal": "number", "number": "number"}


@dataclass
class Variable:
    """One variable of a .sav/.dta file, and what the data dictionary says about it."""

    table: str
    name: str
    label: str
    kind: str  # "string", "date", "integer", "number" or "coded"
    column: str = ""  # the CSV column it comes from ("" when derived)
    source: str = ""  # the CSV table it comes from
    labels: dict[int, str] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)  # CSV text code -> stored integer
    note: str = ""
    question: bool = False  # a survey question (REDCap "radio")


def short(text: str, limit: int = LABEL_LIMIT) -> str:
    """A label within Stata's 80 characters and SPSS's 120 bytes."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    while len(text.encode()) > VALUE_LABEL_BYTES:
        text = text[:-2] + "…"
    return text


def identifier(name: str, taken: set[str]) -> str:
    """A variable name valid in SPSS and Stata, unique among ``taken`` (which it joins)."""
    name = re.sub(r"\W", "_", name, flags=re.ASCII).lower() or "v"
    if not (name[0].isalpha() or name[0] == "_"):
        name = "v" + name
    name = name[:NAME_LIMIT]
    if name in RESERVED or re.fullmatch(r"str\d+", name):
        name = name[: NAME_LIMIT - 1] + "_"
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base[: NAME_LIMIT - len(str(n)) - 1]}_{n}"
    taken.add(name)
    return name


def uncsv(cell: str) -> str:
    """A CSV cell as stored: the apostrophe ``safe_cells`` put before formula-like text is taken off again."""
    if cell.startswith("'") and safe_cells.is_formula_like(cell[1:]):
        return cell[1:]
    return cell


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        return header, [[uncsv(cell) for cell in row] for row in reader]


def read_codebook(folder: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(table, column) -> (label, type, allowed values), from the run's codebook.csv."""
    _header, rows = read_csv(folder / "codebook.csv")
    return {(table, column): (label, kind, allowed) for table, column, label, kind, allowed in rows}


def parse_codes(allowed: str) -> tuple[list[tuple[str, str]], str]:
    """The codebook's "code=Label; code=Label" as pairs, and what a blank means ("" if not said); no pairs when the
    text is not a list of codes."""
    pairs, blank = [], ""
    for part in re.split(r"; (?=[^\s;=]+=)", allowed):  # a label may hold "; " itself
        code, sep, label = part.partition("=")
        if not sep or not code or " " in code:
            return [], ""
        if code == "blank":
            blank = label
        else:
            pairs.append((code, label))
    return pairs, blank


def _level_variable(variable: Variable) -> None:
    """ESOL level as a rank (``finder.vocabularies.LEVELS``): rank 1 is Entry 1 (CEFR A1), finder code entry-1."""
    variable.kind = "coded"
    variable.labels = {rank: str(name) for rank, (_code, name, _cefr) in enumerate(LEVELS)}
    variable.note = "Rank, 0 lowest; finder codes and CEFR: " + "; ".join(
        f"{rank}={code} ({cefr})" for rank, (code, _name, cefr) in enumerate(LEVELS)
    )


def destination_codes() -> dict[str, tuple[int, str]]:
    """ILR destination ("EMP1", or "EMP" for an uncoded outcome) -> (integer, label), numbered in the ILR's order."""
    keys = [(t, code) for t, codes in destinations.CODES.items() for code in codes]
    keys += [(t, None) for t in sorted(destinations.UNCODED_TYPES)]
    with translation.override("en"):  # as the codebook
        return {
            destinations.key(t, code): (n, f"{destinations.key(t, code)} {destinations.label(t, code)}")
            for n, (t, code) in enumerate(keys, start=1)
        }


def describe(table: str, header: list[str], codebook: dict) -> list[Variable]:
    """The variables of one table, from its CSV header and the codebook's entry for each column."""
    taken: set[str] = set()
    variables = []
    for column in header:
        label, kind, allowed = codebook.get((table, column), (column, "string", ""))
        variable = Variable(table, identifier(column, taken), short(label), "string", column, table)
        pairs, blank = parse_codes(allowed) if kind in ("code", "integer") else ([], "")
        if table == "assessments" and column == "level":
            _level_variable(variable)
        elif table == "outcomes" and column == "outcome_code":
            variable.kind = "integer"
            variable.note = "ILR OutCode: read with outcome_type; labelled in the variable destination"
        elif pairs and all(code.lstrip("-").isdigit() for code, _label in pairs):
            variable.kind, variable.labels = "coded", {int(code): short(text) for code, text in pairs}
        elif pairs:
            variable.kind = "coded"
            variable.codes = {code: n for n, (code, _label) in enumerate(pairs, start=1)}
            variable.labels = {variable.codes[code]: short(text) for code, text in pairs}
            coding = "; ".join(f"{n}={code}" for code, n in variable.codes.items())
            variable.note = f"Coded from the CSV's text codes: {coding}"
        elif kind == "date":
            variable.kind = "date"
        elif kind in NUMERIC_TYPES:
            variable.kind = NUMERIC_TYPES[kind]
        elif kind == "code":
            variable.note = "Kept as text without value labels (no closed list of codes): " + allowed
        if blank:
            variable.note = "; ".join(filter(None, [variable.note, f"system missing = {blank}"]))
        variables.append(variable)
    if table == "outcomes" and {"outcome_type", "outcome_code"} <= set(header):
        codes = destination_codes()
        variables.append(
            Variable(
                table,
                identifier("destination", taken),
                "Destination (ILR OutType and OutCode together)",
                "coded",
                labels={n: short(text) for n, text in codes.values()},
                codes={key: n for key, (n, _text) in codes.items()},
                note="Derived from outcome_type and outcome_code, as the ILR writes it: EMP1 = EMP with code 1",
            )
        )
    return variables


def keep_unlisted_codes(variables: list[Variable], header: list[str], rows: list[list[str]]) -> None:
    """A text-coded column holding a code the codebook does not list stays text, so no value is lost."""
    for variable in variables:
        if variable.codes and variable.column:
            at = header.index(variable.column)
            unlisted = {row[at] for row in rows} - set(variable.codes) - {""}
            if unlisted:
                variable.kind, variable.codes, variable.labels = "string", {}, {}
                variable.note = "Kept as text: codes not in the codebook: " + ", ".join(sorted(unlisted))


def value(variable: Variable, cell: str):
    """A CSV cell as the variable stores it; None is system missing (a blank numeric or date cell, an unknown code)."""
    if variable.kind == "string":
        return cell
    if cell == "":
        return None
    if variable.kind == "date":
        return datetime.date.fromisoformat(cell)
    if variable.codes:
        return variable.codes.get(cell)
    return float(cell) if variable.kind == "number" or "." in cell else int(cell)


def rows_for(variables: list[Variable], header: list[str], rows: list[list[str]]) -> list[list]:
    index = {column: i for i, column in enumerate(header)}
    out = []
    for row in rows:
        values = []
        for variable in variables:
            if variable.column:
                values.append(value(variable, row[index[variable.column]]))
            else:  # the derived ILR destination
                values.append(variable.codes.get(row[index["outcome_type"]] + row[index["outcome_code"]]))
        out.append(values)
    return out


def survey_wide(header: list[str], rows: list[list[str]], codebook: dict) -> tuple[list[Variable], list[list]] | None:
    """The survey answers one row per response (learner, instrument, wave, date and any other column of the long
    table), one variable per question with its value labels; a question whose labels changed between instrument
    versions gets one variable per version."""
    if not {"item", "value", "instrument"} <= set(header):
        return None
    item_at, value_at, instrument_at = header.index("item"), header.index("value"), header.index("instrument")
    keys = [i for i, column in enumerate(header) if column not in ("item", "value")]
    variables = describe(SURVEY_TABLE, [header[i] for i in keys], codebook)
    keep_unlisted_codes(variables, [header[i] for i in keys], [[row[i] for i in keys] for row in rows])
    for variable in variables:
        variable.table = SURVEY_WIDE
    taken = {variable.name for variable in variables}
    answered = {row[instrument_at] for row in rows}
    by_code: dict[str, list[tuple[str, SurveyItem]]] = {}
    for item in SurveyItem.objects.select_related("instrument").order_by("instrument__code", "sort_order", "pk"):
        instrument = f"{item.instrument.code}:{item.instrument.version}"
        if instrument in answered:  # every question of each instrument answered, so files line up across exports
            by_code.setdefault(item.code, []).append((instrument, item))
    column_of: dict[tuple[str, str], int] = {}
    for code, versions in by_code.items():
        same = all(item.value_labels == versions[0][1].value_labels for _instrument, item in versions)
        for group in [versions] if same else [[version] for version in versions]:
            instrument, item = group[0]
            variable = Variable(
                SURVEY_WIDE,
                identifier(code if same else f"{code}_v{instrument.rsplit(':', 1)[-1]}", taken),
                short(item.text),
                "coded",
                labels={int(k): short(text) for k, text in item.value_labels.items()},
                note=f"Question {code} of " + ", ".join(member for member, _item in group),
                question=True,
            )
            for member, _item in group:
                column_of[(member, code)] = len(variables)
            variables.append(variable)
    wide: dict[tuple, list] = {}
    for row in rows:
        key = tuple(row[i] for i in keys)
        if key not in wide:
            wide[key] = [value(variables[n], row[i]) for n, i in enumerate(keys)]
            wide[key] += [None] * (len(variables) - len(keys))
        at = column_of.get((row[instrument_at], row[item_at]))
        if at is not None and row[value_at] != "":
            wide[key][at] = int(row[value_at])
    return variables, list(wide.values())


def write_file(path: Path, fmt: str, variables: list[Variable], rows: list[list]) -> None:
    """One .sav or .dta file: variable labels, value labels, dates as dates, blanks as system missing."""
    import pandas as pd
    import pyreadstat

    columns, formats = {}, {}
    for i, variable in enumerate(variables):
        cells = [row[i] for row in rows]
        missing = any(cell is None for cell in cells)
        if variable.kind == "string" or (variable.kind == "date" and not all(cell is None for cell in cells)):
            columns[variable.name] = pd.Series(cells, dtype=object)
            continue
        if variable.kind == "number" or missing:
            columns[variable.name] = pd.Series([float("nan") if c is None else c for c in cells], dtype="float64")
        else:
            columns[variable.name] = pd.Series(cells, dtype="int32")
        if variable.kind == "date":  # no date to infer the type from: a numeric column shown as a date
            formats[variable.name] = "DATE11" if fmt == "sav" else "%td"
        elif variable.kind != "number" and fmt == "sav":
            formats[variable.name] = "F8.0"
    frame = pd.DataFrame(columns, columns=[v.name for v in variables])
    options = {
        "column_labels": {v.name: v.label for v in variables},
        "variable_value_labels": {v.name: v.labels for v in variables if v.labels},
        "variable_format": formats or None,
    }
    if fmt == "sav":  # SPSS's measurement level: ranks and answers are ordered, other codes are not
        options["variable_measure"] = {v.name: measure(v) for v in variables}
        pyreadstat.write_sav(frame, str(path), **options)
    else:
        pyreadstat.write_dta(frame, str(path), **options)


def measure(variable: Variable) -> str:
    if variable.kind in ("integer", "number", "date"):
        return "scale"
    ordered = variable.question or (variable.table, variable.column) == ("assessments", "level")
    return "ordinal" if ordered else "nominal"


def write_analyst_files(folder: Path, fmt: str, tables: list[str]) -> dict[str, tuple[Path, int, list[Variable]]]:
    """A .sav or .dta file for each record-level CSV table in ``folder`` (and the wide survey answers); name ->
    (path, rows, variables)."""
    codebook = read_codebook(folder)
    written = {}
    for table in tables:
        header, rows = read_csv(folder / f"{table}.csv")
        variables = describe(table, header, codebook)
        keep_unlisted_codes(variables, header, rows)
        path = folder / f"{table}.{fmt}"
        write_file(path, fmt, variables, rows_for(variables, header, rows))
        written[table] = (path, len(rows), variables)
        if table == SURVEY_TABLE and (wide := survey_wide(header, rows, codebook)) is not None:
            wide_variables, wide_rows = wide
            path = folder / f"{SURVEY_WIDE}.{fmt}"
            write_file(path, fmt, wide_variables, wide_rows)
            written[SURVEY_WIDE] = (path, len(wide_rows), wide_variables)
    return written


def export_analyst_files(
    pilot: Pilot, out_dir: Path, fmt: str, *, user=None, recipient: str, today: datetime.date, period=None
) -> ExportRecord:
    """A record-level export as CSV and codebook (``exports.export_pilot``), plus a .sav or .dta file per table and
    ``data_dictionary.csv``; one export in the log, with every file's rows and SHA-256."""
    from .data_dictionary import write_data_dictionary

    if fmt not in ANALYST_FORMATS:
        raise ValueError(f"Unknown analyst format {fmt!r}")
    record = export_pilot(
        pilot, out_dir, user=user, recipient=recipient, fmt="csv", level="record", today=today, period=period
    )
    tables = [name for name in record.row_counts if name != "codebook"]
    written = write_analyst_files(out_dir, fmt, tables)
    dictionary = write_data_dictionary(out_dir / "data_dictionary.csv", written)
    files = {f"{name}.{fmt}": (path, rows) for name, (path, rows, _v) in written.items()}
    files["data_dictionary.csv"] = (dictionary, sum(len(v) for _p, _r, v in written.values()))
    record.format = fmt
    record.row_counts = {**record.row_counts, **{name: rows for name, (_path, rows) in files.items()}}
    record.checksums = {**record.checksums, **{name: sha256(path) for name, (path, _rows) in files.items()}}
    record.save(update_fields=["format", "row_counts", "checksums"])
    # the export's log entry (written by export_pilot as CSV) says what was handed over
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, model=record._meta.label, object_id=str(record.pk)
    ).first()
    if entry is not None:
        entry.detail = {**entry.detail, "format": fmt, "row_counts": record.row_counts}
        entry.save(update_fields=["detail"])
    return record
