"""Every hint and error a field says describes it exists on the page (a screen reader reads them with the field)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("geography")


@pytest.mark.parametrize("query", ["", "?where=Atlantis", "?where=" + "x" * 200, "?radius=7"])
def test_described_by_ids_exist(client, query):
    html = client.get(reverse("finder:find") + query).content.decode()
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = {token for value in re.findall(r'aria-describedby="([^"]+)"', html) for token in value.split()}
    assert described, "the page has described fields"
    assert described <= ids, described - ids
