"""Demo initial assessments: three borough hubs with a month of slots, some booked, assessed and placed.

The hubs are demo providers in their own boroughs (Thameside College in Tower Hamlets, Riverbank Women's Centre in
Newham, Southbank Skills College in Lambeth), marked ``assessment_hub``. Each runs a weekly pattern at its venue in
its home borough, one runs a weekly phone pattern too, with the languages its assessors speak and, at one, a crèche.
So that there is something to look at on the assessors' screens and in the coordinators' figures, a few bookings are
made, then their day is moved into the past and they are assessed, with one no-show and one referral to a class.
Bookings go through the booking service (``devtools.assessment_factories.booking_for``); nothing here bypasses the
rules on places. Running it again changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from devtools.assessment_factories import booking_for, slot_for, tomorrow_at
from finder import assessment_services
from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, ClassPage, Language, Level, ProviderPage

WEEKS = 4


@dataclass(frozen=True)
class Pattern:
    hub: str
    weekday: int  # Monday is 0
    times: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639 codes
    mode: str = AssessmentSlot.Mode.IN_PERSON
    places: int = 3
    creche: bool = False


PATTERNS = [
    Pattern("Thameside College", 1, ("10:00", "10:45", "11:30"), ("bn", "so"), creche=True),
    Pattern("Thameside College", 2, ("14:00", "14:30"), ("ar", "bn"), mode=AssessmentSlot.Mode.PHONE, places=1),
    Pattern("Riverbank Women's Centre", 3, ("13:00", "13:45"), ("ur", "pa", "ta"), places=4),
    Pattern("Southbank Skills College", 0, ("18:00", "18:45"), ("pt", "es", "ti")),
]

# (hub, days ago, learner, levels by skill): assessed in the last fortnight; None for the one who did not come.
ASSESSED = [
    ("Thameside College", 6, "Rokeya Begum", {"speaking": "entry-1", "listening": "entry-1", "reading": "pre-entry"}),
    ("Thameside College", 6, "Abdi Hassan", {"speaking": "entry-2", "listening": "entry-2", "writing": "entry-1"}),
    ("Riverbank Women's Centre", 8, "Nasreen Akhtar", {"speaking": "entry-3", "reading": "entry-2"}),
    ("Riverbank Women's Centre", 8, "Kavitha Raman", None),
    ("Southbank Skills College", 13, "Mariana Costa", {"speaking": "level-1", "writing": "entry-3"}),
]
# Upcoming bookings: (hub, learner, language they prefer).
UPCOMING = [
    ("Thameside College", "Sultana Miah", "bn"),
    ("Riverbank Women's Centre", "Farah Iqbal", "ur"),
    ("Southbank Skills College", "Helen Tesfaye", "ti"),
]


def load_assessment_demo(stdout) -> None:
    hubs = {page.title: page for page in ProviderPage.objects.filter(title__in={p.hub for p in PATTERNS})}
    if len(hubs) < len({p.hub for p in PATTERNS}):
        stdout.write("Demo providers missing: demo assessment hubs skipped.")
        return
    if AssessmentSlot.objects.filter(provider__in=hubs.values()).exists():
        return
    today = timezone.localdate()
    languages = {language.code: language for language in Language.objects.all()}
    with transaction.atomic():
        ProviderPage.objects.filter(pk__in=[hub.pk for hub in hubs.values()]).update(assessment_hub=True)
        for pattern in PATTERNS:
            _weekly_slots(hubs[pattern.hub], pattern, today, [languages[code] for code in pattern.languages])
        for number, (hub, learner, language) in enumerate(UPCOMING):
            slot = AssessmentSlot.objects.filter(provider=hubs[hub]).bookable().soonest_first().first()
            booking_for(slot, name=learner, phone=f"07700 900{800 + number:03d}", preferred_language=language)
        for number, (hub, days_ago, learner, levels) in enumerate(ASSESSED):
            _assessed(hubs[hub], today - datetime.timedelta(days=days_ago), learner, levels, number)
    stdout.write(
        f"Demo assessments: {len(hubs)} hubs, {AssessmentSlot.objects.filter(provider__in=hubs.values()).count()} "
        "slots."
    )


def _venue_in_home_borough(hub: ProviderPage):
    """The hub's venue in its own borough (the demo gives every provider one there first)."""
    return hub.venues.filter(live=True).order_by("pk").first()


def _weekly_slots(hub: ProviderPage, pattern: Pattern, today: datetime.date, languages: list) -> None:
    first = today + datetime.timedelta(days=(pattern.weekday - today.weekday()) % 7 or 7)
    venue = _venue_in_home_borough(hub) if pattern.mode == AssessmentSlot.Mode.IN_PERSON else None
    for week in range(WEEKS):
        day = first + datetime.timedelta(weeks=week)
        for time in pattern.times:
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(time)))
            slot_for(
                hub,
                venue,
                starts_at=starts,
                places=pattern.places,
                mode=pattern.mode,
                creche=pattern.creche,
                languages=languages,
            )


def _assessed(hub: ProviderPage, day: datetime.date, learner: str, levels: dict | None, number: int) -> None:
    """A booking made through the service for a slot tomorrow, whose day is then moved into the past (booked five
    days before it): assessed with a result, or marked as not come. The first one is referred to a class."""
    slot = slot_for(hub, _venue_in_home_borough(hub), starts_at=tomorrow_at(8 + number), places=2)
    booking = booking_for(slot, name=learner, phone=f"07700 900{850 + number:03d}")
    booked_at = timezone.make_aware(datetime.datetime.combine(day - datetime.timedelta(days=5), datetime.time(9)))
    AssessmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    )
    AssessmentBooking.objects.filter(pk=booking.pk).update(created_at=booked_at)
    if levels is None:
        assessment_services.mark_attendance(booking, attended=False)
        return
    result = assessment_services.record_result(
        AssessmentResult(
            booking=booking,
            assessed_on=day,
            consent_to_share=True,
            placement_notes="Confident speaker; needs help with reading forms.",
            **{skill: Level.objects.get(code=code) for skill, code in levels.items()},
        )
    )
    if number == 0:
        lowest = min((getattr(result, skill) for skill in levels), key=lambda level: level.sort_order)
        class_page = ClassPage.objects.child_of(hub).live().filter(levels=lowest).first()
        class_page = class_page or ClassPage.objects.child_of(hub).live().first()
        if class_page is not None:
            assessment_services.refer_to_class(result, class_page, referrer_name="Demo assessor")
