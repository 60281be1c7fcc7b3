"""Recording that a learner withdrew their consent to research or to follow-up contact (audited).

A withdrawal is a new ``ConsentRecord`` from its date, copying what still stands from the learner's consent on that
day and turning off what they withdrew: the earlier records keep saying what they agreed to then, and
``evaluation.consent`` reads the latest, so from that date the learner is out of research exports and analysis, or
is not to be contacted. Withdrawing something already withdrawn stores nothing (a form sent twice is one record).
"""

import datetime

from django.db import transaction

from evaluation.consent import agrees, consent_on
from evaluation.models import AuditEntry, ConsentRecord, Learner

from .audit import record_audit

AGREEMENTS = ("research", "follow_up_contact")


class CannotWithdraw(ValueError):
    """A withdrawal that cannot be recorded as asked (for example dated before the consent it would replace)."""


@transaction.atomic
def withdraw_consent(
    user, learner: Learner, *, research: bool, follow_up_contact: bool, on: datetime.date
) -> ConsentRecord | None:
    """Record from ``on`` that the learner withdrew consent to research and/or to follow-up contact.

    Returns the new record, or None when everything asked for was already withdrawn on that day.
    """
    if not (research or follow_up_contact):
        raise CannotWithdraw("Nothing to withdraw")
    Learner.objects.select_for_update().filter(pk=learner.pk).first()  # one withdrawal at a time per learner
    later = learner.consents.filter(recorded_on__gt=on).order_by("recorded_on").first()
    if later is not None:
        raise CannotWithdraw(f"A consent record dated {later.recorded_on.isoformat()} is later than the withdrawal")
    current = consent_on(learner, on)
    before = {name: agrees(current, on, name) for name in AGREEMENTS}
    after = {
        "research": before["research"] and not research,
        "follow_up_contact": before["follow_up_contact"] and not follow_up_contact,
    }
    if current is not None and after == before:
        return None  # already withdrawn (or never agreed) on that day
    record = ConsentRecord.objects.create(
        learner=learner,
        privacy_notice_version=current.privacy_notice_version if current else "",
        recorded_on=on,
        **after,
    )
    record_audit(
        user,
        AuditEntry.Action.CHANGE,
        record,
        learner=learner.pk,
        withdrawn_from=on.isoformat(),
        # No earlier record (a public-task pilot's learner objecting): the old values are "none recorded".
        changes={name: [before[name] if current else None, after[name]] for name in before},
    )
    return record
