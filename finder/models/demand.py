"""What learners look for: searches counted by day, borough and level (no query, no person, no address)."""

from django.db import IntegrityError, connections, models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class SearchDemandQuerySet(models.QuerySet):
    def count_search(self, day, borough_code: str, level_code: str, found: bool) -> None:
        """Add one search to its day's counter; two searches at once both count (UPDATE … + 1, then INSERT).

        Every search writes, so on PostgreSQL the count does not wait for its commit to reach the disk
        (``synchronous_commit`` off for this transaction only): a crash may lose the last moment's counts, never
        make them wrong, and the learner's page is not held up by a flush.
        """
        key = {"day": day, "borough_code": borough_code, "level_code": level_code}
        increments = {"searches": F("searches") + 1}
        if not found:
            increments["without_results"] = F("without_results") + 1
        with transaction.atomic(using=self.db):
            connection = connections[self.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if self.filter(**key).update(**increments):
                return
            try:
                with transaction.atomic(using=self.db):
                    self.create(**key, searches=1, without_results=0 if found else 1)
            except IntegrityError:  # another request created it first
                self.filter(**key).update(**increments)


class SearchDemand(models.Model):
    """A day's count of finder searches from one borough for one level ("" = any level)."""

    day = models.DateField(_("day"))
    borough_code = models.CharField(_("borough (ONS code)"), max_length=9)
    level_code = models.CharField(_("level"), max_length=20, blank=True)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    without_results = models.PositiveIntegerField(_("searches with no results"), default=0)

    objects = SearchDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("search demand")
        constraints = [
            models.UniqueConstraint(fields=["day", "borough_code", "level_code"], name="one_demand_row_per_day"),
            models.CheckConstraint(condition=models.Q(without_results__lte=F("searches")), name="demand_counts_add_up"),
        ]

    def __str__(self):
        return f"{self.day} {self.borough_code} {self.level_code or 'any'}"
