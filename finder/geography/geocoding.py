"""Turning what a learner types ("E1 6AN", "e1", "Peckham") into a point, without the network.

``LocalGeocoder`` is a geopy geocoder, so code that takes any geopy geocoder can take it. It
answers from the imported geography in this order: full postcode, sector, outcode, London place
name, and last (only when ``GEOCODER_REMOTE_ENABLED`` is on) a remote geopy geocoder whose
answers are cached in the database.
"""

import functools
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from geopy.exc import GeocoderServiceError, GeopyError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from finder.geography.models import District, GeocodeCacheEntry, Outcode, Place, Postcode, Sector
from finder.geography.postcodes import (
    OUTCODE,
    SECTOR,
    UNIT_POSTCODE,
    format_outcode,
    format_postcode,
    format_sector,
    place_key,
    squash,
)

MAX_QUERY_LENGTH = 60
ALLOWED_CHARACTERS = re.compile(r"^[\w\s,.'’&()-]+$")


class PlaceNotFound(GeopyError):
    """The query can't be placed; ``message`` says why in words a learner can act on."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class _Point:
    latitude: float
    longitude: float
    kind: str
    label: str
    district_code: str = ""
    # Whether its district is a London borough, worked out once with the point and cached with it (None: not known,
    # as in points cached before this was kept).
    in_london_borough: bool | None = None


class LocalGeocoder(Geocoder):
    """Resolves UK postcodes, sectors, outcodes and London place names from the database."""

    def __init__(self, *, remote: Geocoder | None = None, timeout=DEFAULT_SENTINEL, cache_seconds=None):
        super().__init__(timeout=timeout if timeout is not DEFAULT_SENTINEL else settings.GEOCODER_TIMEOUT)
        self.remote = remote
        self.cache_seconds = settings.GEOCODER_CACHE_SECONDS if cache_seconds is None else cache_seconds

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """geopy's contract: a Location, or None when nothing matches."""
        try:
            location = self.resolve(query, timeout=timeout)
        except PlaceNotFound:
            return None
        return location if exactly_one else [location]

    def resolve(self, query: str, *, timeout=DEFAULT_SENTINEL) -> Location:
        """A Location, or PlaceNotFound with a translatable reason."""
        text = " ".join(str(query or "").split())
        if not text:
            raise PlaceNotFound(_("Enter a postcode or a place, like E1 6AN or Peckham."))
        if len(text) > MAX_QUERY_LENGTH:
            raise PlaceNotFound(_("That is too long. Enter a postcode or a place, like E1 6AN or Peckham."))
        if not ALLOWED_CHARACTERS.match(text):
            raise PlaceNotFound(
                _("Use only letters, numbers and spaces. Enter a postcode or a place, like E1 6AN or Peckham.")
            )
        cache_key = "geocode:" + hashlib.sha256(f"{squash(text)}|{place_key(text)}".encode()).hexdigest()
        point = cache.get(cache_key)
        if point is None:
            point = self._find(text, timeout)
            cache.set(cache_key, point, self.cache_seconds)
        in_london_borough = point.in_london_borough
        if in_london_borough is None:
            in_london_borough = District.is_london(point.district_code)
        return Location(
            point.label,
            (point.latitude, point.longitude),
            {
                "kind": point.kind,
                "district_code": point.district_code,
                "in_london_borough": in_london_borough,
                "query": text,
            },
        )

    def _find(self, text: str, timeout) -> _Point:
        squashed = squash(text)
        postcode = format_postcode(text)
        if postcode:
            row = Postcode.objects.filter(postcode=postcode).first()
            if row:
                return _Point(
                    row.latitude,
                    row.longitude,
                    "postcode",
                    row.postcode,
                    row.district_code,
                    District.is_london(row.district_code),
                )
            return self._remote_or_fail(
                text,
                timeout,
                _("We couldn't find the postcode %(postcode)s. Check it, or try just the first part, like %(outcode)s.")
                % {"postcode": postcode, "outcode": postcode.split(" ")[0]},
            )
        has_space = " " in text.strip()
        outcode = format_outcode(text)
        sector = format_sector(text)
        # "E16" is the outcode E16, but "E1 6" is the sector E1 6: a space decides.
        lookups = [(Sector, sector), (Outcode, outcode)] if has_space else [(Outcode, outcode), (Sector, sector)]
        for model, code in lookups:
            if code:
                row = model.objects.filter(code=code).first()
                if row:
                    kind = "sector" if model is Sector else "outcode"
                    return _Point(
                        row.latitude,
                        row.longitude,
                        kind,
                        row.code,
                        row.district_code,
                        District.is_london(row.district_code),
                    )
        place = Place.objects.filter(lookup_key=place_key(text)).order_by("outcode").first()
        if place:
            return _Point(
                place.latitude, place.longitude, "place", f"{place.name}, {place.outcode}", in_london_borough=False
            )
        if OUTCODE.match(squashed) or SECTOR.match(squashed) or UNIT_POSTCODE.match(squashed):
            message = _("We couldn't find the area %(code)s. Check it, or try a full postcode, like E1 6AN.") % {
                "code": sector if has_space and sector else (outcode or sector)
            }
        else:
            message = _(
                "We couldn't find “%(place)s”. Try a postcode, like E1 6AN, or a London place, like Peckham."
            ) % {"place": text}
        return self._remote_or_fail(text, timeout, message)

    def _remote_or_fail(self, text: str, timeout, message) -> _Point:
        if self.remote is None:
            raise PlaceNotFound(message)
        key = place_key(text)[:200]
        entry = GeocodeCacheEntry.objects.filter(query=key).first()
        if entry is None:
            try:
                found = self.remote.geocode(
                    f"{text}, London, UK", timeout=self.timeout if timeout is DEFAULT_SENTINEL else timeout
                )
            except (GeocoderServiceError, GeopyError):
                raise PlaceNotFound(message) from None
            entry = GeocodeCacheEntry.objects.create(
                query=key,
                latitude=found.latitude if found else None,
                longitude=found.longitude if found else None,
                address=(found.address[:300] if found else ""),
            )
        if entry.latitude is None:
            raise PlaceNotFound(message)
        return _Point(entry.latitude, entry.longitude, "remote", entry.address or text, in_london_borough=False)


def remote_geocoder() -> Geocoder | None:
    """Nominatim behind geopy's rate limiter, only when the site has switched it on."""
    if not settings.GEOCODER_REMOTE_ENABLED:
        return None
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    nominatim = Nominatim(user_agent=settings.GEOCODER_USER_AGENT, timeout=settings.GEOCODER_TIMEOUT)

    class _RateLimited:
        geocode = staticmethod(RateLimiter(nominatim.geocode, min_delay_seconds=1, swallow_exceptions=False))

    return _RateLimited()


@functools.lru_cache(maxsize=2)
def _geocoder(remote_enabled: bool) -> LocalGeocoder:
    return LocalGeocoder(remote=remote_geocoder())


def get_geocoder() -> LocalGeocoder:
    """The site's geocoder: built on first use, not at import time, then kept for the process
    (building one sets up geopy's SSL context, which costs tens of milliseconds)."""
    return _geocoder(settings.GEOCODER_REMOTE_ENABLED)
