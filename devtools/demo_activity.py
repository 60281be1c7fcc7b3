"""Demo activity on the demo classes: enquiries, waiting lists, problem reports and employers' enquiries.

So that every screen has something to show: each provider's inbox has enquiries, some just in, some answered with a
note and a colleague assigned, some past the response deadline and never answered (the overdue list); full classes
have people waiting (and one area list per level); a few learners reported a problem with a listing, two of them
confirmed by a coordinator. Assessment bookings are devtools.demo_assessments'. Every record has a fixed submission
key, so running the demo again adds nothing; records made by a person in the demo are left as they are.
"""

import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from devtools.factories import EnquiryFactory
from devtools.waiting_factories import WaitingListEntryFactory
from finder.models import ClassPage, EmployerEnquiry, Enquiry, EnquiryNote, Level, WaitingListEntry, WorkplaceOfferPage
from finder.models.problems import ProblemReport

SEED = 20261130
NAMESPACE = uuid.UUID("6f1d7c1e-9a51-4c5e-a3a8-0d3a5c1f2b15")  # demo submission keys: uuid5 of this and a name
FIRST_NAMES = ["Amina", "Rokeya", "Hodan", "Maryam", "Olena", "Ana", "Bilal", "Sahra", "Tariq", "Nadia", "Yusuf"]
FIRST_NAMES += ["Iryna", "Farida", "Mehmet", "Luis", "Shirin", "Abdi", "Teodora", "Kamal", "Mariam", "Dawit"]
LAST_NAMES = ["Ali", "Hassan", "Begum", "Kowalska", "Shevchenko", "Silva", "Ahmed", "Osman", "Popescu", "Khan"]
LAST_NAMES += ["Yilmaz", "Rahimi", "Tesfaye", "Uddin", "Haidari", "Costa", "Mohamud", "Nowak", "Abebe", "Sultani"]
LANGUAGES = ["bn", "so", "ar", "ur", "pl", "uk", "pt", "ro", "ti", "fa", "tr", "es", ""]
# (status, days since it was sent, days to the first answer, share): new ones just in or overdue, then answered.
FATES = [
    ("new", (0, 4), None, 30),
    ("overdue", (12, 26), None, 20),
    ("contacted", (3, 20), (1, 3), 25),
    ("assessed", (15, 40), (1, 4), 10),
    ("enrolled", (20, 60), (1, 4), 10),
    ("not_suitable", (10, 40), (1, 5), 5),
]
NOTES = {
    "contacted": [
        "Called and left a message. Will try again on Thursday morning.",
        "Spoke to her in her own language with a colleague: she will come to the next drop-in.",
        "Sent the assessment times by text; she asked for an afternoon.",
    ],
    "assessed": ["Assessed: Entry 1 speaking, pre-entry writing. Offered a place from next term."],
    "enrolled": ["Enrolled after the assessment. Starts next week; crèche place booked."],
    "not_suitable": ["Already at Level 2: told him about the college's GCSE English course instead."],
}
REFERRERS = {
    "jobcentre": ("Sam Taylor", "Jobcentre Plus"),
    "council": ("Priya Shah", "Council housing support team"),
    "charity": ("Joe Murphy", "Refugee advice project"),
    "any": ("Chris Adeyemi", "Citizens Advice"),
}
PROBLEMS = [
    ("times", "The class is on Wednesday now, not Tuesday.", "new"),
    ("contact", "", "new"),
    ("no_reply", "I sent my details three weeks ago and nobody called.", "new"),
    ("other", "The entrance is round the back, by the car park. There is no sign.", "new"),
    ("ended", "The teacher told us this class finished in the summer.", "confirmed"),
    ("place", "The centre has moved to the library on the same road.", "confirmed"),
]


