"""Bulk import of a provider's classes from the CSV or XLSX template (docs/class-import-template.md).

The file is read by esolplus.spreadsheets (limits, formats, dates). Every row is checked first. Only if
every row is good are the classes created or updated, all in one transaction and all as drafts that wait
for a coordinator's approval; otherwise nothing is written and each problem is reported with its row,
column, value and reason.
"""

import csv
import datetime
import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from esolplus.spreadsheets import ImportResult, Limits, SpreadsheetError, open_spreadsheet, parse_date
from finder.models import ClassPage, ClassSession, Level, ProviderPage, TargetGroup, Venue

logger = logging.getLogger(__name__)

MAX_ROWS = 1000  # classes in one file: more is a sign of the wrong file, and slow to check row by row

# (column, required, example, help) — the template and the documentation are built from this list.
COLUMNS = [
    ("reference", False, "", "Leave empty for a new class. To update a class, use its reference (web address name)."),
    ("title", True, "Entry 1 ESOL, Tuesday mornings", "The name of the class."),
    ("summary", True, "Speaking and listening for beginners.", "One or two short sentences."),
    ("levels", True, "Entry 1; Entry 2", "One or more of: Pre-entry, Entry 1, Entry 2, Entry 3, Level 1, Level 2."),
    ("skills_focus", False, "All skills", "All skills, Speaking and listening, Reading and writing, ..."),
    ("delivery_mode", False, "In person", "In person, Online, or In person and online."),
    ("venue", False, "Community Centre", "The name of one of your venues. Leave empty for online classes."),
    ("sessions", True, "Tue 10:00-12:00; Thu 10:00-12:00", "Each weekly session: day, start and end time."),
    ("start_date", False, "2026-01-12", "Term start, as YYYY-MM-DD or DD/MM/YYYY."),
    ("end_date", False, "2026-03-27", "Term end. The class is taken down after this day."),
    ("rolling_enrolment", False, "yes", "yes if learners can join at any time."),
    (
        "how_to_join",
        False,
        "Come to a drop-in assessment",
        "Come to a drop-in assessment, Book an assessment, Referral only.",
    ),
    ("joining_notes", False, "Come on Monday at 10am with ID.", "Short sentences."),
    ("cost", False, "Free", "Free, Fee, or Free if eligible."),
    ("fee_amount", False, "", "In pounds, when the cost is Fee."),
    ("fee_unit", False, "", "When the cost is Fee: for the whole course, a term, a session, an hour."),
    ("eligibility", False, "", "Who can get it free, when the cost is Free if eligible."),
    ("childcare", False, "Crèche on site", "Crèche on site, Help to pay for childcare, No childcare."),
    ("women_only", False, "no", "yes or no."),
    ("target_groups", False, "Parents and carers", "Who it is for, separated by ';'."),
    (
        "strand",
        False,
        "Not an ESOL Plus pilot",
        "ESOL Plus Childcare, ESOL Plus Employment, ESOL Plus Workplace, ESOL Plus Arts, or Not an ESOL Plus pilot.",
    ),
    ("accredited", False, "no", "yes if it leads to a qualification."),
    ("qualification", False, "", "The qualification's name."),
    ("places_status", False, "Places available", "Places available, Few places left, Waiting list, Full."),
    ("capacity", False, "16", "Class size."),
    ("contact_name", False, "", ""),
    ("contact_phone", False, "", ""),
    ("contact_email", False, "", ""),
]
COLUMN_NAMES = [name for name, *_ in COLUMNS]
REQUIRED = {name for name, required, *_ in COLUMNS if required}
CHOICE_COLUMNS = {
    "skills_focus": ClassPage.Skills,
    "delivery_mode": ClassPage.DeliveryMode,
    "how_to_join": ClassPage.HowToJoin,
    "cost": ClassPage.Cost,
    "fee_unit": ClassPage.FeeUnit,
    "childcare": ClassPage.Childcare,
    "strand": ClassPage.Strand,
    "places_status": ClassPage.Places,
}
TEXT_COLUMNS = ["summary", "joining_notes", "eligibility", "qualification", "contact_name", "contact_phone"]
BOOLEAN_COLUMNS = ["rolling_enrolment", "women_only", "accredited"]
DAYS = {
    **{name.lower()[:3]: value for value, name in ClassSession.Weekday.choices},
    **{str(name).lower(): value for value, name in ClassSession.Weekday.choices},
}
SESSION = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2})[:.](\d{2})\s*(?:-|–|to)\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass
class _Row:
    number: int
    page: ClassPage
    is_new: bool
    m2m: dict
    sessions: list[ClassSession]


def _choice(choices, text: str):
    """The code for an option written as in the template (English), in the editor's own admin language, or as its
    code. The template and its help are in English whatever language the admin is in, so the options offered in an
    error are the English ones."""
    wanted = text.strip().lower()
    with translation.override("en"):
        english = {value: str(label) for value, label in choices.choices}
    for value, label in choices.choices:
        if wanted in {value, value.replace("_", " "), str(label).lower(), english[value].lower()}:
            return value
    raise ValueError(_("Use one of: %(options)s.") % {"options": ", ".join(english.values())})


