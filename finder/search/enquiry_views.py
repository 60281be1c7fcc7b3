"""/find/enquire/: a learner's "I'm interested" in a class, an adviser's referral, the "sent" page with the
reference, and /find/enquiry-status/ where anyone with a reference sees how the enquiry is going.

The "sent" page's address carries the reference signed (``sent_url``), never a name, phone or email: only the
person who sent the form was given that address, a made-up one shows the generic thank-you page, and so the page
cannot be used to try references one after another (the status page, which is rate-limited, is the one place
that answers for a typed reference).

The status look-up is a POST (``public_form``, no cookie): a reference in a GET address would stay in the
browser's history and in server and proxy logs, where anyone using the same computer or reading the logs could
look the enquiry up again.
"""

from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from esolplus.concurrency import create_once
from esolplus.public_forms import public_form
from finder.models import ClassPage, EmployerEnquiry, Enquiry
from finder.models.identifiers import new_reference
from finder.search.enquiries import (
    RATE_GROUP,
    REFERRAL_GROUP,
    STATUS_GROUP,
    count_enquiry,
    find_status,
    is_rate_limited,
    send_enquiry,
)
from finder.search.enquiry_forms import EnquiryForm, EnquiryStatusForm, ReferralForm
from finder.search.view_helpers import error_summary

SENT_SALT = "finder.enquiry_sent"

STATUS_WORDS = {
    Enquiry.Status.NEW: gettext_lazy("The provider has your enquiry and will contact you."),
    Enquiry.Status.CONTACTED: gettext_lazy("The provider has contacted you. If you missed them, call or email them."),
    Enquiry.Status.ASSESSED: gettext_lazy("The provider has checked your English level. They will tell you what next."),
    Enquiry.Status.ENROLLED: gettext_lazy("You have a place in this class."),
    Enquiry.Status.NOT_SUITABLE: gettext_lazy("This class is not right for you. Please try other classes."),
}
EMPLOYER_STATUS_WORDS = {
    EmployerEnquiry.Status.NEW: STATUS_WORDS[Enquiry.Status.NEW],
    EmployerEnquiry.Status.CONTACTED: STATUS_WORDS[Enquiry.Status.CONTACTED],
    EmployerEnquiry.Status.AGREED: gettext_lazy("You and the provider have agreed a course."),
    EmployerEnquiry.Status.NOT_SUITABLE: gettext_lazy(
        "The provider cannot offer this course. Please look at other workplace offers."
    ),
}


def too_many_messages() -> str:
    return _("You have sent a lot of messages. Please wait an hour and try again.")


def sent_url(reference: str | None, name: str = "finder:enquiry_sent", salt: str = SENT_SALT) -> str:
    """The "sent" page for this reference; ``None`` (a bot, a copied form) gives a reference that matches nothing,
    so the answer looks the same."""
    return reverse(name, args=[signing.Signer(salt=salt).sign(reference or new_reference())])


def reference_in(token: str, salt: str = SENT_SALT) -> str | None:
    try:
        return signing.Signer(salt=salt).unsign(token)
    except signing.BadSignature:
        return None


def joining(class_page: ClassPage) -> dict:
    """Whether only an adviser may ask for this class, and who may refer (labels, in the page's language)."""
    return {
        "referral_only": class_page.how_to_join == ClassPage.HowToJoin.REFERRAL,
        "referrers": ClassPage._meta.get_field("referral_by").labels(class_page.referral_by),
    }


def _take(request, class_page: ClassPage, form, group: str, template: str):
    """Store the enquiry once however often it is sent, and show the reference; or show the form with its errors."""
    status = 200
    if request.method == "POST":
        if form.is_spam:
            return redirect(sent_url(None))  # look the same as success to a bot, but keep nothing
        if is_rate_limited(request, group):
            form.add_error(None, too_many_messages())
            status = 429
        elif form.is_valid():
            enquiry = form.save(commit=False)
            enquiry.site_language = translation.get_language() or ""
            # Sent twice (a double tap, a retry): one enquiry, one email, one confirmation.
            found, _created = create_once(
                class_page.enquiries.all(), enquiry.submission_key, lambda: send_enquiry(class_page, enquiry)
            )
            count_enquiry(request, group)
            return redirect(sent_url(found.reference if found else None))
    context = {"class_page": class_page, "form": form, "errors": error_summary(form), **joining(class_page)}
    return render(request, template, context, status=status)


@public_form  # no CSRF cookie on public pages; cross-site POSTs refused (esolplus.public_forms)
@never_cache  # a form restored from the back-forward cache would bring back a used submission key
@require_http_methods(["GET", "POST"])
def enquire(request, class_id):
    """/find/enquire/<id>/: "I'm interested", stored and emailed to the provider. A referral-only class sends
    the learner to an adviser instead: its provider takes no enquiries from learners themselves."""
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    if joining(class_page)["referral_only"]:
        context = {"class_page": class_page, "form": None, **joining(class_page)}
        return render(request, "pages/enquiry_form.html", context)
    return _take(request, class_page, EnquiryForm(request.POST or None), RATE_GROUP, "pages/enquiry_form.html")


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def refer(request, class_id):
    """/find/enquire/<id>/refer/: an adviser or support worker refers a learner who agreed to it."""
    class_page = get_object_or_404(ClassPage.objects.current(), pk=class_id)
    form = ReferralForm(request.POST or None)
    return _take(request, class_page, form, REFERRAL_GROUP, "pages/enquiry_referral.html")


@never_cache
@require_http_methods(["GET", "HEAD"])
def enquiry_sent(request, token):
    """The reference, the class and what happens next; nothing about who sent it."""
    reference = reference_in(token)
    enquiry = Enquiry.objects.select_related("class_page").filter(reference=reference).first() if reference else None
    return render(request, "pages/enquiry_sent.html", {"enquiry": enquiry})


@public_form
@never_cache
@require_http_methods(["GET", "POST"])
def enquiry_status(request):
    """/find/enquiry-status/: the status of an enquiry in plain words, for its reference; a limited number of
    look-ups per client, so references cannot be tried one after another."""
    form = EnquiryStatusForm(request.POST or None)
    context = {"form": form, "looked": False, "found": None}
    status = 200
    if request.method == "POST":
        if is_rate_limited(request, STATUS_GROUP):
            form.add_error(None, _("You have checked many times. Please wait an hour and try again."))
            status = 429
        else:
            count_enquiry(request, STATUS_GROUP)
            if form.is_valid():
                found = find_status(form.cleaned_data["reference"])
                context.update(looked=True, found=found)
                if found is not None:
                    words = EMPLOYER_STATUS_WORDS if found.is_employer else STATUS_WORDS
                    model = EmployerEnquiry if found.is_employer else Enquiry
                    context.update(
                        status_label=model.Status(found.status).label,
                        status_words=words[found.status],
                        try_others=found.status == Enquiry.Status.NOT_SUITABLE,
                    )
    context["errors"] = error_summary(form)
    return render(request, "pages/enquiry_status.html", context, status=status)
