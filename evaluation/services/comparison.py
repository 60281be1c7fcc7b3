"""Adding people who wait for a place to a pilot's comparison group, with their agreement, and marking them as left.

A person on a waiting list for one of the pilot's providers' classes, or assessed by one of those providers and not
yet placed, who agrees to answer the same surveys becomes a ``Learner`` (pseudonymous, with their name and contact
kept apart in ``LearnerIdentity``), a ``ConsentRecord`` saying yes to research and to being contacted (their
explicit agreement: ``evaluation.consent.research_comparison_members`` needs it) and a ``ComparisonMember``.

- Who may add whom: the pilot's providers (those running its cohorts); of these, coordinators all and provider staff
  their own (``esolplus.roles.staff_provider_ids``, the same people who may see those learners' identities).
  Anyone else's entry is "not found", as the finder's admin answers for another provider's records.
- One member per pilot, source and reference (a database constraint), and a form sent twice is one member
  (``esolplus.concurrency.create_once``).
- Someone already enrolled on the pilot (same phone or email as an enrolled learner) is its learner, not a
  comparison member.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace

from esolplus.concurrency import create_once
from esolplus.roles import is_coordinator, staff_provider_ids
from evaluation.models import AuditEntry, ComparisonMember, LearnerIdentity, Pilot
from finder.models import AssessmentBooking, ClassPage, Enquiry, ProviderPage, WaitingListEntry
from finder.models.identifiers import normalise_reference

from .audit import record_audit
from .recording import register_learner

Source = ComparisonMember.Source
STILL_WAITING = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.TOLD)


class CannotAddToComparison(ValueError):
    """Why this person cannot join the comparison group, in words for the form (on the ``field`` it is about)."""

    def __init__(self, message: str, field: str = "reference"):
        super().__init__(message)
        self.message, self.field = message, field


def addable_providers(user, pilot: Pilot) -> QuerySet[ProviderPage]:
    """The providers whose waiting lists and assessments this user may draw on for the pilot."""
    providers = ProviderPage.objects.filter(pk__in=pilot.cohorts.values("provider_id"))
    if is_coordinator(user):
        return providers
    return providers.filter(pk__in=staff_provider_ids(user))


def may_add_members(user, pilot: Pilot) -> bool:
    return addable_providers(user, pilot).exists()


def waiting_list_candidates(user, pilot: Pilot) -> QuerySet[WaitingListEntry]:
    """People still waiting for a class of the user's providers on this pilot, not yet in its comparison group."""
    classes = ClassPage.objects.run_by(addable_providers(user, pilot))
    members = pilot.comparison_members.filter(source=Source.WAITING_LIST).values("source_reference")
    return (
        WaitingListEntry.objects.filter(status__in=STILL_WAITING, class_page__in=classes)
        .exclude(reference__in=members)
        .select_related("class_page")
    )


def _placed_results() -> QuerySet:
    return Enquiry.objects.filter(status=Enquiry.Status.ENROLLED, assessment__isnull=False).values("assessment_id")


def assessed_candidates(user, pilot: Pilot) -> QuerySet[AssessmentBooking]:
    """People assessed by the user's providers on this pilot and not placed on a class (no enrolled referral)."""
    members = pilot.comparison_members.filter(source=Source.ASSESSED_NOT_PLACED).values("source_reference")
    return (
        AssessmentBooking.objects.for_providers(addable_providers(user, pilot))
        .filter(result__isnull=False)
        .exclude(result__in=_placed_results())
        .exclude(reference__in=members)
        .select_related("slot__provider", "result")
    )


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit() or c == "+")


def enrolled_on_pilot(pilot: Pilot, *, phone: str, email: str) -> bool:
    """Whether a learner enrolled on the pilot has this phone number (spaces ignored) or email address."""
    if not (phone or email):
        return False
    identities = LearnerIdentity.objects.filter(learner__enrolments__cohort__pilot=pilot).annotate(
        bare_phone=Replace(F("phone"), Value(" "), Value("")), lower_email=Lower("email")
    )
    same = Q(pk__in=[])
    if _digits(phone):
        same |= Q(bare_phone=_digits(phone)) | Q(bare_phone=phone.replace(" ", ""))
    if email:
        same |= Q(lower_email=email.strip().lower())
    return identities.filter(same).exists()


@transaction.atomic
def _add(
    user,
    pilot: Pilot,
    *,
    source: str,
    reference: str,
    provider: ProviderPage,
    name: str,
    phone: str,
    email: str,
    agreed_on: datetime.date,
    privacy_notice_version: str,
    submission_key: uuid.UUID | None,
) -> tuple[ComparisonMember, bool]:
    existing = ComparisonMember.objects.filter(pilot=pilot, source=source, source_reference=reference).first()
    if existing is not None:
        return existing, False
    if enrolled_on_pilot(pilot, phone=phone, email=email):
        raise CannotAddToComparison(
            "This person is already enrolled on the pilot, so they cannot join its comparison group."
        )

    def create() -> ComparisonMember:
        with transaction.atomic():
            learner = register_learner(
                user,
                provider,
                characteristics={},
                identity={"full_name": name, "phone": phone, "email": email},
                consent={
                    "privacy_notice_version": privacy_notice_version,
                    "research": True,
                    "follow_up_contact": True,
                    "recorded_on": agreed_on,
                },
            )
            member = ComparisonMember.objects.create(
                pilot=pilot,
                learner=learner,
                source=source,
                source_reference=reference,
                joined_on=agreed_on,
                submission_key=submission_key,
            )
            record_audit(user, AuditEntry.Action.CREATE, member, pilot, source=source)
            return member

    try:
        member, created = create_once(pilot.comparison_members.all(), submission_key, create)
    except IntegrityError:  # the same person added a moment ago by another request
        member, created = (
            ComparisonMember.objects.filter(pilot=pilot, source=source, source_reference=reference).first(),
            False,
        )
        if member is None:
            raise
    if member is None:  # the form's key was used for another pilot: a copied form
        raise CannotAddToComparison("This form was already used. Please open the page again.", field="__all__")
    return member, created


