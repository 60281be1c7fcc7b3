"""The borough evidence base (evaluation/evidence.py): exact for coordinators, disclosure-controlled for everyone."""

import csv
import datetime
import io
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from scipy.optimize import Bounds, LinearConstraint, milp

from devtools.factories import ClassPageFactory, venue_at
from devtools.waiting_factories import WaitingListEntryFactory
from evaluation import evidence
from evaluation.disclosure import SUPPRESSED, round_to_5, window
from evaluation.models import ResultsRelease
from finder.geography.models import District
from finder.models import ClassPage, Level, SearchDemand, WaitingListEntry

pytestmark = pytest.mark.django_db
TOWER_HAMLETS, SOUTHWARK, NEWHAM = "E09000030", "E09000028", "E09000025"
BOROUGHS, EVIDENCE = reverse("evaluation:boroughs"), reverse("evaluation:evidence")
BOROUGHS_CSV, EVIDENCE_CSV = reverse("evaluation:boroughs_csv"), reverse("evaluation:evidence_csv")
SEARCHES = [  # borough, level, searches, of which without results
    (TOWER_HAMLETS, "entry-1", 43, 3),
    (TOWER_HAMLETS, "", 27, 12),
    (SOUTHWARK, "entry-1", 7, 2),
    (SOUTHWARK, "", 31, 0),
    (NEWHAM, "entry-2", 52, 20),
    (NEWHAM, "entry-1", 18, 11),
]


def make_figures() -> str:
    """Searches, classes and waiting-list entries in three boroughs last month (also the browser checks' data)."""
    day = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # a whole month: on the public page too
    for borough, level, searches, without in SEARCHES:
        SearchDemand.objects.create(
            day=day, borough_code=borough, level_code=level, searches=searches, without_results=without
        )
    entry_1, entry_2 = Level.objects.get(code="entry-1"), Level.objects.get(code="entry-2")
    creche = ClassPageFactory(
        venue=venue_at("E1 6RB"), capacity=16, childcare=ClassPage.Childcare.CRECHE, sessions=((5, "10:00", "12:00"),)
    )
    evening = ((2, "18:00", "20:00"),)
    ClassPageFactory(venue=venue_at("E1 6RB"), capacity=12, levels=[entry_1, entry_2], sessions=evening)
    ClassPageFactory(venue=venue_at("SE15 5AA"), capacity=None)
    ClassPageFactory(venue=venue_at("SE15 5AA"), live=False)  # not listed: not provision
    WaitingListEntryFactory(class_page=creche)
    WaitingListEntryFactory(class_page=creche)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    WaitingListEntry.objects.update(created_at=noon)
    return f"{day:%Y-%m}"


@pytest.fixture
def figures(geography):
    return make_figures()


def _row(rows, month, borough, level):
    return next(r for r in rows if (r["month"], r["borough_code"], r["level"]) == (month, borough, level))


def test_exact_figures_count_demand_and_provision_at_one_level_each(figures):
    start, end = evidence.last_months(timezone.localdate())
    rows = evidence.evidence_rows(start, end)
    th_entry_1 = _row(rows, figures, TOWER_HAMLETS, "entry-1")
    assert (th_entry_1["searches"], th_entry_1["without_results"], th_entry_1["waiting"]) == (43, 3, 2)
    assert (th_entry_1["classes"], th_entry_1["places"], th_entry_1["creche_places"]) == (1, 16, 16)
    assert (th_entry_1["evening_classes"], th_entry_1["weekend_classes"]) == (0, 1)
    several = _row(rows, figures, TOWER_HAMLETS, evidence.ANY_LEVEL)  # two levels: "any or several"
    assert (several["searches"], several["classes"], several["places"], several["evening_classes"]) == (27, 1, 12, 1)
    assert _row(rows, figures, SOUTHWARK, "entry-1")["classes"] == 1  # no class size: a class, no places
    assert _row(rows, figures, SOUTHWARK, "entry-1")["places"] == 0
    assert _row(rows, figures, TOWER_HAMLETS, evidence.ALL)["searches"] == 70
    assert _row(rows, figures, evidence.ALL, "entry-1")["searches"] == 43 + 7 + 18
    assert _row(rows, figures, evidence.ALL, evidence.ALL)["classes"] == 3


def test_coordinators_see_exact_figures_and_can_filter(client, figures, django_user_model):
    from devtools.factories import coordinator

    client.force_login(coordinator())
    page = client.get(BOROUGHS, {"borough": SOUTHWARK, "level": "entry-1"})
    assert page.status_code == 200
    cells = page.context["rows"]
    assert {tuple(row[1:4]) for row in cells} == {(SOUTHWARK, "Southwark", "Entry 1")}
    assert len(cells) == evidence.MONTHS_SHOWN  # provision now, on each month's line
    assert [row[4:6] for row in cells if row[0] == figures] == [[7, 2]]
    assert "Southwark" in page.text and '<th scope="col">' in page.text


