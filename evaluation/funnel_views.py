"""The funnel (evaluation/funnel.py): exact figures for coordinators (every provider) and for providers' staff and
CMS editors (their own providers only) at /evaluation/funnel/, with a CSV of the same table; the public, London-wide
table by month and borough at /evaluation/evidence/funnel/, with the evidence base's disclosure control.

Searches have no provider, so a provider's own figures never carry them: its staff see the public search counts for
London (and a chosen borough) beside their table, as context, never exact ones.
"""

import csv
import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from esolplus import safe_cells
from esolplus.roles import is_coordinator, staff_provider_ids
from finder.cms.permissions import editable_providers
from finder.models import ProviderPage

from . import evidence
from .evidence_views import EvidenceFilterForm
from .funnel import GROUPS, NO_BOROUGH, STEPS, TIMED, TOTAL, Filters, funnel, public_table, published
from .views import T, staff_login_required

GROUP_LABELS = {
    "provider": _lazy("Provider"),
    "borough": _lazy("Borough"),
    "level": _lazy("Level"),
    "month": _lazy("Month"),
}
CSV_COLUMNS = [
    "slice",
    "searches",
    "entries",
    "enquiries",
    "bookings",
    "assessed",
    "enrolled",
    "attended_first_session",
    "still_attending_week_6",
    "week_6_due",
    *[f"conversion_{step}" for step in STEPS],
    *[f"median_days_to_{step}" for step in TIMED],
    *[f"median_days_to_{step}_n" for step in TIMED],
]


def funnel_scope(user) -> frozenset | None:
    """The providers whose figures this user may see: None (every one) for coordinators; their own for provider
    staff (``staff_provider_ids``) and CMS editors (``editable_providers``); anyone else is refused."""
    if is_coordinator(user):
        return None
    own = staff_provider_ids(user) | set(editable_providers(user).values_list("pk", flat=True))
    if not own:
        raise PermissionDenied
    return frozenset(own)


