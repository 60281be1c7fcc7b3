"""Benchmark the finder at growing numbers of classes, in throwaway databases. Not a test: it prints figures.

    python manage.py bench_finder --classes 1000,10000,100000

The command re-runs itself in a subprocess per database (a SQLite file in a temporary folder, and a
throwaway PostgreSQL database beside DATABASE_URL when that points at PostgreSQL). Each worker migrates,
imports London's geography (every postcode, from GEO_DATA_DIR), tops the classes up to each size with bulk
inserts at random London postcodes, then times random
searches on /find/ (HTML, default filters, 5 km) and /openreferral/service_at_locations (5,000 m).
The last line printed is one JSON object with every figure.
"""

import contextlib
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.throwaway_database import throwaway_postgres_database

WORKER_SETTINGS = "esolplus.settings.test"
PROVIDERS = 50


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Time finder and API searches at growing numbers of classes (SQLite, and PostgreSQL if configured)."

    def add_arguments(self, parser):
        parser.add_argument("--classes", default="1000,10000,100000", help="comma-separated sizes")
        parser.add_argument("--searches", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--databases", default="", help="sqlite,postgresql (default: sqlite, plus postgresql "
                            "when DATABASE_URL points at one)")  # fmt: skip
        parser.add_argument("--worker", action="store_true", help="internal: run inside the throwaway database")

    def handle(self, *args, **options):
        try:
            sizes = sorted({int(size) for size in options["classes"].split(",") if size.strip()})
        except ValueError:
            raise CommandError("--classes must be whole numbers separated by commas, like 1000,10000") from None
        if not sizes or sizes[0] < 1:
            raise CommandError("--classes needs at least one positive size")
        if options["worker"]:
            self.run_worker(sizes, options["searches"], options["seed"])
        else:
            self.run_parent(sizes, options)

    # --- Parent: one throwaway database per engine -----------------------------------------------------

    def run_parent(self, sizes, options):
        current = os.environ.get("DATABASE_URL", "")
        engines = [e.strip() for e in options["databases"].split(",") if e.strip()] or (
            ["sqlite", "postgresql"] if current.startswith(("postgres://", "postgresql://")) else ["sqlite"]
        )
        results = {}
        for engine in engines:
            if engine == "sqlite":
                with tempfile.TemporaryDirectory(prefix="esolplus-bench-") as folder:
                    url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
                    results[engine] = self.run_child(url, sizes, options)
            elif engine == "postgresql":
                if not current.startswith(("postgres://", "postgresql://")):
                    raise CommandError("PostgreSQL needs DATABASE_URL pointing at a PostgreSQL server")
                results[engine] = self.run_postgresql(current, sizes, options)
            else:
                raise CommandError(f"unknown database {engine!r}: use sqlite or postgresql")
        self.stdout.write(json.dumps({"sizes": sizes, "searches": options["searches"], "results": results}))

    def run_postgresql(self, url, sizes, options):
        with throwaway_postgres_database(url, "esolplus_bench") as throwaway:
            return self.run_child(throwaway, sizes, options)

    def run_child(self, url, sizes, options):
        engine = "postgresql" if url.startswith("postgres") else "sqlite"
        self.stderr.write(f"[{engine}] benchmarking {sizes} in a throwaway database")
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS}
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_finder",
            "--worker",
            "--classes",
            ",".join(map(str, sizes)),
            "--searches",
            str(options["searches"]),
            "--seed",
            str(options["seed"]),
        ]
        process = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
        if process.returncode:
            raise CommandError(f"the {engine} benchmark failed (exit {process.returncode})")
        lines = process.stdout.strip().splitlines()
        for line in lines[:-1]:
            self.stdout.write(f"[{engine}] {line}")
        return json.loads(lines[-1])

    # --- Worker: inside the throwaway database --------------------------------------------------------

    def run_worker(self, sizes, searches, seed):
        from django.core.management import call_command

        rng = random.Random(seed)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        # All of London's postcodes (../shared/data/geo), not the test settings' few hundred: classes spread over a
        # few hundred points would pile up hundreds at each, which no real search meets.
        source = getattr(settings, "FULL_GEO_DATA_DIR", settings.GEO_DATA_DIR)
        with open(os.devnull, "w") as quiet:
            call_command("import_geography", scope="london", source=source, verbosity=0, stdout=quiet)
        self.stderr.write(f"  migrated and imported geography in {time.perf_counter() - started:.0f} s")
        seeder = Seeder(rng)
        figures = {}
        for size in sizes:
            started = time.perf_counter()
            seeder.top_up(size)
            seeded = time.perf_counter() - started
            postcodes = self.pick_postcodes(rng, searches + 10)
            search = lambda pc: {"where": pc, "radius": "5"}  # noqa: E731
            figures[str(size)] = {
                "seed_seconds": round(seeded, 1),
                # The first pass renders every result card; the second finds them in the cache, as the searches
                # of a busy day around the same places do.
                "find": self.time_requests(postcodes, "/find/", search),
                "find_cards_cached": self.time_requests(postcodes, "/find/", search),
                "openreferral": self.time_requests(
                    postcodes, "/openreferral/service_at_locations", lambda pc: {"postcode": pc, "proximity": "5000"}
                ),
            }
            find, api = figures[str(size)]["find"], figures[str(size)]["openreferral"]
            cached = figures[str(size)]["find_cards_cached"]
            self.stdout.write(
                f"{size:>7} classes: /find/ p50 {find['p50_ms']} ms p95 {find['p95_ms']} ms "
                f"(cards cached: p50 {cached['p50_ms']} ms p95 {cached['p95_ms']} ms) "
                f"({find['mean_results']:.0f} results) · API p50 {api['p50_ms']} ms p95 {api['p95_ms']} ms "
                f"(seeded in {seeded:.0f} s)"
            )
        self.stdout.write(json.dumps(figures))

    def pick_postcodes(self, rng, count) -> list[str]:
        from finder.models import Postcode

        return rng.sample(list(Postcode.objects.values_list("postcode", flat=True).order_by("postcode")), count)

    def time_requests(self, postcodes, path, params_for):
        from django.db import connection, reset_queries
        from django.test import Client

        client = Client()
        for postcode in postcodes[:10]:  # warm up connections and caches
            client.get(path, params_for(postcode))
        times, results, queries = [], [], []
        connection.force_debug_cursor = True
        for postcode in postcodes[10:]:
            reset_queries()
            started = time.perf_counter()
            response = client.get(path, params_for(postcode))
            times.append((time.perf_counter() - started) * 1000)
            queries.append(len(connection.queries))
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code} for {postcode}")
            if response.headers["Content-Type"].startswith("application/json"):
                results.append(json.loads(response.content)["total_items"])
            else:
                found = re.search(rb'data-total="(\d+)"', response.content)
                results.append(int(found[1]) if found else 0)
        connection.force_debug_cursor = False
        return {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "mean_results": round(statistics.mean(results), 1),
            "max_queries": max(queries),
        }


