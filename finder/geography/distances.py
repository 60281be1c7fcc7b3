"""How far apart two places are: the one definition of the distance a learner is shown, and of "within N km" for
the people waiting for a place nearby.

Distances are geodesic on the WGS84 ellipsoid (Karney's algorithm in PROJ, through pyproj, which the geography
import already needs): the same figures geopy's ``geodesic`` gives, about a hundred times faster, which matters
when every search measures its page of results.
"""

from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
# Near enough everywhere in London for a bounding box around a search, which a geodesic distance then refines.
KM_PER_DEGREE_LATITUDE = 111.32

Point = tuple[float, float]  # (latitude, longitude) in degrees


def geodesic_km(a: Point, b: Point) -> float:
    """The geodesic distance between two (latitude, longitude) points, in km."""
    return WGS84.inv(a[1], a[0], b[1], b[0])[2] / 1000