def test_the_public_hides_small_counts_and_rounds_the_rest(client, figures):
    page = client.get(EVIDENCE, {"borough": ""})  # every borough
    assert page.status_code == 200
    rows = {(r[0], r[1], r[3]): r for r in page.context["rows"]}
    assert rows[(figures, SOUTHWARK, "Entry 1")][4] == SUPPRESSED  # 7 searches
    assert rows[(figures, "all", "All levels")][4:6] == [180, 50]  # 178 and 48, rounded
    assert rows[(figures, TOWER_HAMLETS, "Entry 1")][6] == SUPPRESSED  # 2 people waiting
    start, end = evidence.complete_months(timezone.localdate())
    exact = [evidence.as_cells(row) for row in evidence.evidence_rows(start, end)]
    assert [row[:4] for row in exact] == [row[:4] for row in page.context["rows"]]
    for published, row in zip(page.context["rows"], exact, strict=True):
        for shown, value in zip(published[4:9], row[4:9], strict=True):
            assert shown == SUPPRESSED or (shown == round_to_5(value) and not 0 < value < evidence.THRESHOLD), row
    assert rows[(figures, TOWER_HAMLETS, "Entry 1")][9:] == [1, 16, 16, 0, 1]  # the public listings, exact


def _public_tables(rows):
    tables = defaultdict(dict)
    for row in rows:
        for index, name in enumerate(evidence.DEMAND, start=4):
            tables[(name, row[0])][(row[1], row[3])] = row[index]
    return tables


def _intruder_bounds(table: dict, exact: dict | None = None) -> dict:
    """What a reader can work out about each hidden cell from the published cells and the margins (integer
    programme): its smallest and largest possible values. With ``exact``, the reader knows every published
    count exactly, as if nothing were rounded: only suppression protects the hidden ones."""
    all_levels, london = evidence.level_label(evidence.ALL), evidence.ALL
    keys = list(table)
    index = {key: i for i, key in enumerate(keys)}
    shown = {k: [exact[k]] if exact else window(table[k], evidence.THRESHOLD) for k in keys if table[k] != SUPPRESSED}
    low = [min(shown[k]) if k in shown else 0 for k in keys]
    high = [max(shown[k]) if k in shown else 10**6 for k in keys]
    rows, cols = defaultdict(list), defaultdict(list)
    for borough, level in keys:
        if level != all_levels:
            rows[borough].append((borough, level))
        if borough != london:
            cols[level].append((borough, level))
    equations = []
    for groups, total_of in ((rows, lambda g: (g, all_levels)), (cols, lambda g: (london, g))):
        for group, parts in groups.items():
            line = np.zeros(len(keys))
            for part in parts:
                line[index[part]] = 1
            line[index[total_of(group)]] -= 1
            equations.append(line)
    constraint = LinearConstraint(np.array(equations), 0, 0)
    bounds = {}
    for key in keys:
        if table[key] != SUPPRESSED:
            continue
        found = []
        for sign in (1, -1):
            goal = np.zeros(len(keys))
            goal[index[key]] = sign
            answer = milp(goal, constraints=constraint, integrality=np.ones(len(keys)), bounds=Bounds(low, high))
            assert answer.success, answer.message
            found.append(round(answer.x[index[key]]))
        bounds[key] = tuple(found)
    return bounds


def test_an_intruder_cannot_work_out_a_hidden_count_from_the_totals(client, figures):
    """Each hidden cell keeps a partner in its row and its column: even published counts known exactly, with the
    all-levels and London totals, leave it more than one value."""
    rows = client.get(EVIDENCE).context["rows"]
    start, end = evidence.complete_months(timezone.localdate())
    exact = _public_tables([evidence.as_cells(row) for row in evidence.evidence_rows(start, end)])
    hidden = 0
    for name, table in _public_tables(rows).items():
        for known in (None, exact[name]):
            for key, (smallest, largest) in _intruder_bounds(table, known).items():
                hidden += 1
                assert smallest < largest, (name, key, smallest, largest)
    assert hidden >= 8  # the check looked at something


@pytest.mark.parametrize("who", ["staff1", "evaluator_a", "nobody"])
def test_provider_staff_and_evaluators_are_refused_the_exact_figures(client, world, who):
    client.force_login(world[who])
    for url in (BOROUGHS, BOROUGHS_CSV):
        assert client.get(url).status_code == 403, url


