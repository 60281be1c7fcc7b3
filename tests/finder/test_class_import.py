"""Bulk class import: all rows become drafts, or nothing is written and each bad row is reported."""

import csv
import datetime
import io
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from devtools import spreadsheet_abuse as abuse
from devtools.factories import ClassPageFactory, VenueFactory, provider_with_editor
from finder.cms import class_import
from finder.cms.class_import import COLUMN_NAMES, import_classes
from finder.models import ClassPage

pytestmark = pytest.mark.usefixtures("geography")

GOOD_ROWS = [
    {
        "title": "Entry 1 mornings",
        "summary": "Speaking and listening for beginners.",
        "levels": "Entry 1; Entry 2",
        "venue": "Alpha Hall",
        "sessions": "Tue 10:00-12:00; Thu 10:00-12:00",
        "start_date": "2027-01-12",
        "end_date": "2027-03-26",
        "cost": "Free",
        "childcare": "Crèche on site",
        "women_only": "yes",
        "target_groups": "parents",
    },
    {
        "title": "Online evening conversation",
        "summary": "Practise talking, from home.",
        "levels": "entry-3",
        "delivery_mode": "Online",
        "sessions": "Wed 18:30-20:00",
        "rolling_enrolment": "yes",
        "cost": "Fee",
        "fee_amount": "£45",
        "fee_unit": "a term",
    },
]


