"""The funnel's pages (evaluation/funnel_views.py): who sees which providers' figures, bad input, the CSV and the
public table's hidden small counts."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from devtools.factories import coordinator, provider_with_editor
from evaluation import funnel_views
from evaluation.models import PilotEvaluator, StaffAssignment
from tests.evaluation.test_funnel import make_funnel

pytestmark = pytest.mark.django_db
FUNNEL, FUNNEL_CSV = reverse("evaluation:funnel"), reverse("evaluation:funnel_csv")
PUBLIC, PUBLIC_CSV = reverse("evaluation:public_funnel"), reverse("evaluation:public_funnel_csv")
PERIOD = {"start": "2026-01", "end": "2026-03"}


@pytest.fixture
def made(geography, monkeypatch):
    """The hand-made funnel (January to March 2026), seen on 30 June 2026: the public page's last 12 whole months
    hold it whatever the day the tests run."""
    today = datetime.date(2026, 6, 30)
    monkeypatch.setattr(funnel_views, "timezone", SimpleNamespace(localdate=lambda: today))
    return make_funnel()


def _staff_of(provider, username, django_user_model):
    user = django_user_model.objects.create_user(username, password="pw")
    StaffAssignment.objects.create(user=user, provider=provider)
    return user


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_coordinators_see_every_provider_and_searches(client, made):
    client.force_login(coordinator())
    page = client.get(FUNNEL, {**PERIOD, "group": "provider"}).content.decode()
    assert "Alder Learning" in page and "Birch College" in page
    rows = _csv(client.get(FUNNEL_CSV, {**PERIOD, "group": "month"}))
    assert rows[0][:3] == ["slice", "searches", "entries"]
    assert rows[1][:3] == ["2026-01", "30", "5"] and rows[-1][:3] == ["All", "40", "8"]


def test_provider_staff_see_only_their_own_providers(client, made, django_user_model):
    client.force_login(_staff_of(made["a"], "alder-staff", django_user_model))
    response = client.get(FUNNEL, {**PERIOD, "group": "provider"})
    page = response.content.decode()
    assert response.status_code == 200 and "Alder Learning" in page and "Birch College" not in page
    rows = _csv(client.get(FUNNEL_CSV, {**PERIOD, "group": "provider"}))
    assert [row[0] for row in rows[1:]] == ["Alder Learning", "All"] and rows[-1][2] == "6"
    assert rows[-1][1] == ""  # no searches in a provider's own figures
    # Another provider's id in the address: refused by the form, and only their own figures shown.
    refused = client.get(FUNNEL, {**PERIOD, "provider": made["b"].pk, "group": "provider"})
    assert refused.status_code == 200 and "Choose from the list." in refused.content.decode()
    assert "Birch College" not in refused.content.decode()
    rows = _csv(client.get(FUNNEL_CSV, {**PERIOD, "provider": made["b"].pk, "group": "provider"}))
    assert rows[-1][0] == "All" and rows[-1][2] == "6"  # a refused filter: the defaults, their own figures only


def test_cms_editors_see_their_providers(client, made):
    setup = provider_with_editor("Cedar Trust", "cedar")
    client.force_login(setup.editor)
    rows = _csv(client.get(FUNNEL_CSV, {**PERIOD, "group": "provider"}))
    assert [row[0] for row in rows[1:]] == ["All"] and rows[-1][2] == "0"


def test_evaluators_and_strangers_are_refused(client, made, django_user_model):
    assert client.get(FUNNEL).status_code == 302  # the login page
    assert client.get(FUNNEL_CSV).status_code == 302
    evaluator = django_user_model.objects.create_user("evaluator", password="pw")
    from devtools.evaluation_factories import PilotFactory

    PilotEvaluator.objects.create(user=evaluator, pilot=PilotFactory())
    client.force_login(evaluator)
    assert client.get(FUNNEL).status_code == 403 and client.get(FUNNEL_CSV).status_code == 403
    client.force_login(django_user_model.objects.create_user("nobody", password="pw"))
    assert client.get(FUNNEL).status_code == 403


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "garbage"}, "Enter a month as year and month, for example 2026-03."),
        ({"provider": "999999"}, "Choose from the list."),
        ({"provider": "x" * 500}, "Choose from the list."),
        ({"group": "pilot"}, "Choose from the list."),
        ({"level": "nonsense"}, "Choose from the list."),
        ({"start": "2026-05", "end": "2026-01"}, "The last month must not be before the first."),
        ({"start": "2020-01", "end": "2026-01"}, "Choose at most 36 months."),
    ],
)
def test_bad_input_is_a_message_never_an_error(client, made, query, message):
    client.force_login(coordinator())
    response = client.get(FUNNEL, query)
    assert response.status_code == 200 and message in response.content.decode()
    assert client.get(FUNNEL_CSV, query).status_code == 200


def test_the_csv_is_formula_safe(client, made):
    made["a"].title = "=HYPERLINK(1)"
    made["a"].save()
    client.force_login(coordinator())
    rows = _csv(client.get(FUNNEL_CSV, {**PERIOD, "group": "provider"}))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


def test_the_public_table_hides_small_counts_and_names_no_provider(client, made):
    response = client.get(PUBLIC)
    page = response.content.decode()
    assert response.status_code == 200 and "Alder Learning" not in page and "Birch College" not in page
    assert client.get(PUBLIC, {"borough": "nowhere"}).status_code == 200
    rows = _csv(client.get(PUBLIC_CSV))
    assert rows[0] == ["month", "borough_code", "borough", "entries", "assessed", "enrolled", "attended", "week_6"]
    assert len(rows) > 3  # January to March 2026 are among the last 12 whole months
    for row in rows[1:]:
        assert all(cell in ("[c]", "0") for cell in row[3:]), row


def test_links_to_the_funnel(client, made, django_user_model):
    from devtools.evaluation_factories import PilotFactory

    client.force_login(coordinator())
    assert FUNNEL in client.get(reverse("evaluation:home")).content.decode()
    assert FUNNEL in client.get(reverse("evaluation:boroughs")).content.decode()
    assert PUBLIC in client.get(reverse("evaluation:evidence")).content.decode()
    evaluator = django_user_model.objects.create_user("evaluator", password="pw")
    PilotEvaluator.objects.create(user=evaluator, pilot=PilotFactory())
    client.force_login(evaluator)
    assert FUNNEL not in client.get(reverse("evaluation:home")).content.decode()  # they would be refused
