"""Factories for evaluation data, used by the tests and the demo; cohorts sit on real ClassPages."""

import datetime

import factory

from devtools.factories import ClassPageFactory, ProviderPageFactory
from evaluation.models import (
    Assessment,
    Attendance,
    Cohort,
    ConsentRecord,
    Enrolment,
    Goal,
    Learner,
    LearnerIdentity,
    Pilot,
    Session,
)
from evaluation.pseudonyms import new_learner_pseudonym

TERM_START = datetime.date(2025, 1, 6)  # a Monday


class PilotFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Pilot {n}")
    slug = factory.Sequence(lambda n: f"pilot-{n}")
    strand = "childcare"
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2025, 12, 31)
    retention_until = datetime.date(2030, 12, 31)

    class Meta:
        model = Pilot


class CohortFactory(factory.django.DjangoModelFactory):
    pilot = factory.SubFactory(PilotFactory)
    class_page = factory.LazyFunction(lambda: ClassPageFactory())
    name = factory.Sequence(lambda n: f"Cohort {n}")
    start_date = TERM_START
    end_date = TERM_START + datetime.timedelta(weeks=12)
    planned_sessions = 12
    planned_hours = 24

    class Meta:
        model = Cohort


class SessionFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    date = TERM_START
    start_time = datetime.time(10)
    end_time = datetime.time(12)
    status = Session.Status.HELD

    class Meta:
        model = Session


CONSENTED_ON = TERM_START - datetime.timedelta(days=60)


class LearnerFactory(factory.django.DjangoModelFactory):
    """A learner who agreed to research and to follow-up contact before the term (``consent=False``: no consent
    record at all; ``consent={"research": False}``: a record that says so)."""

    pseudonym = factory.LazyFunction(new_learner_pseudonym)
    provider = factory.LazyFunction(lambda: ProviderPageFactory())
    age_band = "25-34"
    gender = "woman"

    class Meta:
        model = Learner
        skip_postgeneration_save = True

    @factory.post_generation
    def consent(learner, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        agreed = {"research": True, "follow_up_contact": True, "recorded_on": CONSENTED_ON}
        ConsentRecord.objects.create(
            learner=learner, privacy_notice_version="2025-1", **{**agreed, **(extracted or {}), **kwargs}
        )


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    learner = factory.SubFactory(LearnerFactory, consent=False)
    privacy_notice_version = "2025-1"
    research = True
    follow_up_contact = True
    recorded_on = CONSENTED_ON

    class Meta:
        model = ConsentRecord


class LearnerIdentityFactory(factory.django.DjangoModelFactory):
    learner = factory.SubFactory(LearnerFactory)
    full_name = factory.Sequence(lambda n: f"Learner Name {n}")
    phone = "07700 900456"
    uln = ""

    class Meta:
        model = LearnerIdentity


class EnrolmentFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    learner = factory.LazyAttribute(lambda o: LearnerFactory(provider=o.cohort.provider))
    start_date = TERM_START
    planned_end_date = TERM_START + datetime.timedelta(weeks=12)

    class Meta:
        model = Enrolment


class AttendanceFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(EnrolmentFactory)
    session = factory.LazyAttribute(lambda o: SessionFactory(cohort=o.enrolment.cohort))
    status = Attendance.Status.PRESENT

    class Meta:
        model = Attendance


class AssessmentFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(EnrolmentFactory)
    stage = Assessment.Stage.INITIAL
    skill = "speaking"
    level = 1
    date = TERM_START

    class Meta:
        model = Assessment


class GoalFactory(factory.django.DjangoModelFactory):
    enrolment = factory.SubFactory(EnrolmentFactory)
    text = "Talk to my child's teacher"
    set_date = TERM_START

    class Meta:
        model = Goal