def _boolean(text: str) -> bool:
    wanted = text.strip().lower()
    if wanted in {"yes", "y", "true", "1"}:
        return True
    if wanted in {"no", "n", "false", "0", ""}:
        return False
    raise ValueError(_("Write yes or no."))


def _date(text: str) -> datetime.date | None:
    return parse_date(text) if text else None


@dataclass
class _Vocabulary:
    """A table of terms (levels, target groups), looked up by code or name; read once per import."""

    by_key: dict
    names: str

    @classmethod
    def of(cls, model) -> "_Vocabulary":
        rows = list(model.objects.all())
        by_key = {key.lower(): row for row in rows for key in (row.code, row.name)}
        return cls(by_key, ", ".join(row.name for row in rows))

    def find(self, text: str, required: bool) -> list:
        items = [item.strip() for item in re.split(r"[;,]", text) if item.strip()]
        if required and not items:
            raise ValueError(_("Give at least one."))
        unknown = [item for item in items if item.lower() not in self.by_key]
        if unknown:
            raise ValueError(
                _("We don't know %(unknown)s. Use: %(known)s.") % {"unknown": ", ".join(unknown), "known": self.names}
            )
        return [self.by_key[item.lower()] for item in items]


def _sessions(text: str) -> list[ClassSession]:
    sessions = []
    for part in [part for part in text.split(";") if part.strip()]:
        match = SESSION.match(part)
        day = DAYS.get(match.group(1).lower()) if match else None
        if day is None:
            raise ValueError(_("Write each session like “Tue 10:00-12:00”, separated by ';'."))
        try:
            start = datetime.time(int(match.group(2)), int(match.group(3)))
            end = datetime.time(int(match.group(4)), int(match.group(5)))
        except ValueError:
            raise ValueError(_("“%(session)s” has a time that does not exist.") % {"session": part.strip()}) from None
        if end <= start:
            raise ValueError(_("“%(session)s” must end after it starts.") % {"session": part.strip()})
        sessions.append(ClassSession(weekday=day, start_time=start, end_time=end))
    if not sessions:
        raise ValueError(_("Give at least one weekly session, like “Tue 10:00-12:00”."))
    return sessions


def _check_headers(headers: list[str], result: ImportResult) -> None:
    for header in headers:
        if header and header not in COLUMN_NAMES:
            result.add_error(1, header, header, _("This is not a column of the template."))
    for name in COLUMN_NAMES:
        if name in REQUIRED and name not in headers:
            result.add_error(1, name, "", _("This column is missing. Use the template."))


@dataclass
class _Context:
    """What every row is checked against, read once per import."""

    provider: ProviderPage
    venues: dict
    levels: _Vocabulary
    target_groups: _Vocabulary


def _build_row(context: _Context, number: int, values: dict, result: ImportResult) -> _Row | None:
    """Turn one row into an unsaved page (or the draft of an existing one), collecting errors."""
    provider = context.provider
    row_errors: list[tuple[str, str]] = []

    def fail(column, reason):
        row_errors.append((column, str(reason)))

    for name in REQUIRED:
        if not values.get(name):
            fail(name, _("This column can't be empty."))

    reference = slugify(values.get("reference", ""))
    existing = None
    if values.get("reference"):
        existing = ClassPage.objects.child_of(provider).filter(slug=reference).first()
        if existing is None:
            fail("reference", _("None of your classes has this reference. Leave it empty to add a new class."))
    elif values.get("title"):
        existing = ClassPage.objects.child_of(provider).filter(title__iexact=values["title"]).first()
    if existing is not None and existing.workflow_in_progress:
        # A coordinator is looking at this class: a new draft now would be approved without being seen.
        column = "reference" if values.get("reference") else "title"
        fail(column, _("This class is waiting for a coordinator's approval. Import it again once it is approved."))
    page = existing.get_latest_revision_as_object() if existing else ClassPage(live=False)
    if existing is None:
        page._cached_parent_obj = provider
        page.slug = reference or ""

    fields: dict = {}
    m2m: dict = {}
    sessions: list[ClassSession] = []
    parsers = {
        **{
            name: (lambda text, choices=choices: _choice(choices, text) if text else None)
            for name, choices in CHOICE_COLUMNS.items()
        },
        **dict.fromkeys(BOOLEAN_COLUMNS, _boolean),
        "start_date": _date,
        "end_date": _date,
    }
    for name, parse in parsers.items():
        if name in values:
            try:
                value = parse(values[name])
            except ValueError as error:
                fail(name, error)
                continue
            if value is not None:
                fields[name] = value
    for name in [*TEXT_COLUMNS, "title", "contact_email"]:
        if name in values:
            fields[name] = values[name]
    if values.get("fee_amount"):
        try:
            fields["fee_amount"] = Decimal(values["fee_amount"].lstrip("£").replace(",", ""))
        except InvalidOperation:
            fail("fee_amount", _("Write the fee as a number of pounds, like 45 or 45.50."))
    elif "fee_amount" in values:
        fields["fee_amount"] = None
    if values.get("capacity"):
        if values["capacity"].isdecimal() and 0 < int(values["capacity"]) < 1000:
            fields["capacity"] = int(values["capacity"])
        else:
            fail("capacity", _("Write the class size as a whole number, like 16."))
    if "venue" in values:
        if values["venue"]:
            venue = context.venues.get(values["venue"].strip().lower())
            if venue is None:
                fail("venue", _("None of your venues has this name. Add the venue first, then import again."))
            fields["venue"] = venue
        else:
            fields["venue"] = None
    for name, vocabulary, required in (
        ("levels", context.levels, True),
        ("target_groups", context.target_groups, False),
    ):
        if name in values:
            try:
                m2m[name] = vocabulary.find(values[name], required)
            except ValueError as error:
                fail(name, error)
    if values.get("sessions"):
        try:
            sessions = _sessions(values["sessions"])
        except ValueError as error:
            fail("sessions", error)

    for name, value in fields.items():
        setattr(page, name, value)
    if not row_errors:
        for name, items in m2m.items():
            getattr(page, name).set(items)
        try:
            # A new page gets its place in the tree (path, depth) only when it is added.
            page.full_clean(exclude=["path", "depth"] if existing is None else None)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in COLUMN_NAMES else ("reference" if name == "slug" else "title")
                for message in messages:
                    fail(column, message)
    for column, reason in row_errors:
        result.add_error(number, column, values.get(column, ""), reason)
    if row_errors:
        return None
    return _Row(number=number, page=page, is_new=existing is None, m2m=m2m, sessions=sessions)


