"""How far apart two places are: the one definition of the distance a learner is shown, and of "within N km" for
the people waiting for a place nearby.

Distances are geodesic on the WGS84 ellipsoid (Karney's algorithm in PROJ, through pyproj, which the geography
import already needs): the same figures geopy's ``geodesic`` gives, about a hundred times faster, which matters
when every search measures its page of results.
"""

from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
# Near enough everywhere in London for the bounding boxes that narrow a search in the database (refined there by a
# flat-earth distance, ``finder.models.venues.within_km``) and the waiting list's (refined by ``geodesic_km``).
KM_PER_DEGREE_LATITUDE = 111.32

Point = tuple[float, float]  # (latitude, longitude) in degrees


def geodesic_km(a: Point, b: Point) -> float:
    """The geodesic distance between two (latitude, longitude) points, in km."""
    return WGS84.inv(a[1], a[0], b[1], b[0])[2] / 1000
