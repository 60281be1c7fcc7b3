"""Bulk import of a provider's classes from the CSV or XLSX template (docs/class-import-template.md).

Every row is checked first. Only if every row is good are the classes created or updated, all in
one transaction and all as drafts that wait for a coordinator's approval; otherwise nothing is
written and each problem is reported with its row, column, value and reason.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from finder.models import ClassPage, ClassSession, Level, ProviderPage, TargetGroup, Venue

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024

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
    ("how_to_join", False, "Come to a drop-in assessment", "Drop-in assessment, Book an assessment, Referral only."),
    ("joining_notes", False, "Come on Monday at 10am with ID.", "Short sentences."),
    ("cost", False, "Free", "Free, Fee, or Free if eligible."),
    ("fee_amount", False, "", "In pounds, when the cost is Fee."),
    ("eligibility", False, "", "Who can get it free, when the cost is Free if eligible."),
    ("childcare", False, "Crèche on site", "Crèche on site, Help to pay for childcare, No childcare."),
    ("women_only", False, "no", "yes or no."),
    ("target_groups", False, "Parents and carers", "Who it is for, separated by ';'."),
    ("strand", False, "Not an ESOL Plus pilot", "The ESOL Plus strand, if any."),
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
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    created: list[ClassPage] = field(default_factory=list)
    updated: list[ClassPage] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    page: ClassPage
    is_new: bool
    m2m: dict
    sessions: list[ClassSession]


def read_rows(uploaded) -> list[tuple[int, dict]]:
    """(row number as the spreadsheet shows it, {column: text}) for each non-empty row."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is too big. Split it into files of up to 5 MB."))
    if name.endswith(".xlsx"):
        table = _xlsx_table(data)
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(_("Save the file as “CSV UTF-8” and upload it again.")) from None
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise ValueError(_("Upload the template as a .csv or .xlsx file."))
    if not table:
        raise ValueError(_("The file is empty."))
    headers = [_header(cell) for cell in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {headers[i]: _text(cell) for i, cell in enumerate(cells) if i < len(headers) and headers[i]}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise ValueError(_("The file has more than %(max)d classes. Split it into smaller files.") % {"max": MAX_ROWS})
    return [(1, {"__headers__": headers}), *rows]


def _xlsx_table(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ValueError(_("This is not an Excel (.xlsx) file we can read. Use the template.")) from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _header(cell) -> str:
    return re.sub(r"[\s-]+", "_", _text(cell).lower())


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time.min else cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _choice(choices, text: str):
    wanted = text.strip().lower()
    for value, label in choices.choices:
        if wanted in {value, str(label).lower(), value.replace("_", " ")}:
            return value
    raise ValueError(
        _("Use one of: %(options)s.") % {"options": ", ".join(str(label) for _value, label in choices.choices)}
    )


def _boolean(text: str) -> bool:
    wanted = text.strip().lower()
    if wanted in {"yes", "y", "true", "1"}:
        return True
    if wanted in {"no", "n", "false", "0", ""}:
        return False
    raise ValueError(_("Write yes or no."))


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("Write the date as YYYY-MM-DD, like 2026-01-12."))


def _vocabulary(model, text: str, required: bool) -> list:
    items = [item.strip() for item in re.split(r"[;,]", text) if item.strip()]
    if required and not items:
        raise ValueError(_("Give at least one."))
    by_key = {}
    for row in model.objects.all():
        by_key[row.code.lower()] = row
        by_key[row.name.lower()] = row
    found, unknown = [], []
    for item in items:
        (found if item.lower() in by_key else unknown).append(by_key.get(item.lower(), item))
    if unknown:
        known = ", ".join(row.name for row in model.objects.all())
        raise ValueError(
            _("We don't know %(unknown)s. Use: %(known)s.") % {"unknown": ", ".join(unknown), "known": known}
        )
    return found


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


def _check_headers(headers: list[str]) -> list[RowError]:
    errors = [
        RowError(1, header, header, _("This is not a column of the template."))
        for header in headers
        if header and header not in COLUMN_NAMES
    ]
    errors += [
        RowError(1, name, "", _("This column is missing. Use the template."))
        for name in COLUMN_NAMES
        if name in REQUIRED and name not in headers
    ]
    return errors


def _build_row(provider: ProviderPage, number: int, values: dict, venues: dict, errors: list[RowError]) -> _Row | None:
    """Turn one row into an unsaved page (or the draft of an existing one), collecting errors."""
    row_errors: list[RowError] = []

    def fail(column, reason):
        row_errors.append(RowError(number, column, values.get(column, ""), str(reason)))

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
            venue = venues.get(values["venue"].strip().lower())
            if venue is None:
                fail("venue", _("None of your venues has this name. Add the venue first, then import again."))
            fields["venue"] = venue
        else:
            fields["venue"] = None
    for name, model, required in (("levels", Level, True), ("target_groups", TargetGroup, False)):
        if name in values:
            try:
                m2m[name] = _vocabulary(model, values[name], required)
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
    errors.extend(row_errors)
    if row_errors:
        return None
    return _Row(number=number, page=page, is_new=existing is None, m2m=m2m, sessions=sessions)


def import_classes(provider: ProviderPage, uploaded, user=None) -> ImportResult:
    """Validate every row, then write all of them as drafts, or none."""
    result = ImportResult()
    try:
        table = read_rows(uploaded)
    except ValueError as error:
        result.errors.append(RowError(1, "", getattr(uploaded, "name", ""), str(error)))
        return result
    headers = table[0][1]["__headers__"]
    result.errors += _check_headers(headers)
    if result.errors:
        return result
    if len(table) == 1:
        result.errors.append(RowError(2, "", "", _("The file has no classes in it.")))
        return result

    venues = {venue.name.strip().lower(): venue for venue in Venue.objects.filter(provider=provider)}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for number, values in table[1:]:
        key = slugify(values.get("reference") or values.get("title", ""))
        if key and key in seen:
            result.errors.append(
                RowError(
                    number, "title", values.get("title", ""), _("Row %(row)d has the same class.") % {"row": seen[key]}
                )
            )
            continue
        seen[key] = number
        row = _build_row(provider, number, values, venues, result.errors)
        if row:
            rows.append(row)
    if result.errors:
        return result

    with transaction.atomic():
        for row in rows:
            page = row.page
            if row.sessions:
                page.sessions = row.sessions
            if row.is_new:
                page.live = False
                page.has_unpublished_changes = True
                provider.add_child(instance=page)
                page.save_revision(user=user, log_action="wagtail.create")
                result.created.append(page)
            else:
                page.save_revision(user=user, log_action=True)
                result.updated.append(page)
    return result


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
