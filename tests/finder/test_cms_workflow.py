"""Changes by a provider's editor go live only when an ESOL coordinator approves them."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import WorkflowState

from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from finder.cms.providers import editors_group
from finder.models import ClassPage, ProviderPage
from tests.finder.test_permissions import edit_form_data

pytestmark = pytest.mark.usefixtures("geography")


@pytest.fixture
def alpha(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    venue = VenueFactory(provider=setup.provider)
    page = ClassPageFactory(venue=venue, parent=setup.provider, title="Alpha class")
    return setup, page


def submit_change(client, page, title):
    client.login(username="alpha", password="pw")
    data = edit_form_data(page, title=title)
    data["action-submit"] = "submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    client.logout()


def test_submitted_change_goes_live_only_after_a_coordinator_approves(client, alpha):
    _setup, page = alpha
    submit_change(client, page, "Alpha class, new times")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "ESOL coordinator approval"
    assert ClassPage.objects.get(pk=page.pk).title == "Alpha class"

    # the editor cannot approve their own change
    approve = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk])
    client.login(username="alpha", password="pw")
    client.post(approve, {"comment": ""})
    assert ClassPage.objects.get(pk=page.pk).title == "Alpha class"
    client.logout()

    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.post(approve, {"comment": "Thanks"})
    assert response.status_code in (200, 302)
    live = ClassPage.objects.get(pk=page.pk)
    assert live.title == "Alpha class, new times"
    assert live.live and not live.has_unpublished_changes
    assert live.expire_at is not None and live.expire_at.date() > live.end_date  # unpublished after the term
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_rejected_change_stays_off_the_site(client, alpha):
    _setup, page = alpha
    submit_change(client, page, "Alpha class, wrong")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    coordinator("coord")
    client.login(username="coord", password="pw")
    reject = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.current_task_state.pk])
    client.post(reject, {"comment": "Check the times"})
    assert ClassPage.objects.get(pk=page.pk).title == "Alpha class"


def test_setup_provider_command_is_idempotent(db):
    call_command("setup_provider", "Gamma Learning", "--editor", "gamma", "--email", "g@example.org")
    call_command("setup_provider", "Gamma Learning", "--editor", "gamma")
    provider = ProviderPage.objects.get(title="Gamma Learning")
    group = editors_group(provider)
    assert ProviderPage.objects.filter(title="Gamma Learning").count() == 1
    assert Group.objects.filter(name__contains="Gamma").count() == 1
    assert {p.permission.codename for p in group.page_permissions.all()} == {"add_page", "change_page"}
    assert group.user_set.get().username == "gamma"
    assert provider.get_workflow().name == "ESOL coordinator approval"


def test_coordinator_sets_up_a_provider_in_the_admin(client, db):
    coordinator("coord")
    client.login(username="coord", password="pw")
    response = client.post(
        reverse("finder_set_up_provider"),
        {"name": "Delta Learning", "editor_username": "delta", "editor_email": "delta@example.org"},
    )
    assert response.status_code == 302
    provider = ProviderPage.objects.get(title="Delta Learning")
    assert provider.live and provider.url == "/providers/delta-learning/"
    assert editors_group(provider).user_set.get().username == "delta"


def test_provider_editors_cannot_set_up_providers(client, alpha):
    client.login(username="alpha", password="pw")
    url = reverse("finder_set_up_provider")
    response = client.post(url, {"name": "Rogue", "editor_username": "rogue", "editor_email": "r@example.org"})
    assert response.status_code in (302, 403)
    assert not ProviderPage.objects.filter(title="Rogue").exists()
