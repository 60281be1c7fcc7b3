"""/find/workplace/: offers covering the employer's borough, by sector and group size."""

import pytest
from django.urls import reverse

from devtools.factories import WorkplaceOfferPageFactory
from finder.models import District, IndustrySector
from tests.geodata import postcode_row

pytestmark = pytest.mark.usefixtures("geography")
WORKPLACE = reverse("finder:workplace")


@pytest.fixture
def offers():
    lambeth = District.objects.get(code=postcode_row("SE1 7PB")["district_code"])
    tower_hamlets = District.objects.get(code=postcode_row("E1 6AN")["district_code"])
    care, hospitality = IndustrySector.objects.all()[:2]
    return {
        "care_lambeth": WorkplaceOfferPageFactory(
            sectors=[care], boroughs=[lambeth], min_group_size=4, max_group_size=10
        ),
        "hospitality_both": WorkplaceOfferPageFactory(
            sectors=[hospitality], boroughs=[lambeth, tower_hamlets], min_group_size=8, max_group_size=20
        ),
        "draft": WorkplaceOfferPageFactory(sectors=[care], boroughs=[lambeth], live=False),
        "care": care,
    }


def found(client, query):
    response = client.get(WORKPLACE, query)
    assert response.status_code == 200
    return set(response.context["offers"])


def test_by_postcode_and_borough_name(client, offers):
    assert found(client, {"where": "SE1 7PB"}) == {offers["care_lambeth"], offers["hospitality_both"]}
    assert found(client, {"where": "E1 6AN"}) == {offers["hospitality_both"]}
    assert found(client, {"where": "LAMBETH"}) == {offers["care_lambeth"], offers["hospitality_both"]}


def test_by_sector_and_group_size(client, offers):
    assert found(client, {"where": "SE1 7PB", "sector": offers["care"].code}) == {offers["care_lambeth"]}
    assert found(client, {"where": "SE1 7PB", "group_size": "15"}) == {offers["hospitality_both"]}
    assert found(client, {"group_size": "5"}) == {offers["care_lambeth"]}


def test_bad_input_is_explained(client, offers):
    response = client.get(WORKPLACE, {"where": "ZZ99 9ZZ", "sector": "nope", "group_size": "-3"})
    assert response.status_code == 200
    assert response.context["offers"] is None
    assert set(response.context["form"].errors) == {"where", "sector", "group_size"}


def test_null_characters_and_script_tags_are_form_errors(client, offers):
    for where in ("SE1\x007PB", "<script>alert(1)</script>"):
        response = client.get(WORKPLACE, {"where": where})
        assert response.status_code == 200
        assert "where" in response.context["form"].errors
        assert b"<script>alert(1)</script>" not in response.content
