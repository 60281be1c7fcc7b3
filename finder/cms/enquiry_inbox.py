"""The providers' enquiry inbox, built on Wagtail's snippet views (``finder.cms.enquiries.EnquiryViewSet``): search,
filters by status, class, age and assignee, a formula-safe export, the response deadline, notes and assignment to a
colleague — and the writes behind them.

Which enquiries a user sees is never decided here: the views are given the boundary rule
(``finder.cms.enquiries.enquiries_visible_to``) by the viewset, which also answers "not found" for anyone else's
enquiry before any view of one runs, the note form's included. What is overdue is ``finder.enquiry_deadlines``.

Two colleagues at one enquiry: a change of status or assignee claims the enquiry's next ``version``
(``esolplus.concurrency``), so a save based on a screen someone else has saved since is refused, with what they
changed, and the form is moved onto the saved version so that saving again means "keep mine". Notes are only ever
added, never edited, so they need no version: each is stored once (its form's submission key) and none is lost.
"""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.snippets.views.snippets import EditView, IndexView, InspectView

from esolplus import cldr
from esolplus.concurrency import StaleVersion, SubmissionKeyFormMixin, VersionedFormMixin, claim_version, create_once
from esolplus.safe_cells import FormulaSafeExportMixin
from finder import enquiry_deadlines
from finder.models import ClassPage, Enquiry, EnquiryNote
from finder.models.identifiers import normalise_reference

STALE = gettext_lazy(
    "Someone else saved this enquiry while you had it open, so your changes were not saved. Check what they "
    "changed below; save again to keep your choices."
)
NOBODY = gettext_lazy("Nobody yet")


def language_label(code: str) -> str:
    """A learner's preferred language by its name ("Somali"), in the reader's language; "English" when none given."""
    if not code:
        return _("English")
    return cldr.language_name(code) or code