class Seeder:
    """Bulk-inserts providers, venues at random London postcodes, classes with sessions and levels."""

    def __init__(self, rng: random.Random):
        from finder.models import Postcode

        self.rng = rng
        self.postcodes = list(Postcode.objects.values_list("postcode", "latitude", "longitude", "district_code"))
        self.providers = []
        self.count = 0

    def ensure_providers(self):
        from wagtail.models import Page

        from esolplus.models import HomePage
        from finder.models import ProviderIndexPage, ProviderPage

        if self.providers:
            return
        index = ProviderIndexPage.objects.first()
        if index is None:
            index = HomePage.objects.get().add_child(instance=ProviderIndexPage(title="Providers", slug="providers"))
        for number in range(PROVIDERS):
            provider = index.add_child(
                instance=ProviderPage(title=f"Bench provider {number}", slug=f"bench-{number}", summary="Benchmark.")
            )
            self.providers.append(Page.objects.get(pk=provider.pk))

    def top_up(self, size: int):
        from django.contrib.contenttypes.models import ContentType
        from django.db import DatabaseError, connection, transaction
        from django.utils import timezone
        from wagtail.models import Locale, Page

        from finder.models import ClassPage, ClassSession, District, Level, Venue
        from finder.vocabularies import LEVEL_CODES

        self.ensure_providers()
        add = size - self.count
        if add <= 0:
            return
        content_type = ContentType.objects.get_for_model(ClassPage)
        locale = Locale.get_default()
        levels = list(Level.objects.filter(code__in=LEVEL_CODES))
        boroughs = set(District.objects.values_list("code", flat=True))
        today = timezone.localdate()
        now = timezone.now()
        with transaction.atomic():
            venues = []
            for number in range(add):
                postcode, lat, lon, district = self.rng.choice(self.postcodes)
                provider = self.providers[(self.count + number) % PROVIDERS]
                venues.append(
                    Venue(
                        provider_id=provider.pk,
                        name=f"Centre {self.count + number}",
                        address="1 High Street",
                        postcode=postcode,
                        latitude=lat,
                        longitude=lon,
                        borough_id=district if district in boroughs else None,
                        step_free_access=self.rng.random() < 0.6,
                    )
                )
            Venue.objects.bulk_create(venues, batch_size=5000)
            if venues[0].pk is None:
                venues = list(Venue.objects.order_by("-pk")[:add])[::-1]
            pages, details = [], []
            children = {provider.pk: provider.numchild for provider in self.providers}
            for number, venue in enumerate(venues):
                provider = self.providers[(self.count + number) % PROVIDERS]
                children[provider.pk] += 1
                slug = f"class-{self.count + number}"
                pages.append(
                    Page(
                        title=f"English class {self.count + number}",
                        draft_title=f"English class {self.count + number}",
                        slug=slug,
                        content_type=content_type,
                        path=provider.path + _step(children[provider.pk]),
                        depth=provider.depth + 1,
                        numchild=0,
                        url_path=f"{provider.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                    )
                )
                start = today + datetime.timedelta(days=self.rng.randint(-60, 90))
                details.append(
                    ClassPage(
                        summary="Benchmark class.",
                        venue_id=venue.pk,
                        delivery_mode=self.rng.choice(["in_person"] * 8 + ["blended"]),
                        start_date=start,
                        end_date=start + datetime.timedelta(days=self.rng.randint(60, 300)),
                        rolling_enrolment=self.rng.random() < 0.3,
                        cost=self.rng.choice(["free", "free", "free_if_eligible"]),
                        eligibility="On benefits.",
                        childcare=self.rng.choice(["none", "none", "creche", "support"]),
                        women_only=self.rng.random() < 0.15,
                        places_status=self.rng.choice(["available", "few", "waiting_list", "full"]),
                        last_checked=today,
                    )
                )
            Page.objects.bulk_create(pages, batch_size=5000)
            if pages[0].pk is None:
                pages = list(Page.objects.filter(content_type=content_type).order_by("-pk")[:add])[::-1]
            fields = [f for f in ClassPage._meta.local_concrete_fields if f.name != "page_ptr"]
            columns = ", ".join(["page_ptr_id", *(connection.ops.quote_name(f.column) for f in fields)])
            marks = ", ".join(["%s"] * (len(fields) + 1))
            rows = [
                [page.pk, *(f.get_db_prep_save(getattr(detail, f.attname), connection) for f in fields)]
                for page, detail in zip(pages, details, strict=True)
            ]
            with connection.cursor() as cursor:
                insert = f"INSERT INTO {ClassPage._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, rows)
            sessions, links = [], []
            for page in pages:
                for weekday in self.rng.sample(range(7), self.rng.choice([1, 2, 2, 3])):
                    hour = self.rng.choice([9, 10, 13, 18])
                    sessions.append(
                        ClassSession(
                            page_id=page.pk,
                            weekday=weekday,
                            start_time=datetime.time(hour, 0),
                            end_time=datetime.time(hour + 2, 0),
                        )
                    )
                links.append(ClassPage.levels.through(classpage_id=page.pk, level=self.rng.choice(levels)))
            ClassSession.objects.bulk_create(sessions, batch_size=5000)
            ClassPage.levels.through.objects.bulk_create(links, batch_size=5000)
            for provider in self.providers:
                provider.numchild = children[provider.pk]
                Page.objects.filter(pk=provider.pk).update(numchild=provider.numchild)
        if connection.vendor == "postgresql":
            # A live database has planner statistics and a visibility map (autovacuum keeps them); one just filled in
            # bulk has neither yet. The checkpoint writes the bulk load out now, rather than during the timed searches.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
                with contextlib.suppress(DatabaseError):  # only a superuser or pg_checkpoint may: noisier figures then
                    cursor.execute("CHECKPOINT")
        self.count = size


def _step(number: int) -> str:
    """treebeard's 4-character base-36 path step for the n-th child."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = alphabet[digit] + text
    return text.rjust(4, "0")
