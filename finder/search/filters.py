"""The public class search's filters, as a django-filter FilterSet over current classes.

Every filter narrows the query in the database; unknown values become form errors, never 500s.
"""

import calendar
import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finder.models import ClassPage, ClassSession, Language, Level
from finder.search.queries import provider_speaks, session_in
from finder.vocabularies import PILOT_STRANDS, TimeOfDay

WEEKEND = [ClassSession.Weekday.SATURDAY, ClassSession.Weekday.SUNDAY]
ELIGIBLE = "yes"
Mode = ClassPage.DeliveryMode
# What a learner means by each "How it is taught" choice: "online" is "I can study from home", "in person" is
# "I can go to a class"; a blended class (in person and online) answers both.
MODE_MEANS = {
    Mode.IN_PERSON: (Mode.IN_PERSON, Mode.BLENDED),
    Mode.ONLINE: (Mode.ONLINE, Mode.BLENDED),
    Mode.BLENDED: (Mode.BLENDED,),
}
START_SOON_DAYS = 14
NEXT_TERM_DAYS = 150


def time_of_day_q(times) -> Q:
    """Classes with a session starting in any of the chosen parts of the day."""
    query = Q()
    for time in times:
        query |= Q(session_in(*TimeOfDay(time).start_bounds))
    return query


class Starts:
    NOW = "now"
    THIS_MONTH = "this_month"
    NEXT_TERM = "next_term"
    choices = [
        (NOW, _("I can start now")),
        (THIS_MONTH, _("This month")),
        (NEXT_TERM, _("Next term")),
    ]


def starts_q(when: str, today: datetime.date) -> Q:
    """Classes a new learner can join in the chosen window (rolling enrolment counts as any time)."""
    rolling = Q(rolling_enrolment=True)
    if when == Starts.NOW:
        return rolling | Q(start_date__gte=today, start_date__lte=today + datetime.timedelta(days=START_SOON_DAYS))
    if when == Starts.THIS_MONTH:
        last_day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return rolling | Q(start_date__gte=today, start_date__lte=last_day)
    if when == Starts.NEXT_TERM:
        return rolling | Q(start_date__gt=today, start_date__lte=today + datetime.timedelta(days=NEXT_TERM_DAYS))
    return Q()


class ClassFilter(django_filters.FilterSet):
    """Filters a learner or adviser can combine on /find/; all values come from the URL."""

    level = django_filters.ModelMultipleChoiceFilter(
        label=_("Level"),
        to_field_name="code",
        queryset=Level.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        method="filter_level",
    )
    days = django_filters.MultipleChoiceFilter(
        label=_("Days"),
        choices=ClassSession.Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_days",
    )
    time = django_filters.MultipleChoiceFilter(
        label=_("Time of day"),
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_time",
    )
    weekends = django_filters.BooleanFilter(
        label=_("Weekend classes"), widget=forms.CheckboxInput, method="filter_weekends"
    )
    starts = django_filters.ChoiceFilter(
        label=_("When can you start?"), choices=Starts.choices, empty_label=_("Any time"), method="filter_starts"
    )
    free = django_filters.BooleanFilter(label=_("Free classes only"), widget=forms.CheckboxInput, method="filter_free")
    # "yes" when the eligibility checker sent the learner here: "free" then also means "free if eligible".
    # Any other value is ignored (it is not something the learner typed).
    eligible = django_filters.CharFilter(widget=forms.HiddenInput, method="filter_nothing")
    childcare = django_filters.BooleanFilter(
        label=_("Crèche on site"), widget=forms.CheckboxInput, method="filter_childcare"
    )
    women_only = django_filters.BooleanFilter(label=_("Women only"), widget=forms.CheckboxInput, method="filter_true")
    mode = django_filters.ChoiceFilter(
        label=_("How it is taught"),
        choices=ClassPage.DeliveryMode.choices,
        empty_label=_("In person or online"),
        method="filter_mode",
    )
    step_free = django_filters.BooleanFilter(
        label=_("Step-free access"), widget=forms.CheckboxInput, method="filter_step_free"
    )
    places = django_filters.BooleanFilter(
        label=_("Places available now"), widget=forms.CheckboxInput, method="filter_places"
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Staff speak"),
        queryset=Language.objects.all(),
        to_field_name="code",
        empty_label=_("Any language"),
        method="filter_language",
    )
    strand = django_filters.ChoiceFilter(
        label=_("ESOL Plus pilot"),
        choices=PILOT_STRANDS,
        empty_label=_("Any class"),
    )

    class Meta:
        model = ClassPage
        fields: list[str] = []

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_level(self, queryset, name, value):
        chosen = not value.query.is_empty() if isinstance(value, QuerySet) else bool(value)  # without running it
        if not chosen:
            return queryset
        links = ClassPage.levels.through.objects.filter(classpage_id=OuterRef("pk"), level__in=value)
        return queryset.filter(Exists(links))

    def filter_days(self, queryset, name, value):
        return queryset.on_days([int(day) for day in value]) if value else queryset

    def filter_time(self, queryset, name, value):
        return queryset.filter(time_of_day_q(value)) if value else queryset

    def filter_weekends(self, queryset, name, value):
        return queryset.on_days(WEEKEND) if value else queryset

    def filter_starts(self, queryset, name, value):
        return queryset.filter(starts_q(value, self.today)) if value else queryset

    @property
    def learner_is_eligible(self) -> bool:
        """The learner's eligibility check says they qualify for "free if eligible" classes."""
        return self.form.cleaned_data.get("eligible") == ELIGIBLE

    def filter_free(self, queryset, name, value):
        return queryset.free(eligible=self.learner_is_eligible) if value else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_mode(self, queryset, name, value):
        return queryset.filter(delivery_mode__in=MODE_MEANS[value]) if value else queryset

    def filter_childcare(self, queryset, name, value):
        return queryset.with_childcare() if value else queryset

    def filter_true(self, queryset, name, value):
        return queryset.filter(**{name: True}) if value else queryset

    def filter_step_free(self, queryset, name, value):
        return queryset.filter(venue__step_free_access=True) if value else queryset

    def filter_places(self, queryset, name, value):
        return queryset.with_open_places() if value else queryset

    def filter_language(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(support_languages=value) | Q(provider_speaks(value)))


# Filters that are one choice (a checkbox); the others name their chosen values too.
YES_NO_FILTERS = ("weekends", "free", "childcare", "women_only", "step_free", "places")


def chosen_values(form, name) -> list[str]:
    """The labels of the values chosen for one filter of a valid filter form: ["Entry 1", "Entry 2"]."""
    value = form.cleaned_data.get(name)
    if name in YES_NO_FILTERS:
        return [str(form.fields[name].label)] if value else []
    if value is None or isinstance(value, str):
        items = [value] if value else []
    else:
        items = list(value) if hasattr(value, "__iter__") else [value]
    if not items:
        return []
    if hasattr(items[0], "pk"):  # levels, a language: their names
        return [str(item) for item in items]
    chosen = {str(item) for item in items}
    return [str(label) for code, label in form.fields[name].choices if str(code) in chosen]


def active_filters(form) -> list[tuple[str, str]]:
    """(name, words) for each filter in use, in the order of the form: what a printed list says it shows and
    what "remove this filter" offers. "eligible" is part of "free", not a filter of its own."""
    if not form.is_valid():
        return []
    active = []
    for name, field in form.fields.items():
        values = chosen_values(form, name) if name != "eligible" else []
        if not values:
            continue
        if name in YES_NO_FILTERS:
            active.append((name, values[0]))
        else:
            active.append((name, f"{field.label}: {', '.join(values)}"))
    return active
