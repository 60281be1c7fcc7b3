"""The dashboard's record-level export: ask for it (POST), see it being prepared, download it when ready.

Called by ``views.export`` once the pilot is known to be one the user may see; the file itself is served only to the
user who asked for it (``services.prepared_exports.downloadable``).
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Pilot
from .services.prepared_exports import downloadable, exports_for, private_storage, request_export

FORMATS = ("csv", "xlsx", "sav", "dta")


def record_level(request, pilot: Pilot) -> HttpResponse:
    if "file" in request.GET:
        return _download(request, pilot, request.GET["file"])
    fmt = request.POST.get("format") or request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    if request.method == "POST":
        request_export(request.user, pilot, fmt)
        messages.success(request, _("Your file is being prepared. It will be listed under Download when it is ready."))
        return redirect(reverse("evaluation:dashboard", args=[pilot.slug]) + "#downloads")
    context = {"pilot": pilot, "format": fmt, "exports": exports_for(request.user, pilot)}
    return render(request, "pages/evaluation/export.html", context)


def _download(request, pilot: Pilot, export_id: str) -> FileResponse:
    export = downloadable(request.user, pilot, export_id)
    if export is None:
        raise Http404
    try:
        file = private_storage().open(export.file_name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(file, as_attachment=True, filename=export.download_name, content_type="application/zip")
