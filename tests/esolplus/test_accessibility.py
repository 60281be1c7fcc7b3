"""axe-core finds no WCAG 2.2 A/AA violation on any public page type, in English and in Arabic (RTL)."""

import pytest

from tests.e2e.fixtures import *  # noqa: F403
from tests.e2e.fixtures import set_language
from tests.e2e.pages import LANGUAGES, PUBLIC_PAGES
from tests.e2e.tools import axe, require

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=str)
def test_public_page_has_no_wcag_violations(request, page, live_site, public_page, language):
    require("axe")
    if public_page.geography:
        request.getfixturevalue("geography")
    url = public_page.url()
    set_language(page, language, live_site)
    response = page.goto(url)
    assert response.status == public_page.status
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    axe(page)
