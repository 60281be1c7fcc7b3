"""The map of results on /find/: an enhancement drawn by esolplus/static/js/results-map.js over the list.

The page carries the map's data as JSON in a ``<script type="application/json">`` element, which is never run, so
the strict CSP allows it. Every marker is a class in the page's own list, and its popup repeats what the list says,
so nobody misses anything without the map (no JavaScript, a screen reader, tiles switched off).
"""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.translation import gettext as _

from finder.search.facts import PROVIDER_WORDS_LANGUAGE

LEAFLET_JS = "leaflet/leaflet.js"


@cache
def leaflet_is_served() -> bool:
    """Leaflet is installed in this checkout (make install) or was collected into STATIC_ROOT.

    Without it a page that named its files would fail under the manifest storage, so there is simply no map.
    """
    return bool(finders.find(LEAFLET_JS)) or staticfiles_storage.exists(LEAFLET_JS)


def class_points(items) -> list[dict]:
    """A marker for each class in the list that meets at a venue on the map (online classes have none).

    Each link is the page's own address (``page.url``, with the language prefix), worked out from the cached site
    root paths: asking with the request would look the site up in the database on every search. A result card
    (finder.search.cards) brings the address with it, as ``page_url``.
    """
    points = []
    for item in items:
        venue = getattr(item, "venue", None)
        if venue is None or venue.latitude is None or venue.longitude is None:
            continue
        points.append(
            {
                "id": item.pk,
                "title": item.title,
                "url": getattr(item, "page_url", None) or item.url,
                "place": f"{venue.name}, {venue.postcode}",
                "lat": round(venue.latitude, 6),
                "lon": round(venue.longitude, 6),
            }
        )
    return points


def map_context(items, origin=None) -> dict | None:
    """What the map needs, or None for no map: switched off, Leaflet missing, or no class with a place."""
    tiles = settings.FINDER_MAP_TILE_URL
    if not tiles or not leaflet_is_served():
        return None
    points = class_points(items)
    if not points:
        return None
    return {
        "tiles": tiles,
        "attribution": settings.FINDER_MAP_ATTRIBUTION,
        "origin": [round(origin[0], 6), round(origin[1], 6)] if origin else None,
        "classes": points,
        "providerLanguage": PROVIDER_WORDS_LANGUAGE,  # of each class's title and place, marked so in its popup
        "text": {
            "origin": _("The place you searched for"),
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "close": _("Close"),
        },
    }
