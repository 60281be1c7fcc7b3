"""The guided path's answers ("help me choose"): each question has an "I'm flexible" answer, so a learner is never
forced to narrow their search, and every narrowing answer is one the results then keep to."""

from django import forms
from django.utils.translation import gettext_lazy as _

from finder.models import Level


class HelpMeChooseForm(forms.Form):
    """The guided path's answers; each step adds one, and all travel in the URL."""

    DONT_KNOW = "dont-know"
    YES, NO = "yes", "no"
    MAYBE = "maybe"
    ANY_TIME = "any"
    TIMES = ("morning", "afternoon", "evening")
    WEEKEND = "weekend"

    where = forms.CharField(label=_("Where do you want to study?"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("What is your English level?"), required=False)
    when = forms.MultipleChoiceField(
        label=_("When are you free?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("morning", _("Mornings")),
            ("afternoon", _("Afternoons")),
            ("evening", _("Evenings")),
            (WEEKEND, _("Weekends")),
            (ANY_TIME, _("Any time, I'm flexible")),
        ],
    )
    childcare = forms.ChoiceField(
        label=_("Do you need childcare?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(YES, _("Yes, I need a crèche")), (NO, _("No"))],
    )
    free = forms.ChoiceField(
        label=_("Do you need a free class?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(YES, _("Yes, it must be free")), (MAYBE, _("I might get it free")), (NO, _("No, I can pay"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            *((level.code, str(level)) for level in Level.objects.all()),
            (self.DONT_KNOW, _("I don't know")),
        ]
        self.fields["level"].widget = forms.RadioSelect(choices=self.fields["level"].choices)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("Choose one of the answers.")

    def clean_when(self) -> list[str]:
        """ "Any time" wins over any times ticked with it: the learner said they are flexible."""
        when = self.cleaned_data.get("when") or []
        return [self.ANY_TIME] if self.ANY_TIME in when else when