def key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def load_activity_demo(stdout, setups, demo_editor) -> None:
    now = timezone.now()
    with transaction.atomic():
        enquiries = _enquiries(random.Random(f"{SEED}-enquiries"), setups, demo_editor, now)
        waiting = _waiting_lists(random.Random(f"{SEED}-waiting"), now)
        problems = _problem_reports(random.Random(f"{SEED}-problems"), setups, now)
        employers = _employer_enquiries(random.Random(f"{SEED}-employers"), now)
    stdout.write(
        f"Demo activity: {Enquiry.objects.filter(submission_key__in=enquiries).count()} enquiries, "
        f"{WaitingListEntry.objects.filter(submission_key__in=waiting).count()} people on waiting lists, "
        f"{ProblemReport.objects.filter(submission_key__in=problems).count()} problem reports, "
        f"{EmployerEnquiry.objects.filter(submission_key__in=employers).count()} employers' enquiries."
    )


def _person(rng) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    number = rng.randrange(1000)
    contact = {"phone": f"07700 900{number:03d}"}
    if rng.random() < 0.4:
        contact["email"] = f"{first}.{last}{number}@example.org".lower()
    return {"name": f"{first} {last}", **contact}


def _enquiries(rng, setups, demo_editor, now) -> list[uuid.UUID]:
    """Two to four enquiries for each provider (eight for the demo editor's, one of each fate and more)."""
    keys = []
    for index, setup in enumerate(setups):
        classes = list(ClassPage.objects.child_of(setup.provider).live().order_by("path"))
        if not classes:
            continue
        fates = [fate[0] for fate in FATES] + ["new", "overdue"] if index == 0 else []
        fates += rng.choices([f[0] for f in FATES], weights=[f[3] for f in FATES], k=rng.randint(2, 4))
        editor = demo_editor if index == 0 else setup.editor
        for number, fate in enumerate(fates):
            keys.append(_enquiry(rng, f"enquiry-{index}-{number}", rng.choice(classes), fate, editor, now))
    return keys


def referral_for(class_page) -> dict:
    """A "referral only" class is enquired about by the adviser its provider takes referrals from."""
    if class_page.how_to_join != ClassPage.HowToJoin.REFERRAL:
        return {}
    referrer, organisation = REFERRERS[class_page.referral_by[0]]
    return {
        "referrer_name": referrer,
        "referrer_organisation": organisation,
        "referrer_phone": "020 7946 0999",
        "learner_agreed_to_referral": True,
    }


