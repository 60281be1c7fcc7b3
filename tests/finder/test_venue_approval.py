"""Venue changes wait for an ESOL coordinator, as class changes do, and the draft carries its own pin.

The public side (finder, class page, provider page, Open Referral API) reads the approved venue (the
row) until a coordinator approves a change; a venue never approved keeps its classes off the site.
Provider B's editor is refused every view of provider A's venue, moderation views included.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import WorkflowContentType, WorkflowState

from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from finder.cms.providers import ensure_coordination
from finder.cms.venue_places import place
from finder.models import District, Venue
from tests.geodata import postcode_row

pytestmark = pytest.mark.usefixtures("geography")

E1 = postcode_row("E1 6AN")
SE15 = postcode_row("SE15 5AA")
FIND = reverse("finder:find")


def url(name, *args):
    return reverse(f"wagtailsnippets_finder_venue:{name}", args=args)


@pytest.fixture
def alpha(db):
    setup = provider_with_editor("Alpha Adult Learning", "alpha")
    venue = VenueFactory(provider=setup.provider, name="Alpha Hall", address="1 Old Road", postcode="E1 6AN")
    page = ClassPageFactory(venue=venue, parent=setup.provider, title="Alpha class")
    return setup, venue, page


def login(client, username):
    client.logout()
    client.login(username=username, password="pw")
    return client


def form_data(venue, **changes) -> dict:
    """The venue form as a browser posts it, from ``venue``'s values."""
    data = {
        "provider": venue.provider_id,
        "name": venue.name,
        "address": venue.address,
        "postcode": venue.postcode,
        "latitude": "" if venue.latitude is None else repr(venue.latitude),
        "longitude": "" if venue.longitude is None else repr(venue.longitude),
        "transport_notes": venue.transport_notes,
    }
    if venue.step_free_access:
        data["step_free_access"] = "on"
    data.update(changes)
    return data


def latest(venue):
    """The venue as its editor last saved it: the newest draft, else the approved row."""
    return Venue.objects.get(pk=venue.pk).get_latest_revision_as_object()


