"""Placing a venue on the map from its postcode.

The venue form calls this when an editor saves a draft, so the draft carries its pin and borough
and a coordinator approves exactly what the finder will show; the model itself never reaches the
geocoder. Code that creates venues outside the admin (test factories, demo data) calls it too.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from finder.geography.geocoding import PlaceNotFound, get_geocoder
from finder.geography.models import District
from finder.geography.postcodes import format_postcode
from finder.models import Venue

Position = tuple[str | None, float | None, float | None]  # postcode, latitude, longitude


@dataclass(frozen=True)
class Placement:
    postcode: str
    latitude: float
    longitude: float
    borough: District | None


def place(
    postcode: str, latitude: float | None, longitude: float | None, *, before: Position = (None, None, None)
) -> Placement:
    """Where a venue at ``postcode`` goes: the pin as given, or the postcode's own point.

    The postcode places the pin when there is none yet, or when the postcode changed and the editor
    did not also move the pin (``before`` is what the form started from); a pin moved by hand is kept.
    The borough always follows the postcode's district. Raises ``ValidationError`` on the postcode.
    """
    postcode = Venue.standard_postcode(postcode)
    try:
        location = get_geocoder().resolve(postcode)
    except PlaceNotFound as error:
        raise ValidationError({"postcode": error.message}) from None
    before_postcode, before_latitude, before_longitude = before
    pin_moved = (latitude, longitude) != (before_latitude, before_longitude)
    postcode_changed = postcode != format_postcode(before_postcode or "")
    if latitude is None or longitude is None or (postcode_changed and not pin_moved):
        latitude, longitude = location.latitude, location.longitude
    borough = District.objects.filter(code=location.raw.get("district_code")).first()
    return Placement(postcode=postcode, latitude=latitude, longitude=longitude, borough=borough)


def place_venue(venue: Venue) -> Venue:
    """Places a venue built in code (not through the form): its pin if it has one, else its postcode's."""
    placement = place(venue.postcode, venue.latitude, venue.longitude)
    venue.postcode, venue.latitude, venue.longitude = placement.postcode, placement.latitude, placement.longitude
    venue.borough = placement.borough
    return venue
