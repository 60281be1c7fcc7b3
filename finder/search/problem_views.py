"""/find/report-a-problem/<page id>/: anyone tells a listing's provider and the coordinators that something on a
class, provider or workplace-offer page is wrong, with no account and without JavaScript.

Its own page rather than a form inside the listing: listing pages are cached, one copy per address, and a form
in them would give everyone the same one-time key (so the second person's report would be taken for a repeat of
the first). This page is never cached and, like the enquiry form, sets no cookie (``public_form``).

Spam: the honeypot, the cross-site check (``public_form``), a limit per client (``PROBLEM_REPORT_RATE``, 10 an
hour by default: a person reports a page or two, a script is stopped) and the note's length limit.
"""

import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from esolplus.public_forms import public_form
from finder import problem_reports
from finder.search.problem_forms import ProblemReportForm
from finder.search.view_helpers import error_summary

logger = logging.getLogger(__name__)

RATE_GROUP = "finder.problem_report"


def _usage(request, increment: bool) -> dict | None:
    rate = settings.PROBLEM_REPORT_RATE
    try:
        return get_usage(request, group=RATE_GROUP, key="ip", rate=rate, increment=increment)
    except Exception:
        # The cache is down: take the report rather than refuse everyone; the log says why.
        logger.exception("Limit %s not checked: the cache could not be reached", RATE_GROUP)
        return None


def is_rate_limited(request) -> bool:
    usage = _usage(request, increment=False)
    return usage is not None and usage["limit"] > 0 and usage["count"] >= usage["limit"]


def _listing(page_id):
    page = problem_reports.reportable_page(page_id)
    if page is None:
        raise Http404
    return page


@public_form  # no CSRF cookie; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def report_problem(request, page_id):
    """The form; a report sent goes to the listing's provider and the coordinators, then the thank-you page."""
    page = _listing(page_id)
    form = ProblemReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            return redirect("finder:problem_reported", page_id=page.pk)  # looks like success to a bot; kept nowhere
        if is_rate_limited(request):
            form.add_error(None, _("You have sent a lot of reports. Please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            problem_reports.report(
                page, data["kind"], data["note"], translation.get_language() or "", data["submission_key"]
            )
            _usage(request, increment=True)
            return redirect("finder:problem_reported", page_id=page.pk)
    context = {"listing": page, "form": form, "errors": error_summary(form)}
    return render(request, "pages/problem_report_form.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def problem_reported(request, page_id):
    """Thank you, and what happens next; the same for everyone, so it can be cached like the listing."""
    page = _listing(page_id)
    return render(request, "pages/problem_reported.html", {"listing": page})
