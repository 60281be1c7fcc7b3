"""The versioned integration survey and learners' answers to it, wave by wave."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .learners import Learner


class SurveyInstrument(models.Model):
    """A versioned questionnaire; items and value labels never change within a version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=150)
    translation_version = models.CharField(
        _("translation version"),
        max_length=20,
        blank=True,
        help_text=_("The version of the translations learners answered in; recorded on each response."),
    )

    class Meta:
        verbose_name = _("survey instrument")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class SurveyItem(models.Model):
    """One coded question; ``value_labels`` maps each allowed value to its label."""

    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=300)
    value_labels = models.JSONField(_("allowed values"))
    higher_is_better = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    construct = models.SlugField(
        _("what it measures"),
        max_length=40,
        help_text=_(
            "Items of different versions with the same construct are compared as one (change across versions)."
        ),
    )
    source = models.CharField(_("source of the wording"), max_length=300, blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("survey item")
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="unique_item_code")]

    def __str__(self):
        return self.code


class SurveyResponse(models.Model):
    class Wave(models.TextChoices):
        BASELINE = "baseline", _("Baseline (start)")
        END = "end", _("End of course")
        FOLLOW_UP = "follow_up", _("Follow-up at 6 months")

    class Mode(models.TextChoices):
        STAFF = "staff", _("Entered by staff")
        SELF = "self", _("Answered by the learner (link)")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="survey_responses")
    instrument = models.ForeignKey(SurveyInstrument, on_delete=models.PROTECT, related_name="responses")
    wave = models.CharField(_("wave"), max_length=10, choices=Wave.choices)
    date = models.DateField(_("date"))
    mode = models.CharField(_("how it was answered"), max_length=5, choices=Mode.choices, default=Mode.STAFF)
    language = models.CharField(_("language answered in"), max_length=10, blank=True)
    translation_version = models.CharField(_("translation version"), max_length=20, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, editable=False)  # the form's one-time key

    class Meta:
        verbose_name = _("survey response")
        constraints = [
            models.UniqueConstraint(fields=["learner", "instrument", "wave"], name="one_response_per_wave"),
            models.UniqueConstraint(fields=["submission_key"], name="unique_survey_submission"),
        ]

    def __str__(self):
        return f"{self.learner} {self.wave}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(_("value"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item_id}={self.value}"
