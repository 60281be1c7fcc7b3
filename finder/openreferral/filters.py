"""The API's query parameters: django-filter FilterSets for the database lists, small forms for the rest.

Every value is checked before it is used; a bad one is a ValidationError that names the parameter (a 400).
Filters are cumulative (all must match), as the Open Referral API reference asks.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.geography.postcodes import format_outcode, format_postcode
from finder.models import ProviderPage
from finder.models.providers import provider_path
from finder.openreferral import taxonomy

MAX_SEARCH_LENGTH = 100
DEFAULT_PROXIMITY_METRES = 5_000
MAX_PROXIMITY_METRES = 50_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def no_control_characters(value: str):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Control characters are not allowed."), code="control_characters")


def invalid(form: forms.Form) -> exceptions.ValidationError:
    """A 400 naming each bad parameter and saying what is wrong with it."""
    errors = form.errors.get_json_data()
    return exceptions.ValidationError({name: [error["message"] for error in found] for name, found in errors.items()})


class SearchField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_length=MAX_SEARCH_LENGTH, validators=[no_control_characters], **kwargs)


class WholeNumberField(forms.IntegerField):
    """Digits 0-9 only (no signs, exponents or other scripts' digits), within [min_value, max_value]."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(r"[0-9]{1,9}", str(value).strip()):
            raise ValidationError(_("Enter a whole number."), code="invalid")
        return int(value)


class TrueFalseField(forms.Field):
    """``true`` or ``false`` (also 1 or 0); anything else is an error, never silently false."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise ValidationError(_("Use true or false."), code="invalid") from None


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (midnight UTC) or date-time; without an offset it is read as UTC."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        try:
            moment = parse_datetime(text)
            if moment is None and (day := parse_date(text)) is not None:
                moment = datetime.datetime.combine(day, datetime.time.min)
            if moment is not None:
                # In UTC now, so that a moment that only exists in its own offset (year 1, +14:00) is refused here.
                moment = (moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)).astimezone(
                    datetime.UTC
                )
        except (ValueError, OverflowError):
            moment = None
        if moment is None:
            raise ValidationError(
                _("Use an ISO 8601 date or date-time, like 2026-01-31 or 2026-01-31T09:00:00Z."), code="invalid"
            )
        return moment


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def filter(self, qs, value):
        return qs.filter(Q(title__icontains=value) | Q(summary__icontains=value)) if value else qs


class ModifiedAfterFilter(django_filters.Filter):
    """Records published on or after a moment."""

    field_class = DateOrDateTimeField


class ServiceFilter(django_filters.FilterSet):
    """What narrows services. One FilterSet for classes and workplace offers: the methods look at the model."""

    search = SearchFilter()
    organization_id = django_filters.UUIDFilter(method="by_organization")
    taxonomy_id = django_filters.UUIDFilter(method="by_taxonomy")
    taxonomy_term_id = django_filters.UUIDFilter(method="by_term")
    modified_after = ModifiedAfterFilter(field_name="last_published_at", lookup_expr="gte")

    def by_organization(self, queryset, name, value):
        provider = ProviderPage.objects.filter(path=provider_path(OuterRef("path")), oruk_id=value)
        return queryset.filter(Exists(provider))

    def by_taxonomy(self, queryset, name, value):
        if str(value) != taxonomy.TAXONOMY.id:
            return queryset.none()
        return _having(queryset, taxonomy.any_term_filter(queryset.model))

    def by_term(self, queryset, name, value):
        term = taxonomy.by_id().get(str(value))
        condition = term and taxonomy.term_filter(queryset.model, term.code)
        return queryset.none() if condition is None else _having(queryset, condition)

    def also(self, queryset: QuerySet) -> QuerySet:
        """The same, already checked, parameters applied to another model's queryset."""
        return self.filter_queryset(queryset)


def _having(queryset: QuerySet, condition: Q) -> QuerySet:
    """Rows meeting a condition that may join many-to-many rows, each row once."""
    if not condition:
        return queryset
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


class OrganizationFilter(django_filters.FilterSet):
    search = SearchFilter()


class NearForm(forms.Form):
    """``postcode`` (a full postcode or an outcode) and ``proximity`` in metres from its centroid."""

    postcode = forms.CharField(max_length=16, required=False)
    proximity = WholeNumberField(min_value=1, max_value=MAX_PROXIMITY_METRES, required=False)

    def clean(self):
        data = super().clean()
        postcode, proximity = data.get("postcode", ""), data.get("proximity")
        if not postcode:
            if proximity is not None or self.data.get("proximity"):
                self.add_error("proximity", _("Give a postcode to measure the proximity from."))
            return data
        if not (format_postcode(postcode) or format_outcode(postcode)):
            self.add_error("postcode", _("Enter a UK postcode like E1 6AN, or its first part like E1."))
            return data
        try:
            data["origin"] = get_geocoder().resolve(postcode)
        except PlaceNotFound as error:
            self.add_error("postcode", error.message)
        return data

    def origin(self) -> tuple[float, float, float] | None:
        """(latitude, longitude, radius in km), or None without a postcode."""
        location = self.cleaned_data.get("origin")
        if location is None:
            return None
        metres = self.cleaned_data.get("proximity") or DEFAULT_PROXIMITY_METRES
        return location.latitude, location.longitude, metres / 1000


class TermForm(forms.Form):
    """The taxonomy_terms list's parameters; the terms are not rows, so this filters the list in Python."""

    search = SearchField()
    taxonomy_id = forms.UUIDField(required=False)
    parent_id = forms.UUIDField(required=False)
    top_only = TrueFalseField(required=False)

    def filter(self, terms) -> list:
        data = self.cleaned_data
        search = data["search"].casefold()
        return [
            term
            for term in terms
            if (not search or search in term.name.casefold())
            and (data["taxonomy_id"] is None or str(data["taxonomy_id"]) == taxonomy.TAXONOMY.id)
            and (data["parent_id"] is None or term.parent_id == str(data["parent_id"]))
            and not (data["top_only"] and term.parent)
        ]


class TaxonomyForm(forms.Form):
    search = SearchField()

    def filter(self, taxonomies) -> list:
        search = self.cleaned_data["search"].casefold()
        return [item for item in taxonomies if not search or search in item.name.casefold()]


class OutputForm(forms.Form):
    """How much to write: ``full``, ``minimal`` and ``full_service`` (true/false) and ``format`` (json only)."""

    full = TrueFalseField(required=False)
    minimal = TrueFalseField(required=False)
    full_service = TrueFalseField(required=False)
    format = forms.ChoiceField(choices=[("json", "json")], required=False)
