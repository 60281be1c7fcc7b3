"""Pilot screens for evaluators and coordinators: the dashboard, exports, publishing and published results."""

import csv
import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from esolplus import safe_cells

from . import access, export_views, services
from .charts import attendance_by_week, level_bars
from .exports import export_pilot
from .forms import (
    DashboardFilterForm,
)
from .indicators import Period, indicator_rows, pilot_enrolments
from .models import AuditEntry, Pilot
from .publishing import publish
from .services import prepared_exports
from .views import T, staff_login_required


def _viewable_pilot(request, slug: str) -> Pilot:
    pilot = get_object_or_404(Pilot, slug=slug)
    if not access.can_view_pilot(request.user, pilot):
        raise PermissionDenied
    return pilot


def _filters(request, pilot):
    cohorts = pilot.cohorts.select_related("provider")
    providers = sorted({(c.provider_id, c.provider.title) for c in cohorts}, key=lambda p: p[1])
    boroughs = sorted(
        {
            (e.learner.borough_id, e.learner.borough.name)
            for e in pilot_enrolments(pilot).select_related("learner__borough")
            if e.learner.borough_id
        },
        key=lambda b: b[1],
    )
    form = DashboardFilterForm(request.GET or None, providers=providers, boroughs=boroughs)
    params = {"provider_id": None, "borough_code": None, "period": None}
    if form.is_valid():
        data = form.cleaned_data
        params = {
            "provider_id": data["provider"],
            "borough_code": data["borough"] or None,
            "period": Period(data["start"], data["end"]) if data["start"] else None,
        }
    return form, params


def _display(measure) -> dict:
    value = measure.value
    if value is None:
        shown = "–"
    elif measure.kind == "rate":
        shown = f"{100 * value:.1f}%"
    elif measure.kind == "mean":
        shown = f"{value:+.2f}"
    else:
        shown = str(value)
    numerator = "" if measure.kind == "mean" else measure.numerator
    denominator = "" if measure.denominator is None else measure.denominator
    return {"numerator": numerator, "denominator": denominator, "value": shown}


HEADLINES = [
    ("starts", _lazy("Starts")),
    ("attendance_rate", _lazy("Attendance")),
    ("attendance_not_recorded", _lazy("Sessions with no mark")),
    ("persistent_absence", _lazy("Persistently absent")),
    ("retention", _lazy("Retention")),
    ("achievement", _lazy("Achievement")),
    ("rarpa_achievement", _lazy("RARPA goals fully achieved")),
    ("progression_within_6_months", _lazy("Progressed within 6 months")),
]


def _headline_stats(headline: dict) -> list[dict]:
    stats = []
    for key, label in HEADLINES:
        measure = headline.get(key)
        if measure is None:
            continue
        shown = _display(measure)
        detail = f"{shown['numerator']} / {shown['denominator']}" if measure.kind == "rate" else ""
        stats.append({"label": label, "value": shown["value"], "detail": detail})
    return stats


@staff_login_required
def dashboard(request, slug: str):
    pilot = _viewable_pilot(request, slug)
    today = timezone.localdate()
    form, params = _filters(request, pilot)
    rows = indicator_rows(pilot, today, **params)
    headline = {r.indicator: r.measure for r in rows if r.breakdown == "pilot"}
    enrolments = pilot_enrolments(pilot, params["provider_id"], params["borough_code"])
    return render(
        request,
        T + "dashboard.html",
        {
            "pilot": pilot,
            "form": form,
            "stats": _headline_stats(headline),
            "table": [
                {"indicator": r.indicator, "breakdown": r.breakdown, "group": r.group, **_display(r.measure)}
                for r in rows
            ],
            "weeks": attendance_by_week(enrolments, today, params["period"]),
            "levels": level_bars(headline),
            "query": request.GET.urlencode(),
            "is_coordinator": access.is_coordinator(request.user),
            "exports": prepared_exports.exports_for(request.user, pilot),
        },
    )


@staff_login_required
def export(request, slug: str):
    """Aggregate: a zip made now (small). Record level (pseudonyms keyed for this user): prepared in the background,
    downloaded when ready (export_views)."""
    pilot = _viewable_pilot(request, slug)
    if request.method == "POST" or "file" in request.GET or request.GET.get("level") == "record":
        return export_views.record_level(request, pilot)
    level = request.GET.get("level", "aggregate")
    fmt = request.GET.get("format", "csv")
    if level != "aggregate" or fmt not in ("csv", "xlsx"):
        raise Http404
    _form, params = _filters(request, pilot)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        export_pilot(
            pilot,
            out,
            user=request.user,
            recipient=f"user:{request.user.pk}",
            fmt=fmt,
            level=level,
            today=timezone.localdate(),
            period=params["period"],
        )
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                archive.write(path, path.name)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"{pilot.slug}-{level}-{timezone.localdate()}.zip")


@staff_login_required
@require_POST
def publish_results(request, slug: str):
    pilot = get_object_or_404(Pilot, slug=slug)
    if not access.is_coordinator(request.user):
        raise PermissionDenied
    pilot.results_published_at = timezone.now() if request.POST.get("publish") == "1" else None
    pilot.save(update_fields=["results_published_at"])
    services.record_audit(
        request.user, AuditEntry.Action.CHANGE, pilot, pilot, published=bool(pilot.results_published_at)
    )
    messages.success(request, _("Results page updated."))
    return redirect("evaluation:dashboard", slug=pilot.slug)


def results(request, slug: str):
    """The public, disclosure-controlled results of a pilot a coordinator has published."""
    pilot = get_object_or_404(Pilot, slug=slug, results_published_at__isnull=False)
    today = pilot.results_published_at.date()
    published = [
        r
        for r in publish(indicator_rows(pilot, today), pilot.disclosure_threshold)
        if not r["indicator"].startswith("reach:")
    ]
    return render(request, T + "results.html", {"pilot": pilot, "rows": published})


def results_csv(request, slug: str) -> HttpResponse:
    pilot = get_object_or_404(Pilot, slug=slug, results_published_at__isnull=False)
    rows = publish(indicator_rows(pilot, pilot.results_published_at.date()), pilot.disclosure_threshold)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{pilot.slug}-results.csv"'
    writer = csv.DictWriter(response, fieldnames=list(rows[0]) if rows else ["indicator"])
    writer.writeheader()
    writer.writerows({name: safe_cells.csv_cell(value) for name, value in row.items()} for row in rows)
    return response