def import_classes(provider: ProviderPage, uploaded, user=None) -> ImportResult:
    """Validate every row, then write all of them as drafts, or none.

    The provider's page is locked for the whole import, so two imports into one provider (a double click,
    two editors at once) run one after the other: the second reads the file only after the first has saved,
    finds its classes and updates them rather than adding them twice. A database that can't wait for the
    lock (SQLite) fails the second write instead, and that import is told to try again.
    """
    try:
        with transaction.atomic():
            provider = ProviderPage.objects.select_for_update().get(pk=provider.pk)
            result, rows = _check(provider, uploaded)
            if result.ok:
                _save(provider, rows, user, result)
            return result
    except (IntegrityError, OperationalError):
        logger.warning("A class import into provider %s met another write to it", provider.pk, exc_info=True)
        return ImportResult.refused(
            _(
                "Someone else is importing classes for this provider right now. "
                "Wait a minute, then upload the file again."
            )
        )


def _check(provider: ProviderPage, uploaded) -> tuple[ImportResult, list[_Row]]:
    result, rows = ImportResult(), []
    try:
        with open_spreadsheet(uploaded, Limits.from_settings(max_rows=MAX_ROWS)) as sheet:
            _check_headers(sheet.headers, result)
            if not result.ok:
                return result, []
            context = _Context(
                provider=provider,
                venues={venue.name.strip().lower(): venue for venue in Venue.objects.filter(provider=provider)},
                levels=_Vocabulary.of(Level),
                target_groups=_Vocabulary.of(TargetGroup),
            )
            seen: dict[str, int] = {}
            for line in sheet.rows():
                values = line.values
                if line.errors:
                    result.extend(line.errors)
                    continue
                key = slugify(values.get("reference") or values.get("title", ""))
                if key and key in seen:
                    reason = _("Row %(row)d has the same class.") % {"row": seen[key]}
                    result.add_error(line.number, "title", values.get("title", ""), reason)
                    continue
                seen[key] = line.number
                row = _build_row(context, line.number, values, result)
                if row:
                    rows.append(row)
    except SpreadsheetError as error:
        return error.result(), []
    if result.ok and not rows:
        result.add_error(2, "", "", _("The file has no classes in it."))
    return result, rows


def _save(provider: ProviderPage, rows: list[_Row], user, result: ImportResult) -> None:
    for row in rows:
        page = row.page
        if row.sessions:
            page.sessions = row.sessions
        if row.is_new:
            page.live = False
            page.has_unpublished_changes = True
            provider.add_child(instance=page)
            page.save_revision(user=user, log_action="wagtail.create")
            result.created += 1
        else:
            page.save_revision(user=user, log_action=True)
            result.updated += 1
    result.rows = len(rows)
    result.page_ids = [row.page.pk for row in rows]  # to offer "Submit these classes for approval" (approval_views)


def template_rows() -> list[list[str]]:
    """The header row and one example row of the import template."""
    return [COLUMN_NAMES, [example for _name, _required, example, _help in COLUMNS]]


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Classes"
    for row in template_rows():
        sheet.append(row)
    for cell, (_name, required, _example, help_text) in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        if help_text:
            cell.comment = Comment(("Required. " if required else "") + help_text, "ESOL Plus")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
