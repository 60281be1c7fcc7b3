"""The public "Report a problem with this page" form: what is wrong, from a short list, and an optional note.

No name, phone or email is asked for: the report is about the page, not the person. It shares the honeypot and
the one-time key of the enquiry forms (``PublicFormMixin``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from finder.models import ProblemReport
from finder.search.enquiry_forms import PublicFormMixin

NOTE_MAX = ProblemReport._meta.get_field("note").max_length


class ProblemReportForm(PublicFormMixin, forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["kind", "note"]
        labels = {
            "kind": _("What is wrong?"),
            "note": _("Tell us more (optional)"),
        }
        help_texts = {
            "note": _("You must write something if you choose “Something else”. Do not write your name or phone."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        }
        error_messages = {
            "kind": {"required": _("Choose what is wrong."), "invalid_choice": _("Choose what is wrong.")},
            "note": {"max_length": _("Your note is too long. Keep it under 1000 characters.")},
        }

    def clean_note(self):
        return (self.cleaned_data.get("note") or "").strip()

    def clean(self):
        data = super().clean()
        if data.get("kind") == ProblemReport.Kind.OTHER and not data.get("note") and "note" not in self.errors:
            self.add_error("note", _("Tell us what is wrong."))
        return data
