"""SPSS and Stata exports: the CSV tables of the same run with variable and value labels, and a REDCap-style data
dictionary; the same consent rule and pseudonyms, no identifiers."""

import csv
import datetime
import io
import math
import re
import zipfile

import pyreadstat
import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from devtools.evaluation_factories import (
    TERM_START,
    AssessmentFactory,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    LearnerFactory,
    LearnerIdentityFactory,
    SessionFactory,
)
from evaluation.analyst_formats import parse_codes, uncsv
from evaluation.data_dictionary import HEADERS
from evaluation.models import AuditEntry, CompletionStatus, ExportRecord, PilotExport, SurveyResponse
from tests.evaluation.learner_records import outcome, survey_response

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)
TODAY = TERM_START + 20 * WEEK
TABLES = ["learners", "enrolments", "attendance", "assessments", "goals", "survey_responses", "outcomes"]
READ = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}
SECRETS = ("Amira", "Identifiable", "07700 900111", "9876543210", "Refused Person")
IDENTITY_COLUMNS = re.compile(r"name|phone|email|uln|address|postcode|birth|contact", re.I)
FORMULA = '=HYPERLINK("http://evil.example","Open")'


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def pilot(geography):
    """Two learners who agreed to research with every kind of record, and one who said no to research."""
    cohort = CohortFactory(name=FORMULA)
    sessions = [SessionFactory(cohort=cohort, date=TERM_START + i * WEEK) for i in range(3)]
    first = EnrolmentFactory(cohort=cohort)
    second = EnrolmentFactory(
        cohort=cohort,
        learner=LearnerFactory(provider=cohort.provider, gender="man", age_band="50-64"),
        completion_status=CompletionStatus.WITHDRAWN,
        actual_end_date=TERM_START + 2 * WEEK,
        outcome=3,
        withdrawal_reason="work",
    )
    refused = EnrolmentFactory(
        cohort=cohort, learner=LearnerFactory(provider=cohort.provider, consent={"research": False})
    )
    LearnerIdentityFactory(
        learner=first.learner, full_name="Amira Identifiable", phone="07700 900111", uln="9876543210"
    )
    LearnerIdentityFactory(learner=refused.learner, full_name="Refused Person")
    for enrolment in (first, second, refused):
        AttendanceFactory(enrolment=enrolment, session=sessions[0], status="present")
        AssessmentFactory(enrolment=enrolment, skill="reading", level=2)
        GoalFactory(enrolment=enrolment, rating="fully", self_assessment="partly")
        survey_response(enrolment.learner, belonging=3, volunteering=1, ons4_happy=7)
        outcome(enrolment.learner)
    AttendanceFactory(enrolment=first, session=sessions[1], status="late", minutes=45)
    GoalFactory(enrolment=second)  # not rated yet
    survey_response(first.learner, SurveyResponse.Wave.END, belonging=4, loneliness=2)
    outcome(second.learner, outcome_type="EDU", outcome_code=None)  # recorded before the ILR codes
    return cohort.pilot


def export(pilot, tmp_path, fmt):
    call_command("export_pilot", pilot.slug, "--out", str(tmp_path), "--format", fmt, "--today", str(TODAY))
    return tmp_path


def codebook_labels(folder):
    """(table, column) -> {code: label} from the run's codebook.csv."""
    labels = {}
    for row in read_csv(folder / "codebook.csv"):
        pairs, _blank = parse_codes(row["allowed_values"])
        labels[(row["table"], row["column"])] = dict(pairs)
    return labels


def from_csv(cell, codes):
    cell = uncsv(cell)
    if cell == "":
        return None
    return codes.get(cell, cell) if codes else cell


