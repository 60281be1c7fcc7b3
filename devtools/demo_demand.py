"""Demo search demand: finder searches counted by day, borough and level over the last six months.

So that the borough evidence base (/evaluation/boroughs/, /evaluation/evidence/) has months to compare, each London
borough gets a count on one day a week: more searches in busy boroughs and at the lower levels, a September
peak, and some searches with no results. The numbers come from a fixed seed, and each (day, borough, level) row is
written with its value, so running the demo again changes nothing (a later day adds that day's rows).
"""

import datetime
import random

from django.utils import timezone

from finder.geography.models import District
from finder.models import SearchDemand
from finder.vocabularies import LEVEL_CODES

SEED = 20261130
WEEKS = 26
# Typical share of searches at each level (the rest tick no level or several).
LEVEL_WEIGHTS = {"": 1.0, "pre-entry": 0.3, "entry-1": 0.6, "entry-2": 0.5, "entry-3": 0.35, "level-1": 0.2}
LEVEL_WEIGHTS |= {code: 0.05 for code in LEVEL_CODES if code not in LEVEL_WEIGHTS}


def load_demand_demo(stdout) -> None:
    boroughs = list(District.objects.filter(is_london_borough=True).order_by("code").values_list("code", flat=True))
    if not boroughs:
        stdout.write("No London boroughs loaded: demo search demand skipped.")
        return
    rng = random.Random(SEED)
    busy = {code: rng.uniform(2, 12) for code in boroughs}
    today = timezone.localdate()
    rows = []
    for week in range(WEEKS):
        day = today - datetime.timedelta(days=7 * week)
        season = 1.6 if day.month == 9 else 1.0
        for code in boroughs:
            day_rng = random.Random(f"{SEED}-{week}-{code}")  # the same numbers whatever else changes
            for level, weight in LEVEL_WEIGHTS.items():
                searches = int(busy[code] * weight * season * day_rng.uniform(0.5, 1.5))
                if searches:
                    without = int(searches * day_rng.uniform(0, 0.4))
                    rows.append(
                        SearchDemand(
                            day=day, borough_code=code, level_code=level, searches=searches, without_results=without
                        )
                    )
    SearchDemand.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["day", "borough_code", "level_code"],
        update_fields=["searches", "without_results"],
        batch_size=500,
    )
    stdout.write(f"Demo search demand: {len(rows)} day counts in {len(boroughs)} boroughs.")
