"""Benchmark (not a test): the record-level attendance export on SQLite and PostgreSQL, beside PostgreSQL COPY.

    python manage.py bench_export --attendance 1000000 [--postgres postgres://user@host:5432/any]

Each database is a throwaway one (a temporary SQLite file; a new PostgreSQL database, dropped afterwards).
Seeding, exporting and COPY each run in their own subprocess so that the export's peak memory (the child's
maximum resident set size, from os.wait4, including Django's own ~120 MB) is its own. tracemalloc is not used
while timing: it slows allocation-heavy Python several times over. The last line printed is one JSON object.
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.throwaway_database import throwaway_postgres_database

SESSIONS_PER_COHORT = 50
ENROLMENTS_PER_COHORT = 200
TODAY = datetime.date(2026, 7, 31)
REPEATS = 3
TERM_START = datetime.date(2025, 9, 1)


def _run_child(args: list[str], database_url: str) -> tuple[dict, int]:
    """Run this command in a subprocess; returns its JSON result and its peak RSS in bytes."""
    env = {**os.environ, "DATABASE_URL": database_url}
    process = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, sys.argv[0], "bench_export", *args], env=env, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise CommandError(f"bench_export {' '.join(args)} failed:\n{output}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss * 1024


class Command(BaseCommand):
    help = "Seed throwaway databases and measure the record-level attendance export (rows/s, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--attendance", type=int, default=1_000_000, help="Attendance rows to seed.")
        parser.add_argument("--postgres", help="A PostgreSQL URL on the server to create a throwaway database in.")
        parser.add_argument("--skip-sqlite", action="store_true")
        parser.add_argument("--worker", choices=["seed", "export", "copy"], help=Path(__file__).stem + " internal")
        parser.add_argument("--out", type=Path)

    def handle(self, *args, **options):
        if options["worker"]:
            result = getattr(self, f"_{options['worker']}")(options)
            self.stdout.write(json.dumps(result))
            return
        n = options["attendance"]
        figures = {"attendance_rows_requested": n}
        if not options["skip_sqlite"]:
            with tempfile.TemporaryDirectory() as tmp:
                figures["sqlite"] = self._bench(f"sqlite:///{tmp}/bench.sqlite3", n, Path(tmp), copy=False)
        base = options["postgres"] or os.environ.get("DATABASE_URL", "")
        if base.startswith(("postgres://", "postgresql://")):
            figures["postgresql"] = self._bench_postgres(base, n)
        else:
            figures["postgresql"] = "skipped: give --postgres or a PostgreSQL DATABASE_URL"
        pg = figures.get("postgresql")
        if isinstance(pg, dict):
            pg["export_vs_copy_speed"] = round(
                pg["copy_rows_per_second"] and pg["rows_per_second"] / pg["copy_rows_per_second"], 3
            )
        self.stdout.write(json.dumps(figures))

    def _bench(self, url: str, n: int, tmp: Path, copy: bool) -> dict:
        started = time.perf_counter()
        seeded, _rss = _run_child(["--worker", "seed", "--attendance", str(n)], url)
        self.stdout.write(
            f"{url.split(':')[0]}: seeded {seeded['attendance']} marks in {time.perf_counter() - started:.0f}s"
        )
        result, rss = _run_child(["--worker", "export", "--out", str(tmp / "export")], url)
        result["peak_rss_mb"] = round(rss / 2**20, 1)
        self.stdout.write(f"  export: {result}")
        if copy:
            copied, _ = _run_child(["--worker", "copy"], url)
            result.update(copied)
            self.stdout.write(f"  COPY: {copied}")
        return result

    def _bench_postgres(self, base: str, n: int) -> dict:
        with throwaway_postgres_database(base, "bench_export") as url, tempfile.TemporaryDirectory() as tmp:
            return self._bench(url, n, Path(tmp), copy=True)

    # Workers, each in its own process with DATABASE_URL pointing at the throwaway database.

    def _seed(self, options) -> dict:
        from wagtail.models import Page

        from evaluation.models import Cohort, Enrolment, Learner, Pilot, Session
        from finder.models import ClassPage, ProviderIndexPage, ProviderPage

        call_command("migrate", verbosity=0)
        n = options["attendance"]
        per_cohort = SESSIONS_PER_COHORT * ENROLMENTS_PER_COHORT
        cohorts_needed = max(1, -(-n // per_cohort))
        home = Page.objects.get(depth=2)
        index = home.add_child(instance=ProviderIndexPage(title="Providers", slug="providers"))
        provider = index.add_child(instance=ProviderPage(title="Bench provider", summary="Benchmark."))
        page = provider.add_child(
            instance=ClassPage(title="Bench class", summary="Benchmark.", delivery_mode=ClassPage.DeliveryMode.ONLINE)
        )
        pilot = Pilot.objects.create(  # public task: the bench learners have no consent records, all are exported
            name="Bench",
            slug="bench",
            strand="childcare",
            start_date=TERM_START,
            end_date=TODAY,
            retention_until=TODAY,
            research_basis="public_task",
        )
        cohorts = Cohort.objects.bulk_create(
            Cohort(
                pilot=pilot,
                class_page=page,
                provider_id=provider.id,
                name=f"Cohort {i}",
                start_date=TERM_START + datetime.timedelta(days=i),
                end_date=TODAY,
                planned_sessions=50,
                planned_hours=100,
            )
            for i in range(cohorts_needed)
        )
        cohorts = list(Cohort.objects.order_by("pk"))
        Session.objects.bulk_create(
            (
                Session(
                    cohort=c,
                    date=TERM_START + datetime.timedelta(days=3 * s),
                    start_time=datetime.time(10),
                    end_time=datetime.time(12),
                    status="held",
                )
                for c in cohorts
                for s in range(SESSIONS_PER_COHORT)
            ),
            batch_size=5000,
        )
        learners = Learner.objects.bulk_create(
            (
                Learner(pseudonym=uuid.uuid4().hex, provider_id=provider.id)
                for _ in range(cohorts_needed * ENROLMENTS_PER_COHORT)
            ),
            batch_size=5000,
        )
        learner_ids = list(Learner.objects.order_by("pk").values_list("pk", flat=True))
        Enrolment.objects.bulk_create(
            (
                Enrolment(
                    learner_id=learner_ids[i * ENROLMENTS_PER_COHORT + j],
                    cohort=c,
                    start_date=TERM_START,
                    planned_end_date=TODAY,
                )
                for i, c in enumerate(cohorts)
                for j in range(ENROLMENTS_PER_COHORT)
            ),
            batch_size=5000,
        )
        del learners
        # Marks for 19 in 20 session-enrolment pairs, inserted by the database itself.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO evaluation_attendance (enrolment_id, session_id, status, minutes)
                SELECT e.id, s.id,
                       CASE WHEN (e.id * 7 + s.id) % 10 < 8 THEN 'present'
                            WHEN (e.id * 7 + s.id) % 10 = 8 THEN 'late' ELSE 'unauthorised' END,
                       NULL
                FROM evaluation_enrolment e JOIN evaluation_session s ON s.cohort_id = e.cohort_id
                WHERE (e.id + s.id) % 20 <> 0
                """
            )
        from evaluation.models import Attendance

        return {"attendance": Attendance.objects.count()}

    def _export(self, options) -> dict:
        from evaluation.exports import export_pilot
        from evaluation.models import Pilot

        pilot = Pilot.objects.get(slug="bench")
        best = None
        for _ in range(REPEATS):  # best of several runs: the machine is shared, so single runs are noisy
            started = time.perf_counter()
            record = export_pilot(pilot, options["out"], recipient="bench", today=TODAY, tables=["attendance"])
            seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        rows = record.row_counts["attendance"]
        return {
            "database": connection.vendor,
            "rows": rows,
            "seconds": round(best, 2),
            "rows_per_second": round(rows / best),
            "file_mb": round((options["out"] / "attendance.csv").stat().st_size / 2**20, 1),
        }

    def _copy(self, options) -> dict:
        from evaluation.exports import attendance_sql
        from evaluation.models import Pilot

        pilot = Pilot.objects.get(slug="bench")
        sql, _params = attendance_sql(TODAY)
        # Literal values (an integer and a date we made) so the query runs inside COPY unchanged.
        sql = sql.replace("%s", str(pilot.pk), 1).replace("%s", f"'{TODAY.isoformat()}'")
        connection.ensure_connection()
        best = None
        for _ in range(REPEATS):
            started = time.perf_counter()
            size = 0
            with connection.connection.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV") as copy:
                for block in copy:
                    size += len(block)
            seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        seconds = best
        rows = pilot.cohorts.count() and _count_rows(sql)
        return {
            "copy_seconds": round(seconds, 2),
            "copy_rows_per_second": round(rows / seconds),
            "copy_mb": round(size / 2**20, 1),
        }


def _count_rows(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) q")  # noqa: S608 - our own query
        return cursor.fetchone()[0]
