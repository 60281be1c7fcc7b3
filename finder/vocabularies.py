"""What each ESOL term means: the one place for the vocabularies that classes, the finder, the Open Referral UK
taxonomy and the evaluation all describe learning with.

Two kinds live here: fixed choice lists (levels as ranks, skills, strands, time of day, cost, childcare, delivery),
and the seed rows of the vocabularies stored as tables (``finder.models.reference``: levels with CEFR, target
groups, languages, industry sectors), created by data migrations so every site shares the same codes.
Other modules import these; none defines its own copy.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as _

# --- Levels -------------------------------------------------------------------------------------------------
# Adult ESOL Core Curriculum levels, lowest first, with the usual CEFR equivalent. A level's rank is its
# position here, so a rise of one level is +1 (the evaluation stores ranks; the finder stores these codes).

LEVELS = [
    ("pre-entry", _("Pre-entry"), _("below A1")),
    ("entry-1", _("Entry 1"), "A1"),
    ("entry-2", _("Entry 2"), "A2"),
    ("entry-3", _("Entry 3"), "B1"),
    ("level-1", _("Level 1"), "B2"),
    ("level-2", _("Level 2"), "C1"),
]
LEVEL_CODES = [code for code, _name, _cefr in LEVELS]


class EsolLevel(models.IntegerChoices):
    """A level as a rank (0 = Pre-entry); ``LEVEL_CODES[rank]`` is its finder code."""

    PRE_ENTRY = 0, gettext_lazy("Pre-entry")
    ENTRY_1 = 1, gettext_lazy("Entry 1")
    ENTRY_2 = 2, gettext_lazy("Entry 2")
    ENTRY_3 = 3, gettext_lazy("Entry 3")
    LEVEL_1 = 4, gettext_lazy("Level 1")
    LEVEL_2 = 5, gettext_lazy("Level 2")

    @property
    def code(self) -> str:
        return LEVEL_CODES[self.value]

    @classmethod
    def from_code(cls, code: str) -> "EsolLevel | None":
        return cls(LEVEL_CODES.index(code)) if code in LEVEL_CODES else None


class Skill(models.TextChoices):
    """The four language skills a learner is assessed in."""

    SPEAKING = "speaking", gettext_lazy("Speaking")
    LISTENING = "listening", gettext_lazy("Listening")
    READING = "reading", gettext_lazy("Reading")
    WRITING = "writing", gettext_lazy("Writing")


class SkillsFocus(models.TextChoices):
    """What a class concentrates on."""

    ALL = "all", gettext_lazy("All skills")
    SPEAKING_LISTENING = "speaking_listening", gettext_lazy("Speaking and listening")
    READING_WRITING = "reading_writing", gettext_lazy("Reading and writing")
    CONVERSATION = "conversation", gettext_lazy("Conversation practice")
    EXAM = "exam", gettext_lazy("Exam preparation")


# --- ESOL Plus --------------------------------------------------------------------------------------------
class Strand(models.TextChoices):
    """The Mayor's ESOL Plus pilot strands; a class outside the pilots is NONE."""

    CHILDCARE = "childcare", gettext_lazy("ESOL Plus Childcare")
    EMPLOYMENT = "employment", gettext_lazy("ESOL Plus Employment")
    WORKPLACE = "workplace", gettext_lazy("ESOL Plus Workplace")
    ARTS = "arts", gettext_lazy("ESOL Plus Arts")
    NONE = "none", gettext_lazy("Not an ESOL Plus pilot")


PILOT_STRANDS = [(value, label) for value, label in Strand.choices if value != Strand.NONE]


# --- When ---------------------------------------------------------------------------------------------------
MORNING_ENDS = datetime.time(12, 0)
EVENING_STARTS = datetime.time(17, 0)


class TimeOfDay(models.TextChoices):
    """Part of the day a session starts in: morning before 12 noon, evening from 5pm."""

    MORNING = "morning", gettext_lazy("Morning (before 12 noon)")
    AFTERNOON = "afternoon", gettext_lazy("Afternoon (12 noon to 5pm)")
    EVENING = "evening", gettext_lazy("Evening (after 5pm)")

    @classmethod
    def of(cls, start: datetime.time) -> "TimeOfDay":
        if start < MORNING_ENDS:
            return cls.MORNING
        return cls.AFTERNOON if start < EVENING_STARTS else cls.EVENING

    @property
    def start_bounds(self) -> tuple[datetime.time | None, datetime.time | None]:
        """[from, before) start times of this part of the day."""
        return {
            "morning": (None, MORNING_ENDS),
            "afternoon": (MORNING_ENDS, EVENING_STARTS),
            "evening": (EVENING_STARTS, None),
        }[self.value]


class Weekday(models.IntegerChoices):
    MONDAY = 0, gettext_lazy("Monday")
    TUESDAY = 1, gettext_lazy("Tuesday")
    WEDNESDAY = 2, gettext_lazy("Wednesday")
    THURSDAY = 3, gettext_lazy("Thursday")
    FRIDAY = 4, gettext_lazy("Friday")
    SATURDAY = 5, gettext_lazy("Saturday")
    SUNDAY = 6, gettext_lazy("Sunday")


# --- How a class is run -------------------------------------------------------------------------------------
class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", gettext_lazy("In person")
    ONLINE = "online", gettext_lazy("Online")
    BLENDED = "blended", gettext_lazy("In person and online")


class HowToJoin(models.TextChoices):
    DROP_IN = "drop_in", gettext_lazy("Come to a drop-in assessment")
    BOOK = "book", gettext_lazy("Book an assessment")
    REFERRAL = "referral", gettext_lazy("Referral only")


