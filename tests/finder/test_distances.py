"""The distance a learner is shown: geodesic on WGS84, as geopy (Karney's algorithm) measures it."""

import pytest
from geopy.distance import geodesic

from finder.geography.distances import geodesic_km

PLACES = {
    "Whitechapel": (51.51781, -0.07212),
    "Peckham": (51.46944, -0.06939),
    "Harrow": (51.58034, -0.33447),
    "Romford": (51.57761, 0.17757),
}


@pytest.mark.parametrize("a", PLACES.values())
@pytest.mark.parametrize("b", PLACES.values())
def test_matches_geopy_to_the_millimetre(a, b):
    assert geodesic_km(a, b) == pytest.approx(geodesic(a, b).km, abs=1e-6)


def test_is_zero_at_the_same_place_and_the_same_both_ways():
    whitechapel, romford = PLACES["Whitechapel"], PLACES["Romford"]
    assert geodesic_km(whitechapel, whitechapel) == 0
    assert geodesic_km(whitechapel, romford) == pytest.approx(geodesic_km(romford, whitechapel))
    assert 18 < geodesic_km(whitechapel, romford) < 19
