"""The rules behind "Can I study for free?", as dated versions that coordinators add when the funding rules change.

The questions and the plain-words answers live in code (so they are translated); the figures and periods that
change from year to year live here, each with its source and the date it takes effect. A version is never edited
once in effect: a new one is added, so an answer given last year can be explained later.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EligibilityRulesQuerySet(models.QuerySet):
    def in_effect(self, today: datetime.date | None = None):
        """The version that applies on ``today``: the latest to have taken effect, or None."""
        today = today or timezone.localdate()
        return self.filter(effective_from__lte=today).order_by("-effective_from").first()


class EligibilityRules(models.Model):
    """One version of the free-ESOL rules (the GLA's Adult Skills Fund funding rules for London)."""

    effective_from = models.DateField(_("takes effect on"), unique=True)
    london_living_wage_hourly = models.DecimalField(
        _("London Living Wage (£ an hour)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Learners earning less than this can study free."),
    )
    asylum_wait_months = models.PositiveSmallIntegerField(
        _("asylum seekers: months waiting before free study"), default=6
    )
    permission_to_stay_months = models.PositiveSmallIntegerField(
        _("permission to stay needed (months)"),
        default=12,
        help_text=_("People with at least this much permission to stay are eligible from their first day."),
    )
    minimum_age = models.PositiveSmallIntegerField(_("youngest age for adult classes"), default=19)
    source_title = models.CharField(_("source"), max_length=200)
    source_url = models.URLField(_("source link"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = EligibilityRulesQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("free ESOL rules")
        verbose_name_plural = _("free ESOL rules")
        constraints = [
            models.CheckConstraint(condition=Q(london_living_wage_hourly__gt=0), name="rules_wage_positive"),
            models.CheckConstraint(
                condition=Q(minimum_age__gte=16, minimum_age__lte=25), name="rules_minimum_age_sensible"
            ),
        ]

    def __str__(self):
        return str(_("Rules from %(date)s") % {"date": self.effective_from.isoformat()})

    def is_in_effect_or_past(self, today: datetime.date | None = None) -> bool:
        return self.effective_from <= (today or timezone.localdate())

    def clean(self):
        super().clean()
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("effective_from", flat=True).first()
            if stored and stored <= timezone.localdate():
                raise ValidationError(
                    _("These rules are already in effect and can't be changed. Add a new version with a later date.")
                )
        if not self.pk and self.effective_from and self.effective_from < timezone.localdate():
            raise ValidationError({"effective_from": _("A new version can't take effect in the past.")})
