"""Demo comparison groups: about 15 people per demo pilot, waiting for a class of one of its providers, who agreed
to answer the survey, with baseline and follow-up answers (a little less change than the pilot's learners, so the
comparison page has something to show). Made through the same service staff use; reloading replaces them."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from devtools.demo_evaluation import FIRST_NAMES, PILOTS
from evaluation.models import Learner, Pilot, SurveyAnswer, SurveyInstrument, SurveyResponse
from evaluation.services.comparison import add_from_waiting_list
from finder.models import WaitingListEntry

MEMBERS_PER_PILOT = 15
EMAIL_DOMAIN = "comparison.example.org"


def load_comparison_demo(stdout) -> None:
    rng = random.Random(2026)
    slugs = [slug for slug, _name, _strand in PILOTS]
    Learner.objects.filter(comparison_membership__pilot__slug__in=slugs).delete()
    WaitingListEntry.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    coordinator = get_user_model().objects.filter(username="demo-coordinator").first()
    instrument = SurveyInstrument.objects.filter(code="integration", version=1).first()
    if coordinator is None or instrument is None:
        return
    items = list(instrument.items.all())
    today = timezone.localdate()
    added = 0
    for pilot in Pilot.objects.filter(slug__in=slugs):
        cohorts = list(pilot.cohorts.exclude(class_page=None).select_related("class_page"))
        if not cohorts:
            continue
        for n in range(MEMBERS_PER_PILOT):
            cohort = cohorts[n % len(cohorts)]
            entry = WaitingListEntry.objects.create(
                class_page=cohort.class_page,
                name=f"{rng.choice(FIRST_NAMES)} Waiting {n + 1}",
                email=f"waiting-{pilot.slug}-{n}@{EMAIL_DOMAIN}",
                site_language="en-gb",
                consent_to_contact=True,
            )
            joined = max(pilot.start_date, today - datetime.timedelta(weeks=40)) + datetime.timedelta(days=n)
            member, _created = add_from_waiting_list(
                coordinator, pilot, entry.reference, agreed_on=joined, privacy_notice_version="2025-1"
            )
            _answer(rng, member.learner, instrument, items, joined, today)
            added += 1
    stdout.write(f"Comparison groups: {added} people waiting for a place, with survey answers.")


def _answer(rng: random.Random, learner, instrument, items, joined: datetime.date, today: datetime.date) -> None:
    """A baseline on joining and, for most, a follow-up 26 weeks later (when that day has come)."""
    baseline = SurveyResponse.objects.create(learner=learner, instrument=instrument, wave="baseline", date=joined)
    values = {}
    for item in items:
        allowed = sorted(int(v) for v in item.value_labels)
        values[item.pk] = rng.choice(allowed[: max(2, len(allowed) * 2 // 3)])
        SurveyAnswer.objects.create(response=baseline, item=item, value=values[item.pk])
    follow_up_on = joined + datetime.timedelta(weeks=26)
    if follow_up_on > today or rng.random() < 0.2:
        return
    follow_up = SurveyResponse.objects.create(
        learner=learner, instrument=instrument, wave="follow_up", date=follow_up_on
    )
    for item in items:
        allowed = sorted(int(v) for v in item.value_labels)
        step = rng.choice([-1, 0, 0, 1]) * (1 if item.higher_is_better else -1)
        value = min(max(values[item.pk] + step, allowed[0]), allowed[-1])
        SurveyAnswer.objects.create(response=follow_up, item=item, value=value)
