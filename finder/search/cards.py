"""Result cards rendered once per class, language and day, then reused by every search that shows the class.

Rendering ten cards was about half of /find/'s time. A card's HTML depends only on the class as published
(its live revision: title, times, levels, cost), the places the register gives it, its venue and provider, the
language and the day (the "starts in …" texts, the warning on a listing not checked for three months) and the
date the provider last checked it (stamped in place, without a new revision); the distance is the one part that
changes with each search, so the cached card holds a slot that is filled in per request. Drafts are never shown,
so a new draft changes nothing; publishing gives a new live revision and so a new key. The card's page address is
kept with it, for the map of results (working it out asks Wagtail for the site's root paths, from the cache, each time).
"""

import hashlib

from django.core.cache import cache
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from finder.search.queries import full_listings
from finder.search.view_helpers import with_descriptions

CARD_TEMPLATE = "components/result_card.html"
DISTANCE_SLOT = "<!--distance-->"
CARD_SECONDS = 60 * 60


def card_key(item, language: str, today) -> str:
    venue = item.venue
    parts = (
        item.pk,
        item.live_revision_id,
        item.enrolled_on_register,
        item.last_checked,  # "still correct" stamps the date in place, without a new revision
        item.venue_id,
        venue.live_revision_id if venue is not None else None,
        getattr(item, "provider_title", ""),
        today.isoformat(),
        language,
    )
    return "finder-card-3:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def distance_text(item) -> str:
    if item.distance_km is not None:
        return _("%(km)s km (%(miles)s miles)") % {
            "km": floatformat(item.distance_km, 1),
            "miles": floatformat(item.distance_miles, 1),
        }
    return _("Online") if item.delivery_mode == "online" else "–"


def attach_cards(items, today) -> list:
    """Give each item ``card_html`` and ``page_url``: from the cache when it holds the card, rendered (and kept) when
    not.

    ``items`` need only ``CARD_KEY_FIELDS`` (finder.search.queries) and their provider (``attach_providers``); the
    cards rendered afresh fetch their whole class, venue, sessions and levels, and work out their texts. Returns the
    items with a card: a class deleted since the search found it has none."""
    language = get_language() or ""
    keys = {card_key(item, language, today): item for item in items}
    cached = cache.get_many(list(keys))
    whole = full_listings([item for key, item in keys.items() if key not in cached])
    with_descriptions(whole.values(), today)
    rendered = {}
    for key, item in keys.items():
        card = cached.get(key)
        if card is None:
            listing = whole.get(item.pk)
            if listing is None:
                continue
            listing.provider_title = item.provider_title  # part of the key: the card shows what it is filed under
            html = render_to_string(CARD_TEMPLATE, {"item": listing, "distance_slot": DISTANCE_SLOT})
            card = rendered[key] = (html, listing.url)
        html, item.page_url = card
        item.card_html = mark_safe(html.replace(DISTANCE_SLOT, distance_text(item)))  # noqa: S308 (our own template)
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)
    return [item for item in items if hasattr(item, "card_html")]
