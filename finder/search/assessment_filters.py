"""Finding an assessment time: the filters on /assessments/ as a django-filter FilterSet, and "near here".

Every filter narrows the query in the database; unknown values become form errors, never 500s. Days and times are
the slot's London date and time (Django converts ``starts_at`` to the current time zone in these lookups).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finder.models import AssessmentSlot, Language
from finder.models.venues import within_km
from finder.vocabularies import TimeOfDay, Weekday

Mode = AssessmentSlot.Mode
# How far "other times near this one" looks from the venue of a full or booked slot.
NEARBY_KM = 10


class AssessmentSlotFilter(django_filters.FilterSet):
    """What a learner or an adviser can choose on /assessments/; all values come from the URL."""

    mode = django_filters.ChoiceFilter(
        label=_("How"),
        choices=[(Mode.IN_PERSON, _("In person")), (Mode.PHONE, _("By phone"))],
        empty_label=_("In person or by phone"),
    )
    days = django_filters.MultipleChoiceFilter(
        label=_("Days"), choices=Weekday.choices, widget=forms.CheckboxSelectMultiple, method="filter_days"
    )
    time = django_filters.MultipleChoiceFilter(
        label=_("Time of day"), choices=TimeOfDay.choices, widget=forms.CheckboxSelectMultiple, method="filter_time"
    )
    creche = django_filters.BooleanFilter(
        label=_("Crèche available"), widget=forms.CheckboxInput, method="filter_creche"
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Assessors speak"),
        queryset=Language.objects.all(),
        to_field_name="code",
        empty_label=_("Any language"),
        method="filter_language",
    )

    class Meta:
        model = AssessmentSlot
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["mode"].error_messages["invalid_choice"] = _("Choose in person or by phone.")
        self.form.fields["days"].error_messages["invalid_choice"] = _("Choose days from the list.")
        self.form.fields["time"].error_messages["invalid_choice"] = _("Choose a time of day from the list.")
        self.form.fields["language"].error_messages["invalid_choice"] = _("Choose a language from the list.")

    def filter_days(self, queryset, name, value):
        # Weekday counts from Monday = 0; ISO week days from Monday = 1.
        return queryset.filter(starts_at__iso_week_day__in=[int(day) + 1 for day in value]) if value else queryset

    def filter_time(self, queryset, name, value):
        query = Q()
        for part in value:
            start_from, start_before = TimeOfDay(part).start_bounds
            bounds = Q()
            if start_from is not None:
                bounds &= Q(starts_at__time__gte=start_from)
            if start_before is not None:
                bounds &= Q(starts_at__time__lt=start_before)
            query |= bounds
        return queryset.filter(query) if value else queryset

    def filter_creche(self, queryset, name, value):
        return queryset.filter(creche=True) if value else queryset

    def filter_language(self, queryset, name, value):
        return queryset.filter(assessor_languages=value) if value else queryset


def near_or_by_phone(queryset, origin: tuple[float, float], radius_km: float):
    """Slots at a venue within ``radius_km`` of ``origin`` (``within_km``, as for classes), and every slot by phone
    (a phone call suits anyone)."""
    within = within_km(queryset, *origin, radius_km).values("pk")
    return queryset.filter(Q(mode=Mode.PHONE) | Q(pk__in=within))


def venue_origin(slot: AssessmentSlot) -> tuple[float, float] | None:
    venue = slot.venue
    if venue is None or venue.latitude is None or venue.longitude is None:
        return None
    return venue.latitude, venue.longitude


def other_times(slot: AssessmentSlot, limit: int = 5) -> list[AssessmentSlot]:
    """Bookable times other than ``slot``: near its venue and by phone (any time when it was by phone)."""
    slots = AssessmentSlot.objects.bookable().exclude(pk=slot.pk)
    origin = venue_origin(slot)
    if origin is not None:
        slots = near_or_by_phone(slots, origin, NEARBY_KM)
    return list(for_display(slots)[:limit])


def for_display(queryset):
    """Soonest first, with what a slot's card shows fetched for the whole page at once."""
    return queryset.soonest_first().select_related("venue", "provider").prefetch_related("assessor_languages")
