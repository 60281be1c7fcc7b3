"""/find/enquire/: a learner's "I'm interested" in a class."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.concurrency import create_once
from esolplus.public_forms import public_form
from finder.models import ClassPage
from finder.search.enquiries import count_enquiry, is_rate_limited, send_enquiry
from finder.search.enquiry_forms import EnquiryForm
from finder.search.view_helpers import error_summary


@public_form  # no CSRF cookie on public pages; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def enquire(request, class_id):
    """/find/enquire/<id>/: "I'm interested", stored and emailed to the provider."""
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    form = EnquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # Look the same as success to a bot, but keep nothing.
            return redirect("finder:enquiry_sent", class_id=class_page.pk)
        if is_rate_limited(request):
            form.add_error(None, _("You have sent a lot of messages. Please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            enquiry = form.save(commit=False)  # sent twice (a double tap, a retry): one enquiry, one email
            create_once(class_page.enquiries.all(), enquiry.submission_key, lambda: send_enquiry(class_page, enquiry))
            count_enquiry(request)
            return redirect("finder:enquiry_sent", class_id=class_page.pk)
    context = {"class_page": class_page, "form": form, "errors": error_summary(form)}
    return render(request, "pages/enquiry_form.html", context, status=status)


def enquiry_sent(request, class_id):
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    return render(request, "pages/enquiry_sent.html", {"class_page": class_page})
