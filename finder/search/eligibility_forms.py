"""The questions of "Can I study for free?": short, plain, each with "I don't know", all carried in the URL.

The labels that hold a figure (the adult age, the permission to stay, the London Living Wage) are built from the
rules version in effect, so a new version changes the questions too.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from esolplus import cldr
from finder.search.eligibility import DONT_KNOW, Age, Answers, Benefits, London, Status, Work

FIELD_NAMES = ("age", "london", "status", "months", "benefits", "work")
MAX_MONTHS = 600  # fifty years: anything more is a typing mistake


def money(amount) -> str:
    """An amount in pounds, as the page's language writes money (£14.80, 14,80 GBP...)."""
    return cldr.format_currency(amount)


def long_date(day) -> str:
    """A date as the page's language writes it in full (1 August 2025)."""
    return cldr.format_date(day)


def _radio(label, choices):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an answer. If you are not sure, choose “I don't know”."),
            "invalid_choice": _("Choose one of the answers."),
        },
    )


class FreeCheckerForm(forms.Form):
    """Six short questions; ``answers()`` gives them to ``eligibility.check``."""

    def __init__(self, rules, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dont_know = (DONT_KNOW, _("I don't know"))
        wage = money(rules.london_living_wage_hourly)
        age_choices = [(Age.ADULT, _("%(age)s or over") % {"age": rules.minimum_age})]
        if rules.minimum_age > 16:
            age_choices.append((Age.YOUNG, _("16 to %(age)s") % {"age": rules.minimum_age - 1}))
        age_choices += [(Age.CHILD, _("Under 16")), dont_know]
        self.fields["age"] = _radio(_("How old are you?"), age_choices)
        self.fields["london"] = _radio(
            _("Do you live in London?"),
            [(London.YES, _("Yes, I live in London")), (London.NO, _("No, I live outside London")), dont_know],
        )
        self.fields["status"] = _radio(
            _("What is your immigration status?"),
            [
                (Status.BRITISH_IRISH, _("British or Irish citizen")),
                (Status.SETTLED, _("Settled or pre-settled status, or indefinite leave to remain")),
                (Status.REFUGEE, _("Refugee status or humanitarian protection")),
                (Status.RESETTLEMENT, _("A resettlement scheme, for example Afghan, Ukrainian or Hong Kong BN(O)")),
                (Status.ASYLUM, _("Asylum seeker, waiting for a decision")),
                (
                    Status.LONG_VISA,
                    _("Another visa that lets you stay %(months)s months or more")
                    % {"months": rules.permission_to_stay_months},
                ),
                (Status.OTHER, _("Something else")),
                dont_know,
            ],
        )
        self.fields["months"] = forms.CharField(
            label=_("Asylum seekers only: how many months have you waited for a decision?"),
            help_text=_("Write a number, like 7. Leave it empty if you don't know."),
            required=False,
            max_length=4,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--short"}),
            error_messages={"max_length": _("Write the number of months, like 7.")},
        )
        self.fields["benefits"] = _radio(
            _("Do you get one of these benefits?"),
            [
                (Benefits.UNIVERSAL_CREDIT, _("Universal Credit")),
                (Benefits.JSA, _("Jobseeker’s Allowance (JSA)")),
                (Benefits.ESA, _("Employment and Support Allowance (ESA)")),
                (Benefits.OTHER_INCOME, _("Another benefit for people on a low income")),
                (Benefits.NONE, _("No benefits")),
                dont_know,
            ],
        )
        self.fields["work"] = _radio(
            _("Do you work?"),
            [
                (Work.NOT_WORKING, _("I am not working")),
                (Work.LOW_PAY, _("I work and earn less than %(wage)s an hour") % {"wage": wage}),
                (Work.HIGHER_PAY, _("I work and earn %(wage)s an hour or more") % {"wage": wage}),
                dont_know,
            ],
        )

    def clean_months(self):
        text = (self.cleaned_data.get("months") or "").strip()
        if not text:
            return None
        if not text.isdecimal() or int(text) > MAX_MONTHS:
            raise forms.ValidationError(_("Write the number of months, like 7."), code="invalid")
        return int(text)

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            age=data["age"],
            london=data["london"],
            status=data["status"],
            asylum_months=data.get("months") if data["status"] == Status.ASYLUM else None,
            benefits=data["benefits"],
            work=data["work"],
        )
