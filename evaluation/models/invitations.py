"""Survey invitations (a learner answers by link, on their phone) and the comparison group."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .learners import Learner
from .pilots import Pilot
from .surveys import SurveyInstrument, SurveyResponse


class SurveyInvitation(models.Model):
    """One learner asked to answer one wave of an instrument by link; the link is signed (no token is stored).

    ``progress`` keeps the answers given so far (item code → value) so a learner can stop and come back.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("Email")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="survey_invitations")
    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.PROTECT, related_name="invitations")
    wave = models.CharField(_("wave"), max_length=10, choices=SurveyResponse.Wave.choices)
    channel = models.CharField(_("sent by"), max_length=5, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    progress = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    expires_on = models.DateField(_("link valid until"))
    completed_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response = models.OneToOneField(
        SurveyResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("survey invitation")
        constraints = [
            models.UniqueConstraint(fields=["learner", "instrument", "wave"], name="one_invitation_per_wave"),
        ]

    def __str__(self):
        return f"{self.learner} {self.wave}"

    @property
    def is_answered(self) -> bool:
        return self.completed_at is not None


class ComparisonMember(models.Model):
    """A person waiting for a place who agreed to answer the same surveys: the pilot's comparison group.

    They are a ``Learner`` (pseudonymous, with an identity for contact) with no enrolment on the pilot.
    """

    class Source(models.TextChoices):
        WAITING_LIST = "waiting_list", _("Waiting list")
        ASSESSED_NOT_PLACED = "assessed", _("Assessed, not yet placed")

    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="comparison_members")
    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="comparison_membership")
    source = models.CharField(_("found through"), max_length=20, choices=Source.choices)
    source_reference = models.CharField(_("waiting-list or booking reference"), max_length=20, blank=True)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left (placed on a class)"), null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("comparison-group member")
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="unique_comparison_submission"),
            models.UniqueConstraint(
                fields=["pilot", "source", "source_reference"],
                condition=~Q(source_reference=""),
                name="one_comparison_member_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.pilot.slug}: {self.learner}"
