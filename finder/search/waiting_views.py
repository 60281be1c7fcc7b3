"""/find/waiting/: join a class's waiting list, ask to be told about places near you, and leave with one link.

The rules (one entry per person and class, who is told and when, the messages) are in ``finder.waiting_services``.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.public_forms import public_form
from finder import waiting_services
from finder.models import ClassPage, WaitingListEntry
from finder.search.enquiries import count_enquiry, is_rate_limited
from finder.search.view_helpers import error_summary, locate
from finder.search.waiting_forms import AreaWaitingListForm, WaitingListForm

RATE_LIMITED = 429


def _submit(request, form, entry: WaitingListEntry):
    """Store a valid form's entry once; a redirect to the confirmation, or None with an error on the form."""
    entry.site_language = get_language() or ""
    try:
        stored = waiting_services.join_waiting_list(entry)
    except waiting_services.AlreadyWaiting:
        form.add_error(
            None,
            _("You are already on the waiting list for this class. We will tell you when a place opens."),
        )
        return None
    count_enquiry(request)
    if stored is None:  # a submission key copied from another list's form
        form.add_error(None, _("Something went wrong. Please send the form again."))
        return None
    return redirect("finder:waiting_joined", token=waiting_services.token_for(stored, waiting_services.JOINED_SALT))


def _limit_status(request, form) -> int:
    """429 with a message when this client sent too many forms this hour (the enquiry limit), else 200."""
    if is_rate_limited(request):
        form.add_error(None, _("You have sent a lot of messages. Please wait an hour and try again."))
        return RATE_LIMITED
    return 200


@public_form  # no CSRF cookie on public pages; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def join_waiting_list(request, class_id):
    """/find/waiting/<id>/: wait for a place in one class."""
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    form = WaitingListForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:  # look the same as success to a bot, but keep nothing
            return render(request, "pages/waiting_joined.html", {"entry": None})
        status = _limit_status(request, form)
        if status == 200 and form.is_valid():
            entry = form.save(commit=False)
            entry.class_page = class_page
            if response := _submit(request, form, entry):
                return response
    context = {"class_page": class_page, "form": form, "errors": error_summary(form)}
    return render(request, "pages/waiting_form.html", context, status=status)


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def waiting_for_area(request):
    """/find/waiting/: be told when a place opens at a level near a postcode or area."""
    form = AreaWaitingListForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            return render(request, "pages/waiting_joined.html", {"entry": None})
        status = _limit_status(request, form)
        if status == 200 and form.is_valid() and (place := locate(form, "area")):
            entry = form.save(commit=False)
            entry.latitude, entry.longitude = place[0], place[1]
            if response := _submit(request, form, entry):
                return response
    context = {"form": form, "errors": error_summary(form)}
    return render(request, "pages/waiting_form.html", context, status=status)


@never_cache
def waiting_joined(request, token):
    """The confirmation, with the reference to quote; the link is private to the person who joined."""
    entry = waiting_services.entry_for_token(token, waiting_services.JOINED_SALT)
    if entry is None:
        raise Http404
    context = {"entry": entry, "withdraw_token": waiting_services.token_for(entry)}
    return render(request, "pages/waiting_joined.html", context)


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    """/find/waiting/withdraw/<token>/: GET asks (link previewers must not take anyone off a list), POST does it."""
    entry = waiting_services.entry_for_token(token)
    if entry is None:
        raise Http404
    on_list = entry.status in (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.TOLD)
    withdrawn_now = False
    if request.method == "POST" and on_list:
        withdrawn_now = waiting_services.withdraw(entry)
        on_list = False
    context = {"entry": entry, "on_list": on_list, "withdrawn_now": withdrawn_now}
    return render(request, "pages/waiting_withdraw.html", context)
