"""Writes that survive a busy day: a form sent twice stores one record, and no save is lost without anyone knowing.

Two mechanisms, shared by the finder and the evaluation:

* **Submission keys**, for forms that create a record (an enquiry, an enrolment, an assessment...). The form
  carries a random key, new each time it is shown; the record stores it under a unique constraint. A second POST
  of the same form (a double click, a browser retry, two identical requests at the same moment) finds the record
  the first one made instead of making another: ``create_once``.
* **Versions**, for forms that change something two people may edit (a register, an enrolment's details). The
  form carries the version it was based on; the save claims the next version only if nobody saved in between
  (a conditional UPDATE, which also holds the row's lock until the transaction ends), else ``StaleVersion``: the
  screen then shows what changed and lets the person choose, rather than one save silently replacing the other.
"""

import datetime
import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import formats

T = TypeVar("T", bound=models.Model)

SUBMISSION_KEY = "submission_key"
BASED_ON = "based_on"


class SubmissionKeyField(forms.UUIDField):
    """The hidden one-time key: a new one each time an unbound form is shown.

    A missing or mangled key is no key (``None``): the form still saves, it just cannot tell a repeat.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class SubmissionKeyFormMixin:
    """Gives a form the hidden ``submission_key`` field; ``cleaned_data["submission_key"]`` is a UUID or None."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SUBMISSION_KEY] = SubmissionKeyField()


def create_once(scope: models.QuerySet[T], key: uuid.UUID | None, create: Callable[[], T]) -> tuple[T | None, bool]:
    """The record made by the submission with this key: created now by ``create()``, or found.

    ``create`` must store ``key`` in the record's ``submission_key`` (unique). It runs in a savepoint, so when an
    identical request stored the key a moment earlier, its unique-constraint error (or ``full_clean``'s report of
    it) undoes only this attempt, with anything it queued (such as a notification), and the record the other
    request made is returned instead.
    ``scope`` is where the caller may look (e.g. this cohort's enrolments): a key used by a record outside it was
    copied from another form, so nothing is stored and the record is not shown (``None``).

    Returns ``(record, created)``.
    """
    if key is None:
        return create(), True
    if _key_used(scope, key):
        return scope.filter(**{SUBMISSION_KEY: key}).first(), False
    try:
        with transaction.atomic():
            return create(), True
    except (IntegrityError, ValidationError):
        if not _key_used(scope, key):
            raise
        return scope.filter(**{SUBMISSION_KEY: key}).first(), False


def _key_used(scope: models.QuerySet, key: uuid.UUID) -> bool:
    return scope.model._default_manager.filter(**{SUBMISSION_KEY: key}).exists()


class StaleVersion(Exception):
    """A save based on a version someone else has replaced; nothing was written.

    ``version`` is the version now saved, ``current`` the record as it is now (when the caller has it).
    """

    def __init__(self, version: int, current: models.Model | None = None):
        super().__init__(f"based on an old version (now {version})")
        self.version = version
        self.current = current


def claim_version(queryset: models.QuerySet, pk, based_on: int | None, field: str = "version") -> int:
    """Move the record to its next version if it is still at ``based_on``; return the new version.

    The conditional UPDATE is the check: on PostgreSQL it waits for another transaction that is saving the same
    row and then finds the version moved on; on SQLite it takes the database's write lock. Either way the row
    stays locked until the caller's transaction ends, so the rest of the save cannot interleave with another.
    ``based_on=None`` (imports and other writes that were not based on a form) claims whatever version it is.
    Raises ``StaleVersion`` (having written nothing) when someone saved first. Call it inside a transaction.
    """
    rows = queryset.filter(pk=pk)
    matching = rows if based_on is None else rows.filter(**{field: based_on})
    claimed = matching.update(**{field: models.F(field) + 1})
    version = rows.values_list(field, flat=True).get()
    if not claimed:
        raise StaleVersion(version)
    return version


class VersionField(forms.IntegerField):
    """The hidden version a form was based on; none sent counts as 0, the version of something never saved."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        """A mangled version is not the person's mistake to fix: like a missing one, it only makes the save stale."""
        try:
            return max(super().to_python(value) or 0, 0)
        except ValidationError:
            return 0


class ConflictFormMixin:
    """What a form shows after ``StaleVersion``: ``conflict``, the fields (of ``compared``) where what is saved now
    differs from what the person sent, and the form moved onto what is now saved (``rebase``), keeping the
    person's own entries, so that sending it again means "keep mine"."""

    compared: tuple[str, ...] = ()
    conflict: list[dict] | None = None

    def show_conflict(self, stale: StaleVersion) -> None:
        self.conflict = [
            {"label": self.fields[name].label, "saved": self.shown(name, saved), "yours": self.shown(name, yours)}
            for name in self.compared
            if (saved := getattr(stale.current, name)) != (yours := self.cleaned_data.get(name))
        ]
        self.rebase(**self.rebased_on(stale))

    def rebased_on(self, stale: StaleVersion) -> dict:
        """The hidden values that make a second send apply over what is saved now."""
        return {BASED_ON: stale.version}

    def rebase(self, **values) -> None:
        """Replace these values (by field name) in the data as sent, for showing the form again."""
        data = self.data.copy()
        for name, value in values.items():
            data[self.add_prefix(name)] = value
        self.data = data

    def shown(self, name: str, value) -> str:
        """A value as the form would word it: a choice's label, a date written out, a dash for nothing."""
        if value in (None, ""):
            return "—"
        choices = dict(getattr(self.fields[name], "choices", None) or [])
        if value in choices:
            return str(choices[value])
        if isinstance(value, datetime.date):
            return formats.date_format(value)
        return str(value)


class VersionedFormMixin(ConflictFormMixin):
    """Gives a form the hidden ``based_on`` version (``cleaned_data["based_on"]``, 0 when none was sent)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[BASED_ON] = VersionField()
