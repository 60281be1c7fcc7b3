"""The provider boundary, tested from the refused side with providers set up exactly as the demo loader does.

``devtools.demo_finder.set_up_demo_provider`` is what ``load_demo`` runs for each of its 35 providers; here it
runs for three. Provider A's editor then tries every admin URL Wagtail registers for provider B's pages,
venue and enquiry (read from the URL configuration, with real and guessed ids), the choosers, the bulk
actions and every report; B's records never appear (their names all contain "Birch") and never change.
"""

import datetime
import io
import random

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Page, TaskState

from devtools import demo_finder
from devtools.factories import ClassPageFactory, EnquiryFactory, VenueFactory, WorkplaceOfferPageFactory, coordinator
from esolplus.roles import COORDINATORS_GROUP
from finder.cms.permissions import editable_providers
from finder.cms.providers import editors_group, ensure_coordination, setup_provider
from finder.models import ClassPage, District, Enquiry, Language, ProviderPage, Venue

pytestmark = pytest.mark.usefixtures("geography")

ADMIN_HOME = reverse("wagtailadmin_home")
MARKERS = {"a": "Alder", "b": "Birch", "c": "Cedar"}
B_RECORDS = ("Birch Hall", "Birch class", "Birch draft", "Birch at work", "Birchlearner")
LONG_AGO = timezone.localdate() - datetime.timedelta(days=200)


def _records(setup, marker: str, workflow) -> dict:
    """A venue, a live class, a draft class in moderation, a workplace offer, an enquiry and their history,
    every one named with ``marker``."""
    provider, editor = setup.provider, setup.editor
    venue = VenueFactory(provider=provider, name=f"{marker} Hall")
    live = ClassPageFactory(venue=venue, parent=provider, title=f"{marker} class")
    draft = ClassPageFactory(venue=venue, parent=provider, title=f"{marker} draft", live=False)
    offer = WorkplaceOfferPageFactory(parent=provider, title=f"{marker} at work")
    ClassPage.objects.filter(pk=live.pk).update(last_checked=LONG_AGO)  # for the stale listings report
    Page.objects.filter(pk=live.pk).update(locked=True, locked_by=editor, locked_at=timezone.now())
    workflow.start(draft, editor)
    enquiry = EnquiryFactory(class_page=live, name=f"{marker}learner Surname", phone="07700 900999")
    log(instance=venue, action="wagtail.edit", user=editor)
    log(instance=enquiry, action="wagtail.edit", user=editor)
    return {"provider": provider, "venue": venue, "live": live, "draft": draft, "offer": offer, "enquiry": enquiry}


@pytest.fixture
def demo(db):
    """Three providers set up by the demo loader's own function, with one editor each (password "pw")."""
    coordination = ensure_coordination()
    boroughs = {d.name: d for d in District.objects.filter(is_london_borough=True)}
    rng, languages = random.Random(demo_finder.SEED), list(Language.objects.all())
    world = {}
    for number, key in enumerate(MARKERS):
        setup, _served = demo_finder.set_up_demo_provider(
            rng, number, demo_finder.PROVIDERS[number], boroughs, languages, coordination
        )
        setup.editor.set_password("pw")
        setup.editor.save()
        world[key] = {"setup": setup, **_records(setup, MARKERS[key], coordination.workflow)}
    return world


@pytest.fixture
def editor_a(client, demo):
    client.force_login(demo["a"]["setup"].editor)
    return client


def text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def refused(response) -> bool:
    """403/404/405, or Wagtail's redirect to the dashboard (or login) with "you do not have permission"."""
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and (response.url == ADMIN_HOME or "login" in response.url)


def _patterns(namespace: str) -> list[URLPattern]:
    def walk(patterns, prefix_ns=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or prefix_ns)
            elif prefix_ns == namespace:
                yield pattern

    return list(walk(get_resolver().url_patterns))


def _urls(namespace: str, values: dict) -> dict[str, str]:
    """Every URL of ``namespace`` whose arguments ``values`` can fill, reversed with those values."""
    urls = {}
    for pattern in _patterns(namespace):
        names = set(pattern.pattern.regex.groupindex)
        if names and names <= set(values):
            urls[pattern.name] = reverse(f"{namespace}:{pattern.name}", kwargs={n: values[n] for n in names})
    return urls


def shows_b(response) -> bool:
    body = text(response)
    return any(record in body for record in B_RECORDS)


def _walk(client, urls: dict[str, str]) -> list[str]:
    problems = []
    for name, url in urls.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 302 and not refused(response):
                response = client.get(response.url)  # e.g. the old revisions URL, now the history page
            if not refused(response):
                problems.append(f"{method.upper()} {name} {url} -> {response.status_code}")
            elif shows_b(response):
                problems.append(f"{method.upper()} {name} {url} shows provider B's records")
    return problems


