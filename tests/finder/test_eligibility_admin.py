"""The free-ESOL rules in the CMS: coordinators add versions; provider editors neither see nor change them; a
version already in effect is never edited or deleted."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import coordinator, provider_with_editor
from finder.cms.eligibility_admin import rules_policy
from finder.models import EligibilityRules

LIST = "wagtailsnippets_finder_eligibilityrules:list"
ADD = "wagtailsnippets_finder_eligibilityrules:add"
EDIT = "wagtailsnippets_finder_eligibilityrules:edit"
DELETE = "wagtailsnippets_finder_eligibilityrules:delete"
REFUSED_IN_EFFECT = "These rules are already in effect and can&#x27;t be changed."


def form_data(effective_from, wage="15.60", **changes):
    return {
        "effective_from": effective_from.isoformat(),
        "london_living_wage_hourly": wage,
        "asylum_wait_months": "6",
        "permission_to_stay_months": "12",
        "minimum_age": "19",
        "source_title": "GLA Adult Skills Fund funding rules 2026-27",
        "source_url": "https://www.london.gov.uk/programmes-strategies/jobs-and-skills/adult-skills-fund",
        "notes": "",
        **changes,
    }


@pytest.fixture
def coordinator_client(client, db):
    coordinator("coord")
    client.login(username="coord", password="pw")
    return client


@pytest.fixture
def editor(db):
    return provider_with_editor("Alpha Adult Learning", "alpha").editor


@pytest.fixture
def editor_client(client, editor):
    client.login(username="alpha", password="pw")
    return client


def in_effect():
    return EligibilityRules.objects.in_effect()


def refused(response) -> bool:
    """Wagtail answers a refused admin request with 403/404, or a redirect to the dashboard with a message."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def test_coordinator_adds_a_version_and_sees_the_list(coordinator_client):
    next_month = timezone.localdate() + datetime.timedelta(days=31)
    response = coordinator_client.post(reverse(ADD), form_data(next_month))
    assert response.status_code == 302, response.content.decode()[:2000]
    added = EligibilityRules.objects.get(effective_from=next_month)
    assert added.london_living_wage_hourly == Decimal("15.60")
    assert in_effect() != added  # not until its date
    listing = coordinator_client.get(reverse(LIST)).content.decode()
    assert "15.60" in listing and "14.80" in listing
    assert "GLA Adult Skills Fund funding rules 2026-27" in listing
    assert "Free ESOL rules" in coordinator_client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_new_version_cannot_start_in_the_past(coordinator_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = coordinator_client.post(reverse(ADD), form_data(yesterday))
    assert response.status_code == 200
    assert "A new version can&#x27;t take effect in the past." in response.content.decode()
    assert not EligibilityRules.objects.filter(effective_from=yesterday).exists()


def test_editing_a_version_in_effect_is_refused_with_the_reason(coordinator_client):
    current = in_effect()
    response = coordinator_client.post(
        reverse(EDIT, args=[current.pk]), form_data(current.effective_from, wage="99.00")
    )
    assert response.status_code == 200
    assert REFUSED_IN_EFFECT in response.content.decode()
    current.refresh_from_db()
    assert current.london_living_wage_hourly == Decimal("14.80")


def test_a_future_version_can_be_corrected_but_not_one_in_effect_deleted(coordinator_client):
    next_month = timezone.localdate() + datetime.timedelta(days=31)
    coordinator_client.post(reverse(ADD), form_data(next_month))
    future = EligibilityRules.objects.get(effective_from=next_month)
    response = coordinator_client.post(reverse(EDIT, args=[future.pk]), form_data(next_month, wage="15.70"))
    assert response.status_code == 302
    future.refresh_from_db()
    assert future.london_living_wage_hourly == Decimal("15.70")

    current = in_effect()
    response = coordinator_client.post(reverse(DELETE, args=[current.pk]), follow=True)
    assert "Rules already in effect can&#x27;t be deleted." in response.content.decode()
    assert EligibilityRules.objects.filter(pk=current.pk).exists()
    coordinator_client.post(reverse(DELETE, args=[future.pk]))
    assert not EligibilityRules.objects.filter(pk=future.pk).exists()


def test_provider_editor_cannot_see_or_change_the_rules(editor_client, editor):
    current = in_effect()
    assert refused(editor_client.get(reverse(LIST)))
    assert refused(editor_client.get(reverse(EDIT, args=[current.pk])))
    assert refused(editor_client.get(reverse(ADD)))
    next_month = timezone.localdate() + datetime.timedelta(days=31)
    assert refused(editor_client.post(reverse(ADD), form_data(next_month)))
    assert not EligibilityRules.objects.filter(effective_from=next_month).exists()
    assert refused(editor_client.post(reverse(DELETE, args=[current.pk])))
    assert EligibilityRules.objects.filter(pk=current.pk).exists()
    dashboard = editor_client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert "Free ESOL rules" not in dashboard.content.decode()
    assert not rules_policy.user_has_any_permission(editor, ["add", "change", "delete", "view"])
    assert editor not in rules_policy.users_with_any_permission(["change"])
