from .enquiries import Enquiry
from .geography import District, GeocodeCacheEntry, Outcode, Place, Postcode, Sector
from .pages import ClassPage, ClassSession, ProviderIndexPage, ProviderPage, WorkplaceOfferPage
from .reference import IndustrySector, Language, Level, TargetGroup
from .venues import Venue

__all__ = [
    "ClassPage",
    "ClassSession",
    "District",
    "Enquiry",
    "GeocodeCacheEntry",
    "IndustrySector",
    "Language",
    "Level",
    "Outcode",
    "Place",
    "Postcode",
    "ProviderIndexPage",
    "ProviderPage",
    "Sector",
    "TargetGroup",
    "Venue",
    "WorkplaceOfferPage",
]