def local_time(moment):
    """A moment as London's wall-clock time to the second, for a spreadsheet cell (which has no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else ""


def person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def colleagues(enquiry: Enquiry, assigned_now: int | None = None) -> QuerySet:
    """Whom an enquiry may be assigned to: the editors of the provider that runs its class, and ``assigned_now``
    (whoever has it as saved), so that an enquiry assigned to someone who has since left can still be saved."""
    from finder.cms.providers import provider_editors

    provider = enquiry.class_page.provider
    editors = provider_editors(provider).values("pk") if provider else []
    return (
        get_user_model()
        .objects.filter(Q(pk__in=editors) | Q(pk=assigned_now))
        .order_by("first_name", "last_name", "username")
    )


# --- Writes ---------------------------------------------------------------------------------------------------


def follow_up(enquiry: Enquiry, *, based_on: int | None) -> Enquiry:
    """Save the status and assignee set on ``enquiry`` if nobody saved it since version ``based_on``, else
    ``StaleVersion`` (with the enquiry as saved now) and nothing is written. The first change away from "new" is the
    first answer (``first_response_at``). Only these fields are written, so the reminder's and a note's stamps,
    made meanwhile, stay."""
    with transaction.atomic():
        try:
            enquiry.version = claim_version(Enquiry.objects.all(), enquiry.pk, based_on)
        except StaleVersion as stale:
            raise StaleVersion(stale.version, Enquiry.objects.get(pk=enquiry.pk)) from None
        before = Enquiry.objects.values("status", "first_response_at", "assigned_to").get(pk=enquiry.pk)
        chosen = enquiry.assigned_to_id
        if chosen and not colleagues(enquiry, before["assigned_to"]).filter(pk=chosen).exists():
            raise ValidationError(_("An enquiry can only be assigned to someone who edits this provider's listings."))
        fields = ["status", "assigned_to", "version", "updated_at"]
        enquiry.first_response_at = before["first_response_at"]
        first_answer = before["status"] == Enquiry.Status.NEW and enquiry.status != Enquiry.Status.NEW
        if first_answer and enquiry.first_response_at is None:
            enquiry.first_response_at = timezone.now()
            fields.append("first_response_at")
        enquiry.save(update_fields=fields)
    return enquiry


def add_note(enquiry: Enquiry, author, text: str, key) -> tuple[EnquiryNote | None, bool]:
    """Append a note (the first one is the enquiry's first answer); the same form sent twice stores it once.

    Returns ``(note, created)``; ``note`` is None when the key belongs to another enquiry's note (a copied form)."""

    def create() -> EnquiryNote:
        note = EnquiryNote(enquiry=enquiry, author=author, text=text, submission_key=key)
        note.full_clean()
        note.save()
        now = timezone.now()
        Enquiry.objects.filter(pk=enquiry.pk, first_response_at=None).update(first_response_at=now)
        Enquiry.objects.filter(pk=enquiry.pk).update(updated_at=now)  # kept as long as it is being followed up
        return note

    return create_once(EnquiryNote.objects.filter(enquiry=enquiry), key, create)


# --- Search, filters, columns, export -------------------------------------------------------------------------

PHONE_PUNCTUATION = (" ", "-", "(", ")", "+", ".")


def phone_digits(field: str):
    expression = field
    for character in PHONE_PUNCTUATION:
        expression = Replace(expression, Value(character), Value(""))
    return expression


def search_enquiries(enquiries: QuerySet, text: str) -> QuerySet:
    """By name, email, reference (however typed) or phone number (whatever its spacing; +44 as 0)."""
    text = text.strip()
    query = Q()
    for field in ("name", "email", "reference", "referrer_name", "referrer_organisation", "referrer_email"):
        query |= Q(**{f"{field}__icontains": text})
    if reference := normalise_reference(text):
        query |= Q(reference=reference)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 5:
        national = "0" + digits[2:] if digits.startswith("44") else digits
        enquiries = enquiries.annotate(phone_digits=phone_digits("phone"))
        query |= Q(phone_digits__contains=digits) | Q(phone_digits__contains=national)
    return enquiries.filter(query)


def classes_with_enquiries(request) -> QuerySet:
    from finder.cms.enquiries import enquiries_visible_to

    return ClassPage.objects.filter(pk__in=enquiries_visible_to(request.user).values("class_page")).order_by("title")


def age_choices() -> list[tuple[str, str]]:
    deadline = enquiry_deadlines.response_working_days()
    choices = []
    for days in sorted({1, 3, deadline, 2 * deadline}):
        label = _("Waiting more than %(days)s working days") % {"days": days}
        if days == deadline:
            label = _("Waiting more than %(days)s working days (past the deadline)") % {"days": days}
        choices.append((str(days), label))
    return choices


class InboxFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label=gettext_lazy("Status"), choices=Enquiry.Status.choices)
    class_page = ModelChoiceFilter(label=gettext_lazy("Class"), queryset=classes_with_enquiries)
    age = ChoiceFilter(label=gettext_lazy("Sent"), method="filter_age", choices=[])
    assigned = ChoiceFilter(
        label=gettext_lazy("Assigned to"),
        method="filter_assigned",
        choices=[("me", gettext_lazy("Me")), ("nobody", NOBODY)],
    )

    class Meta:
        model = Enquiry
        fields = ["status", "class_page"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["age"].extra["choices"] = age_choices()

    def filter_age(self, enquiries, name, value):
        return enquiries.filter(created_at__lt=enquiry_deadlines.waited_more_than(int(value)))

    def filter_assigned(self, enquiries, name, value):
        if value == "me":
            return enquiries.filter(assigned_to=self.request.user)
        return enquiries.filter(assigned_to=None)


def answer_by_text(enquiry: Enquiry) -> str:
    if enquiry.first_response_at or enquiry.status != Enquiry.Status.NEW:
        return _("Answered")
    day = cldr.format_date(enquiry_deadlines.answer_by(enquiry.created_at), length="medium")
    if enquiry_deadlines.is_overdue(enquiry):
        return _("Overdue since %(day)s") % {"day": day}
    return day


INBOX_COLUMNS = [
    "name",
    "reference",
    Column("class_page", label=gettext_lazy("Class")),
    "phone",
    "email",
    Column(
        "preferred_language", label=gettext_lazy("Language"), accessor=lambda e: language_label(e.preferred_language)
    ),
    "status",
    Column("assigned_to", label=gettext_lazy("Assigned to"), accessor=lambda e: person(e.assigned_to) or "—"),
    DateColumn("created_at", label=gettext_lazy("Sent")),
    Column("answer_by", label=gettext_lazy("Answer by"), accessor=answer_by_text),
]

EXPORT_VALUES = {  # export column: its value for one enquiry
    "reference": lambda e: e.reference,
    "created_at": lambda e: local_time(e.created_at),
    "class_page": lambda e: e.class_page.title,
    "name": lambda e: e.name,
    "phone": lambda e: e.phone,
    "email": lambda e: e.email,
    "preferred_language": lambda e: language_label(e.preferred_language),
    "best_time": lambda e: str(e.get_best_time_display()),
    "status": lambda e: str(e.get_status_display()),
    "assigned_to": lambda e: person(e.assigned_to),
    "answer_by": lambda e: enquiry_deadlines.answer_by(e.created_at),
    "first_response_at": lambda e: local_time(e.first_response_at),
    "referrer_name": lambda e: e.referrer_name,
    "referrer_organisation": lambda e: e.referrer_organisation,
    "referrer_phone": lambda e: e.referrer_phone,
    "referrer_email": lambda e: e.referrer_email,
}
EXPORT_HEADINGS = {
    "created_at": gettext_lazy("Sent"),
    "class_page": gettext_lazy("Class"),
    "preferred_language": gettext_lazy("Preferred language"),
    "answer_by": gettext_lazy("Answer by"),
    "first_response_at": gettext_lazy("First answered"),
}


class EnquiryIndexView(FormulaSafeExportMixin, IndexView):
    """The inbox: the viewset's scoped queryset, searched and filtered; exported as shown (every page of it)."""

    def search_queryset(self, queryset):
        return search_enquiries(queryset, self.search_query) if self.is_searching else queryset

    def to_row_dict(self, item):
        return {field: EXPORT_VALUES[field](item) for field in self.list_export}


# --- One enquiry: status, assignee, notes ---------------------------------------------------------------------


class LanguagePanel(FieldPanel):
    """The preferred language, read-only, by its name."""

    def format_value_for_display(self, value):
        return language_label(value)


class FollowUpForm(VersionedFormMixin, WagtailAdminModelForm):
    """The enquiry's status and assignee, with the version the screen was based on."""

    compared = ("status", "assigned_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["based_on"].initial = self.instance.version
        if field := self.fields.get("assigned_to"):
            field.queryset = colleagues(self.instance, self.instance.assigned_to_id)
            field.label_from_instance = person
            field.empty_label = NOBODY
            field.help_text = _("Someone who edits this provider's listings.")

    def shown(self, name, value):
        return (person(value) or "—") if name == "assigned_to" else super().shown(name, value)

    def save(self, commit=True):
        return follow_up(self.instance, based_on=self.cleaned_data["based_on"])


class NoteForm(SubmissionKeyFormMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("New note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=gettext_lazy(
            "What was said, what happens next. Only your provider's staff and the coordinators see it."
        ),
        error_messages={"required": gettext_lazy("Write the note before adding it.")},
    )


def enquiry_context(enquiry: Enquiry, add_note_url: str) -> dict:
    """What the enquiry's own screens show beside its fields: the deadline and the notes, with a form for one more."""
    return {
        "answer_by": enquiry_deadlines.answer_by(enquiry.created_at),
        "is_overdue": enquiry_deadlines.is_overdue(enquiry),
        "is_unanswered": enquiry_deadlines.is_unanswered(enquiry),
        "notes": enquiry.notes.select_related("author"),
        "note_form": NoteForm(),
        "add_note_url": add_note_url,
    }


class EnquiryEditView(EditView):
    """Wagtail's edit view, saving through ``follow_up``: a stale save is refused with what changed."""

    add_note_url_name = None

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleVersion as stale:
            form.show_conflict(stale)
            self.produced_error_message = str(STALE)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error("assigned_to", error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        url = reverse(self.add_note_url_name, args=[self.object.pk])
        return context | enquiry_context(self.object, url) | {"conflict": getattr(self.form, "conflict", None)}


class EnquiryInspectView(InspectView):
    def get_preferred_language_display_value(self):
        return language_label(self.object.preferred_language)

    def get_assigned_to_display_value(self):
        return person(self.object.assigned_to) or NOBODY


class AddNoteView(PermissionCheckedMixin, View):
    """POST a note on an enquiry (the viewset has already answered 404 for anyone else's), back to its screen."""

    http_method_names = ["post"]
    permission_required = "change"
    model = Enquiry
    edit_url_name = None

    def post(self, request, pk):
        enquiry = get_object_or_404(self.visible_to(request.user), pk=pk)  # visible_to: the viewset's boundary
        form = NoteForm(request.POST)
        back = reverse(self.edit_url_name, args=[enquiry.pk]) + "#notes"
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(back)
        note, created = add_note(enquiry, request.user, form.cleaned_data["text"], form.cleaned_data["submission_key"])
        if created:
            messages.success(request, _("Note added."))
        elif note is not None:
            messages.info(request, _("That note was already added."))
        return redirect(back)
