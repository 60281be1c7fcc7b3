"""The learner's survey screens: one question a screen, answered with big cards, or skipped."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .instruments import item_text, value_labels

YES_NO = {"0", "1"}


def options(item) -> list[dict]:
    """The item's answers, in order, each with what its icon shows: a tick or cross for yes/no, else a meter
    filled in proportion to the answer's place on the scale (0 to 4 of 4 bars)."""
    labels = value_labels(item)
    values = list(labels)
    last = max(len(values) - 1, 1)
    result = []
    for position, value in enumerate(values):
        icon = ("yes" if value == "1" else "no") if set(values) == YES_NO else "meter"
        filled = round(4 * position / last)
        bars = [{"x": 3 + 9 * n, "y": 30 - 8 * n, "height": 8 + 8 * n, "filled": n < filled} for n in range(4)]
        result.append({"value": value, "label": labels[value], "icon": icon, "bars": bars})
    return result


class QuestionForm(forms.Form):
    """One question. "Next" needs an answer; "Skip this question" (``skip``) does not."""

    answer = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    item = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_item = item
        self.fields["answer"].choices = [(o["value"], o["label"]) for o in options(item)]
        self.fields["answer"].label = item_text(item)
        self.fields["item"].initial = item.code
        self.fields["answer"].error_messages["invalid_choice"] = _("Choose one of the answers.")

    @property
    def skipped(self) -> bool:
        return "skip" in self.data

    def clean(self):
        data = super().clean()
        if data.get("item") not in (None, self.survey_item.code):
            raise forms.ValidationError(_("This page was out of date. Please answer again."), code="stale")
        if not self.skipped and not data.get("answer") and "answer" not in self.errors:
            self.add_error("answer", _("Choose an answer, or skip this question."))
        return data

    def value(self) -> int | None:
        """The answer to keep: None when skipped."""
        if self.skipped:
            return None
        return int(self.cleaned_data["answer"])


class CheckAnswersForm(forms.Form):
    """Send the answers shown; ``version`` is what the screen showed (another tab may have changed them)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
