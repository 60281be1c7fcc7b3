"""Demo venues: on real postcodes of a provider's home borough and the boroughs next to it, named after real places.

A provider's main venue is near the middle of its home borough (the first provider there; a second one's is elsewhere
in it); a busy borough's provider has more venues at home; next door, a venue is near the border with home, in the
busiest of the boroughs it serves. Each is named after the real place nearest its postcode (devtools.demo_finder).
"""

import math

from devtools import london
from devtools.factories import VenueFactory
from finder.geography.models import Place
from finder.models import Postcode, Venue

# The main venue's name by type of provider; the others are named by their kind.
MAIN_VENUE = {"college": "Campus", "council": "Adult Learning Centre", "charity": "Community Centre"}
MAIN_VENUE["employer"] = "Training Centre"
VENUE_KINDS = ["Library", "Children's Centre", "Family Hub", "Community Hub", "Church Hall", "Neighbourhood Centre"]
CRECHE_KINDS = {"Children's Centre", "Family Hub"}
STREETS = ["High Street", "Station Road", "Church Lane", "Park Road", "Market Square", "Victoria Road", "Mill Lane"]
# Venues a provider has: (in its home borough, in the boroughs next to it).
VENUES_BY_HOME = {"busy": (3, 2), "middle": (2, 1), "quiet": (1, 1)}


def postcodes_by_borough(boroughs) -> dict[str, list[tuple[str, float, float]]]:
    """Up to 400 real postcodes per borough, in a fixed order so the seed picks the same ones; the first is the one
    nearest the middle of them (roughly the borough's centre), where a main venue goes."""
    found = {}
    for borough in boroughs:
        rows = list(
            Postcode.objects.filter(district_code=borough.code)
            .order_by("postcode")
            .values_list("postcode", "latitude", "longitude")[::50][:400]
        )
        if not rows:
            continue
        centre = (sum(row[1] for row in rows) / len(rows), sum(row[2] for row in rows) / len(rows))
        nearest = min(rows, key=lambda row: (_km(row[1:], centre), row[0]))
        rows.remove(nearest)
        found[borough.code] = [nearest, *rows]
    return found


def _km(a, b) -> float:
    return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(math.radians(51.5)))


def places_by_outcode() -> dict[str, list[tuple[str, float, float]]]:
    places: dict[str, list] = {}
    for name, outcode, lat, lon in Place.objects.order_by("name").values_list(
        "name", "outcode", "latitude", "longitude"
    ):
        places.setdefault(outcode, []).append((name, lat, lon))
    return places


def _place_name(postcode: str, lat: float, lon: float, places: dict, borough) -> str:
    """The real place nearest a postcode, among the places in its postcode district; else the borough's name."""
    near = [place for place in places.get(postcode.split()[0], []) if "London" not in place[0]]
    if not near:
        return borough.name.split(" and ")[0].split(" upon ")[0]
    return min(near, key=lambda p: _km((p[1], p[2]), (lat, lon)))[0]


def add_venues(rng, provider, kind: str, served, postcodes, places, taken: set, main_taken: set, strand=None):
    """The provider's main venue near the middle of its home borough (the first provider there; a second one's is
    elsewhere in it), more in its home borough, and one in each of the boroughs next to it it serves."""
    at_home, nearby = VENUES_BY_HOME[london.busyness(served[0].name)]
    if kind == "employer":
        at_home, nearby = 1, 1
    venues, main_point = [], None
    # Next door, a provider teaches first where most learners are.
    next_door = sorted(served[1:], key=lambda borough: london.TIERS.index(london.busyness(borough.name)))
    for number, borough in enumerate([served[0]] * at_home + next_door[:nearby]):
        rows = postcodes[borough.code]
        main = number == 0
        if main and borough.code not in main_taken:
            postcode, latitude, longitude = rows[0]
            main_taken.add(borough.code)
        elif borough == served[0]:
            postcode, latitude, longitude = rng.choice(rows[1:] or rows)
        else:  # next door: near the border with home, the nearest to the main venue of a few
            postcode, latitude, longitude = min(
                rng.sample(rows, min(12, len(rows))), key=lambda r: _km(r[1:], main_point)
            )
        main_point = main_point or (latitude, longitude)
        place = _place_name(postcode, latitude, longitude, places, borough)
        kinds = [MAIN_VENUE[kind]] if main else rng.sample(VENUE_KINDS, len(VENUE_KINDS))
        name = next((f"{place} {k}" for k in kinds if f"{place} {k}" not in taken), None)
        name = name or f"{place} {kinds[0]}, {rng.choice(STREETS)}"
        taken.add(name)
        creche_room = any(name.endswith(k) for k in CRECHE_KINDS) or (main and strand == "childcare")
        venues.append(
            VenueFactory.build(
                provider=provider,
                name=name,
                address=f"{rng.randint(1, 250)} {rng.choice(STREETS)}\nLondon",
                postcode=postcode,
                latitude=latitude,
                longitude=longitude,
                borough=borough,
                step_free_access=rng.random() < 0.75,
                access_features=rng.sample(
                    ["hearing_loop", "accessible_toilet", "lift", "quiet_room"], rng.randint(0, 3)
                ),
                has_creche_room=creche_room or rng.random() < 0.2,
                transport_notes=f"Bus {rng.randint(1, 400)} stops outside. {rng.randint(3, 12)} minutes' walk "
                "from the station.",
            )
        )
    Venue.objects.bulk_create(venues)
