"""Demo survey invitations (surveys answered by link): for the first demo pilot, a few learners answered the end of
course survey on their phone, a few were invited and reminded and have not answered yet (one stopped half way),
so the tutors' "surveys due" list shows each status. No message is queued: the demo sends nothing."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from evaluation.consent import contactable_learners
from evaluation.models import Learner, Pilot, SurveyInvitation, SurveyResponse
from evaluation.services.invitations import current_instrument, record_self_answers, wave_answered

ANSWERED, PENDING = 4, 4
LANGUAGES = ["ar", "en-gb", "so", "uk", "fa", "pl", "bn", "ur"]


@transaction.atomic
def load_survey_demo(stdout) -> None:
    pilot = Pilot.objects.order_by("start_date", "name").first()
    instrument = current_instrument()
    if pilot is None or instrument is None:
        return
    rng = random.Random(14)
    today = timezone.localdate()
    now = timezone.now()
    learners = Learner.objects.filter(enrolments__cohort__pilot=pilot, identity__isnull=False).distinct()
    candidates = [
        learner
        for learner in contactable_learners(learners, today).order_by("pk")[:40]
        if not wave_answered(learner.pk, SurveyResponse.Wave.END)
    ]
    items = list(instrument.items.all())
    made = 0
    for index, learner in enumerate(candidates[: ANSWERED + PENDING]):
        sent = now - datetime.timedelta(days=rng.randrange(3, 12))
        invitation, _ = SurveyInvitation.objects.get_or_create(
            learner=learner,
            instrument=instrument,
            wave=SurveyResponse.Wave.END,
            defaults={
                "channel": SurveyInvitation.Channel.SMS,
                "language": LANGUAGES[index % len(LANGUAGES)],
                "sent_at": sent,
                "expires_on": today + datetime.timedelta(days=20),
            },
        )
        if invitation.is_answered:
            continue
        answers = {item.code: int(rng.choice(list(item.value_labels))) for item in items}
        if index < ANSWERED:
            record_self_answers(invitation, answers, today=today)
        elif index % 2:  # stopped half way: the link continues from here
            half = dict(list(answers.items())[: len(items) // 2])
            SurveyInvitation.objects.filter(pk=invitation.pk).update(
                progress=half, reminders_sent=1, last_reminded_at=now - datetime.timedelta(days=1)
            )
        made += 1
    stdout.write(f"Survey invitations: {made} ({min(made, ANSWERED)} answered by link) for {pilot.name}.")
