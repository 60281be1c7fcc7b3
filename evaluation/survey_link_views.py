"""/survey/<token>/: a learner answers a survey on their phone, one question a screen, without an account.

Public pages (esolplus.public_forms: no CSRF cookie, cross-site POSTs refused, a rate limit per client), in the
learner's language: the address's language, and the invitation's language when the learner opens the plain
(English) address from a message. Every answer is kept as it is given (``services.invitations.save_progress``),
so opening the link again continues where the learner stopped; the check-answers screen sends them all once.
"""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from esolplus.concurrency import StaleVersion
from esolplus.public_forms import public_form

from .instruments import item_text, value_labels
from .services import invitations
from .survey_link import invitation_for_token, private_page, refusal
from .survey_link_forms import CheckAnswersForm, QuestionForm, options

logger = logging.getLogger(__name__)
RATE_GROUP = "evaluation.survey_link"
TOO_MANY = 429
T = "pages/survey/"


def _rate_limited(request) -> bool:
    """Count this POST; True when the client has sent too many this hour (a learner sends one a screen)."""
    rate = settings.SURVEY_LINK_RATE
    try:
        usage = get_usage(request, group=RATE_GROUP, key="ip", rate=rate, increment=True)
    except Exception:
        logger.exception("Survey link limit not checked: the cache could not be reached")
        return False
    return usage is not None and usage["limit"] > 0 and usage["count"] > usage["limit"]


def _too_many(request):
    return refusal_page(request, _("Please wait"), _("You have sent a lot of answers. Please wait an hour."), TOO_MANY)


def refusal_page(request, title, explanation, status):
    return render(request, T + "closed.html", {"title": title, "explanation": explanation}, status=status)


def _open_invitation(request, token):
    """(invitation, None) while the link can be answered, else (None, the refusal page)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return None, refusal(request, "invalid")
    reason = invitations.closed_reason(invitation, timezone.localdate())
    if reason is not None:
        return None, refusal(request, reason)
    return invitation, None


def _in_invitation_language(request, invitation, invitation_token: str):
    """A redirect to the invitation's language when the learner opened the plain (English) address from outside
    the site; a learner who chose English with the switcher (a link on this site) stays in English."""
    if get_language() != settings.LANGUAGE_CODE or invitation.language == settings.LANGUAGE_CODE:
        return None
    if request.headers.get("Sec-Fetch-Site", "").lower() == "same-origin":
        return None
    with translation.override(invitation.language):
        return HttpResponseRedirect(reverse("survey:start", args=[invitation_token]))


def _next_url(invitation, items, token, after: int = 0) -> str:
    number = invitations.next_question(invitation, items, after)
    if number is None:
        return reverse("survey:check", args=[token])
    return reverse("survey:question", args=[token, number])


@private_page
@require_GET
def start(request, token):
    invitation, refused = _open_invitation(request, token)
    if refused:
        return refused
    if moved := _in_invitation_language(request, invitation, token):
        return moved
    items = list(invitation.instrument.items.all())
    context = {
        "invitation": invitation,
        "provider": invitation.learner.provider.title,
        "count": len(items),
        "started": bool(invitation.progress),
        "next_url": _next_url(invitation, items, token),
    }
    return render(request, T + "start.html", context)


@private_page
@public_form  # the pages send no referrer: esolplus.public_forms takes their forms' null origin
@require_http_methods(["GET", "POST"])
def question(request, token, number: int):
    invitation, refused = _open_invitation(request, token)
    if refused:
        return refused
    items = list(invitation.instrument.items.all())
    if not 1 <= number <= len(items):
        return redirect("survey:start", token=token)
    item = items[number - 1]
    saved = (invitation.progress or {}).get(item.code)
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        form = QuestionForm(request.POST, item=item)
        if form.is_valid():
            try:
                invitation = invitations.save_progress(invitation, item.code, form.value())
            except invitations.LinkClosed as closed:
                return refusal(request, closed.reason)
            except ValueError:
                form.add_error("answer", _("Choose one of the answers."))
            else:
                return redirect(_next_url(invitation, items, token, after=number))
        status = 400
    else:
        form = QuestionForm(item=item, initial={"answer": "" if saved is None else str(saved)})
    back = reverse("survey:question", args=[token, number - 1]) if number > 1 else reverse("survey:start", args=[token])
    context = {
        "form": form,
        "item": item,
        "question": item_text(item),
        "options": options(item),
        "chosen": form["answer"].value() if request.method == "POST" else ("" if saved is None else str(saved)),
        "number": number,
        "count": len(items),
        "back_url": back,
    }
    return render(request, T + "question.html", context, status=status)


def _summary(invitation, items, token) -> list[dict]:
    progress = invitation.progress or {}
    rows = []
    for number, item in enumerate(items, start=1):
        value = progress.get(item.code)
        labels = value_labels(item)
        rows.append(
            {
                "number": number,
                "question": item_text(item),
                "answer": labels.get(str(value)) if value is not None else None,
                "seen": item.code in progress,
                "change_url": reverse("survey:question", args=[token, number]),
            }
        )
    return rows


@private_page
@public_form  # the pages send no referrer: esolplus.public_forms takes their forms' null origin
@require_http_methods(["GET", "POST"])
def check(request, token):
    invitation, refused = _open_invitation(request, token)
    if refused:
        return refused
    items = list(invitation.instrument.items.all())
    notice, status = "", 200
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        form = CheckAnswersForm(request.POST)
        if form.is_valid():
            codes = {item.code for item in items}
            answers = {
                code: int(value)
                for code, value in (invitation.progress or {}).items()
                if value is not None and code in codes
            }
            try:
                invitations.record_self_answers(
                    invitation,
                    answers,
                    today=timezone.localdate(),
                    language=get_language() or invitation.language,
                    version=form.cleaned_data["version"],
                )
            except StaleVersion:
                notice, status = _("Your answers changed in another window. Check them, then send them again."), 409
                invitation.refresh_from_db()
            except invitations.LinkClosed as closed:
                return refusal(request, closed.reason)
            except ValueError:
                notice, status = _("Some answers were not right. Check them, then send them again."), 400
            else:
                return redirect("survey:thanks", token=token)
        else:
            notice, status = _("This page was out of date. Check your answers, then send them again."), 400
    context = {
        "rows": _summary(invitation, items, token),
        "version": invitation.version,
        "notice": notice,
        "back_url": reverse("survey:question", args=[token, len(items)]) if items else "",
    }
    return render(request, T + "check.html", context, status=status)


@private_page
@require_GET
def thanks(request, token):
    """After sending: thanks. The link now only says so (and says "answered already" to anyone else later)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return refusal(request, "invalid")
    if not invitation.is_answered:
        return redirect("survey:start", token=token)
    return render(request, T + "thanks.html", {"provider": invitation.learner.provider.title})