def _page_values(page, world, guess: int = 0) -> dict:
    task_state = TaskState.objects.filter(workflow_state__object_id=str(world["draft"].pk)).first()
    revision = page.latest_revision
    return {
        "page_id": page.pk + guess,
        "parent_page_id": page.pk + guess,
        "page_to_move_id": page.pk + guess,
        "pk": page.pk + guess,
        "destination_id": world["destination"].pk,
        "revision_id": (revision.pk if revision else 1) + guess,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "workflow_state_id": task_state.workflow_state_id + guess,
        "task_state_id": task_state.pk + guess,
        "task_id": task_state.task_id,
        "action_name": "approve",
    }


def test_each_demo_provider_has_its_own_editors_group(demo):
    groups = [editors_group(demo[key]["provider"]) for key in MARKERS]
    assert len({group.pk for group in groups}) == 3
    for key in MARKERS:
        setup = demo[key]["setup"]
        assert setup.editors == editors_group(setup.provider)
        assert {p.page_id for p in setup.editors.page_permissions.all()} == {setup.provider.pk}
        assert list(editable_providers(setup.editor)) == [setup.provider]


def test_editor_is_refused_every_page_url_of_another_provider(editor_a, demo):
    b = {**demo["b"], "destination": demo["a"]["provider"]}
    problems = []
    for page in (b["provider"], b["live"], b["draft"], b["offer"]):
        problems += _walk(editor_a, _urls("wagtailadmin_pages", _page_values(page, b)))
    problems += _walk(editor_a, _urls("wagtailadmin_pages", _page_values(b["draft"], b, guess=1000)))
    assert not problems, problems
    for page in (b["live"], b["draft"], b["offer"]):
        stored = Page.objects.get(pk=page.pk)
        assert (stored.title, stored.live, stored.get_parent().pk) == (page.title, page.live, b["provider"].pk)
    assert ProviderPage.objects.get(pk=b["provider"].pk).live


def test_editor_can_move_nothing_of_theirs_into_another_provider(editor_a, demo):
    a_class, b_provider = demo["a"]["live"], demo["b"]["provider"]
    editor_a.post(reverse("wagtailadmin_pages:move_confirm", args=[a_class.pk, b_provider.pk]))
    assert Page.objects.get(pk=a_class.pk).get_parent().pk == demo["a"]["provider"].pk


def test_dashboard_search_and_explorer_show_no_other_providers_records(editor_a, demo):
    for url in (
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:search") + "?q=Birch",
        reverse("wagtailadmin_pages:search_results") + "?q=Birch",
        reverse("wagtailadmin_explore", args=[demo["b"]["provider"].get_parent().pk]),
    ):
        response = editor_a.get(url)
        assert refused(response) or not shows_b(response), url


@pytest.mark.parametrize("model", ["venue", "enquiry"])
def test_editor_is_refused_every_url_of_another_providers_venue_and_enquiry(editor_a, demo, model):
    record = demo["b"][model]
    problems = []
    for guess in (0, 1000):
        values = {"pk": record.pk + guess, "revision_id": 1 + guess, "workflow_state_id": 1 + guess}
        values.update({"task_state_id": 1 + guess, "action_name": "approve"})
        values.update({"revision_id_a": "earliest", "revision_id_b": "latest"})
        problems += _walk(editor_a, _urls(f"wagtailsnippets_finder_{model}", values))
        problems += _walk(editor_a, _urls(f"wagtailsnippetchoosers_finder_{model}", values))
    assert not problems, problems
    assert Venue.objects.get(pk=demo["b"]["venue"].pk).name == "Birch Hall"
    assert Enquiry.objects.get(pk=demo["b"]["enquiry"].pk).status == Enquiry.Status.NEW


@pytest.mark.parametrize("model", ["venue", "enquiry"])
def test_listings_and_choosers_show_only_the_editors_own_records(editor_a, demo, model):
    own, other = demo["a"][model], demo["b"][model]
    for url in (
        reverse(f"wagtailsnippets_finder_{model}:list"),
        reverse(f"wagtailsnippets_finder_{model}:list_results"),
        reverse(f"wagtailsnippetchoosers_finder_{model}:choose"),
        reverse(f"wagtailsnippetchoosers_finder_{model}:choose_results"),
    ):
        response = editor_a.get(url)
        assert response.status_code == 200 and "Alder" in text(response) and "Birch" not in text(response), url
    chosen = reverse(f"wagtailsnippetchoosers_finder_{model}:chosen_multiple") + f"?id={own.pk}&id={other.pk}&id=x"
    response = editor_a.get(chosen)
    assert response.status_code == 200 and "Alder" in text(response) and "Birch" not in text(response)
    for pk in (other.pk, other.pk + 1000, "x"):
        assert editor_a.get(reverse(f"wagtailsnippetchoosers_finder_{model}:chosen", args=[pk])).status_code == 404


