"""Published results: frozen, numbered releases; the page and its CSV publish the same cells; intruder-safe."""

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from devtools.evaluation_factories import CohortFactory, EnrolmentFactory
from evaluation.exports import export_pilot
from evaluation.indicators import indicator_rows
from evaluation.models import AuditEntry, ResultsRelease
from evaluation.publishing import COLUMNS, mean_decimals
from evaluation.services.releases import AlreadyPublished, publish_release
from tests.evaluation.intruder import attack
from tests.evaluation.test_exports import TODAY, _big_pilot, read

PUBLISH = "evaluation:publish"


def _page_cells(response) -> list[list[str]]:
    table = response.content.decode().split('id="results"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row)] for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def _csv_cells(response) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS
    return rows[1:]


@pytest.fixture
def pilot(geography):
    return _big_pilot(n_learners=40, seed=3)


def test_the_results_page_and_its_csv_publish_exactly_the_same_cells(client, pilot):
    release = publish_release(pilot, None, based_on=0, today=TODAY)
    page = client.get(reverse("evaluation:results", args=[pilot.slug]))
    download = client.get(reverse("evaluation:results_csv", args=[pilot.slug]))
    assert page.status_code == download.status_code == 200
    assert _page_cells(page) == _csv_cells(download) == [[row[c] for c in COLUMNS] for row in release.rows]
    assert not any(row["indicator"].startswith("reach:") for row in release.rows)
    assert "no-store" not in download.get("Cache-Control", "")


def test_published_results_stay_put_until_republished_and_every_version_stays_readable(client, pilot):
    first = publish_release(pilot, None, based_on=0, today=TODAY, note="")
    before = _csv_cells(client.get(reverse("evaluation:results_csv", args=[pilot.slug])))
    cohort = pilot.cohorts.first()
    for _ in range(15):
        EnrolmentFactory(cohort=cohort)
    assert _csv_cells(client.get(reverse("evaluation:results_csv", args=[pilot.slug]))) == before

    second = publish_release(pilot, None, based_on=1, today=TODAY, note="Fifteen more learners enrolled.")
    latest = client.get(reverse("evaluation:results", args=[pilot.slug]))
    assert _csv_cells(client.get(reverse("evaluation:results_csv", args=[pilot.slug]))) != before
    assert "Version 2" in latest.text and "Fifteen more learners enrolled." in latest.text
    old = client.get(reverse("evaluation:results_version", args=[pilot.slug, 1]))
    assert _page_cells(old) == before
    assert _csv_cells(client.get(reverse("evaluation:results_version_csv", args=[pilot.slug, 1]))) == before
    assert f"Version 1, published {first.published_at:%-d %B %Y}" in latest.text
    assert (first.version, second.version) == (1, 2)
    assert second.definitions_version and second.threshold == pilot.disclosure_threshold


def test_a_double_click_or_a_colleague_publishing_first_makes_one_release(client, pilot, django_user_model):
    from finder.cms.providers import ensure_coordination

    coordinator = django_user_model.objects.create_user("coord", password="pw-12345-test")
    coordinator.groups.add(ensure_coordination().coordinators)
    client.force_login(coordinator)
    form = {"action": "publish", "based_on": "0", "note": ""}
    assert client.post(reverse(PUBLISH, args=[pilot.slug]), form).status_code == 302
    response = client.post(reverse(PUBLISH, args=[pilot.slug]), form, follow=True)
    assert "Version 1 was published" in response.text
    assert ResultsRelease.objects.filter(pilot=pilot).count() == 1
    with pytest.raises(AlreadyPublished):
        publish_release(pilot, coordinator, based_on=0)
    assert AuditEntry.objects.filter(model="evaluation.ResultsRelease").count() == 1


def test_taking_the_page_down_hides_every_version_and_keeps_them(client, pilot, django_user_model):
    from finder.cms.providers import ensure_coordination

    publish_release(pilot, None, based_on=0, today=TODAY)
    coordinator = django_user_model.objects.create_user("coord", password="pw-12345-test")
    coordinator.groups.add(ensure_coordination().coordinators)
    client.force_login(coordinator)
    client.post(reverse(PUBLISH, args=[pilot.slug]), {"action": "withdraw", "based_on": "1"})
    client.logout()
    for name, args in (("results", [pilot.slug]), ("results_version", [pilot.slug, 1])):
        assert client.get(reverse(f"evaluation:{name}", args=args)).status_code == 404
    assert ResultsRelease.objects.filter(pilot=pilot).count() == 1


@pytest.mark.parametrize("form", [{}, {"action": "publish"}, {"action": "publish", "based_on": "x"}, {"action": "?"}])
def test_a_malformed_publish_form_changes_nothing(client, pilot, django_user_model, form):
    from finder.cms.providers import ensure_coordination

    coordinator = django_user_model.objects.create_user("coord", password="pw-12345-test")
    coordinator.groups.add(ensure_coordination().coordinators)
    client.force_login(coordinator)
    assert client.post(reverse(PUBLISH, args=[pilot.slug]), form).status_code == 302
    assert not ResultsRelease.objects.exists()


def test_an_unknown_version_is_not_found(client, pilot):
    publish_release(pilot, None, based_on=0, today=TODAY)
    assert client.get(reverse("evaluation:results_version", args=[pilot.slug, 2])).status_code == 404


@pytest.mark.parametrize("threshold", [10, 7])
def test_no_file_a_pilot_publishes_or_exports_lets_an_intruder_pin_down_a_count(pilot, tmp_path, threshold):
    """The aggregate export (with reach) and the public release, each attacked the way an intruder would."""
    pilot.disclosure_threshold = threshold
    pilot.save()
    second = CohortFactory(pilot=pilot)
    for _ in range(4):
        EnrolmentFactory(cohort=second)
    rows = indicator_rows(pilot, TODAY)
    export_pilot(pilot, tmp_path, recipient="r", level="aggregate", today=TODAY)
    exported = read(tmp_path / "indicators.csv")
    assert any(r["indicator"].startswith("reach:") for r in exported)
    release = publish_release(pilot, None, based_on=0, today=TODAY)
    for published in (exported, release.rows):
        result = attack(rows, published, threshold, mean_decimals=mean_decimals(threshold))
        assert result.figures > 50
        assert result.pinned == {}
