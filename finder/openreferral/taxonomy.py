"""The ESOL taxonomy the API publishes: facets of classes and workplace offers as Open Referral terms.

Built from ``finder.vocabularies`` (the one definition of levels, strands, childcare and sectors), so it needs
no query. Term codes are stable ("level:entry-1", "creche", "strand:childcare", "sector:care") and so are their
ids (``ids.term_uid``). Names are published in English whatever language the request asks for.
"""

import functools
from dataclasses import dataclass

from django.db.models import Model, Q
from django.utils import translation

from finder import vocabularies
from finder.models import WorkplaceOfferPage
from finder.openreferral.ids import term_uid

ESOL_TAXONOMY = "esol"
TAXONOMY_NAME = "ESOL Plus class facets"
TAXONOMY_URI = "https://esolplus.london/openreferral/taxonomies/esol"


@dataclass(frozen=True)
class Taxonomy:
    id: str
    name: str
    description: str
    uri: str
    version: str


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str
    parent: str | None = None

    @property
    def id(self) -> str:
        return term_uid("taxonomy_term", self.code)

    @property
    def parent_id(self) -> str | None:
        return term_uid("taxonomy_term", self.parent) if self.parent else None

    @property
    def uri(self) -> str:
        return f"{TAXONOMY_URI}#{self.code}"


TAXONOMY = Taxonomy(
    id=term_uid("taxonomy", ESOL_TAXONOMY),
    name=TAXONOMY_NAME,
    description="Level, childcare, women-only, ESOL Plus strand and workplace ESOL facets of adult ESOL in London.",
    uri=TAXONOMY_URI,
    version="2",
)


@functools.cache
def terms() -> tuple[Term, ...]:
    """Every term, each parent before its children."""
    with translation.override("en-gb"):
        return (
            Term("level", "ESOL level", "Adult ESOL Core Curriculum level."),
            *(Term(f"level:{code}", name, f"{name} ({cefr})", "level") for code, name, cefr in vocabularies.LEVELS),
            Term("childcare", "Childcare", "Help with childcare while learning."),
            Term("creche", "Crèche on site", "A crèche where the class is held.", "childcare"),
            Term("childcare-support", "Help to pay for childcare", "Help to pay for childcare.", "childcare"),
            Term("women-only", "Women only", "A class for women only."),
            Term("strand", "ESOL Plus strand", "The Mayor of London's ESOL Plus pilot strand."),
            *(Term(f"strand:{value}", str(label), str(label), "strand") for value, label in vocabularies.PILOT_STRANDS),
            Term("workplace-offer", "Workplace ESOL", "ESOL an organisation delivers with employers for their staff."),
            Term("sector", "Employer's sector", "The sectors a workplace ESOL offer is for."),
            *(Term(f"sector:{code}", name, name, "sector") for code, name in vocabularies.INDUSTRY_SECTORS),
        )


def by_id() -> dict[str, Term]:
    return {term.id: term for term in terms()}


def by_code() -> dict[str, Term]:
    return {term.code: term for term in terms()}


def codes_of(listing) -> list[str]:
    """The terms a class or workplace offer carries (leaves only), from its prefetched levels and sectors."""
    levels = [f"level:{level.code}" for level in listing.levels.all()]
    if isinstance(listing, WorkplaceOfferPage):
        return ["workplace-offer", *levels, *(f"sector:{sector.code}" for sector in listing.sectors.all())]
    codes = levels
    if listing.childcare == vocabularies.Childcare.CRECHE:
        codes.append("creche")
    elif listing.childcare == vocabularies.Childcare.SUPPORT:
        codes.append("childcare-support")
    if listing.women_only:
        codes.append("women-only")
    if listing.strand != vocabularies.Strand.NONE:
        codes.append(f"strand:{listing.strand}")
    return codes


def _class_filters() -> dict[str, Q]:
    return {
        "level": Q(levels__isnull=False),
        "childcare": Q(childcare__in=vocabularies.CHILDCARE_OFFERED),
        "creche": Q(childcare=vocabularies.Childcare.CRECHE),
        "childcare-support": Q(childcare=vocabularies.Childcare.SUPPORT),
        "women-only": Q(women_only=True),
        "strand": ~Q(strand=vocabularies.Strand.NONE),
    }


def term_filter(model: type[Model], code: str) -> Q | None:
    """The rows of ``model`` (ClassPage or WorkplaceOfferPage) that carry the term; None if none can.

    The filter may join levels or sectors, so apply it as ``pk__in`` a subquery to keep rows single.
    """
    family, _colon, value = code.partition(":")
    if family == "level":
        return Q(levels__code=value) if value else Q(levels__isnull=False)
    if model is WorkplaceOfferPage:
        if family == "sector":
            return Q(sectors__code=value) if value else Q(sectors__isnull=False)
        return Q() if code == "workplace-offer" else None
    if family == "strand" and value:
        return Q(strand=value)
    return _class_filters().get(code)


def any_term_filter(model: type[Model]) -> Q:
    """The rows of ``model`` that carry at least one term of the taxonomy (every workplace offer does)."""
    if model is WorkplaceOfferPage:
        return Q()
    filters = _class_filters()
    return filters["level"] | filters["childcare"] | filters["women-only"] | filters["strand"]