@pytest.mark.parametrize("model", ["venue", "enquiry"])
def test_bulk_action_confirmation_never_names_another_providers_records(editor_a, demo, model):
    own, other = demo["a"][model], demo["b"][model]
    url = reverse("wagtail_bulk_action", args=["finder", model, "delete"])
    alone = editor_a.get(url, {"id": [other.pk]})
    assert alone.status_code == 404 and "Birch" not in text(alone)
    mixed = editor_a.get(url, {"id": [own.pk, other.pk, other.pk + 1000, "x"]})
    assert mixed.status_code == 200 and "Alder" in text(mixed) and "Birch" not in text(mixed)
    editor_a.post(url + f"?id={other.pk}")
    assert type(other).objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("action", ["delete", "move", "publish", "unpublish", "submit_for_approval"])
def test_page_bulk_actions_never_name_another_providers_pages(editor_a, demo, action):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    b_pages = [demo["b"][key].pk for key in ("live", "draft", "offer")]
    response = editor_a.get(url, {"id": [*b_pages, demo["a"]["draft"].pk]})
    assert "Birch" not in text(response)
    assert refused(editor_a.get(url, {"id": b_pages}))
    editor_a.post(url + "?" + "&".join(f"id={pk}" for pk in b_pages))
    assert Page.objects.filter(pk__in=b_pages).count() == 3 and Page.objects.get(pk=demo["b"]["live"].pk).live


