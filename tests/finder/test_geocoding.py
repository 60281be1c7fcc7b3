import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.functional import Promise
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from finder.geography.geocoding import LocalGeocoder, PlaceNotFound, get_geocoder
from finder.models import GeocodeCacheEntry
from tests.geodata import area_row, place_rows, postcode_row

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def geocoder():
    return LocalGeocoder()


def test_is_a_geopy_geocoder(geocoder):
    assert isinstance(geocoder, Geocoder)
    assert isinstance(geocoder.geocode("E1 6AN"), Location)


@pytest.mark.parametrize("query", ["E1 6AN", "e16an", " E1  6AN ", "e1 6an"])
def test_full_postcode_in_any_case_and_spacing(geocoder, query):
    row = postcode_row("E1 6AN")
    location = geocoder.geocode(query)
    assert location.point.latitude == pytest.approx(float(row["lat"]))
    assert location.point.longitude == pytest.approx(float(row["lon"]))
    assert location.point.latitude == pytest.approx(51.5189, abs=1e-3)
    assert location.point.longitude == pytest.approx(-0.0785, abs=1e-3)
    assert location.raw["kind"] == "postcode"
    assert location.raw["district_code"] == row["district_code"]


@pytest.mark.parametrize("query", ["e1", "E1", " e1 "])
def test_outcode_resolves_to_district_centroid(geocoder, query):
    row = area_row("gb_outcodes.csv", "E1")
    location = geocoder.geocode(query)
    assert location.raw["kind"] == "outcode"
    assert (location.latitude, location.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


def test_sector_with_a_space(geocoder):
    row = area_row("gb_sectors.csv", "E1 6")
    location = geocoder.geocode("e1 6")
    assert location.raw["kind"] == "sector"
    assert (location.latitude, location.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


def test_without_a_space_an_outcode_wins_over_a_sector(geocoder):
    assert geocoder.geocode("E16").raw["kind"] == "outcode"
    assert geocoder.geocode("SW1A1").raw["kind"] == "sector"


def test_unknown_postcode_falls_back_to_nothing_rather_than_its_outcode(geocoder):
    """A mistyped full postcode must not silently become the district: the learner is told."""
    with pytest.raises(PlaceNotFound) as error:
        geocoder.resolve("E1 6ZZ")
    assert "E1 6ZZ" in str(error.value.message)


def test_place_name_peckham_is_in_se15(geocoder):
    (row,) = list(place_rows("Peckham"))
    location = geocoder.geocode("peckham")
    assert location.raw["kind"] == "place"
    assert row["outcode"] == "SE15"
    assert "SE15" in location.address
    assert (location.latitude, location.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


@pytest.mark.parametrize("query", ["Kings Cross", "king's cross", "KING’S CROSS", "kings  cross"])
def test_place_names_ignore_case_and_punctuation(geocoder, query):
    (row,) = place_rows("King's Cross")
    location = geocoder.geocode(query)
    assert location.raw["kind"] == "place"
    assert (location.latitude, location.longitude) == pytest.approx((float(row["lat"]), float(row["lon"])))


def test_unknown_postcode_gets_a_precise_message(geocoder):
    assert geocoder.geocode("ZZ99 9ZZ") is None
    with pytest.raises(PlaceNotFound) as error:
        geocoder.resolve("zz99 9zz")
    message = str(error.value.message)
    assert "ZZ99 9ZZ" in message
    assert "ZZ99" in message
    assert "Check it" in message


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("'; drop table x; --", "Use only letters, numbers and spaces"),
        ("<script>alert(1)</script>", "Use only letters, numbers and spaces"),
        ("", "Enter a postcode or a place"),
        ("   ", "Enter a postcode or a place"),
        ("x" * 200, "too long"),
        ("Narnia", "We couldn't find “Narnia”"),
        ("ZZ9", "We couldn't find the area ZZ9"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_exception(geocoder, query, expected):
    with pytest.raises(PlaceNotFound) as error:
        geocoder.resolve(query)
    assert expected in str(error.value.message)
    assert geocoder.geocode(query) is None


def test_messages_are_translatable(geocoder):
    with pytest.raises(PlaceNotFound) as error:
        geocoder.resolve("")
    assert isinstance(error.value.message, Promise), "the message must be a lazy translation"
    with translation.override("en-gb"):
        assert str(error.value.message)


class FakeRemote:
    """Stands in for Nominatim: tests never touch the network."""

    def __init__(self, answer):
        self.answer = answer
        self.queries = []

    def geocode(self, query, timeout=None):
        self.queries.append(query)
        return self.answer


def test_remote_geocoder_is_off_by_default():
    assert get_geocoder().remote is None


@override_settings(GEOCODER_REMOTE_ENABLED=True, GEOCODER_USER_AGENT="esolplus-tests")
def test_remote_geocoder_can_be_switched_on():
    assert get_geocoder().remote is not None


def test_remote_is_asked_last_and_its_answer_cached_in_the_database():
    remote = FakeRemote(Location("Somewhere, London", (51.5, -0.1), {}))
    geocoder = LocalGeocoder(remote=remote, cache_seconds=0)
    assert geocoder.geocode("E1 6AN").raw["kind"] == "postcode"
    assert remote.queries == []
    first = geocoder.geocode("Somewhere Obscure")
    second = geocoder.geocode("somewhere obscure")
    assert first.raw["kind"] == second.raw["kind"] == "remote"
    assert len(remote.queries) == 1
    assert GeocodeCacheEntry.objects.filter(query="somewhere obscure").exists()


def test_remote_with_no_answer_keeps_the_local_message():
    geocoder = LocalGeocoder(remote=FakeRemote(None), cache_seconds=0)
    with pytest.raises(PlaceNotFound) as error:
        geocoder.resolve("ZZ99 9ZZ")
    assert "ZZ99 9ZZ" in str(error.value.message)


def test_says_whether_the_place_is_in_a_london_borough_and_keeps_that_with_the_cached_answer(
    geocoder, django_assert_num_queries
):
    from finder.geography.models import District, Outcode

    assert not District.objects.get(code="E08000003").is_london_borough  # Manchester, in the imported districts
    Outcode.objects.create(
        code="M1", latitude=53.4776, longitude=-2.2336, postcode_count=1000, district_code="E08000003"
    )
    assert geocoder.resolve("E1 6AN").raw["in_london_borough"] is True
    assert geocoder.resolve("M1").raw["in_london_borough"] is False
    assert geocoder.resolve("Peckham").raw["in_london_borough"] is False  # a place name has no district of its own
    with django_assert_num_queries(0):  # asked again (the finder and the search count both ask): from the cache
        assert geocoder.resolve("e1 6an").raw["in_london_borough"] is True