def add_from_waiting_list(
    user,
    pilot: Pilot,
    reference: str,
    *,
    agreed_on: datetime.date,
    privacy_notice_version: str,
    submission_key: uuid.UUID | None = None,
) -> tuple[ComparisonMember, bool]:
    """Add the person on the waiting list with this reference, who agreed on ``agreed_on``.

    Returns ``(member, created)``; the same entry added again gives the same member. ``CannotAddToComparison`` when
    the entry is not one of the user's providers' on this pilot (or does not exist, or the person has joined a
    class), or the person is enrolled on the pilot.
    """
    reference = normalise_reference(reference or "")
    entry = WaitingListEntry.objects.filter(reference=reference).select_related("class_page").first()
    if not _may_add(user, pilot, waiting_list_candidates(user, pilot), entry, Source.WAITING_LIST, reference):
        raise CannotAddToComparison(
            "No one is waiting with that reference for a class of your providers on this pilot."
        )
    provider = entry.class_page.provider
    return _add(
        user,
        pilot,
        source=Source.WAITING_LIST,
        reference=reference,
        provider=provider,
        name=entry.name,
        phone=entry.phone,
        email=entry.email,
        agreed_on=agreed_on,
        privacy_notice_version=privacy_notice_version,
        submission_key=submission_key,
    )


def add_from_assessment(
    user,
    pilot: Pilot,
    reference: str,
    *,
    agreed_on: datetime.date,
    privacy_notice_version: str,
    submission_key: uuid.UUID | None = None,
) -> tuple[ComparisonMember, bool]:
    """Add the person assessed (booking ``reference``, with a result) and not placed, who agreed on ``agreed_on``.

    Returns ``(member, created)``; refuses as ``add_from_waiting_list`` does.
    """
    reference = normalise_reference(reference or "")
    booking = AssessmentBooking.objects.filter(reference=reference).select_related("slot__provider").first()
    if not _may_add(user, pilot, assessed_candidates(user, pilot), booking, Source.ASSESSED_NOT_PLACED, reference):
        raise CannotAddToComparison(
            "No one was assessed with that reference by your providers on this pilot and is waiting for a place."
        )
    return _add(
        user,
        pilot,
        source=Source.ASSESSED_NOT_PLACED,
        reference=reference,
        provider=booking.slot.provider,
        name=booking.name,
        phone=booking.phone,
        email=booking.email,
        agreed_on=agreed_on,
        privacy_notice_version=privacy_notice_version,
        submission_key=submission_key,
    )


def _may_add(user, pilot: Pilot, candidates: QuerySet, record, source: str, reference: str) -> bool:
    """A candidate of the user's, or one already added from the user's providers (adding again finds them)."""
    if record is None:
        return False
    if candidates.filter(pk=record.pk).exists():
        return True
    member = pilot.comparison_members.filter(source=source, source_reference=reference).first()
    return member is not None and addable_providers(user, pilot).filter(pk=member.learner.provider_id).exists()


def members_for(user, pilot: Pilot) -> QuerySet[ComparisonMember]:
    """The pilot's comparison-group members registered by the user's providers (coordinators: all)."""
    return pilot.comparison_members.filter(learner__provider__in=addable_providers(user, pilot)).select_related(
        "learner__identity"
    )


@transaction.atomic
def mark_left(user, member: ComparisonMember, *, on: datetime.date) -> ComparisonMember:
    """Record that the member was placed on a class on ``on``: answers after that day are not the comparison
    group's. Marking again keeps the first date."""
    member = ComparisonMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        return member
    if on < member.joined_on:
        raise CannotAddToComparison("The date they were placed is before they joined the group.", field="left_on")
    member.left_on = on
    member.save(update_fields=["left_on"])
    record_audit(user, AuditEntry.Action.CHANGE, member, member.pilot, changes={"left_on": [None, on.isoformat()]})
    return member


def mark_placed_members(user, pilot: Pilot, on: datetime.date) -> int:
    """Mark as left, on ``on``, the members whose waiting-list entry says they joined a class or whose assessment
    led to an enrolment. Returns how many were marked."""
    joined = WaitingListEntry.objects.filter(status=WaitingListEntry.Status.JOINED).values("reference")
    placed = AssessmentBooking.objects.filter(result__in=_placed_results()).values("reference")
    members = pilot.comparison_members.filter(left_on__isnull=True, joined_on__lte=on).filter(
        Q(source=Source.WAITING_LIST, source_reference__in=joined)
        | Q(source=Source.ASSESSED_NOT_PLACED, source_reference__in=placed)
    )
    return sum(1 for member in members if mark_left(user, member, on=on).left_on == on)