def test_page_chooser_hides_other_providers_drafts(editor_a, demo):
    for url in (
        reverse("wagtailadmin_choose_page_child", args=[demo["b"]["provider"].pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=draft",
    ):
        response = editor_a.get(url)
        assert response.status_code == 200 and "Birch draft" not in text(response), url
    own = editor_a.get(reverse("wagtailadmin_choose_page_child", args=[demo["a"]["provider"].pk]))
    assert "Alder draft" in text(own)


REPORTS = [
    ("finder_stale_listings", "Alder class"),
    ("finder_stale_listings_results", "Alder class"),
    ("wagtailadmin_reports:site_history", "Alderlearner"),
    ("wagtailadmin_reports:site_history_results", "Alder Hall"),
    ("wagtailadmin_reports:workflow", "Alder draft"),
    ("wagtailadmin_reports:workflow_results", "Alder draft"),
    ("wagtailadmin_reports:workflow_tasks", "Alder draft"),
    ("wagtailadmin_reports:workflow_tasks_results", "Alder draft"),
    ("wagtailadmin_reports:aging_pages", None),  # editors never publish: nothing to show
    ("wagtailadmin_reports:aging_pages_results", None),
    ("wagtailadmin_reports:page_types_usage", None),
    ("wagtailadmin_reports:page_types_usage_results", None),
]


@pytest.mark.parametrize(("name", "own"), REPORTS)
def test_reports_show_only_the_editors_own_rows(editor_a, demo, name, own):
    response = editor_a.get(reverse(name))
    assert response.status_code == 200
    body = text(response)
    assert "Birch" not in body
    assert own is None or own in body


def test_locked_pages_report_is_for_those_who_may_unlock(editor_a, demo):
    """Editors may not unlock pages, so Wagtail refuses them the report; coordinators see every provider's."""
    for name in ("wagtailadmin_reports:locked_pages", "wagtailadmin_reports:locked_pages_results"):
        assert refused(editor_a.get(reverse(name)))


@pytest.mark.parametrize("name", ["finder_stale_listings", "wagtailadmin_reports:site_history"])
def test_report_exports_show_only_the_editors_own_rows(editor_a, demo, name):
    csv = editor_a.get(reverse(name), {"export": "csv"})
    assert csv.status_code == 200 and "Alder" in text(csv) and "Birch" not in text(csv)
    xlsx = editor_a.get(reverse(name), {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "Alder" in cells and "Birch" not in cells


def test_site_history_filters_name_only_people_whose_actions_the_editor_sees(editor_a, demo):
    body = text(editor_a.get(reverse("wagtailadmin_reports:site_history")))
    assert demo["a"]["setup"].editor.username in body
    assert demo["b"]["setup"].editor.username not in body


def test_coordinators_see_every_providers_rows(client, demo):
    client.force_login(coordinator("coord"))
    reports = ("finder_stale_listings", "wagtailadmin_reports:site_history", "wagtailadmin_reports:workflow")
    for name in (*reports, "wagtailadmin_reports:locked_pages"):
        body = text(client.get(reverse(name)))
        assert "Alder" in body and "Birch" in body, name
    aging = text(client.get(reverse("wagtailadmin_reports:aging_pages")))
    assert "Alder class" in aging and "Birch class" in aging


def test_providers_set_up_in_the_admin_view_keep_to_themselves(client, demo):
    client.force_login(coordinator("coord"))
    for name, username in (("Elm Learning", "elm"), ("Fir Learning", "fir")):
        data = {"name": name, "editor_username": username, "editor_email": f"{username}@example.org"}
        assert client.post(reverse("finder_set_up_provider"), data).status_code == 302
    elm, fir = (ProviderPage.objects.get(title=title) for title in ("Elm Learning", "Fir Learning"))
    client.force_login(editors_group(elm).user_set.get())
    assert client.get(reverse("wagtailadmin_pages:edit", args=[elm.pk])).status_code == 200
    for provider in (fir, demo["b"]["provider"]):
        assert refused(client.get(reverse("wagtailadmin_pages:edit", args=[provider.pk])))


def _groups_with_rights_on(provider) -> list:
    groups = Group.objects.filter(page_permissions__page=provider).exclude(name=COORDINATORS_GROUP)
    return list(groups.distinct())


def _as_the_old_set_up_left_it(providers, editors) -> Group:
    """What the old ``setup_provider`` left after the demo: no group per provider, but one group, named after
    the last many-to-many field, with add/change rights on every provider and every editor in it."""
    Group.objects.filter(name__startswith="Provider editors").delete()
    shared = Group.objects.create(name="Provider editors: staff_languages")
    for provider in providers:
        for right in ("add", "change"):
            GroupPagePermission.objects.create(group=shared, page=provider, permission_type=right)
    shared.user_set.add(*editors)
    return shared


def test_setting_up_again_repairs_what_the_old_set_up_left(db):
    coordination = ensure_coordination()
    boroughs = {d.name: d for d in District.objects.filter(is_london_borough=True)}
    languages = list(Language.objects.all())

    def set_up_both():
        rng = random.Random(demo_finder.SEED)
        return [
            demo_finder.set_up_demo_provider(rng, n, demo_finder.PROVIDERS[n], boroughs, languages, coordination)[0]
            for n in range(2)
        ]

    first = set_up_both()
    _as_the_old_set_up_left_it([s.provider for s in first], [s.editor for s in first])
    # A provider set up in the admin view by the old version had a group of its own, named by its title.
    gamma = setup_provider("Gamma Learning", editor_username="gamma")
    gamma.editors.name = "Provider editors: Gamma Learning"
    gamma.editors.save()

    again = set_up_both()
    setup_provider("Gamma Learning", editor_username="gamma")

    assert not Group.objects.filter(name="Provider editors: staff_languages").exists()
    for setup in [*again, gamma]:
        assert _groups_with_rights_on(setup.provider) == [editors_group(setup.provider)]
        assert list(editable_providers(setup.editor)) == [setup.provider]
    assert editors_group(gamma.provider).pk == gamma.editors.pk  # kept, with its members, under the new name
    assert editors_group(gamma.provider).name == f"Provider editors: Gamma Learning (#{gamma.provider.pk})"


def test_demo_editor_opens_the_edit_page_of_exactly_one_provider(client):
    """The real ``load_demo``, run over a database the old loader left, then again: one group per provider,
    and the demo ``editor`` edits its own provider only."""
    call_command("load_demo", "--force", stdout=io.StringIO())
    providers = list(ProviderPage.objects.order_by("pk"))
    editors = get_user_model().objects.filter(username__startswith="editor")
    _as_the_old_set_up_left_it(providers, editors)
    call_command("load_demo", "--force", stdout=io.StringIO())
    call_command("load_demo", "--force", stdout=io.StringIO())

    assert not Group.objects.filter(name="Provider editors: staff_languages").exists()
    assert Group.objects.filter(name__startswith="Provider editors").count() == len(providers)
    for provider in providers:
        assert _groups_with_rights_on(provider) == [editors_group(provider)]
    editor = get_user_model().objects.get(username="editor")
    client.force_login(editor)
    opened = [p for p in providers if client.get(reverse("wagtailadmin_pages:edit", args=[p.pk])).status_code == 200]
    assert [p.title for p in opened] == [demo_finder.PROVIDERS[0][0]]
    assert list(editable_providers(editor)) == opened
