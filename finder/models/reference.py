"""Fixed vocabularies that classes and providers are described with.

Rows are created by data migrations so that every site shares the same codes, which the finder's
filters, the Open Referral UK taxonomy and the evaluation exports all rely on.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from esolplus import cldr


class Vocabulary(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return str(_(self.name))


class Level(Vocabulary):
    """An adult ESOL Core Curriculum level, lowest first, with its usual CEFR equivalent."""

    cefr = models.CharField(_("CEFR"), max_length=20, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("ESOL level")

    def __str__(self):
        return f"{_(self.name)} ({self.cefr_label})" if self.cefr else str(_(self.name))

    @property
    def cefr_label(self) -> str:
        """The CEFR equivalent as learners read it: "A1" stays as it is everywhere, "below A1" is translated."""
        return str(_(self.cefr)) if self.cefr else ""


class TargetGroup(Vocabulary):
    """Who a class is for, such as parents or job seekers."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")


class Language(Vocabulary):
    """A language staff can speak with learners; ``code`` is its ISO 639 code.

    Shown by its CLDR name in the reader's language ("Somali", "Soomaali", "الصومالية"), so the names need no
    translators; the stored English ``name`` is kept for the few codes CLDR has no name for."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("language")
        ordering = ["name"]

    def __str__(self):
        return cldr.language_name(self.code) or str(_(self.name))


class IndustrySector(Vocabulary):
    """An employer's sector, for workplace ESOL."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("industry sector")