def _enquiry(rng, name: str, class_page, fate: str, editor, now) -> uuid.UUID:
    person = _person(rng)
    _status, (oldest, newest), answer, _share = next(f for f in FATES if f[0] == fate)
    sent = now - datetime.timedelta(days=rng.randint(oldest, newest), hours=rng.randint(0, 8))
    answered = sent + datetime.timedelta(days=rng.randint(*answer), hours=2) if answer else None
    referral = referral_for(class_page)
    language = rng.choice(LANGUAGES)
    note = rng.choice(NOTES[fate]) if fate in NOTES else ""
    assigned = editor if answered and rng.random() < 0.7 else None
    best_time = rng.choice([c for c, _ in Enquiry.BestTime.choices])
    if Enquiry.objects.filter(submission_key=key(name)).exists():
        return key(name)
    enquiry = EnquiryFactory(
        class_page=class_page,
        preferred_language=language,
        site_language=language if language in ("ar", "bn", "so", "uk", "pl", "ur") else "en-gb",
        best_time=best_time,
        status="new" if fate == "overdue" else fate,
        submission_key=key(name),
        assigned_to=assigned,
        **person,
        **referral,
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(
        created_at=sent, updated_at=answered or sent, first_response_at=answered
    )
    if note:
        written = EnquiryNote.objects.create(enquiry=enquiry, author=editor, text=note, submission_key=key(name + "n"))
        EnquiryNote.objects.filter(pk=written.pk).update(created_at=answered)
    return key(name)


def _waiting_lists(rng, now) -> list[uuid.UUID]:
    """One to three people waiting for each full class (a few told a place is open, one who joined), and a few
    waiting for any class at a level near a venue."""
    keys = []
    full = ClassPage.objects.live().filter(capacity__isnull=False, enrolled__gte=1).order_by("path")
    full = [page for page in full if page.enrolled == page.capacity][:25]
    for index, page in enumerate(full):
        for number in range(rng.randint(1, 3)):
            status = rng.choices(["waiting", "told", "joined"], weights=[8, 2, 1])[0]
            keys.append(_waiting(rng, f"waiting-{index}-{number}", now, status=status, class_page=page))
    levels = list(Level.objects.order_by("sort_order")[:4])
    venues = [page.venue for page in ClassPage.objects.live().exclude(venue=None).order_by("path")[::40]]
    for index, venue in enumerate(venues[:8]):
        waiting = _waiting(
            rng,
            f"waiting-area-{index}",
            now,
            status="waiting",
            class_page=None,
            level=levels[index % len(levels)],
            area=venue.postcode,
            latitude=venue.latitude,
            longitude=venue.longitude,
            radius_km=rng.choice([3, 5, 8]),
        )
        keys.append(waiting)
    return keys


def _waiting(rng, name: str, now, *, status: str, **fields) -> uuid.UUID:
    person = _person(rng)
    joined = now - datetime.timedelta(days=rng.randint(2, 70))
    told = joined + datetime.timedelta(days=rng.randint(1, 30)) if status != "waiting" else None
    language = rng.choice(LANGUAGES)
    if WaitingListEntry.objects.filter(submission_key=key(name)).exists():
        return key(name)
    entry = WaitingListEntryFactory(
        status=status, submission_key=key(name), preferred_language=language, **person, **fields
    )
    WaitingListEntry.objects.filter(pk=entry.pk).update(created_at=joined, updated_at=told or joined, told_at=told)
    return key(name)


def _problem_reports(rng, setups, now) -> list[uuid.UUID]:
    """Six reports about classes of different providers, the first about the demo editor's; the last two confirmed
    by the demo coordinator (the listing then says a problem was reported)."""
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    keys = [key(f"problem-{index}") for index in range(len(PROBLEMS))]
    for index, (kind, note, status) in enumerate(PROBLEMS):
        provider = setups[(index * 6) % len(setups)].provider
        page = ClassPage.objects.child_of(provider).live().order_by("path").last()
        language = rng.choice(["en-gb", "ar", "bn", "so"])
        if page is None or ProblemReport.objects.filter(submission_key=keys[index]).exists():
            continue
        report = ProblemReport.objects.create(
            page=page,
            kind=kind,
            note=note,
            site_language=language,
            status=status,
            handled_by=coordinator if status == "confirmed" else None,
            submission_key=keys[index],
        )
        ProblemReport.objects.filter(pk=report.pk).update(created_at=now - datetime.timedelta(days=index * 3 + 1))
    return keys


def _employer_enquiries(rng, now) -> list[uuid.UUID]:
    keys = [key(f"employer-{index}") for index in range(3)]
    employers = [("Riverside Care Homes", "care home manager"), ("Bankside Hotel", "HR manager")]
    employers += [("Green Street Cleaning Ltd", "operations manager")]
    offers = list(WorkplaceOfferPage.objects.live().order_by("path")[:3])
    for index, (offer, (organisation, job)) in enumerate(zip(offers, employers, strict=False)):
        name, staff = _person(rng)["name"], rng.choice([6, 9, 14])
        if EmployerEnquiry.objects.filter(submission_key=keys[index]).exists():
            continue
        enquiry = EmployerEnquiry.objects.create(
            workplace_offer=offer,
            organisation=organisation,
            name=name,
            job_title=job.capitalize(),
            email=f"training@{organisation.split()[0].lower()}.example.org",
            staff_count=staff,
            message="Several of our staff would like English classes. Could you teach on site, before shifts?",
            consent_to_contact=True,
            site_language="en-gb",
            status="new" if index else "contacted",
            submission_key=keys[index],
        )
        EmployerEnquiry.objects.filter(pk=enquiry.pk).update(created_at=now - datetime.timedelta(days=2 + index * 5))
    return keys
