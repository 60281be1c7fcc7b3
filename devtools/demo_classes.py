"""What a demo class is: who it is for, when it meets, what it is called and says, how to join and what it costs.

Each class is drawn for one audience (everyday English, parents, job seekers, people in work, a conversation club,
beginners, an exam course, a women's group), and its facts agree with one another as a provider's would: a
referral-only class says who refers, a drop-in class says when and where the drop-in is, a crèche is offered only in
the daytime at a venue with a crèche room, a fee has an amount and a unit, and "free if eligible" says for whom.
Summaries name the venue (or, online, the provider), so no two providers' classes read alike.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

MORNING = (("09:30", "11:30"), ("09:30", "12:00"), ("10:00", "12:00"), ("10:00", "12:30"))
SCHOOL_HOURS = (("09:30", "11:30"), ("09:15", "11:45"), ("12:45", "14:45"), ("13:00", "14:45"))
AFTERNOON = (("12:30", "14:30"), ("13:00", "15:00"), ("13:30", "15:30"))
BETWEEN_SHIFTS = (("14:00", "16:00"), ("14:30", "16:30"))
EVENING = (("18:00", "20:00"), ("18:30", "20:30"), ("19:00", "21:00"))
SATURDAY = ("10:00", "13:00")
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

REFERRERS = {
    "jobcentre": "your Jobcentre work coach",
    "council": "a council adviser",
    "charity": "a charity or support worker",
    "any": "any support organisation",
}
FREE_FOR_WORDS = {
    "benefits": "you get Universal Credit or another benefit",
    "low_pay": "you earn less than the London Living Wage",
    "unemployed": "you are looking for work",
    "asylum": "you have waited 6 months or more for an asylum decision",
    "refugee": "you have refugee status",
    "resettlement": "you came through a resettlement scheme",
}
BRING_FOR = {"benefits": "benefit_letter", "unemployed": "benefit_letter", "low_pay": "payslip"}
QUALIFICATIONS = ["ESOL Skills for Life", "Trinity ESOL Skills for Life", "Ascentis ESOL Skills for Life"]


@dataclass(frozen=True)
class Audience:
    code: str
    titles: tuple[str, ...]  # {level}: the class's levels, such as "Entry 1" or "Entry 2 and Entry 3"
    summaries: tuple[str, ...]  # {where}: "at <venue>", or "online with <provider>"; {level} as above
    levels: tuple[int, ...]  # weights of pre-entry … Level 2 as the class's first level
    times: tuple[tuple[str, str], ...]
    days: tuple[int, ...]  # days a week, drawn from these
    groups: tuple[str, ...]  # target group codes ("" for none)
    skills: tuple[str, ...]
    join: dict[str, int]
    cost: dict[str, int]
    free_for: tuple[str, ...] = ("benefits", "low_pay")
    referrers: tuple[str, ...] = ("council", "charity", "any")
    online: float = 0.08  # the share taught online
    saturday: float = 0.0


EVERYDAY = Audience(
    "everyday",
    ("{level} ESOL", "{level} English for everyday life", "{level} English: speaking, listening, reading and writing"),
    (
        "Everyday English for shops, buses, the GP and your child's school, in a small friendly group {where}.",
        "Speaking, listening, reading and writing at {level}, {where}. We check your level before you start.",
        "Learn the English you need for letters, phone calls and appointments, in a friendly class {where}.",
        "Build your confidence in English for daily life, with a patient tutor {where}.",
        "Grammar, vocabulary and plenty of speaking practice for {level} learners, {where}.",
    ),
    (1, 4, 4, 3, 2, 1),
    MORNING + AFTERNOON + EVENING,
    (1, 2, 2),
    ("", "", "older-learners", "refugees", "young-adults"),
    ("all", "all", "speaking_listening", "reading_writing"),
    {"drop_in": 3, "book": 3, "referral": 1},
    {"free": 5, "free_if_eligible": 3, "fee": 2},
    saturday=0.12,
)
PARENTS = Audience(
    "parents",
    ("English for parents ({level})", "Family English: {level}", "{level} English for parents and carers"),
    (
        "For parents and carers: talk to teachers, read letters from school and help with homework, {where}.",
        "English for family life: the school run, the health visitor and the GP, {where}, in school hours.",
        "Learn English while your children are at school or nursery, {where}. Parents of all ages welcome.",
    ),
    (1, 4, 4, 2, 0, 0),
    SCHOOL_HOURS,
    (1, 2),
    ("parents",),
    ("all", "speaking_listening"),
    {"drop_in": 2, "book": 3, "referral": 1},
    {"free": 6, "free_if_eligible": 3},
    free_for=("benefits", "low_pay", "refugee"),
    online=0.0,
)
JOBS = Audience(
    "jobs",
    ("English for work ({level})", "ESOL for job seekers: {level}", "Job-ready English ({level})"),
    (
        "English for finding work: CVs, application forms and interview practice, {where}.",
        "For people looking for work: the English for job searches, phone calls and interviews, {where}.",
        "Get ready for work in English: forms, emails and talking to employers, {where}.",
    ),
    (0, 2, 4, 4, 2, 1),
    MORNING + AFTERNOON,
    (2,),
    ("job-seekers",),
    ("all",),
    {"referral": 3, "book": 2, "drop_in": 1},
    {"free": 3, "free_if_eligible": 4},
    free_for=("unemployed", "benefits"),
    referrers=("jobcentre", "council", "charity"),
)
WORKPLACE = Audience(
    "workplace",
    ("English at work: {level}", "Workplace English ({level})", "English for your job ({level})"),
    (
        "English for people in work: talking to colleagues and customers, reading rotas and forms, {where}.",
        "Planned around shifts: the English you use at work, from safety notices to team meetings, {where}.",
        "Better English for your job and your next step at work, {where}.",
    ),
    (0, 2, 4, 4, 2, 1),
    BETWEEN_SHIFTS + EVENING,
    (1, 2),
    ("employees",),
    ("all", "speaking_listening"),
    {"book": 4, "referral": 1},
    {"free_if_eligible": 4, "fee": 2, "free": 1},
    free_for=("low_pay",),
    referrers=("any",),
    online=0.2,
)
CONVERSATION = Audience(
    "conversation",
    ("English conversation café", "Conversation club", "Let's talk: English conversation group"),
    (
        "A relaxed conversation group {where}: tea, chat and new friends. Come along any week.",
        "Practise speaking English with volunteers and other learners, {where}. No need to book.",
        "Talk about everyday topics and meet people from your area, {where}, for anyone who can say a little in "
        "English.",
    ),
    (1, 3, 3, 2, 0, 0),
    MORNING + AFTERNOON,
    (1,),
    ("", "older-learners", "refugees"),
    ("conversation",),
    {"drop_in": 1},
    {"free": 1},
    online=0.0,
    saturday=0.25,
)
BEGINNERS = Audience(
    "beginners",
    ("English for beginners", "First steps in English", "{level} English for new arrivals"),
    (
        "New to English? Start here, at your own pace, {where}.",
        "For people learning to read and write for the first time, in English or any language. Small groups {where}.",
        "Your first English class in London: greetings, numbers, shopping and asking for help, {where}.",
    ),
    (5, 3, 0, 0, 0, 0),
    MORNING + AFTERNOON,
    (2,),
    ("beginners", "refugees"),
    ("speaking_listening", "reading_writing"),
    {"drop_in": 2, "book": 2, "referral": 1},
    {"free": 6, "free_if_eligible": 2},
    free_for=("asylum", "refugee", "resettlement", "benefits"),
    online=0.0,
    saturday=0.1,
)
EXAM = Audience(
    "exam",
    ("{level} ESOL exam course", "{level} ESOL Skills for Life", "ESOL qualification: {level}"),
    (
        "Work towards your {level} certificate in speaking, listening, reading and writing, {where}.",
        "An exam course for confident learners: practice papers, writing feedback and a speaking test, {where}.",
        "Get a qualification employers and colleges know. {level} ESOL exam preparation {where}.",
    ),
    (0, 0, 1, 3, 4, 3),
    EVENING + MORNING,
    (2,),
    ("", "young-adults", "employees"),
    ("exam",),
    {"book": 3, "drop_in": 1},
    {"fee": 3, "free_if_eligible": 3, "free": 1},
    online=0.15,
    saturday=0.1,
)
WOMEN = Audience(
    "women",
    ("Women's English group ({level})", "English for women: {level}", "Women's English and conversation"),
    (
        "A women-only class with a woman tutor, {where}. Bring a friend.",
        "English for women in a safe, friendly space {where}, with time to talk about health, school and family.",
        "Meet other women and learn English together, {where}, while the children are at school.",
    ),
    (3, 4, 3, 2, 0, 0),
    SCHOOL_HOURS,
    (1, 2),
    ("women",),
    ("all", "speaking_listening"),
    {"drop_in": 2, "book": 2, "referral": 1},
    {"free": 1},
    online=0.0,
)
AUDIENCES = {a.code: a for a in (EVERYDAY, PARENTS, JOBS, WORKPLACE, CONVERSATION, BEGINNERS, EXAM, WOMEN)}

# Which audiences each kind of provider teaches, and how often.
MIX = {
    "college": {"everyday": 4, "exam": 3, "jobs": 2, "beginners": 2, "parents": 1},
    "council": {"everyday": 4, "parents": 2, "beginners": 2, "jobs": 2, "conversation": 1, "exam": 1, "women": 1},
    "charity": {"everyday": 2, "conversation": 3, "women": 2, "parents": 2, "beginners": 3, "jobs": 1},
    "employer": {"workplace": 6, "exam": 1},
}
# The audience of a class in an ESOL Plus pilot strand.
STRAND_AUDIENCE = {"childcare": "parents", "employment": "jobs", "workplace": "workplace"}


@dataclass
class Where:
    """Where a class is taught: a venue (None online), and the provider's main venue for an online class's drop-in."""

    mode: str
    venue: object
    main_venue: object


def draw_class(rng, provider, audience: Audience, where: Where, levels, groups: dict, today, strand=None):
    """The facts of one class, as keyword arguments for ``ClassPageFactory.build`` plus its sessions, levels and
    target groups: ``(fields, sessions, levels, groups)``."""
    first = rng.choices(range(len(levels)), weights=audience.levels)[0]
    class_levels = levels[first : first + rng.choice([1, 1, 2])]
    level = " and ".join(lv.name for lv in class_levels)
    venue = where.venue
    saturday = strand is None and rng.random() < audience.saturday
    start, end = SATURDAY if saturday else rng.choice(audience.times)
    # A pilot cohort meets once a week on a weekday, so a class in a pilot strand does too.
    days = [5] if saturday else sorted(rng.sample(range(5), 1 if strand else rng.choice(audience.days)))
    sessions = [(day, start, end) for day in days]
    daytime = start < "15:00"
    creche = bool(venue and venue.has_creche_room and daytime and audience.code in ("parents", "women"))
    cost = _weighted(rng, audience.cost)
    free_for = (
        sorted(rng.sample(audience.free_for, min(2, len(audience.free_for)))) if cost == "free_if_eligible" else []
    )
    how = _weighted(rng, audience.join)
    referral_by = sorted(rng.sample(audience.referrers, min(2, len(audience.referrers)))) if how == "referral" else []
    referral_by = ["any"] if "any" in referral_by else referral_by
    drop_in = _drop_in(rng, days, start) if how == "drop_in" else None
    if how == "drop_in" and audience.code == "conversation":
        drop_in = (days[0], start, end)  # the club itself is the drop-in
    place = f"at {venue.name}" if venue else f"online with {provider.title}"
    if where.mode == "blended":
        place += " and online"
    summary = rng.choice(audience.summaries).format(where=place, level=level)
    ages = (rng.choice([3, 6, 12]), rng.choice([48, 60])) if creche else (None, None)
    if creche:
        summary += f" Free crèche for children from {ages[0]} months to {ages[1] // 12} years."
    title = rng.choice(audience.titles).format(level=level)
    accredited = audience.code == "exam" or (first >= 2 and rng.random() < 0.15)
    fee = Decimal(rng.choice([35, 45, 60, 90, 120, 175])) if cost == "fee" else None
    capacity = None if audience.code == "conversation" else rng.choice([12, 14, 16, 18, 20])
    # Most classes have places worked out from their size; about one in six is full.
    enrolled = capacity if capacity and rng.random() < 0.17 else capacity and rng.randint(capacity // 2, capacity - 1)
    # Most listings were checked lately; some are over three months old (the learner sees a gentle warning), none so
    # old that the finder hides it.
    checked_days_ago = rng.randint(91, 140) if rng.random() < 0.15 else rng.randint(0, 60)
    rolling = audience.code in ("conversation", "beginners") or rng.random() < 0.4
    term_start = today + datetime.timedelta(days=rng.randint(-40, 40))
    end_date = term_start + datetime.timedelta(days=rng.randint(70, 240)) if not rolling or rng.random() < 0.5 else None
    if end_date and end_date < today + datetime.timedelta(days=14):
        end_date = today + datetime.timedelta(days=60)
    fields = {
        "title": title,
        "summary": summary,
        "delivery_mode": where.mode,
        "venue": venue,
        "skills_focus": rng.choice(audience.skills),
        "start_date": None if rolling else term_start,
        "end_date": end_date,
        "rolling_enrolment": rolling,
        "how_to_join": how,
        "joining_notes": _joining_notes(how, provider, where, drop_in, referral_by, audience.code == "conversation"),
        "drop_in_weekday": drop_in[0] if drop_in else None,
        "drop_in_start": time(drop_in[1]) if drop_in else None,
        "drop_in_end": time(drop_in[2]) if drop_in else None,
        "referral_by": referral_by,
        "what_to_bring": ["photo_id", "proof_of_address", *sorted({BRING_FOR[r] for r in free_for if r in BRING_FOR})],
        "cost": cost,
        "fee_amount": fee,
        "fee_unit": rng.choice(["term", "course"]) if fee else "",
        "concession_fee": (fee / 2).quantize(Decimal(1)) if fee and rng.random() < 0.5 else None,
        "free_for": free_for,
        "eligibility": _eligibility(free_for),
        "childcare": "creche" if creche else ("support" if audience.code == "parents" else "none"),
        "creche_from_months": ages[0],
        "creche_to_months": ages[1],
        "women_only": audience.code == "women",
        "strand": strand or "none",
        "accredited": accredited,
        "qualification": f"{rng.choice(QUALIFICATIONS)} {class_levels[0].name}" if accredited else "",
        "capacity": capacity,
        "enrolled": enrolled,
        "next_intake": today + datetime.timedelta(days=rng.randint(30, 120)),
        "contact_phone": provider.phone,
        "contact_email": provider.email,
        "last_checked": today - datetime.timedelta(days=checked_days_ago),
    }
    target = [groups[code] for code in {rng.choice(audience.groups)} | ({"women"} if fields["women_only"] else set())]
    return fields, sessions, class_levels, [g for g in target if g is not None]


def time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


def _weighted(rng, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _drop_in(rng, days: list[int], start: str) -> tuple[int, str, str]:
    """The weekly drop-in assessment: before an evening class starts, otherwise a morning or early afternoon."""
    if start >= "17:00":
        return days[0], "17:00", "18:00"
    return rng.randrange(5), *rng.choice([("10:00", "12:00"), ("13:00", "15:00"), ("09:30", "11:00")])


def _joining_notes(how: str, provider, where: Where, drop_in, referral_by: list[str], club: bool) -> str:
    if how == "drop_in" and club:
        day, start, end = drop_in
        return f"No need to book: just come along on {DAY_NAMES[day]}s between {start} and {end}."
    if how == "drop_in":
        day, start, end = drop_in
        venue = where.venue or where.main_venue
        return (
            f"Come to our drop-in at {venue.name} on {DAY_NAMES[day]}s from {start} to {end}. "
            "We check your level and find you a place; it takes about half an hour."
        )
    if how == "book":
        kind = "a phone or video assessment" if where.mode == "online" else "an assessment"
        return f"Call {provider.phone} or email {provider.email} to book {kind}. We will find a time that suits you."
    who = " or ".join(REFERRERS[code] for code in referral_by)
    return f"Referral only: {who} can refer you. Ask them to contact us with your details."


def _eligibility(free_for: list[str]) -> str:
    if not free_for:
        return ""
    return "Free if " + " or if ".join(FREE_FOR_WORDS[code] for code in free_for) + "."


def choose_audience(rng, kind: str) -> Audience:
    return AUDIENCES[_weighted(rng, MIX[kind])]


def distinct_title(title: str, sessions, taken: set[str]) -> str:
    """A provider's two classes never share a title: the second says when it meets."""
    if title in taken:
        days = " and ".join(DAY_NAMES[day] for day, _start, _end in sessions)
        start = sessions[0][1]
        part = "mornings" if start < "12:00" else "afternoons" if start < "17:00" else "evenings"
        title = f"{title}, {days} {part}"
    taken.add(title)
    return title
