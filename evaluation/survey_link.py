"""The link a learner answers a survey by: signed, private, and refused plainly once it can no longer be used.

The token is the invitation's id signed with this module's own salt (``django.core.signing``): nothing is stored,
a changed character is refused, and a token made for another use (a waiting-list link) never opens a survey. The
link ends when its invitation expires, once the wave is answered (by the learner or by staff), and when the learner
withdraws their agreement to be contacted; each refusal is a short page in the learner's language with 404 (no
such link) or 410 (gone), never a server error.

The token is in the address, so every page of the survey is ``Cache-Control: private, no-store``,
``Referrer-Policy: no-referrer`` and ``noindex``.
"""

from functools import wraps

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import SurveyInvitation

SALT = "evaluation.survey_link"
NOT_FOUND, GONE = 404, 410

# (title, explanation, status) for each reason a link is refused; learner-facing, so short and plain.
REFUSALS = {
    "invalid": (
        _("This link does not work"),
        _("Check that you copied all of the link. Or ask your teacher for a new one."),
        NOT_FOUND,
    ),
    "expired": (
        _("This link has expired"),
        _("Ask your teacher for a new link."),
        GONE,
    ),
    "answered": (
        _("You have answered already"),
        _("Thank you. We have your answers. There is nothing more to do."),
        GONE,
    ),
    "withdrawn": (
        _("This survey is closed"),
        _("We will not ask you any more questions."),
        GONE,
    ),
}


def token_for(invitation: SurveyInvitation) -> str:
    return signing.Signer(salt=SALT).sign(str(invitation.pk))


def invitation_for_token(token: str) -> SurveyInvitation | None:
    """The invitation a token names, or None for a token that is altered, signed for another use, or gone."""
    try:
        pk = int(signing.Signer(salt=SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return SurveyInvitation.objects.select_related("instrument", "learner__provider", "response").filter(pk=pk).first()


def link_url(invitation: SurveyInvitation) -> str:
    """The full address for the message, in the invitation's language (/ar/survey/<token>/)."""
    from finder.search.enquiries import site_url

    with translation.override(invitation.language):
        return site_url(reverse("survey:start", args=[token_for(invitation)]))


def refusal(request, reason: str):
    """The page that says, in the learner's language, why the link cannot be used."""
    title, explanation, status = REFUSALS[reason]
    context = {"title": title, "explanation": explanation, "reason": reason}
    return private(render(request, "pages/survey/closed.html", context, status=status))


def private(response):
    """Headers for a page whose address holds a token: no cache keeps it, no referrer leaks it, no index lists it."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def private_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return private(view(request, *args, **kwargs))

    return wrapper
