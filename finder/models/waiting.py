"""Waiting lists: a learner waits for a place in a full class, or for any place at a level near them."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identifiers import HasReference


class WaitingListQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=WaitingListEntry.Status.WAITING)

    def for_class(self, class_page):
        return self.filter(class_page=class_page)

    def older_than(self, days: int, now: datetime.datetime | None = None):
        """Entries last changed before the retention period (personal data is not kept longer than needed)."""
        now = now or timezone.now()
        return self.filter(updated_at__lt=now - datetime.timedelta(days=days))


class WaitingListEntry(HasReference, models.Model):
    """One person waiting: for a class (``class_page``), or for any class at a level near a place.

    Holds personal data: it is kept only while useful (see the retention purge) and shown in subject access.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TOLD = "told", _("Told a place is open")
        JOINED = "joined", _("Joined a class")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class_page = models.ForeignKey(
        "finder.ClassPage",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waiting_list",
    )
    level = models.ForeignKey(
        "finder.Level", verbose_name=_("level"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(_("postcode or area"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(_("distance (km)"), default=5)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    site_language = models.CharField(_("site language"), max_length=10, blank=True)
    consent_to_contact = models.BooleanField(_("agrees to be contacted"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WAITING, db_index=True)
    told_at = models.DateTimeField(_("told a place is open"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined the list"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = WaitingListQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        constraints = [
            models.CheckConstraint(
                condition=Q(class_page__isnull=False) | Q(latitude__isnull=False, longitude__isnull=False),
                name="waiting_for_a_class_or_an_area",
            ),
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="waiting_has_phone_or_email"),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="waiting_has_consent"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_waiting_submission"),
            # One place in the queue per person and class, however often they ask.
            models.UniqueConstraint(
                fields=["class_page", "phone", "email"],
                condition=Q(status="waiting", class_page__isnull=False),
                name="one_waiting_entry_per_person_and_class",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.class_page.title if self.class_page_id else self.area}"
