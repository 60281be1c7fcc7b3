"""What learners look for: searches counted by day, borough and level (no query, no person, no address)."""

from django.db import connections, models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class SearchDemandQuerySet(models.QuerySet):
    def count_search(self, day, borough_code: str, level_code: str, found: bool) -> None:
        """Add one search to its day's counter, in one statement: the day's row is inserted, or when it exists
        (ON CONFLICT … DO UPDATE, on SQLite and PostgreSQL) one is added to it, so two searches at once both count
        and a search costs a single round trip to the database.

        Every search writes, so on PostgreSQL the count does not wait for its commit to reach the disk
        (``synchronous_commit`` off for this statement's transaction only): a crash may lose the last moment's
        counts, never make them wrong, and the learner's page is not held up by a flush.
        """
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        values = [connection.ops.adapt_datefield_value(day), borough_code, level_code, 0 if found else 1]
        if connection.vendor == "postgresql":
            quick, rows = (
                "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) ",
                "SELECT %s, %s, %s, 1, %s FROM quick",
            )
        else:
            quick, rows = "", "VALUES (%s, %s, %s, 1, %s)"
        sql = (
            f"{quick}INSERT INTO {table} (day, borough_code, level_code, searches, without_results) {rows} "
            "ON CONFLICT (day, borough_code, level_code) DO UPDATE SET "
            f"searches = {table}.searches + 1, without_results = {table}.without_results + excluded.without_results"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, values)


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