def submit_change(client, venue, **changes):
    data = form_data(latest(venue), **changes)
    response = client.post(url("edit", venue.pk), {**data, "action-submit": "submit"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    return WorkflowState.objects.get(base_content_type__model="venue", object_id=str(venue.pk), status="in_progress")


def workflow_action(client, venue, state, action, comment=""):
    return client.post(url("workflow_action", venue.pk, action, state.current_task_state.pk), {"comment": comment})


def public_text(client, page) -> str:
    """Everything a learner or an API client can read about the class, as one text."""
    parts = [
        client.get(FIND, {"where": "E1 6AN", "radius": "25"}).content,
        client.get(page.url).content,
        client.get(page.get_parent().url).content,
        client.get("/openreferral/services", {"per_page": "50"}).content,
    ]
    return "\n".join(part.decode() for part in parts)


def test_venues_share_the_coordinators_workflow_and_only_coordinators_publish(alpha):
    setup, venue, _page = alpha
    ensure_coordination()  # again: idempotent
    assert WorkflowContentType.objects.filter(content_type__model="venue").count() == 1
    assert venue.get_workflow() == setup.provider.get_workflow()
    coordinator("coord")
    publishers = Venue.snippet_viewset.permission_policy.users_with_permission("publish")
    assert list(publishers.values_list("username", flat=True)) == ["coord"]


def test_an_editors_change_shows_only_after_a_coordinator_approves_it(client, alpha):
    _setup, venue, page = alpha
    login(client, "alpha")
    state = submit_change(client, venue, address="2 New Street", postcode="se15 5aa", latitude="", longitude="")
    assert state.workflow.name == "ESOL coordinator approval"
    client.logout()

    live = Venue.objects.get(pk=venue.pk)
    assert (live.address, live.postcode, live.latitude) == ("1 Old Road", "E1 6AN", pytest.approx(float(E1["lat"])))
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert (draft.address, draft.postcode) == ("2 New Street", "SE15 5AA")
    assert (draft.latitude, draft.longitude) == pytest.approx((float(SE15["lat"]), float(SE15["lon"])))
    assert draft.borough.code == SE15["district_code"]

    text = public_text(client, page)
    assert "1 Old Road" in text and "E1 6AN" in text
    assert "2 New Street" not in text and "SE15 5AA" not in text

    coordinator("coord")
    login(client, "coord")
    assert workflow_action(client, venue, state, "approve", "Thanks").status_code in (200, 302)
    live.refresh_from_db()
    assert (live.address, live.postcode, live.borough.code) == ("2 New Street", "SE15 5AA", SE15["district_code"])
    assert live.live and not live.has_unpublished_changes
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    text = public_text(client, page)
    assert "2 New Street" in text and "SE15 5AA" in text and "1 Old Road" not in text


def test_an_editor_cannot_publish_or_unpublish_a_venue(client, alpha):
    setup, venue, _page = alpha
    assert not setup.editor.has_perm("finder.publish_venue")
    assert coordinator("coord").has_perm("finder.publish_venue")
    login(client, "alpha")
    edit_page = client.get(url("edit", venue.pk))
    assert edit_page.status_code == 200 and b'name="action-publish"' not in edit_page.content
    client.post(url("edit", venue.pk), {**form_data(venue, address="9 Sneaky Lane"), "action-publish": "publish"})
    live = Venue.objects.get(pk=venue.pk)
    assert live.address == "1 Old Road"
    assert live.get_latest_revision_as_object().address == "9 Sneaky Lane"  # kept as a draft only
    response = client.post(url("unpublish", venue.pk))
    assert response.status_code == 403 or (response.status_code == 302 and response.url == reverse("wagtailadmin_home"))
    assert Venue.objects.get(pk=venue.pk).live


def test_a_new_venues_classes_stay_off_the_site_until_the_venue_is_approved(client, alpha):
    setup, _venue, _page = alpha
    login(client, "alpha")
    response = client.post(
        url("add"),
        {"provider": setup.provider.pk, "name": "Alpha Annexe", "address": "5 Fresh Street", "postcode": "SE15 5AA"},
    )
    assert response.status_code == 302
    annexe = Venue.objects.get(name="Alpha Annexe")
    assert not annexe.live
    assert annexe.borough.code == SE15["district_code"]

    # The editor can set up a class there straight away: the class form offers the draft venue.
    class_form = client.get(reverse("wagtailadmin_pages:add", args=["finder", "classpage", setup.provider.pk]))
    assert re.search(rf'<option value="{annexe.pk}"[^>]*>Alpha Annexe', class_form.content.decode())
    page = ClassPageFactory(venue=annexe, parent=setup.provider, title="Annexe class")  # approved by a coordinator

    client.logout()
    assert client.get(page.url).status_code == 404
    assert client.get(reverse("finder:enquiry", args=[page.pk])).status_code == 404
    text = public_text(client, page)
    assert "Annexe class" not in text and "5 Fresh Street" not in text
    assert page not in client.get(FIND, {"where": "SE15 5AA", "radius": "5"}).context["page_obj"].object_list

    login(client, "alpha")
    state = submit_change(client, annexe)
    coordinator("coord")
    login(client, "coord")
    workflow_action(client, annexe, state, "approve")
    client.logout()
    assert Venue.objects.get(pk=annexe.pk).live
    assert "5 Fresh Street" in client.get(page.url).content.decode()
    assert page in client.get(FIND, {"where": "SE15 5AA", "radius": "5"}).context["page_obj"].object_list


def test_a_coordinator_can_send_a_change_back(client, alpha):
    _setup, venue, _page = alpha
    login(client, "alpha")
    state = submit_change(client, venue, name="Alpha Hall (wrong)")
    coordinator("coord")
    login(client, "coord")
    workflow_action(client, venue, state, "reject", "That is not the hall's name")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert Venue.objects.get(pk=venue.pk).name == "Alpha Hall"

    login(client, "alpha")
    response = client.get(url("edit", venue.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["name"] == "Alpha Hall (wrong)"  # the draft, ready to fix
    submit_change(client, venue, name="Alpha Hall, upstairs")
    assert Venue.objects.get(pk=venue.pk).name == "Alpha Hall"


def test_another_providers_editor_is_refused_every_view_of_a_venue(client, alpha):
    """Every URL of the venue viewset that names a venue, read and posted, with A's venue mid-review."""
    _setup, venue, _page = alpha
    provider_with_editor("Beta Community ESOL", "beta")
    login(client, "alpha")
    state = submit_change(client, venue, address="2 New Street")
    revision = venue.revisions.order_by("pk").last()
    values = {
        "pk": venue.pk,
        "revision_id": revision.pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "action_name": "approve",
        "task_state_id": state.current_task_state.pk,
        "workflow_state_id": state.pk,
    }
    patterns = [p for p in Venue.snippet_viewset.get_urlpatterns() if "pk" in p.pattern.regex.groupindex]
    assert {p.name for p in patterns} >= {
        "edit", "delete", "copy", "usage", "history", "revisions_revert", "revisions_compare", "unpublish",
        "lock", "unlock", "workflow_action", "confirm_workflow_cancellation", "workflow_history",
        "workflow_history_detail",
    }  # fmt: skip
    login(client, "beta")
    for pattern in patterns:
        kwargs = {name: values[name] for name in pattern.pattern.regex.groupindex}
        target = reverse(f"wagtailsnippets_finder_venue:{pattern.name}", kwargs=kwargs)
        for method in (client.get, client.post):
            assert method(target).status_code in (403, 404), target

    live = Venue.objects.get(pk=venue.pk)
    assert live.address == "1 Old Road" and live.live and not live.locked
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert venue.revisions.count() == 1

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Alpha Hall" not in dashboard
    coordinator("coord")
    assert "Alpha Hall" in login(client, "coord").get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("report", ["workflow", "workflow_tasks"])
def test_the_workflow_reports_show_an_editor_only_their_own_venues(client, alpha, report):
    _setup, venue, _page = alpha
    beta = provider_with_editor("Beta Community ESOL", "beta")
    VenueFactory(provider=beta.provider, name="Beta Hall")
    login(client, "alpha")
    submit_change(client, venue, address="2 New Street")
    beta_venue = Venue.objects.get(name="Beta Hall")
    login(client, "beta")
    submit_change(client, beta_venue, address="3 Beta Road")
    target = reverse(f"wagtailadmin_reports:{report}")
    content = client.get(target).content.decode()
    assert "Beta Hall" in content and "Alpha Hall" not in content
    export = client.get(target, {"export": "csv"})
    assert b"Alpha Hall" not in b"".join(export.streaming_content if export.streaming else [export.content])
    coordinator("coord")
    content = login(client, "coord").get(target).content.decode()
    assert "Alpha Hall" in content and "Beta Hall" in content


# Placing the pin: the form places the draft from its postcode, the model only checks the postcode.


def edit_draft(client, venue, **changes):
    response = client.post(url("edit", venue.pk), form_data(latest(venue), **changes))
    return response, latest(venue)


def test_a_new_postcode_moves_the_pin_and_the_borough(client, alpha):
    _setup, venue, _page = alpha
    response, draft = edit_draft(login(client, "alpha"), venue, postcode="SE15 5AA")
    assert response.status_code == 302
    assert (draft.latitude, draft.longitude) == pytest.approx((float(SE15["lat"]), float(SE15["lon"])))
    assert draft.borough == District.objects.get(code=SE15["district_code"])


def test_a_pin_moved_by_hand_is_kept_until_the_postcode_changes(client, alpha):
    _setup, venue, _page = alpha
    login(client, "alpha")
    _response, draft = edit_draft(client, venue, latitude="51.52", longitude="-0.08")
    assert (draft.latitude, draft.longitude) == (51.52, -0.08)
    _response, draft = edit_draft(client, venue, name="Alpha Hall, side door")  # the moved pin is the draft's
    assert (draft.latitude, draft.longitude) == (51.52, -0.08)
    _response, draft = edit_draft(client, venue, postcode="SE15 5AA")
    assert (draft.latitude, draft.longitude) == pytest.approx((float(SE15["lat"]), float(SE15["lon"])))


def test_a_pin_moved_with_a_new_postcode_is_kept_and_the_borough_follows_the_postcode(client, alpha):
    _setup, venue, _page = alpha
    _response, draft = edit_draft(
        login(client, "alpha"), venue, postcode="SE15 5AA", latitude="51.47", longitude="-0.07"
    )
    assert (draft.latitude, draft.longitude) == (51.47, -0.07)
    assert draft.borough.code == SE15["district_code"]


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("ZZ99 9ZZ", "We couldn't find the postcode ZZ99 9ZZ. Check it, or try just the first part, like ZZ99."),
        ("E1", "Enter a full UK postcode, like E1 6AN."),
    ],
)
def test_a_bad_postcode_is_one_clear_error_on_the_form(client, alpha, postcode, message):
    setup, venue, _page = alpha
    login(client, "alpha")
    for target, data in [
        (url("add"), {"provider": setup.provider.pk, "name": "Nowhere", "address": "1 Road", "postcode": postcode}),
        (url("edit", venue.pk), form_data(venue, postcode=postcode)),
    ]:
        response = client.post(target, data)
        assert response.status_code == 200
        assert response.context["form"].errors["postcode"] == [message]
    assert not Venue.objects.filter(name="Nowhere").exists()
    assert venue.revisions.count() == 0


def test_placing_keeps_a_given_pin_and_places_a_missing_one():
    assert place("se155aa", None, None).postcode == "SE15 5AA"
    assert (place("SE15 5AA", 51.5, -0.1).latitude, place("SE15 5AA", 51.5, -0.1).longitude) == (51.5, -0.1)
    unchanged_pin = place("SE15 5AA", 51.5, -0.1, before=("E1 6AN", 51.5, -0.1))
    assert unchanged_pin.latitude == pytest.approx(float(SE15["lat"]))
    with pytest.raises(ValidationError) as error:
        place("ZZ99 9ZZ", None, None)
    assert "ZZ99 9ZZ" in error.value.message_dict["postcode"][0]


def test_the_model_checks_the_postcode_without_placing_it(alpha):
    setup, *_ = alpha
    venue = Venue(provider=setup.provider, name="Hall", address="1 Road", postcode="zz99 9zz")
    venue.full_clean()  # a well-formed postcode the geocoder doesn't know: placing is the form's job
    assert venue.postcode == "ZZ99 9ZZ" and venue.latitude is None
    venue.postcode = "hello"
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert error.value.message_dict["postcode"] == ["Enter a full UK postcode, like E1 6AN."]