def csv_file(rows, name="classes.csv"):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, name="classes.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMN_NAMES)
    for row in rows:  # dates as real Excel dates, as a spreadsheet program saves them
        sheet.append(
            [
                datetime.date.fromisoformat(row[column])
                if column.endswith("_date") and row.get(column)
                else row.get(column, "")
                for column in COLUMN_NAMES
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def alpha(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    VenueFactory(provider=setup.provider, name="Alpha Hall")
    return setup


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_valid_file_creates_drafts(alpha, make_file):
    result = import_classes(alpha.provider, make_file(GOOD_ROWS), user=alpha.editor)
    assert result.ok, result.errors
    pages = ClassPage.objects.child_of(alpha.provider).order_by("title")
    assert [p.title for p in pages] == ["Entry 1 mornings", "Online evening conversation"]
    assert not any(p.live for p in pages)
    first = pages[0].get_latest_revision_as_object()
    assert [level.code for level in first.levels.all()] == ["entry-1", "entry-2"]
    assert [(s.weekday, s.start_time.hour) for s in first.sessions.all()] == [(1, 10), (3, 10)]
    assert first.venue.name == "Alpha Hall" and first.women_only and first.childcare == "creche"
    second = pages[1].get_latest_revision_as_object()
    assert second.venue is None and second.fee_amount == 45 and second.fee_unit == "term" and second.rolling_enrolment


def test_one_bad_row_writes_nothing_and_is_reported(alpha):
    bad = {**GOOD_ROWS[1], "title": "Broken", "sessions": "Someday 10-12"}
    result = import_classes(alpha.provider, csv_file([GOOD_ROWS[0], bad]), user=alpha.editor)
    assert not result.ok
    assert not ClassPage.objects.child_of(alpha.provider).exists()
    [error] = result.errors
    assert (error.row, error.column, error.value) == (3, "sessions", "Someday 10-12")
    assert "Tue 10:00-12:00" in error.reason


def test_model_rules_are_reported_on_their_column(alpha):
    rows = [
        {**GOOD_ROWS[0], "venue": ""},
        {**GOOD_ROWS[1], "fee_amount": ""},
        {**GOOD_ROWS[0], "title": "Other", "levels": "Entry 9", "end_date": "31/02/2027"},
    ]
    result = import_classes(alpha.provider, csv_file(rows), user=alpha.editor)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(2, "venue"), (3, "fee_amount"), (4, "levels"), (4, "end_date")}
    assert not ClassPage.objects.exists()


def test_another_providers_venue_is_not_found(alpha):
    other = provider_with_editor("Beta Community ESOL", "beta")
    VenueFactory(provider=other.provider, name="Beta Hall")
    result = import_classes(alpha.provider, csv_file([{**GOOD_ROWS[0], "venue": "Beta Hall"}]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "venue")]


def test_existing_class_is_updated_as_a_draft(alpha):
    live = ClassPageFactory(
        parent=alpha.provider, venue=alpha.provider.venues.get(), title="Entry 1 mornings", slug="e1-mornings"
    )
    rows = [{**GOOD_ROWS[0], "reference": "e1-mornings", "title": "Entry 1 mornings (new times)"}]
    result = import_classes(alpha.provider, csv_file(rows), user=alpha.editor)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    page = ClassPage.objects.get(pk=live.pk)
    assert page.live and page.title == "Entry 1 mornings"  # still the approved version on the site
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().title == "Entry 1 mornings (new times)"


def test_unknown_columns_and_files_are_refused(alpha):
    upload = SimpleUploadedFile("classes.csv", b"title,colour\nA,red\n")
    errors = import_classes(alpha.provider, upload).errors
    assert {(e.row, e.column) for e in errors} >= {(1, "colour"), (1, "summary"), (1, "levels"), (1, "sessions")}
    errors = import_classes(alpha.provider, SimpleUploadedFile("classes.pdf", b"%PDF")).errors
    assert "csv" in errors[0].reason


def test_editor_imports_through_the_admin_only_into_their_own_provider(client, alpha):
    other = provider_with_editor("Beta Community ESOL", "beta")
    client.login(username="alpha", password="pw")
    url = reverse("finder_import_classes")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Beta Community ESOL" not in page.content
    response = client.post(url, {"provider": other.provider.pk, "file": csv_file(GOOD_ROWS)})
    assert "provider" in response.context["form"].errors
    assert not ClassPage.objects.exists()
    response = client.post(url, {"provider": alpha.provider.pk, "file": csv_file(GOOD_ROWS)})
    assert response.status_code == 302
    assert ClassPage.objects.child_of(alpha.provider).count() == 2


def test_admin_shows_each_bad_row(client, alpha):
    client.login(username="alpha", password="pw")
    bad = {**GOOD_ROWS[0], "title": "Bad", "cost": "Cheap"}
    response = client.post(
        reverse("finder_import_classes"), {"provider": alpha.provider.pk, "file": csv_file([GOOD_ROWS[1], bad])}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<td>3</td><td>cost</td><td>Cheap</td>" in html
    assert not ClassPage.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_download_and_import_cleanly(client, alpha, file_format):
    VenueFactory(provider=alpha.provider, name="Community Centre")
    client.login(username="alpha", password="pw")
    response = client.get(reverse("finder_import_template", args=[file_format]))
    assert response.status_code == 200
    if file_format == "xlsx":
        header = [cell.value for cell in load_workbook(io.BytesIO(response.content)).active[1]]
    else:
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == COLUMN_NAMES
    result = import_classes(alpha.provider, SimpleUploadedFile(f"t.{file_format}", response.content))
    assert result.ok, result.errors  # the example row is itself valid


def test_people_without_a_provider_cannot_import(client, db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nobody", password="pw", is_staff=True)
    client.login(username="nobody", password="pw")
    assert client.get(reverse("finder_import_classes")).status_code in (302, 403)


def test_a_class_size_that_is_not_a_plain_number_is_reported(alpha):
    result = import_classes(alpha.provider, csv_file([{**GOOD_ROWS[1], "capacity": "²"}]), user=alpha.editor)
    [error] = result.errors
    assert (error.column, error.value) == ("capacity", "²")


def test_a_provider_id_too_large_for_the_database_is_refused_as_a_bad_choice(client, alpha):
    """Found by tests/esolplus/test_fuzz.py: the id reached the query and overflowed the integer column."""
    client.login(username="alpha", password="pw")
    response = client.post(reverse("finder_import_classes"), {"provider": "9" * 30, "file": csv_file(GOOD_ROWS)})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ClassPage.objects.child_of(alpha.provider).exists()


def long_summary():
    return "classes.csv", csv_file([{**GOOD_ROWS[1], "summary": "x" * 131_073}]).read()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (abuse.ABUSE_CASES["10 MB CSV"], "bigger than 5 MB"),
        (abuse.xlsx_declaring, "1,048,576 rows long"),
        (lambda: abuse.xlsx_with_empty_rows(declared=False), "empty rows"),
        (abuse.xlsx_truncated, "damaged, incomplete"),
        (long_summary, "more than 10,000 characters"),
    ],
    ids=["10 MB CSV", "huge declared sheet", "600,000 empty rows", "truncated XLSX", "131,073-character field"],
)
def test_abusive_files_get_a_message_on_the_page_not_a_server_error(client, alpha, build, message):
    name, data = build()
    client.login(username="alpha", password="pw")
    response = client.post(
        reverse("finder_import_classes"),
        {"provider": alpha.provider.pk, "file": SimpleUploadedFile(name.replace("register", "classes"), data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClassPage.objects.exists()


def test_more_than_a_thousand_classes_are_refused(alpha):
    rows = [{**GOOD_ROWS[1], "title": f"Class {n}"} for n in range(1001)]
    result = import_classes(alpha.provider, csv_file(rows), user=alpha.editor)
    assert [(e.row, e.reason) for e in result.errors] == [
        (1002, "The file has more than 1,000 rows. Split it into smaller files and upload each one.")
    ]


def test_formulas_are_reported_with_their_row_and_column(alpha):
    result = import_classes(alpha.provider, csv_file([{**GOOD_ROWS[1], "summary": "=1+1"}]), user=alpha.editor)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "summary", "=1+1")]


def test_the_same_file_twice_updates_the_classes_rather_than_adding_them_again(alpha):
    first = import_classes(alpha.provider, csv_file(GOOD_ROWS), user=alpha.editor)
    second = import_classes(alpha.provider, csv_file(GOOD_ROWS), user=alpha.editor)
    assert (first.created, first.updated, second.created, second.updated) == (2, 0, 0, 2)
    assert ClassPage.objects.child_of(alpha.provider).count() == 2


def test_a_clash_with_another_write_is_reported_and_nothing_is_kept(alpha, monkeypatch):
    """What the database says when another import wrote the same pages first (SQLite has no row locks)."""
    save = class_import._save

    def save_then_clash(*args):
        save(*args)
        raise IntegrityError("UNIQUE constraint failed: wagtailcore_page.path")

    monkeypatch.setattr(class_import, "_save", save_then_clash)
    result = import_classes(alpha.provider, csv_file(GOOD_ROWS), user=alpha.editor)
    assert [e.reason for e in result.errors] == [
        "Someone else is importing classes for this provider right now. Wait a minute, then upload the file again."
    ]
    assert not ClassPage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_file_at_once_give_two_clear_outcomes(alpha, monkeypatch):
    """Two threads, two database connections. On PostgreSQL the second waits for the first's lock on the
    provider and then updates the classes it added; on SQLite the second may be told to try again instead.
    Either way no class is added twice and nothing raises."""
    started, inside = threading.Event(), threading.Event()
    check = class_import._check

    def slow_check(provider, uploaded):
        if not inside.is_set():  # the first one in holds the lock until the other has begun
            inside.set()
            started.wait(timeout=5)
        return check(provider, uploaded)

    monkeypatch.setattr(class_import, "_check", slow_check)
    outcomes = []

    def run(signal):
        try:
            signal.set()
            outcomes.append(import_classes(alpha.provider, csv_file(GOOD_ROWS[1:]), user=alpha.editor))
        except Exception as error:  # a server error, which the assertions below report
            outcomes.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=(threading.Event(),))
    first.start()
    inside.wait(timeout=5)
    second = threading.Thread(target=run, args=(started,))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)
    busy = "Someone else is importing classes for this provider right now"
    assert len(outcomes) == 2
    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert any(outcome.ok for outcome in outcomes)
    assert all(outcome.ok or busy in outcome.errors[0].reason for outcome in outcomes), outcomes
    if connection.vendor == "postgresql":  # the second waited for the lock, then updated the class
        assert sorted((o.created, o.updated) for o in outcomes) == [(0, 1), (1, 0)]
    assert ClassPage.objects.child_of(alpha.provider).count() == 1


@pytest.mark.parametrize("column", sorted(class_import.CHOICE_COLUMNS))
def test_every_choice_a_column_help_names_is_one_the_import_accepts(column):
    """A provider who copies an option from the template's help gets it accepted (the help once said "Drop-in
    assessment", which the import refused)."""
    help_text = next(text for name, _required, _example, text in class_import.COLUMNS if name == column)
    choices = class_import.CHOICE_COLUMNS[column]
    named = [str(label) for _value, label in choices.choices if str(label).lower() in help_text.lower()]
    assert named, f"the help for {column} names none of its options: {help_text!r}"
    options = help_text.rstrip(".").split(": ")[-1]  # "When the cost is Fee: for the whole course, a term, ..."
    for option in re.split(r",\s*(?:or\s+)?|\s+or\s+", options):
        if option.strip(". ") and option != "...":
            assert class_import._choice(choices, option), option


def test_a_class_waiting_for_approval_is_not_changed_by_an_import(alpha):
    """Otherwise the coordinator would approve a draft they never saw; the row says why, and nothing is written."""
    from finder.cms.bulk_approval import submit_pages

    first = import_classes(alpha.provider, csv_file(GOOD_ROWS), user=alpha.editor)
    assert first.ok
    waiting = ClassPage.objects.get(title=GOOD_ROWS[0]["title"])
    with transaction.atomic():
        submit_pages([waiting], alpha.editor)
    changed = [{**GOOD_ROWS[0], "summary": "Changed while waiting."}]
    result = import_classes(alpha.provider, csv_file(changed), user=alpha.editor)
    assert not result.ok
    assert "waiting for a coordinator's approval" in " ".join(error.reason for error in result.errors)
    assert waiting.get_latest_revision_as_object().summary != "Changed while waiting."


def test_an_editor_whose_admin_is_in_another_language_imports_the_english_template(alpha):
    """The template's options are English; an editor who uses the admin in Arabic uploads the same file."""
    from django.utils import translation

    with translation.override("ar"):
        result = import_classes(alpha.provider, csv_file(GOOD_ROWS), user=alpha.editor)
        assert result.ok, result.errors
        wrong = import_classes(alpha.provider, csv_file([{**GOOD_ROWS[0], "cost": "Gratis"}]), user=alpha.editor)
    assert "Free, Fee, Free if eligible" in wrong.errors[0].reason  # the options as the template writes them
