"""Every public page type, for the accessibility and HTML-validity checks; extend PUBLIC_PAGES as pages land.

Each entry makes the content it needs with factories (the browser tests run on a database that is
emptied between tests) and returns the URL to check.
"""

from collections.abc import Callable
from dataclasses import dataclass

LANGUAGES = ["en-gb", "ar"]  # English, and Arabic for right-to-left layout


@dataclass(frozen=True)
class PublicPage:
    name: str
    url: Callable[[], str]
    status: int = 200
    geography: bool = False  # needs the London postcodes (finder searches)

    def __str__(self) -> str:
        return self.name


def _fixed(url: str) -> Callable[[], str]:
    return lambda: url


PUBLIC_PAGES = [
    PublicPage("home", _fixed("/")),
    PublicPage("about-data", _fixed("/about/data/")),
    PublicPage("not-found", _fixed("/no-such-page/"), status=404),
    PublicPage("admin-login", _fixed("/admin/login/")),
    # Add as they land, e.g.:
    # PublicPage("finder-results", _fixed("/find/?where=E1+6AN"), geography=True),
    # PublicPage("finder-error", _fixed("/find/?where=Atlantis"), geography=True),
    # PublicPage("provider", lambda: ProviderPageFactory().url),
    # PublicPage("class", lambda: ClassPageFactory().url, geography=True),
]
