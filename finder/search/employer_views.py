"""/find/workplace/<id>/enquire/: an employer asks a provider about English classes for their staff at work.

Like a learner's enquiry: stored once however often it is sent, emailed to the provider (to the same address as
their classes' enquiries), confirmed to the employer with a reference in the language they used the site in, and
limited per client. The "sent" page's address carries the reference signed, nothing about the employer.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.concurrency import create_once
from esolplus.public_forms import public_form
from finder.models import EmployerEnquiry, WorkplaceOfferPage
from finder.search.enquiries import EMPLOYER_GROUP, count_enquiry, is_rate_limited, send_employer_enquiry
from finder.search.enquiry_forms import EmployerEnquiryForm
from finder.search.enquiry_views import reference_in, sent_url, too_many_messages
from finder.search.view_helpers import error_summary

SENT_SALT = "finder.employer_enquiry_sent"
SENT_NAME = "finder:employer_enquiry_sent"


@public_form  # no CSRF cookie on public pages; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def employer_enquire(request, offer_id):
    offer = get_object_or_404(WorkplaceOfferPage.objects.current(), pk=offer_id)
    form = EmployerEnquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            return redirect(sent_url(None, SENT_NAME, SENT_SALT))
        if is_rate_limited(request, EMPLOYER_GROUP):
            form.add_error(None, too_many_messages())
            status = 429
        elif form.is_valid():
            enquiry = form.save(commit=False)
            language = translation.get_language() or ""
            found, _created = create_once(
                offer.employer_enquiries.all(),
                enquiry.submission_key,
                lambda: send_employer_enquiry(offer, enquiry, language),
            )
            count_enquiry(request, EMPLOYER_GROUP)
            return redirect(sent_url(found.reference if found else None, SENT_NAME, SENT_SALT))
    context = {"offer": offer, "form": form, "errors": error_summary(form)}
    return render(request, "pages/employer_enquiry_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def employer_enquiry_sent(request, token):
    reference = reference_in(token, SENT_SALT)
    enquiry = (
        EmployerEnquiry.objects.select_related("workplace_offer").filter(reference=reference).first()
        if reference
        else None
    )
    return render(request, "pages/employer_enquiry_sent.html", {"enquiry": enquiry})
