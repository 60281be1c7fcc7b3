"""/listing-check/<token>/: the one-click "still correct" link in a reminder (finder.freshness_services).

Outside the admin, so an editor can use it from a phone without signing in or a second factor: the signed link is
the permission, and it does one thing (stamps today's date on one listing). GET only shows the listing and a button,
since mail scanners and link previewers fetch links; the POST confirms. A link that was altered, has expired or
was used already gets a page that says so, with a 4xx status. The token is in the address, so the page sends no
Referer onwards and is not stored by caches.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.public_forms import public_form
from finder.freshness_services import LinkRefused, confirm_by_link, listing_for_token

TEMPLATE = "pages/listing_still_correct.html"
REFUSED_STATUS = {"altered": 400, "expired": 410, "used": 409, "gone": 404}


def _signed_in_editor(request, listing):
    """The signed-in user, recorded with the check when they may edit the listing; otherwise nobody (the link)."""
    user = request.user
    if user.is_authenticated and listing.permissions_for_user(user).can_edit():
        return user
    return None


@public_form  # no CSRF cookie needed (the signed link is the permission); cross-site POSTs refused
@never_cache
@require_http_methods(["GET", "POST"])
def still_correct(request, token: str):
    try:
        listing = listing_for_token(token)
        if request.method == "POST":
            listing = confirm_by_link(token, _signed_in_editor(request, listing))
            response = render(request, TEMPLATE, {"listing": listing, "state": "confirmed"})
        else:
            response = render(request, TEMPLATE, {"listing": listing, "state": "ask"})
    except LinkRefused as refused:
        context = {"listing": refused.listing, "state": refused.reason}
        response = render(request, TEMPLATE, context, status=REFUSED_STATUS[refused.reason])
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [path("<str:token>/", still_correct, name="listing_still_correct")]