class Cost(models.TextChoices):
    FREE = "free", gettext_lazy("Free")
    FEE = "fee", gettext_lazy("Fee")
    FREE_IF_ELIGIBLE = "free_if_eligible", gettext_lazy("Free if eligible")


# What "free" means when a learner asks for free classes: free for everyone. Classes that are free only for some
# learners count as free when the learner's eligibility check says they qualify (FREE_COSTS_IF_ELIGIBLE).
FREE_COSTS = (Cost.FREE,)
FREE_COSTS_IF_ELIGIBLE = (Cost.FREE, Cost.FREE_IF_ELIGIBLE)


class FeeUnit(models.TextChoices):
    """What a fee pays for, so "£45" always says "£45 a term"."""

    COURSE = "course", gettext_lazy("for the whole course")
    TERM = "term", gettext_lazy("a term")
    SESSION = "session", gettext_lazy("a session")
    HOUR = "hour", gettext_lazy("an hour")


class FreeReason(models.TextChoices):
    """Why a learner may get a "free if eligible" class free: the usual Adult Skills Fund grounds in London."""

    BENEFITS = "benefits", gettext_lazy("You get benefits, for example Universal Credit")
    LOW_PAY = "low_pay", gettext_lazy("You earn less than the London Living Wage")
    UNEMPLOYED = "unemployed", gettext_lazy("You are looking for work")
    ASYLUM = "asylum", gettext_lazy("You have waited 6 months or more for an asylum decision")
    REFUGEE = "refugee", gettext_lazy("You have refugee status or humanitarian protection")
    RESETTLEMENT = (
        "resettlement",
        gettext_lazy("You came through a resettlement scheme (for example Afghan or Ukrainian)"),
    )


class ThingToBring(models.TextChoices):
    """Documents a provider asks a new learner to bring."""

    PHOTO_ID = "photo_id", gettext_lazy("Photo ID, for example a passport")
    PROOF_OF_ADDRESS = "proof_of_address", gettext_lazy("Proof of address, for example a bill")
    BENEFIT_LETTER = "benefit_letter", gettext_lazy("A letter about your benefits")
    IMMIGRATION_DOCUMENT = "immigration_document", gettext_lazy("Your immigration document, for example a BRP or eVisa")
    PAYSLIP = "payslip", gettext_lazy("A recent payslip")
    NI_NUMBER = "ni_number", gettext_lazy("Your National Insurance number")


class Referrer(models.TextChoices):
    """Who can refer a learner to a "referral only" class."""

    ANY_ORGANISATION = "any", gettext_lazy("Any support organisation")
    JOBCENTRE = "jobcentre", gettext_lazy("Jobcentre Plus")
    COUNCIL = "council", gettext_lazy("The council")
    CHARITY = "charity", gettext_lazy("A charity or support worker")


class AccessFeature(models.TextChoices):
    """How a venue is accessible, beyond step-free access."""

    HEARING_LOOP = "hearing_loop", gettext_lazy("Hearing loop")
    ACCESSIBLE_TOILET = "accessible_toilet", gettext_lazy("Accessible toilet")
    LIFT = "lift", gettext_lazy("Lift to all floors")
    QUIET_ROOM = "quiet_room", gettext_lazy("Quiet room")


class Childcare(models.TextChoices):
    CRECHE = "creche", gettext_lazy("Crèche on site")
    SUPPORT = "support", gettext_lazy("Help to pay for childcare")
    NONE = "none", gettext_lazy("No childcare")


# What "with childcare" means when a learner asks for it: a crèche they can leave their child in. Help to pay is
# shown on the class but does not answer "I need a crèche".
CHILDCARE_OFFERED = (Childcare.CRECHE,)


class Places(models.TextChoices):
    AVAILABLE = "available", gettext_lazy("Places available")
    FEW = "few", gettext_lazy("Few places left")
    WAITING_LIST = "waiting_list", gettext_lazy("Waiting list")
    FULL = "full", gettext_lazy("Full")


# Places that a learner can take now; with this many or fewer left, a class has "few places left".
OPEN_PLACES = (Places.AVAILABLE, Places.FEW)
FEW_PLACES_LEFT = 3


# --- Seed rows of the stored vocabularies ---------------------------------------------------------------------

TARGET_GROUPS = [
    ("parents", _("Parents and carers")),
    ("job-seekers", _("People looking for work")),
    ("refugees", _("Refugees and asylum seekers")),
    ("employees", _("People in work")),
    ("older-learners", _("Older learners")),
    ("young-adults", _("Young adults (16 to 24)")),
    ("women", _("Women")),
    ("beginners", _("New arrivals and beginners")),
]

LANGUAGES = [
    ("sq", "Albanian"),
    ("am", "Amharic"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("bg", "Bulgarian"),
    ("zh", "Chinese"),
    ("prs", "Dari"),
    ("fr", "French"),
    ("gu", "Gujarati"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("it", "Italian"),
    ("ku", "Kurdish"),
    ("lt", "Lithuanian"),
    ("ne", "Nepali"),
    ("ps", "Pashto"),
    ("fa", "Persian (Farsi)"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("pa", "Punjabi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("so", "Somali"),
    ("es", "Spanish"),
    ("ta", "Tamil"),
    ("ti", "Tigrinya"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
]

INDUSTRY_SECTORS = [
    ("care", _("Health and social care")),
    ("cleaning", _("Cleaning and facilities")),
    ("construction", _("Construction")),
    ("hospitality", _("Hospitality and catering")),
    ("logistics", _("Transport and logistics")),
    ("manufacturing", _("Manufacturing and food production")),
    ("retail", _("Retail")),
    ("security", _("Security")),
    ("public-sector", _("Public sector")),
    ("other", _("Other")),
]
