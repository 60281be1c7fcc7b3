from finder.geography.models import District, GeocodeCacheEntry, Outcode, Place, Postcode, Sector

from .assessments import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot
from .classes import ClassPage, ClassSession
from .demand import SearchDemand
from .eligibility import EligibilityRules
from .enquiries import EmployerEnquiry, Enquiry, EnquiryNote
from .problems import ProblemReport
from .providers import ProviderIndexPage, ProviderPage
from .reference import IndustrySector, Language, Level, TargetGroup
from .venues import Venue
from .waiting import WaitingListEntry
from .workplace import WorkplaceOfferPage

__all__ = [
    "AssessmentBooking",
    "AssessmentResult",
    "AssessmentResultLookup",
    "AssessmentSlot",
    "ClassPage",
    "ClassSession",
    "District",
    "EligibilityRules",
    "EmployerEnquiry",
    "Enquiry",
    "EnquiryNote",
    "GeocodeCacheEntry",
    "IndustrySector",
    "Language",
    "Level",
    "Outcode",
    "Place",
    "Postcode",
    "ProblemReport",
    "ProviderIndexPage",
    "ProviderPage",
    "SearchDemand",
    "Sector",
    "TargetGroup",
    "Venue",
    "WaitingListEntry",
    "WorkplaceOfferPage",
]
