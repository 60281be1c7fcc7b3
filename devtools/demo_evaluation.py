"""Demo pilots for local development: three ESOL Plus pilots, about 600 learners over 30 cohorts.

Built on the finder demo's classes (a few online classes are created if there are too few). Runs in a
few seconds with bulk_create, and is idempotent: the demo pilots' learners are replaced on every run.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from devtools.demo import DEMO_PASSWORD, demo_user
from devtools.evaluation_factories import (
    AssessmentFactory,
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    LearnerFactory,
    LearnerIdentityFactory,
    SessionFactory,
)
from evaluation.instruments import seed_instrument
from evaluation.models import (
    Assessment,
    Attendance,
    Cohort,
    CompletionStatus,
    ConsentRecord,
    Enrolment,
    Goal,
    Learner,
    LearnerIdentity,
    Pilot,
    PilotEvaluator,
    ProgressionOutcome,
    Session,
    StaffAssignment,
    SurveyAnswer,
    SurveyInstrument,
    SurveyItem,
    SurveyResponse,
)
from evaluation.pseudonyms import new_learner_pseudonym
from finder.cms.providers import ensure_coordination
from finder.models import ClassPage, ClassSession, District, ProviderIndexPage, ProviderPage

PILOTS = [
    ("childcare", "ESOL Plus Childcare", "childcare"),
    ("employment", "ESOL Plus Employment", "employment"),
    ("workplace", "ESOL Plus Workplace", "workplace"),
]
COHORTS_PER_PILOT = 10
LEARNERS_PER_COHORT = 20
SESSIONS_PER_TERM = 12
FIRST_NAMES = [
    "Amina",
    "Fatima",
    "Hodan",
    "Maryam",
    "Olena",
    "Ana",
    "Bilal",
    "Sahra",
    "Tariq",
    "Nadia",
    "Yusuf",
    "Iryna",
]
LAST_NAMES = ["Ali", "Hassan", "Begum", "Kowalska", "Shevchenko", "Silva", "Ahmed", "Osman", "Popescu", "Khan"]
LANGUAGES = [
    "Arabic",
    "Bengali",
    "Somali",
    "Polish",
    "Ukrainian",
    "Portuguese",
    "Romanian",
    "Tigrinya",
    "Farsi",
    "Urdu",
]
GOALS = ["Talk to my child's teacher", "Book a GP appointment by phone", "Write a short email", "Fill in a job form"]


def _class_pages(needed: int) -> list[ClassPage]:
    """Live classes to run cohorts on; adds online demo classes if the finder demo left too few."""
    pages = list(ClassPage.objects.live().order_by("path")[:needed])
    if len(pages) >= needed:
        return pages
    index = ProviderIndexPage.objects.first()
    if index is None:
        from esolplus.models import HomePage

        index = HomePage.objects.first().add_child(instance=ProviderIndexPage(title="Providers", slug="providers"))
    providers = list(ProviderPage.objects.live()[:3])
    while len(providers) < 3:
        provider = ProviderPage(title=f"Demo Learning Trust {len(providers) + 1}", summary="Free English classes.")
        index.add_child(instance=provider)
        providers.append(provider)
    for i in range(len(pages), needed):
        page = ClassPage(
            title=f"Demo ESOL Plus class {i + 1}",
            summary="English for everyday life.",
            delivery_mode=ClassPage.DeliveryMode.ONLINE,
        )
        page.sessions = [ClassSession(weekday=i % 5, start_time=datetime.time(10), end_time=datetime.time(12))]
        providers[i % 3].add_child(instance=page)
        pages.append(page)
    return pages


def _pilot_class_pages() -> list[ClassPage]:
    """Each pilot's cohorts run on the finder demo's classes in its strand, which several providers teach; without
    enough of them, on the first live classes (made here if there are too few)."""
    per_pilot = [
        list(ClassPage.objects.live().filter(strand=strand).order_by("path")[:COHORTS_PER_PILOT])
        for _slug, _name, strand in PILOTS
    ]
    if all(len(pages) == COHORTS_PER_PILOT for pages in per_pilot):
        return [page for pages in per_pilot for page in pages]
    return _class_pages(len(PILOTS) * COHORTS_PER_PILOT)


def _meets(page: ClassPage) -> tuple[int, datetime.time, datetime.time]:
    """The day and times of the class's first weekly session: its cohort's sessions are then."""
    session = ClassSession.objects.filter(page_id=page.pk).order_by("sort_order", "pk").first()
    if session is None:
        return page.pk % 5, datetime.time(10), datetime.time(12)
    return session.weekday, session.start_time, session.end_time


def _clear(slugs: list[str]) -> None:
    learners = Learner.objects.filter(enrolments__cohort__pilot__slug__in=slugs)
    Learner.objects.filter(pk__in=list(learners.values_list("pk", flat=True))).delete()
    Cohort.objects.filter(pilot__slug__in=slugs).delete()


def _attendance_pattern(rng: random.Random) -> dict:
    """Each learner has their own habits: most attend well, a few drift away."""
    good = rng.random() < 0.8
    return {
        "present": 0.86 if good else 0.6,
        "late": 0.05,
        "authorised": 0.04 if good else 0.1,
        "not_recorded": 0.02,
    }


def _mark(rng: random.Random, pattern: dict) -> str | None:
    roll = rng.random()
    for status in ("present", "late", "authorised", "not_recorded"):
        if roll < pattern[status]:
            return None if status == "not_recorded" else status
        roll -= pattern[status]
    return "unauthorised"


@transaction.atomic
def load_demo_data(stdout) -> list[tuple[str, str, str]]:
    rng = random.Random(2025)
    today = timezone.localdate()
    term_start = today - datetime.timedelta(weeks=40)
    term_start -= datetime.timedelta(days=term_start.weekday())
    term_end = term_start + datetime.timedelta(weeks=SESSIONS_PER_TERM - 1)
    instrument = SurveyInstrument.objects.filter(code="integration", version=1).first() or seed_instrument(
        SurveyInstrument, SurveyItem
    )
    items = list(instrument.items.all())
    boroughs = list(District.objects.filter(is_london_borough=True).order_by("code")[:12]) or [None]

    slugs = [slug for slug, _name, _strand in PILOTS]
    _clear(slugs)
    pages = _pilot_class_pages()
    meets = {page.pk: _meets(page) for page in pages}
    pilots = []
    for slug, name, strand in PILOTS:
        pilot, _ = Pilot.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "strand": strand,
                "start_date": term_start - datetime.timedelta(weeks=4),
                "end_date": today + datetime.timedelta(weeks=26),
                "retention_until": today + datetime.timedelta(days=365 * 3),
            },
        )
        pilots.append(pilot)

    cohorts = []
    for p, pilot in enumerate(pilots):
        for c in range(COHORTS_PER_PILOT):
            page = pages[p * COHORTS_PER_PILOT + c]
            _day, starts, ends = meets[page.pk]
            hours = (datetime.datetime.combine(today, ends) - datetime.datetime.combine(today, starts)).seconds / 3600
            cohorts.append(
                CohortFactory.build(
                    pilot=pilot,
                    class_page=page,
                    provider_id=page.provider.pk,
                    name=f"{page.title} ({pilot.name}, {term_start:%b %Y})",
                    start_date=term_start,
                    end_date=term_end,
                    planned_sessions=SESSIONS_PER_TERM,
                    planned_hours=round(SESSIONS_PER_TERM * hours, 1),
                )
            )
    Cohort.objects.bulk_create(cohorts)
    cohorts = list(Cohort.objects.filter(pilot__in=pilots).order_by("pk"))

    sessions = []
    for cohort in cohorts:
        cancelled = rng.randrange(SESSIONS_PER_TERM)
        day, starts, ends = meets[cohort.class_page_id]  # term_start is a Monday
        for week in range(SESSIONS_PER_TERM):
            sessions.append(
                SessionFactory.build(
                    cohort=cohort,
                    date=term_start + datetime.timedelta(weeks=week, days=day),
                    start_time=starts,
                    end_time=ends,
                    status=Session.Status.CANCELLED if week == cancelled else Session.Status.HELD,
                )
            )
    Session.objects.bulk_create(sessions)
    sessions_by_cohort: dict[int, list[Session]] = {}
    for session in Session.objects.filter(cohort__in=cohorts).order_by("date"):
        sessions_by_cohort.setdefault(session.cohort_id, []).append(session)

    learners = []
    for cohort in cohorts:
        for _ in range(LEARNERS_PER_COHORT):
            learners.append(
                LearnerFactory.build(
                    pseudonym=new_learner_pseudonym(),
                    provider=cohort.provider,
                    age_band=rng.choice(["19-24", "25-34", "25-34", "35-49", "35-49", "50-64", "65+"]),
                    borough=rng.choice(boroughs),
                    first_language=rng.choice(LANGUAGES),
                    gender=rng.choices(["woman", "man", "unknown"], [7, 3, 0.3])[0],
                    time_in_uk=rng.choice(["under-1", "1-5", "1-5", "6-10", "over-10"]),
                    employment_status=rng.choice(["employed", "unemployed", "unemployed", "inactive"]),
                    childcare_need=cohort.pilot.strand == "childcare" or rng.random() < 0.2,
                )
            )
    Learner.objects.bulk_create(learners)
    learners = list(Learner.objects.filter(pseudonym__in=[learner.pseudonym for learner in learners]).order_by("pk"))

    identities, consents, enrolments = [], [], []
    for i, learner in enumerate(learners):
        cohort = cohorts[i // LEARNERS_PER_COHORT]
        identities.append(
            LearnerIdentityFactory.build(
                learner=learner,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=f"07700 900{rng.randrange(1000):03d}",
                uln=f"{rng.randrange(10**9, 10**10)}" if rng.random() < 0.4 else "",
            )
        )
        consents.append(
            ConsentRecord(
                learner=learner,
                privacy_notice_version="2025-1",
                research=rng.random() < 0.9,
                follow_up_contact=rng.random() < 0.7,
                recorded_on=term_start,
            )
        )
        joined = term_start + datetime.timedelta(weeks=rng.choice([0, 0, 0, 0, 1, 2, 3]))
        fate = rng.random()
        if fate < 0.15:
            status, outcome = 3, 3
            end = joined + datetime.timedelta(weeks=rng.randrange(2, 8))
        elif fate < 0.2:
            status, outcome, end = 6, 8, None
        else:
            status, end = 2, term_end
            outcome = rng.choices([1, 2, 3], [70, 20, 10])[0]
        enrolments.append(
            EnrolmentFactory.build(
                learner=learner,
                cohort=cohort,
                start_date=joined,
                planned_end_date=term_end,
                actual_end_date=end,
                completion_status=status,
                outcome=outcome,
                withdrawal_reason=rng.choice(["work", "childcare", "health", "moved"])
                if status == CompletionStatus.WITHDRAWN
                else "",
            )
        )
    LearnerIdentity.objects.bulk_create(identities)
    ConsentRecord.objects.bulk_create(consents)
    Enrolment.objects.bulk_create(enrolments)
    enrolments = list(Enrolment.objects.filter(cohort__in=cohorts).select_related("learner").order_by("pk"))

    marks, assessments, goals, outcomes, responses = [], [], [], [], []
    for enrolment in enrolments:
        pattern = _attendance_pattern(rng)
        last = enrolment.actual_end_date or today
        for session in sessions_by_cohort[enrolment.cohort_id]:
            if session.status != Session.Status.HELD or not (enrolment.start_date <= session.date <= last):
                continue
            status = _mark(rng, pattern)
            if status:
                marks.append(AttendanceFactory.build(enrolment=enrolment, session=session, status=status, minutes=None))
        finished = enrolment.completion_status == CompletionStatus.COMPLETED
        for skill in ("speaking", "listening", "reading", "writing"):
            level = rng.choices([0, 1, 2, 3, 4], [2, 4, 3, 2, 1])[0]
            assessments.append(
                AssessmentFactory.build(
                    enrolment=enrolment, stage="initial", skill=skill, level=level, date=enrolment.start_date
                )
            )
            if finished and rng.random() < 0.9:
                gain = rng.choices([0, 1, 2], [45, 45, 10])[0]
                assessments.append(
                    AssessmentFactory.build(
                        enrolment=enrolment, stage="final", skill=skill, level=min(level + gain, 5), date=term_end
                    )
                )
        for text in rng.sample(GOALS, 2):
            rating = rng.choices(["fully", "partly", "not"], [55, 35, 10])[0] if finished else ""
            goals.append(
                GoalFactory.build(
                    enrolment=enrolment, text=text, set_date=enrolment.start_date, rating=rating, self_assessment=rating
                )
            )
        if enrolment.is_leaver and rng.random() < 0.35:
            outcome_type, outcome_code = rng.choice([("EMP", 2), ("EDU", 5), ("EDU", 5), ("VOL", 1)])
            outcomes.append(
                ProgressionOutcome(
                    learner=enrolment.learner,
                    outcome_type=outcome_type,
                    outcome_code=outcome_code,
                    date=enrolment.actual_end_date + datetime.timedelta(days=rng.randrange(10, 170)),
                    source=rng.choice(["learner", "provider", "survey"]),
                )
            )
        responses.append(
            SurveyResponse(learner=enrolment.learner, instrument=instrument, wave="baseline", date=enrolment.start_date)
        )
        if enrolment.completion_status != CompletionStatus.WITHDRAWN and rng.random() < 0.6:
            responses.append(
                SurveyResponse(
                    learner=enrolment.learner,
                    instrument=instrument,
                    wave="follow_up",
                    date=term_end + datetime.timedelta(weeks=26),
                )
            )
    Attendance.objects.bulk_create(marks, batch_size=2000)
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    Goal.objects.bulk_create(goals, batch_size=2000)
    ProgressionOutcome.objects.bulk_create(outcomes)
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    baseline_values = {}
    answers = []
    for response in SurveyResponse.objects.filter(learner__in=learners).order_by("wave", "pk"):
        for item in items:
            allowed = sorted(int(v) for v in item.value_labels)
            if response.wave == "baseline":
                value = rng.choice(allowed[: max(2, len(allowed) * 2 // 3)])
                baseline_values[(response.learner_id, item.id)] = value
            else:
                step = rng.choice([-1, 0, 1, 1, 2]) * (1 if item.higher_is_better else -1)
                value = min(max(baseline_values[(response.learner_id, item.id)] + step, allowed[0]), allowed[-1])
            answers.append(SurveyAnswer(response=response, item=item, value=value))
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)

    coordinators = ensure_coordination().coordinators
    tutor = demo_user("demo-tutor", first_name="Demo", last_name="Tutor")
    StaffAssignment.objects.get_or_create(user=tutor, provider_id=cohorts[0].provider_id, defaults={"role": "tutor"})
    evaluator = demo_user("demo-evaluator", first_name="Demo", last_name="Evaluator")
    for pilot in pilots:
        PilotEvaluator.objects.get_or_create(user=evaluator, pilot=pilot)
    demo_user("demo-coordinator", groups=[coordinators], first_name="Demo", last_name="Coordinator")
    stdout.write(
        f"Evaluation: {len(pilots)} pilots, {len(cohorts)} cohorts, {len(learners)} learners, "
        f"{len(marks)} attendance marks, {len(answers)} survey answers."
    )
    return [
        ("Provider staff (tutor)", "demo-tutor", DEMO_PASSWORD),
        ("Evaluator (all three pilots)", "demo-evaluator", DEMO_PASSWORD),
        ("Programme coordinator", "demo-coordinator", DEMO_PASSWORD),
    ]
