"""The coordinator's form for publishing a pilot's results as a new release, or taking the page down."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishResultsForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", _("Publish")), ("withdraw", _("Take down"))])
    # The latest version the coordinator saw: a second click, or a colleague's publication, is not repeated.
    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What changed since the last version (shown on the results page)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
