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
from django.views.decorators.http import require_POST

from esolplus import safe_cells

from . import access, export_views
from . import dashboard as dashboard_figures
from . import indicator_catalogue as catalogue
from .exports import export_pilot
from .forms import (
    DashboardFilterForm,
)
from .indicators import Period, pilot_enrolments
from .models import Pilot
from .publishing import COLUMNS, with_interval
from .release_forms import PublishResultsForm
from .services import prepared_exports, releases
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


@staff_login_required
def dashboard(request, slug: str):
    pilot = _viewable_pilot(request, slug)
    today = timezone.localdate()
    form, params = _filters(request, pilot)
    figures = dashboard_figures.build(pilot, today, **params)
    latest_release = pilot.releases.order_by("-version").first()
    return render(
        request,
        T + "dashboard.html",
        {
            "pilot": pilot,
            "form": form,
            **figures,
            "query": request.GET.urlencode(),
            "is_coordinator": access.is_coordinator(request.user),
            "exports": prepared_exports.exports_for(request.user, pilot),
            "latest_release": latest_release,
            "publish_form": PublishResultsForm(initial={"based_on": latest_release.version if latest_release else 0}),
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
    """Publish the current figures as a new frozen release, or take the results page down."""
    pilot = get_object_or_404(Pilot, slug=slug)
    if not access.is_coordinator(request.user):
        raise PermissionDenied
    form = PublishResultsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The results page was not changed: please try again."))
        return redirect("evaluation:dashboard", slug=pilot.slug)
    if form.cleaned_data["action"] == "withdraw":
        releases.withdraw_results(pilot, request.user)
        messages.success(request, _("The results page has been taken down. Its versions are kept."))
        return redirect("evaluation:dashboard", slug=pilot.slug)
    try:
        release = releases.publish_release(
            pilot, request.user, based_on=form.cleaned_data["based_on"], note=form.cleaned_data["note"]
        )
    except releases.AlreadyPublished as already:
        messages.warning(
            request,
            _("Version %(version)s was published at %(at)s, after you opened this page; nothing more was published.")
            % {
                "version": already.latest.version,
                "at": timezone.localtime(already.latest.published_at).strftime("%H:%M"),
            },
        )
    else:
        messages.success(request, _("Results published as version %(version)s.") % {"version": release.version})
    return redirect("evaluation:dashboard", slug=pilot.slug)


def _public_release(slug: str, version: int | None):
    pilot = get_object_or_404(Pilot, slug=slug)
    release = releases.public_release(pilot, version)
    if release is None:
        raise Http404
    return pilot, release


def _named_rows(rows: list[dict]) -> list[dict]:
    """Published rows with each indicator's human name beside the cells as published (the interval worked out
    from the published counts for releases frozen before it was a column)."""
    items = catalogue.item_names()
    return [
        {"name": catalogue.human_name(row["indicator"], items), "cells": [with_interval(row)[c] for c in COLUMNS]}
        for row in rows
    ]


def results(request, slug: str, version: int | None = None):
    """The public, disclosure-controlled results of a pilot, as frozen when a coordinator published them."""
    pilot, release = _public_release(slug, version)
    return render(
        request,
        T + "results.html",
        {
            "pilot": pilot,
            "release": release,
            "columns": COLUMNS,
            "rows": _named_rows(release.rows),
            "versions": pilot.releases.order_by("-version").only("version", "published_at", "pilot_id"),
        },
    )


def results_csv(request, slug: str, version: int | None = None) -> HttpResponse:
    """The same cells as the results page, for download."""
    pilot, release = _public_release(slug, version)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{pilot.slug}-results-v{release.version}.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    writer.writerows(safe_cells.csv_row(with_interval(row)[c] for c in COLUMNS) for row in release.rows)
    return response
