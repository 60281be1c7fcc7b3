"""The demo pilots' aggregate exports and public releases, attacked as an intruder would."""

import io

import pytest
from django.utils import timezone

from devtools.demo_evaluation import load_demo_data
from evaluation.exports import export_pilot
from evaluation.indicators import indicator_rows
from evaluation.models import Pilot
from evaluation.publishing import mean_decimals
from evaluation.services.releases import publish_release
from tests.evaluation.intruder import attack
from tests.evaluation.test_exports import read

pytestmark = pytest.mark.usefixtures("geography")


@pytest.mark.django_db
def test_no_demo_pilot_file_lets_an_intruder_pin_down_a_count(tmp_path):
    load_demo_data(io.StringIO())
    today = timezone.localdate()
    pilots = list(Pilot.objects.all())
    assert len(pilots) >= 2
    for pilot in pilots:
        rows = indicator_rows(pilot, today)
        export_pilot(pilot, tmp_path / pilot.slug, recipient="r", level="aggregate", today=today)
        exported = read(tmp_path / pilot.slug / "indicators.csv")
        release = publish_release(pilot, None, based_on=0, today=today)
        for published in (exported, release.rows):
            result = attack(
                rows, published, pilot.disclosure_threshold, mean_decimals=mean_decimals(pilot.disclosure_threshold)
            )
            assert result.figures > 100
            assert result.pinned == {}, pilot.slug
