"""/find/help/: "help me choose", one plain question per step with the answers carried in the URL."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from finder.models import ClassPage
from finder.search.filters import WEEKEND, time_of_day_q
from finder.search.help_forms import HelpMeChooseForm
from finder.search.queries import attach_providers, for_display, near_classes
from finder.search.summaries import match_reasons
from finder.search.view_helpers import error_summary, locate, with_distances

HELP_RADIUS_KM = 5
HELP_RESULTS = 10


HELP_STEPS = ["where", "level", "when", "childcare", "free"]


def help_me_choose(request):
    """/find/help/: one plain question per step, answers carried in the URL, then a ranked list."""
    form = HelpMeChooseForm(request.GET)
    form.is_valid()
    try:
        step = min(max(int(request.GET.get("step", 1)), 1), len(HELP_STEPS) + 1)
    except ValueError:
        step = 1
    answers = form.cleaned_data
    origin = None
    # Go back to the first step whose answer is missing or wrong.
    if step > 1:
        if answers.get("where"):
            found = locate(form)
            origin = found[:2] if found else None
        else:
            form.add_error("where", _("Enter a postcode or a place, like E1 6AN or Peckham."))
        for index, name in enumerate(HELP_STEPS, start=1):
            if name in form.errors and index < step:
                step = index
                break
    results = []
    if step > len(HELP_STEPS):
        results = _help_results(answers, origin)
    context = {
        "form": form,
        "step": step,
        "step_name": HELP_STEPS[step - 1] if step <= len(HELP_STEPS) else "results",
        "steps_total": len(HELP_STEPS),
        "carried": [(name, value) for name in HELP_STEPS for value in _as_list(form.data.getlist(name))],
        "errors": error_summary(form) if step > 1 or "where" in request.GET else [],
        "results": results,
        "find_query": _find_query(answers),
    }
    return render(request, "pages/help_me_choose.html", context)


def _as_list(values):
    return [value for value in values if value]


def _help_results(answers, origin):
    """Classes that meet the must-haves, with the learner's free times ranked first, then nearest."""
    queryset = near_classes(*origin, HELP_RADIUS_KM)
    level = answers.get("level")
    if level and level != HelpMeChooseForm.DONT_KNOW:
        queryset = queryset.filter(levels__code=level)
    elif level == HelpMeChooseForm.DONT_KNOW:
        queryset = queryset.filter(how_to_join__in=[ClassPage.HowToJoin.DROP_IN, ClassPage.HowToJoin.BOOK])
    if answers.get("childcare") == HelpMeChooseForm.YES:
        queryset = queryset.with_childcare()
    if answers.get("free") == HelpMeChooseForm.YES:
        queryset = queryset.free()
    when = answers.get("when") or []
    times = [time for time in when if time != "weekend"]
    fits = Q()
    if times:
        fits |= time_of_day_q(times)
    if "weekend" in when:
        fits |= Q(pk__in=ClassPage.objects.on_days(WEEKEND).values("pk"))
    if when:
        queryset = queryset.annotate(
            fits_time=Case(When(fits, then=Value(1)), default=Value(0), output_field=IntegerField())
        ).order_by("-fits_time", "distance_sq_km", "pk")
    results = with_distances(attach_providers(list(for_display(queryset)[:HELP_RESULTS])), origin)
    for item in results:
        item.reasons = match_reasons(item, answers)
    return results


def _find_query(answers) -> str:
    """The same search on /find/, so a learner can widen it with all the filters."""
    query = QueryDict(mutable=True)
    if answers.get("where"):
        query["where"] = answers["where"]
    if answers.get("level") and answers["level"] != HelpMeChooseForm.DONT_KNOW:
        query["level"] = answers["level"]
    if answers.get("childcare") == HelpMeChooseForm.YES:
        query["childcare"] = "on"
    if answers.get("free") == HelpMeChooseForm.YES:
        query["free"] = "on"
    return query.urlencode()
