"""/find/help/: "help me choose", one plain question per step with the answers carried in the URL (no session, no
cookie), then the classes that fit every answer, each with why (``finder.search.matching``)."""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from finder.search.help_forms import HelpMeChooseForm
from finder.search.matching import Answers, HelpResults, find_matches
from finder.search.view_helpers import error_summary, locate

HELP_STEPS = ["where", "level", "when", "childcare", "free"]


def help_me_choose(request):
    """/find/help/: one plain question per step, answers carried in the URL, then the classes that fit."""
    form = HelpMeChooseForm(request.GET)
    form.is_valid()
    try:
        step = min(max(int(request.GET.get("step", 1)), 1), len(HELP_STEPS) + 1)
    except ValueError:
        step = 1
    origin = None
    # Go back to the first step whose answer is missing or wrong.
    if step > 1:
        if form.cleaned_data.get("where"):
            found = locate(form)
            origin = found[:2] if found else None
        else:
            form.add_error("where", _("Enter a postcode or a place, like E1 6AN or Peckham."))
        for index, name in enumerate(HELP_STEPS, start=1):
            if name in form.errors and index < step:
                step = index
                break
    answers = Answers.from_form(form)
    carried = [(name, value) for name in HELP_STEPS for value in _as_list(form.data.getlist(name))]
    results = HelpResults()
    if step > len(HELP_STEPS) and origin is not None:
        results = find_matches(answers, origin)
    context = {
        "form": form,
        "step": step,
        "step_name": HELP_STEPS[step - 1] if step <= len(HELP_STEPS) else "results",
        "steps_total": len(HELP_STEPS),
        "carried": carried,
        "errors": error_summary(form) if step > 1 or "where" in request.GET else [],
        "answers": answers,
        "results": results,
        "your_answers": _your_answers(form, carried) if step > len(HELP_STEPS) else [],
        "find_query": _find_query(form.cleaned_data, answers),
    }
    return render(request, "pages/help_me_choose.html", context)


def _as_list(values):
    return [value for value in values if value]


def _your_answers(form, carried) -> list[tuple[str, str, str]]:
    """(question, answer, link to change it) for each step, so the learner sees what the results listen to."""
    data = form.cleaned_data
    base = reverse("finder:help_me_choose")
    rows = []
    for index, name in enumerate(HELP_STEPS, start=1):
        field = form.fields[name]
        if name == "where":
            answer = data.get("where") or ""
        else:
            labels = dict(field.choices)
            values = data.get(name) or []
            values = values if isinstance(values, list) else [values]
            answer = ", ".join(str(labels[value]) for value in values if value in labels)
        query = QueryDict(mutable=True)
        for key, value in carried:
            query.appendlist(key, value)
        query["step"] = str(index)
        rows.append((str(field.label), answer or _("No answer"), f"{base}?{query.urlencode()}"))
    return rows


def _find_query(data, answers: Answers) -> str:
    """The same search on /find/, so a learner can widen it with all the filters."""
    query = QueryDict(mutable=True)
    if data.get("where"):
        query["where"] = data["where"]
    if answers.level and answers.level != HelpMeChooseForm.DONT_KNOW:
        query["level"] = answers.level
    # /find/'s time filters mean "a session then", and its weekend filter narrows any times chosen with it; so
    # weekends go along only when they are the learner's only answer (a wider search, never a narrower one).
    query.setlist("time", list(answers.times))
    if answers.weekend and not answers.times:
        query["weekends"] = "on"
    if answers.childcare == HelpMeChooseForm.YES:
        query["childcare"] = "on"
    if answers.free in (HelpMeChooseForm.YES, HelpMeChooseForm.MAYBE):
        query["free"] = "on"
    if answers.free == HelpMeChooseForm.MAYBE:
        query["eligible"] = "yes"
    return query.urlencode()
