"""Reminding providers to keep their listings true, the signed "still correct" link, and telling people when a
listing is hidden. The rules (when a listing is old, due or hidden) are in ``finder.freshness``.

**The link.** A reminder carries a link that confirms the listing without signing in (an editor can use it from a
phone, without the admin's second factor): a ``TimestampSigner`` signature, with its own salt, over the page id and
the listing's ``last_checked`` when the message was written, valid for ``LISTING_LINK_DAYS``. Confirming changes
``last_checked``, so the same link is then refused as used; an altered or expired one is refused too.

**Once each.** Every message has a notification key (esolplus.notifications): reminders one per editor, listing,
reason and date (the intake's day or the "unchecked since" date); hidden notices one per person, listing and
"unchecked since" date. The daily job can run twice, or be retried, and nobody hears twice.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from esolplus import notifications
from esolplus.roles import coordinators
from esolplus.tasks import job
from finder import freshness
from finder.cms.providers import confirm_listing_still_correct, provider_editors
from finder.models import ClassPage, WorkplaceOfferPage

logger = logging.getLogger(__name__)

LINK_SALT = "finder.freshness.still_correct"


class LinkRefused(Exception):
    """A "still correct" link that cannot be used: ``reason`` is "altered", "expired", "used" or "gone"."""

    def __init__(self, reason: str, listing=None):
        super().__init__(reason)
        self.reason = reason
        self.listing = listing


# --- The signed link -----------------------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=LINK_SALT)


def link_token(listing) -> str:
    return _signer().sign_object({"page": listing.pk, "checked": listing.last_checked.isoformat()}, compress=True)


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def still_correct_url(listing) -> str:
    return site_url(reverse("listing_still_correct", args=[link_token(listing)]))


def listing_for_token(token: str):
    """The listing a link names, if the link still works; ``LinkRefused`` says why not."""
    try:
        data = _signer().unsign_object(token, max_age=datetime.timedelta(days=settings.LISTING_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise LinkRefused("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkRefused("altered") from error
    if not isinstance(data, dict) or not isinstance(data.get("page"), int) or not isinstance(data.get("checked"), str):
        raise LinkRefused("altered")
    page = Page.objects.live().filter(pk=data["page"]).first()
    listing = page.specific if page is not None else None
    if not isinstance(listing, ClassPage | WorkplaceOfferPage):
        raise LinkRefused("gone")
    if listing.last_checked.isoformat() != data["checked"]:
        raise LinkRefused("used", listing)
    return listing


def confirm_by_link(token: str, user=None, today: datetime.date | None = None):
    """Record the check the link asks for, once: the listing's row is locked and the link checked again inside,
    so two clicks at once confirm once and the second is refused as used."""
    with transaction.atomic():
        listing = listing_for_token(token)
        type(listing).objects.select_for_update().filter(pk=listing.pk).first()
        listing = listing_for_token(token)  # again, now that nobody else can change it
        confirm_listing_still_correct(listing, user, today)
    return listing


# --- Messages ------------------------------------------------------------------------------------------------------


def editor_language(user) -> str:
    """The language the editor chose in the admin, when the site has it; else English."""
    from wagtail.users.models import UserProfile

    chosen = UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _listing_context(listing) -> dict:
    provider = listing.provider
    return {
        "title": listing.title,
        "provider_name": provider.title if provider else "",
        "kind": "class" if isinstance(listing, ClassPage) else "workplace offer",
        "last_checked": listing.last_checked.isoformat(),
        "edit_url": site_url(reverse("wagtailadmin_pages:edit", args=[listing.pk])),
        "page_url": site_url(listing.url or "") if listing.url else "",
        "check_days": settings.LISTING_CHECK_DAYS,
        "hide_after_days": settings.LISTING_HIDE_AFTER_DAYS,
        "hidden_on": (listing.last_checked + datetime.timedelta(days=settings.LISTING_HIDE_AFTER_DAYS + 1)).isoformat(),
    }


def _editors(listing) -> list:
    provider = listing.provider
    if provider is None:
        return []
    return [user for user in provider_editors(provider).order_by("pk") if user.email]


def send_reminder(reminder: freshness.Reminder, today: datetime.date | None = None) -> int:
    """One email to each of the listing's provider's editors with an address: the link and the edit page. How many
    editors it went to (a message already sent under the same key is not sent again)."""
    listing = reminder.listing
    context = {
        **_listing_context(listing),
        "reason": reminder.reason,
        "hidden_now": freshness.is_hidden(listing.last_checked, today),
        "still_correct_url": still_correct_url(listing),
        "link_days": settings.LISTING_LINK_DAYS,
    }
    editors = _editors(listing)
    for editor in editors:
        key = f"listing:{listing.pk}:{reminder.reason}:{reminder.date_key.isoformat()}:{editor.pk}"
        notifications.send_email(editor.email, "listing_reminder", context, editor_language(editor), key=key)
    return len(editors)


def send_hidden_notice(listing) -> None:
    """Tell the provider's editors (with the link that brings it back) and the coordinators, once for each
    "unchecked since" date, that the listing has left the finder."""
    context = {**_listing_context(listing), "link_days": settings.LISTING_LINK_DAYS}
    editors = {user.pk: user for user in _editors(listing)}
    people = [(user, True) for user in editors.values()]
    people += [(user, False) for user in coordinators().exclude(email="").order_by("pk") if user.pk not in editors]
    link = still_correct_url(listing)
    for user, is_editor in people:
        key = f"listing:{listing.pk}:hidden:{listing.last_checked.isoformat()}:{user.pk}"
        message = {**context, "still_correct_url": link if is_editor else "", "is_editor": is_editor}
        notifications.send_email(user.email, "listing_hidden", message, editor_language(user), key=key)


@job()
def remind_and_hide_listings(today: str | None = None) -> dict:
    """Daily, from the scheduler: the reminders due today and the notices for listings now hidden, each once."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    listings = freshness.live_listings(day)
    reminders = freshness.due_reminders(day, listings)
    for reminder in reminders:
        send_reminder(reminder, day)
    hidden = freshness.newly_hidden(day, listings)
    for listing in hidden:
        send_hidden_notice(listing)
    return {"reminders": len(reminders), "hidden": len(hidden)}
