"""Enquiries that get answered: the response deadline, which enquiries are overdue, and the reminder to the provider.

The one place for these rules (the inbox's filters and columns, the coordinators' overdue report and the daily
reminder all ask here):

- **Working days** are Monday to Friday except England's bank holidays (``finder.working_days``, the one calendar).
- **The deadline** (``answer_by``): ``ENQUIRY_RESPONSE_WORKING_DAYS`` (6) working days after the day the enquiry was
  sent, London time (an enquiry sent at a weekend counts from the Monday's start, like Connected Kingston's
  referrals). On the deadline day the enquiry is still on time; from the next day it is overdue.
- **Overdue** (``overdue_enquiries``): past the deadline, still "new", and never answered — no change of status
  away from "new" and no note (either sets ``first_response_at``, see ``finder.cms.enquiry_inbox``).
- **The reminder** (``remind_overdue_enquiries``, daily from the scheduler): each overdue enquiry once
  (``Enquiry.reminded_at``, claimed by a conditional UPDATE, and a key on each message, so a second run or a retried
  job sends nothing more), by email to the provider's editors, or to the provider's enquiries address when it has
  none. Staff messages are in English and name the enquiry by its reference and class, not the learner.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from esolplus import cldr, notifications
from esolplus.tasks import job
from finder.models import Enquiry

from .working_days import ONE_DAY, add_working_days

logger = logging.getLogger(__name__)


def response_working_days() -> int:
    return settings.ENQUIRY_RESPONSE_WORKING_DAYS


def sent_on(sent_at: datetime.datetime) -> datetime.date:
    """The London day an enquiry was sent on (a 23:30 enquiry in British Summer Time is that day's, not UTC's next)."""
    return timezone.localdate(sent_at)


def answer_by(sent_at: datetime.datetime) -> datetime.date:
    """The last day on which an enquiry sent at ``sent_at`` is answered on time."""
    return add_working_days(sent_on(sent_at), response_working_days())


def waited_more_than(days: int, today: datetime.date | None = None) -> datetime.datetime:
    """Enquiries sent before this moment have waited more than ``days`` working days by ``today``: the start of the
    first day whose enquiries are still within ``days`` (``add_working_days(day, days) >= today``)."""
    today = today or timezone.localdate()
    day = today
    while add_working_days(day - ONE_DAY, days) >= today:
        day -= ONE_DAY
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def is_unanswered(enquiry: Enquiry) -> bool:
    return enquiry.status == Enquiry.Status.NEW and enquiry.first_response_at is None


def is_overdue(enquiry: Enquiry, today: datetime.date | None = None) -> bool:
    return is_unanswered(enquiry) and answer_by(enquiry.created_at) < (today or timezone.localdate())


def overdue_enquiries(enquiries: QuerySet | None = None, today: datetime.date | None = None) -> QuerySet:
    """The enquiries (of ``enquiries``, all by default) past their deadline and still unanswered, oldest first."""
    enquiries = Enquiry.objects.all() if enquiries is None else enquiries
    cutoff = waited_more_than(response_working_days(), today)
    unanswered = enquiries.filter(status=Enquiry.Status.NEW, first_response_at__isnull=True)
    return unanswered.filter(created_at__lt=cutoff).order_by("created_at", "pk")


# --- The reminder ---------------------------------------------------------------------------------------------


def reminder_recipients(enquiry: Enquiry) -> list[tuple[str, str]]:
    """(key suffix, address) for each recipient: the provider's editors with an email address, else the provider's
    enquiries address (or the class's contact email), where new enquiries already go."""
    from finder.cms.providers import provider_editors
    from finder.search.enquiries import notification_address

    provider = enquiry.class_page.provider
    editors = provider_editors(provider).exclude(email="").order_by("pk") if provider else []
    recipients = [(f"user:{user.pk}", user.email) for user in editors]
    if not recipients and (address := notification_address(enquiry.class_page)):
        recipients = [("provider", address)]
    return recipients


def _reminder_context(enquiry: Enquiry) -> dict:
    from finder.search.enquiries import site_url

    provider = enquiry.class_page.provider
    assignee = enquiry.assigned_to
    return {
        "reference": enquiry.reference,
        "class_title": enquiry.class_page.title,
        "provider_name": provider.title if provider else "",
        "sent_on": cldr.format_date(sent_on(enquiry.created_at), settings.LANGUAGE_CODE),
        "answer_by": cldr.format_date(answer_by(enquiry.created_at), settings.LANGUAGE_CODE),
        "working_days": response_working_days(),
        "assigned_to": (assignee.get_full_name() or assignee.get_username()) if assignee else "",
        "enquiry_url": site_url(reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk])),
    }


def remind_once(enquiry: Enquiry, now: datetime.datetime | None = None) -> bool:
    """Queue the overdue reminder for one enquiry unless it was reminded already; whether this call queued it."""
    now = now or timezone.now()
    with transaction.atomic():
        if not Enquiry.objects.filter(pk=enquiry.pk, reminded_at=None).update(reminded_at=now):
            return False
        context = _reminder_context(enquiry)
        for suffix, address in reminder_recipients(enquiry):
            notifications.send_email(
                address,
                "enquiry_overdue",
                context,
                settings.LANGUAGE_CODE,
                key=f"enquiry:{enquiry.pk}:overdue:{suffix}",
            )
    return True


@job()
def remind_overdue_enquiries() -> int:
    """Daily, from the scheduler: remind providers of their enquiries past the deadline; returns how many."""
    due = overdue_enquiries().filter(reminded_at=None).select_related("class_page", "assigned_to")
    reminded = sum(remind_once(enquiry) for enquiry in due)
    if reminded:
        logger.info("Reminded providers of %s overdue enquiries", reminded)
    return reminded