def test_the_exact_figures_need_a_login_and_the_public_page_does_not(client, figures):
    assert client.get(BOROUGHS).status_code == 302
    for url in (EVIDENCE, EVIDENCE_CSV):
        response = client.get(url)
        assert response.status_code == 200 and not response.cookies, url
    assert client.post(EVIDENCE).status_code == 405


def test_a_page_opened_without_a_borough_shows_londons_totals_and_the_csv_every_borough(client, figures):
    page = client.get(EVIDENCE)
    assert {row[1] for row in page.context["rows"]} == {evidence.ALL}
    assert "borough=all" in page.context["query"]
    everything = _csv_cells(client.get(EVIDENCE_CSV))
    assert {line[1] for line in everything[1:]} > {evidence.ALL, SOUTHWARK, TOWER_HAMLETS}


def _csv_cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("query", [{}, {"borough": TOWER_HAMLETS}, {"level": "any"}, {"borough": "all"}])
def test_the_public_csv_holds_the_page_cells(client, figures, query):
    page = client.get(EVIDENCE, query)
    download = client.get(f"{EVIDENCE_CSV}?{page.context['query']}")  # the page's own download link
    assert download["Content-Disposition"].startswith("attachment")
    cells = _csv_cells(download)
    assert cells[0] == evidence.COLUMNS
    assert cells[1:] == [[str(cell) for cell in row] for row in page.context["rows"]]
    assert cells[1:]


def test_the_coordinators_csv_holds_the_page_cells_and_stays_text_in_spreadsheets(client, figures):
    from devtools.factories import coordinator

    District.objects.filter(code=SOUTHWARK).update(name="=HYPERLINK(1)")
    client.force_login(coordinator())
    page = client.get(BOROUGHS, {"borough": ""})
    download = client.get(f"{BOROUGHS_CSV}?{page.context['query']}")
    cells = _csv_cells(download)
    assert len(cells) == len(page.context["rows"]) + 1
    for row, line in zip(page.context["rows"], cells[1:], strict=True):
        assert line == [("'" + str(c)) if str(c).startswith("=") else str(c) for c in row]
    assert any(line[2] == "'=HYPERLINK(1)" for line in cells)


@pytest.mark.parametrize(
    "query", [{"start": "banana"}, {"start": "2026-13"}, {"start": "2026-05", "end": "2026-01"}, {"borough": "E0"}]
)
def test_malformed_filters_get_a_message_never_a_server_error(client, figures, query):
    from devtools.factories import coordinator

    client.force_login(coordinator())
    page = client.get(BOROUGHS, query)
    assert page.status_code == 200 and page.context["form"].errors
    assert client.get(EVIDENCE, {"level": "nonsense"}).status_code == 200


def test_integration_results_by_borough_are_public_only_as_a_public_release_shows_them(client, world):
    pilot = world["pilot_a"]
    line = {"indicator": "integration_change:confidence", "breakdown": "borough", "period": "all", "numerator": ""}
    ResultsRelease.objects.create(
        pilot=pilot,
        version=1,
        published_at=timezone.now(),
        reference_date=timezone.localdate(),
        definitions_version="test",
        threshold=10,
        rounding_base=5,
        rows=[
            {**line, "group": "Tower Hamlets", "denominator": "15", "value": "1.2"},
            {**line, "group": "Southwark", "denominator": SUPPRESSED, "value": SUPPRESSED},
            {**line, "indicator": "learners", "group": "Newham", "denominator": "", "value": "20"},
        ],
    )
    assert client.get(EVIDENCE).context["integration"] == []  # the pilot's results page is not up
    pilot.results_published_at = timezone.now()
    pilot.save(update_fields=["results_published_at"])
    shown = client.get(EVIDENCE).context["integration"]
    assert shown == [
        [pilot.name, "Tower Hamlets", "confidence", "1.2", "15"],
        [pilot.name, "Southwark", "confidence", SUPPRESSED, SUPPRESSED],
    ]
    assert client.get(EVIDENCE, {"borough": SOUTHWARK}).context["integration"] == shown[1:]


def test_the_month_under_way_is_for_coordinators_only(client, figures):
    from devtools.factories import coordinator

    today = timezone.localdate()
    SearchDemand.objects.create(day=today, borough_code=TOWER_HAMLETS, level_code="", searches=40, without_results=0)
    public_months = {row[0] for row in client.get(EVIDENCE).context["rows"]}
    assert f"{today:%Y-%m}" not in public_months and figures in public_months
    assert len(public_months) == evidence.MONTHS_SHOWN  # provision is on every month's line
    client.force_login(coordinator())
    assert f"{today:%Y-%m}" in {row[0] for row in client.get(BOROUGHS).context["rows"]}