class FunnelFilterForm(EvidenceFilterForm):
    provider = forms.ChoiceField(label=_lazy("Provider"), required=False)
    group = forms.ChoiceField(label=_lazy("One line for each"), required=False)

    field_order = ["provider", "borough", "level", "start", "end", "group"]

    def __init__(self, *args, providers: dict[int, str], everyone: bool, **kwargs):
        super().__init__(*args, with_period=True, **kwargs)
        self.fields["borough"].choices = [c for c in self.fields["borough"].choices if c[0] != evidence.ALL]
        self.fields["level"].choices = [c for c in self.fields["level"].choices if c[0] != evidence.ALL]
        first = _("All providers") if everyone else _("All your providers")
        self.fields["provider"].choices = [("", first), *((str(pk), title) for pk, title in providers.items())]
        self.fields["group"].choices = [(name, GROUP_LABELS[name]) for name in GROUPS]
        for name in ("provider", "group"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose from the list.")
        self.order_fields(self.field_order)

    def filters(self, today: datetime.date, scope: frozenset | None) -> Filters:
        chosen = self.choices(today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        provider = data.get("provider")
        providers = frozenset({int(provider)}) if provider else scope
        return Filters(
            start=chosen["start"],
            end=chosen["end"],
            providers=providers,
            boroughs=frozenset({chosen["borough"]}) if chosen["borough"] else None,
            level=chosen["level"],
            group=data.get("group") or "month",
        )


def _labels(rows, group: str, boroughs: dict) -> dict:
    if group == "provider":
        ids = [r.key for r in rows if isinstance(r.key, int)]
        titles = dict(ProviderPage.objects.filter(pk__in=ids).values_list("pk", "title"))
        return {r.key: titles.get(r.key, _("No provider")) for r in rows}
    if group == "borough":
        return {r.key: boroughs.get(r.key) or _("Online or by phone") for r in rows}
    if group == "level":
        return {r.key: evidence.level_label(r.key) for r in rows}
    return {r.key: r.key for r in rows}


def _staff_table(request):
    scope = funnel_scope(request.user)
    today = timezone.localdate()
    boroughs = evidence.london_boroughs()
    providers = ProviderPage.objects.order_by("title")
    if scope is not None:
        providers = providers.filter(pk__in=scope)
    form = FunnelFilterForm(
        request.GET or None,
        boroughs=boroughs,
        providers=dict(providers.values_list("pk", "title")),
        everyone=scope is None,
    )
    filters = form.filters(today, scope)
    rows = funnel(filters, today)
    labels = _labels(rows, filters.group, boroughs) | {TOTAL: _("All")}
    if filters.group in ("provider", "borough"):  # by name; levels in the levels' order; months in time order
        rows = sorted(rows[:-1], key=lambda row: str(labels[row.key]).casefold()) + rows[-1:]
    elif filters.group == "level":
        order = evidence.LEVEL_ORDER
        rows = sorted(rows[:-1], key=lambda row: order.index(row.key) if row.key in order else len(order)) + rows[-1:]
    return form, filters, rows, labels, scope


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _line(row, label: str) -> list:
    """A row's cells as the CSV holds them (the page shows the same figures)."""
    medians = [row.days[step] for step in TIMED]
    return [
        label,
        "" if row.searches is None else row.searches,
        row.entries,
        row.enquiries,
        row.bookings,
        row.assessed,
        row.enrolled,
        row.attended,
        row.week_6,
        row.week_6_due,
        *[_percent(row.conversion(step)) for step in STEPS],
        *["" if m.value is None else m.value for m in medians],
        *[m.n for m in medians],
    ]


def _steps(row) -> list[dict]:
    """The page's cells after the entries: each step's count, its share of the step before, its median days."""
    return [
        {
            "count": getattr(row, step),
            "share": _percent(row.conversion(step)),
            "days": row.days[step] if step in TIMED and row.days[step].n else None,
        }
        for step in STEPS[1:]
    ]


def _search_context(filters: Filters, today: datetime.date) -> list[dict]:
    """For providers' staff: the public search counts (rounded, small ones hidden) by whole month, for London and the
    chosen borough: the same cells as /evaluation/evidence/, never exact figures."""
    end = min(filters.end, today.replace(day=1) - datetime.timedelta(days=1))
    if end < filters.start:
        return []
    rows = evidence.public_rows(evidence.evidence_rows(filters.start, end, today))
    places = [evidence.ALL, *(filters.boroughs or ())]
    return [row for row in rows if row["level"] == evidence.ALL and row["borough_code"] in places]


@staff_login_required
@require_safe
def staff_funnel(request):
    """Coordinators: every provider, with searches where a line is a borough, level or month. Providers' staff and
    editors: their own providers' figures only (another provider's id in the address is refused by the form)."""
    form, filters, rows, labels, scope = _staff_table(request)
    today = timezone.localdate()
    context = {
        "form": form,
        "filters": filters,
        "group_label": GROUP_LABELS[filters.group],
        "rows": [
            {"label": labels[row.key], "row": row, "total": row.key == TOTAL, "steps": _steps(row)} for row in rows
        ],
        "with_searches": rows[-1].searches is not None,
        "own_providers": scope is not None,
        "search_context": _search_context(filters, today) if scope is not None else [],
        "query": request.GET.urlencode(),
    }
    return render(request, T + "funnel.html", context)


@staff_login_required
@require_safe
def staff_funnel_csv(request):
    _form, filters, rows, labels, _scope = _staff_table(request)
    response = HttpResponse(content_type="text/csv")
    name = f"funnel-by-{filters.group}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(safe_cells.csv_row(_line(row, str(labels[row.key]))) for row in rows)
    return response


class PublicFunnelForm(forms.Form):
    borough = forms.ChoiceField(label=_lazy("Borough"), required=False)

    def __init__(self, *args, boroughs: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borough"].choices = [("", _("All boroughs")), (TOTAL, _("London totals")), *boroughs.items()]
        self.fields["borough"].error_messages["invalid_choice"] = _("Choose from the list.")

    def chosen_borough(self) -> str:
        return self.cleaned_data.get("borough", "") if self.is_bound and self.is_valid() else ""


PUBLIC_COLUMNS = ["month", "borough_code", "borough", *STEPS]


def _public(request):
    today = timezone.localdate()
    boroughs = evidence.london_boroughs()
    form = PublicFunnelForm(request.GET or None, boroughs=boroughs)
    start, end = evidence.complete_months(today)
    chosen = form.chosen_borough()
    names = {**boroughs, TOTAL: _("London"), NO_BOROUGH: _("Online or by phone")}
    lines = [
        [row["month"], row["borough_code"], names.get(row["borough_code"], row["borough_code"])]
        + [row[step] for step in STEPS]
        for row in published(public_table(start, end, today))
        if not chosen or row["borough_code"] == chosen
    ]
    return form, start, end, lines


@require_safe
def public_funnel(request):
    """Everyone: London's funnel by month and borough, counts only, rounded and with small counts hidden."""
    form, start, end, lines = _public(request)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "lines": lines,
        "threshold": evidence.THRESHOLD,
        "query": request.GET.urlencode(),
    }
    return render(request, T + "funnel_public.html", context)


@require_safe
def public_funnel_csv(request):
    _form, _start, end, lines = _public(request)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="london-esol-funnel-{end:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(PUBLIC_COLUMNS)
    writer.writerows(safe_cells.csv_row(line) for line in lines)
    return response