def from_file(value, labels):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if labels:
        return labels[value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_each_table_holds_the_csv_rows_with_labels(pilot, tmp_path, fmt):
    folder = export(pilot, tmp_path, fmt)
    codebook = codebook_labels(folder)
    for table in TABLES:
        rows = read_csv(folder / f"{table}.csv")
        frame, meta = READ[fmt](str(folder / f"{table}.{fmt}"))
        assert len(frame) == len(rows) > 0, table
        assert set(rows[0]) <= set(frame.columns), table
        for column in rows[0]:
            labels = meta.variable_value_labels.get(column)
            codes = codebook.get((table, column)) if labels else None
            expected = [from_csv(row[column], codes) for row in rows]
            assert [from_file(v, labels) for v in frame[column]] == expected, (table, column)
        assert all(meta.column_names_to_labels[c] and len(meta.column_names_to_labels[c]) <= 80 for c in frame)
        assert all(re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", c) for c in frame.columns)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_every_coded_variable_has_value_labels_and_dates_are_dates(pilot, tmp_path, fmt):
    folder = export(pilot, tmp_path, fmt)
    coded = {
        "learners": {"age_band", "gender", "time_in_uk", "employment_status", "childcare_need"},
        "enrolments": {"completion_status", "outcome", "withdrawal_reason"},
        "attendance": {"session_held", "status"},
        "assessments": {"stage", "skill", "level"},
        "goals": {"rating", "self_assessment"},
        "survey_responses": {"wave"},
        "outcomes": {"outcome_type", "source", "destination"},
        "survey_answers_wide": {"wave", "belonging", "volunteering", "ons4_happy", "loneliness"},
    }
    dictionary = read_csv(folder / "data_dictionary.csv")
    for table, columns in coded.items():
        frame, meta = READ[fmt](str(folder / f"{table}.{fmt}"))
        listed = {
            r["Variable / Field Name"] for r in dictionary if r["Form Name"] == table and r["Field Type"] != "text"
        }
        assert columns | ({"group"} & set(frame.columns)) <= listed <= set(meta.variable_value_labels), table
        assert all(v == int(v) for labels in meta.variable_value_labels.values() for v in labels)
    learners = READ[fmt](str(folder / f"learners.{fmt}"))[1].variable_value_labels
    assert set(learners["gender"].values()) >= {"Woman", "Man"} and learners["childcare_need"] == {0: "No", 1: "Yes"}
    assessments = READ[fmt](str(folder / f"assessments.{fmt}"))
    assert assessments[1].variable_value_labels["level"][2] == "Entry 2" and set(assessments[0]["level"]) == {2}
    if fmt == "sav":  # SPSS's measurement levels
        assert [assessments[1].variable_measure[c] for c in ("level", "skill", "date")] == [
            "ordinal",
            "nominal",
            "scale",
        ]
    outcomes, meta = READ[fmt](str(folder / f"outcomes.{fmt}"))
    destinations = {meta.variable_value_labels["destination"][v] for v in outcomes["destination"]}
    assert destinations == {"EMP1 In paid employment for 16 hours or more per week", "EDU Education"}
    wide, meta = READ[fmt](str(folder / f"survey_answers_wide.{fmt}"))
    assert len(wide) == 3, "two learners' baseline responses and one end-of-course response"
    assert meta.variable_value_labels["belonging"] == {1: "Not at all", 2: "Not very", 3: "Fairly", 4: "Very"}
    assert sorted(wide["belonging"]) == [3, 3, 4] and wide["loneliness"].isna().sum() == 2
    enrolments, _meta = READ[fmt](str(folder / f"enrolments.{fmt}"))
    assert all(isinstance(day, datetime.date) for day in enrolments["start_date"])
    assert enrolments["end_date"].isna().sum() == 1, "still learning: system missing"


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_only_learners_research_may_use_and_no_identifiers(pilot, tmp_path, fmt):
    folder = export(pilot, tmp_path, fmt)
    for path in folder.iterdir():
        assert not any(secret.encode() in path.read_bytes() for secret in SECRETS), path.name
    for table in [*TABLES, "survey_answers_wide"]:
        frame, _meta = READ[fmt](str(folder / f"{table}.{fmt}"))
        assert not [c for c in frame.columns if IDENTITY_COLUMNS.search(c)], table
    learners, _meta = READ[fmt](str(folder / f"learners.{fmt}"))
    assert len(learners) == 2, "the learner who said no to research is left out"
    answers, _meta = READ[fmt](str(folder / f"survey_responses.{fmt}"))
    assert len(answers) == 3 + 3 + 2 and set(answers["learner_id"]) == set(learners["learner_id"])


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_the_files_hold_the_pseudonyms_of_the_csv_of_the_same_run(pilot, tmp_path, fmt):
    folder = export(pilot, tmp_path, fmt)
    for table in TABLES:
        frame, _meta = READ[fmt](str(folder / f"{table}.{fmt}"))
        rows = read_csv(folder / f"{table}.csv")
        for column in ("learner_id", "enrolment_id"):
            if column in frame:
                assert list(frame[column]) == [r[column] for r in rows], (table, column)
    stored = set(pilot.cohorts.values_list("enrolments__learner__pseudonym", flat=True))
    exported = set(READ[fmt](str(folder / f"learners.{fmt}"))[0]["learner_id"])
    assert not exported & stored


def test_text_is_kept_as_stored_while_the_csv_is_formula_safe(pilot, tmp_path):
    folder = export(pilot, tmp_path, "sav")
    assert {r["cohort"] for r in read_csv(folder / "enrolments.csv")} == {"'" + FORMULA}
    assert set(pyreadstat.read_sav(str(folder / "enrolments.sav"))[0]["cohort"]) == {FORMULA}


def test_the_data_dictionary_has_redcaps_columns_and_one_row_per_variable(pilot, tmp_path):
    folder = export(pilot, tmp_path, "dta")
    with (folder / "data_dictionary.csv").open(newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == HEADERS
    rows = read_csv(folder / "data_dictionary.csv")
    variables = [
        (table, column)
        for table in [*TABLES[:-1], "survey_answers_wide", "outcomes"]  # the wide answers follow the long ones
        for column in pyreadstat.read_dta(str(folder / f"{table}.dta"), metadataonly=True)[1].column_names
    ]
    assert [(r["Form Name"], r["Variable / Field Name"]) for r in rows] == variables
    by_name = {(r["Form Name"], r["Variable / Field Name"]): r for r in rows}
    belonging = by_name[("survey_answers_wide", "belonging")]
    assert belonging["Field Type"] == "radio"
    assert belonging["Choices, Calculations, OR Slider Labels"] == "1, Not at all | 2, Not very | 3, Fairly | 4, Very"
    assert by_name[("enrolments", "start_date")]["Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert by_name[("attendance", "minutes")]["Text Validation Type OR Show Slider Number"] == "integer"
    gender = by_name[("learners", "gender")]
    assert gender["Field Type"] == "dropdown" and "man" in gender["Field Note"]
    assert (
        by_name[("learners", "borough")]["Field Type"] == "text"
        and "text" in by_name[("learners", "borough")]["Field Note"]
    )
    assert all(r["Field Label"] and r["Identifier?"] == "" for r in rows)


def test_the_export_is_logged_once_with_every_file(pilot, tmp_path):
    folder = export(pilot, tmp_path, "sav")
    record = ExportRecord.objects.get()
    assert record.format == "sav" and record.level == "record"
    assert {"learners.csv", "learners.sav", "survey_answers_wide.sav", "data_dictionary.csv"} <= set(record.checksums)
    assert record.row_counts["learners.sav"] == 2
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["format"] == "sav" and entry.detail["row_counts"]["attendance.sav"] == 6
    assert (folder / "codebook.csv").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "spss"], "Unknown format 'spss'"),
        (["--format", "SAV"], "Unknown format 'SAV'"),
        (["--format", "dta", "--level", "aggregate"], "record level only"),
    ],
)
def test_an_unknown_format_is_refused_with_a_clear_message(pilot, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_pilot", pilot.slug, "--out", str(tmp_path), *arguments)
    assert not ExportRecord.objects.exists() and not any(tmp_path.iterdir())


def test_a_prepared_export_in_stata_is_a_zip_of_the_files(pilot, django_user_model):
    from evaluation.models import PilotEvaluator
    from evaluation.services.prepared_exports import build

    user = django_user_model.objects.create_user("analyst", password="pw")
    PilotEvaluator.objects.create(user=user, pilot=pilot)
    prepared = PilotExport.objects.create(user=user, pilot=pilot, format="dta")
    assert build(prepared.pk) == "ready"
    prepared.refresh_from_db()
    with storages["private"].open(prepared.file_name, "rb") as file:
        names = set(zipfile.ZipFile(io.BytesIO(file.read())).namelist())
    assert {"learners.dta", "learners.csv", "codebook.csv", "data_dictionary.csv", "survey_answers_wide.dta"} <= names
    assert ExportRecord.objects.get().format == "dta"


def test_names_and_labels_within_stata_limits_and_unlisted_codes_kept_as_text():
    from evaluation.analyst_formats import describe, identifier, keep_unlisted_codes, short

    taken = set()
    names = [identifier(n, taken) for n in ("2nd-wave answer", "in", "x" * 40, "x" * 40, "str12")]
    assert names == ["v2nd_wave_answer", "in_", "x" * 32, "x" * 30 + "_2", "str12_"]
    assert len(short("word " * 40)) == 80 and short("word " * 40).endswith("…")
    codebook = {("t", "gender"): ("Gender", "code", "woman=Woman; man=Man")}
    variables = describe("t", ["gender"], codebook)
    keep_unlisted_codes(variables, ["gender"], [["woman"], ["nonbinary"]])
    assert variables[0].kind == "string" and not variables[0].labels and "nonbinary" in variables[0].note
