"""One assessment for every provider: slots a provider or a borough hub offers, learners' bookings, and results.

A learner books an initial ESOL assessment online (no account), is assessed once, and carries the result, by its
reference and with their consent, to any provider. The rules live here, next to the data:

- a slot holds no more bookings than it has places: ``booked`` is a counter that only the booking services change,
  with a conditional update the database applies atomically (``finder.assessment_services``), and a check
  constraint;
- a slot is public once approved (Wagtail's workflow, as venues), and publishing a revision keeps the live counter;
- bookings and results are personal data, kept only for ``ASSESSMENT_RETENTION_DAYS`` and shown in subject access.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from .identifiers import HasReference
from .reference import Language, Level


class AssessmentSlotQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime | None = None):
        """Approved slots that have not started."""
        return self.filter(live=True, starts_at__gt=now or timezone.now())

    def bookable(self, now: datetime.datetime | None = None):
        """Upcoming slots with a place left."""
        return self.upcoming(now).filter(booked__lt=F("places"))

    def soonest_first(self):
        return self.order_by("starts_at", "pk")


class AssessmentSlot(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """A time when a provider or hub assesses learners: at a venue, or by phone, with a number of places."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("At a venue")
        PHONE = "phone", _("By phone")

    provider = models.ForeignKey(
        "finder.ProviderPage",
        verbose_name=_("provider or hub"),
        on_delete=models.CASCADE,
        related_name="assessment_slots",
    )
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    venue = models.ForeignKey(
        "finder.Venue",
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_slots",
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    length_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    # How many places are taken: changed only by finder.assessment_services, never by a form or a revision.
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    assessor_languages = ParentalManyToManyField(
        Language, verbose_name=_("languages the assessors speak"), blank=True, related_name="assessment_slots"
    )
    creche = models.BooleanField(_("crèche available"), default=False)
    notes = models.TextField(_("notes for learners"), blank=True, help_text=_("In the provider's own words."))
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="assessment_slot")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="assessment_slot",
        for_concrete_model=False,
    )

    objects = AssessmentSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("assessment slot")
        verbose_name_plural = _("assessment slots")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="assessment_slot_has_places"),
            models.CheckConstraint(condition=Q(booked__lte=F("places")), name="assessment_slot_not_overbooked"),
            models.CheckConstraint(
                condition=Q(mode="phone") | Q(venue__isnull=False), name="assessment_slot_in_person_has_venue"
            ),
            models.CheckConstraint(condition=Q(length_minutes__gte=5), name="assessment_slot_has_length"),
        ]

    def __str__(self):
        where = self.venue.name if self.venue_id else self.get_mode_display()
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} – {where}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.length_minutes)

    def places_left(self) -> int:
        return max(self.places - self.booked, 0)

    def with_content_json(self, content):
        """A revision published later must not bring back the number of bookings it was saved with, nor leave
        fewer places than learners booked while it waited for approval (they keep their places)."""
        slot = super().with_content_json(content)
        slot.booked = self.booked
        slot.places = max(slot.places, self.booked)
        return slot


class AssessmentBookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=AssessmentBooking.Status.BOOKED)

    def for_providers(self, providers):
        """Bookings for the slots of these providers (or hubs): what their assessors may see."""
        return self.filter(slot__provider__in=providers)

    def older_than(self, days: int, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(updated_at__lt=now - datetime.timedelta(days=days))


class AssessmentBooking(HasReference, models.Model):
    """A learner's place in an assessment slot. Personal data: retention and subject access cover it."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Assessed")
        NO_SHOW = "no_show", _("Did not come")

    slot = models.ForeignKey(AssessmentSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    # The language the learner used the site in: their confirmation, reminder and result are in it.
    site_language = models.CharField(_("site language"), max_length=10, blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED, db_index=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The booking form's one-time key (esolplus.concurrency): the same form sent twice is one booking.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = AssessmentBookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment booking")
        verbose_name_plural = _("assessment bookings")
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="assessment_booking_has_contact"),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="assessment_booking_has_consent"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_assessment_booking_submission"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.name}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED


class AssessmentResult(models.Model):
    """What an assessor found: a level per skill, notes for placement, and the classes they recommend.

    Another provider sees it only with the learner's reference and the learner's consent to share it
    (``consent_to_share``); every such look-up is recorded (``AssessmentResultLookup``).
    """

    booking = models.OneToOneField(
        AssessmentBooking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="result"
    )
    speaking = models.ForeignKey(
        Level, verbose_name=_("speaking"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    listening = models.ForeignKey(
        Level, verbose_name=_("listening"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reading = models.ForeignKey(
        Level, verbose_name=_("reading"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    writing = models.ForeignKey(
        Level, verbose_name=_("writing"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placement_notes = models.TextField(_("notes for placement"), blank=True)
    recommended_classes = models.ManyToManyField(
        "finder.ClassPage", verbose_name=_("recommended classes"), blank=True, related_name="+"
    )
    consent_to_share = models.BooleanField(
        _("the learner agrees that other providers may see this result"), default=False
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    sent_to_learner_at = models.DateTimeField(_("sent to the learner"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    SKILLS = ("speaking", "listening", "reading", "writing")

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            models.CheckConstraint(
                condition=Q(speaking__isnull=False)
                | Q(listening__isnull=False)
                | Q(reading__isnull=False)
                | Q(writing__isnull=False),
                name="assessment_result_has_a_level",
            )
        ]

    def __str__(self):
        return f"{self.booking.reference}: {self.assessed_on}"

    def levels(self) -> list[tuple[str, Level]]:
        """(skill, level) for each skill assessed, in the usual order."""
        return [(skill, getattr(self, skill)) for skill in self.SKILLS if getattr(self, f"{skill}_id")]


class AssessmentResultLookup(models.Model):
    """A provider looked up a learner's result by its reference, with the learner's consent: who, when, why."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="lookups")
    provider = models.ForeignKey(
        "finder.ProviderPage", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("provider")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    looked_up_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-looked_up_at"]
        verbose_name = _("result look-up")

    def __str__(self):
        return f"{self.result_id} looked up {self.looked_up_at:%Y-%m-%d %H:%M}"
