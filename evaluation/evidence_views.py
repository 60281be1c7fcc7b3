"""The borough evidence base (evaluation/evidence.py): exact figures for coordinators at /evaluation/boroughs/, and
the disclosure-controlled table for everyone at /evaluation/evidence/, each with a CSV of the very same cells.

The public page follows the public results page: no login, nothing but GET, the same table in the page and the file.
"""

import csv
import datetime
import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from esolplus import safe_cells

from . import access, evidence
from .views import T, staff_login_required

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ANY = "any"  # the level filter's word for "any or several levels" ("" means no filter)


class EvidenceFilterForm(forms.Form):
    borough = forms.ChoiceField(label=_lazy("Borough"), required=False)
    level = forms.ChoiceField(label=_lazy("Level"), required=False)
    start = forms.CharField(label=_lazy("From (month, for example 2026-01)"), required=False, max_length=7)
    end = forms.CharField(label=_lazy("To (month, for example 2026-12)"), required=False, max_length=7)

    def __init__(self, *args, boroughs: dict[str, str], with_period: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borough"].choices = [
            ("", _("All boroughs")),
            (evidence.ALL, _("London totals")),
            *boroughs.items(),
        ]
        levels = [(code, evidence.level_label(code)) for code in evidence.LEVEL_CODES]
        self.fields["level"].choices = [
            ("", _("Every level")),
            *levels,
            (ANY, evidence.level_label(evidence.ANY_LEVEL)),
            (evidence.ALL, evidence.level_label(evidence.ALL)),
        ]
        for name in ("borough", "level"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose from the list.")
        if not with_period:
            del self.fields["start"], self.fields["end"]

    def _month(self, name: str, last_day: bool) -> datetime.date | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        match = MONTH.match(text)
        if not match:
            raise forms.ValidationError(_("Enter a month as year and month, for example 2026-03."))
        year, month = int(match[1]), int(match[2])
        if not last_day:
            return datetime.date(year, month, 1)
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    def clean_start(self):
        return self._month("start", last_day=False)

    def clean_end(self):
        return self._month("end", last_day=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last month must not be before the first."))
        elif start and end and len(evidence.months_between(start, end)) > 36:
            self.add_error("end", _("Choose at most 36 months."))
        return data

    def choices(self, today: datetime.date) -> dict:
        """What to show: a borough ("" all), a level (None every level) and a period (by default the last 12
        months; the public page always shows the last 12 whole months)."""
        start, end = evidence.last_months(today) if "start" in self.fields else evidence.complete_months(today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        level = data.get("level") or ""
        return {
            "borough": data.get("borough") or "",
            "level": None if not level else evidence.ANY_LEVEL if level == ANY else level,
            "start": data.get("start") or start,
            "end": data.get("end") or end,
        }


def _coordinator(request):
    if not access.is_coordinator(request.user):
        raise PermissionDenied


def _filters(request, boroughs: dict, *, with_period: bool, page: bool):
    """The filter form and what it chose. A page opened without a borough shows London's totals (a short table
    that loads fast on a phone); a CSV without one holds every borough."""
    data = request.GET.copy()
    if page and "borough" not in data:
        data["borough"] = evidence.ALL
    form = EvidenceFilterForm(data if data else None, boroughs=boroughs, with_period=with_period)
    return form, form.choices(timezone.localdate())


def _exact(request, page: bool = False):
    _coordinator(request)
    today = timezone.localdate()
    boroughs = evidence.london_boroughs()
    form, chosen = _filters(request, boroughs, with_period=True, page=page)
    rows = evidence.evidence_rows(chosen["start"], chosen["end"], today)
    return form, chosen, evidence.select(rows, chosen["borough"], chosen["level"]), boroughs


def _public(request, page: bool = False):
    today = timezone.localdate()
    boroughs = evidence.london_boroughs()
    form, chosen = _filters(request, boroughs, with_period=False, page=page)
    rows = evidence.public_rows(evidence.evidence_rows(chosen["start"], chosen["end"], today))
    return form, chosen, evidence.select(rows, chosen["borough"], chosen["level"]), boroughs


def _integration(lines: list[dict], chosen: dict, boroughs: dict) -> list[dict]:
    name = boroughs.get(chosen["borough"])
    return [line for line in lines if not name or line["borough"] == name]


def _page(request, template, form, chosen, rows, integration, csv_name):
    return render(
        request,
        T + template,
        {
            "form": form,
            "chosen": chosen,
            "columns": evidence.COLUMNS,
            "rows": [evidence.as_cells(row) for row in rows],
            "integration": [[line[c] for c in evidence.INTEGRATION_COLUMNS] for line in integration],
            "threshold": evidence.THRESHOLD,
            "csv_url": csv_name,
            "query": form.data.urlencode() if form.data else "",
        },
    )


def _csv(rows: list[dict], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(evidence.COLUMNS)
    writer.writerows(safe_cells.csv_row(evidence.as_cells(row)) for row in rows)
    return response


@staff_login_required
@require_safe
def boroughs(request):
    """Coordinators: exact demand and provision by borough, level and month, and the pilots' integration results."""
    form, chosen, rows, names = _exact(request, page=True)
    integration = _integration(evidence.integration_exact(), chosen, names)
    return _page(request, "evidence_boroughs.html", form, chosen, rows, integration, "evaluation:boroughs_csv")


@staff_login_required
@require_safe
def boroughs_csv(request):
    _form, chosen, rows, _names = _exact(request)
    return _csv(rows, f"borough-evidence-{chosen['start']:%Y-%m}-to-{chosen['end']:%Y-%m}.csv")


@require_safe
def public_evidence(request):
    """Everyone: the same table with every demand count hidden or rounded (evidence.public_rows); no login."""
    form, chosen, rows, names = _public(request, page=True)
    integration = _integration(evidence.integration_published(), chosen, names)
    return _page(request, "evidence.html", form, chosen, rows, integration, "evaluation:evidence_csv")


@require_safe
def public_evidence_csv(request):
    _form, chosen, rows, _names = _public(request)
    return _csv(rows, f"london-esol-evidence-{chosen['end']:%Y-%m}.csv")
