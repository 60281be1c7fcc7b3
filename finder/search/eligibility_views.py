"""/find/free/: "Can I study for free?", the questions and the likely answer on GET.

The answers travel in the URL, so the page sets no cookie, works without JavaScript, and an adviser can send the
link. The rules version in effect today gives the figures; without one the page says plainly it cannot answer.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from finder.models import EligibilityRules
from finder.search.eligibility import check
from finder.search.eligibility_forms import FIELD_NAMES, FreeCheckerForm, long_date, money

CHANGE = "change"  # ?change=yes: show the questions again with the answers filled in


@require_safe
def free_checker(request):
    """The questions; with answers in the URL, the likely answer (or the questions with what to fix)."""
    rules = EligibilityRules.objects.in_effect()
    if rules is None:
        return render(request, "pages/free_checker.html", {"no_rules": True})
    answered = any(name in request.GET for name in FIELD_NAMES)
    if not answered or CHANGE in request.GET:
        form = FreeCheckerForm(rules, initial=_answers_in(request.GET) if answered else None)
        return render(request, "pages/free_checker.html", {"form": form, "errors": []})
    form = FreeCheckerForm(rules, request.GET)
    if not form.is_valid():
        return render(request, "pages/free_checker.html", {"form": form, "errors": _error_summary(form)})
    answer = check(form.answers(), rules, money=money)
    finder_query = QueryDict(mutable=True)
    finder_query["free"] = "on"
    if answer.is_likely_free:
        finder_query["eligible"] = "yes"
    context = {
        "answer": answer,
        "rules": rules,
        "effective_from": long_date(rules.effective_from),
        "finder_url": f"{reverse('finder:find')}?{finder_query.urlencode()}",
        "change_url": f"{reverse('finder:free_checker')}?{_change_query(request.GET)}",
    }
    return render(request, "pages/free_checker_result.html", context)


def _error_summary(form):
    """Each message after its question, so that "Choose an answer" in the summary says which one."""
    items = []
    for name, errors in form.errors.items():
        field = form[name] if name in form.fields else None
        items += [(field.auto_id, f"{field.label} {message}") if field else ("", message) for message in errors]
    return items


def _answers_in(query) -> dict:
    return {name: query.get(name, "") for name in FIELD_NAMES}


def _change_query(query) -> str:
    carried = QueryDict(mutable=True)
    for name, value in _answers_in(query).items():
        carried[name] = value
    carried[CHANGE] = "yes"
    return carried.urlencode()
