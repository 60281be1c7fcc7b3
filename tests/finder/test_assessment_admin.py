"""The staff side of assessment booking: slots approved like venues, the register, results, look-ups, referrals.

Alpha runs the assessment; Beta finds the result by its reference (only with the learner's consent) and refers the
learner to one of its classes. Every other provider's slot, booking or result is "not found".
"""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.models import WorkflowContentType, WorkflowState

from devtools.assessment_factories import booking_for, slot_for, tomorrow_at
from devtools.factories import ClassPageFactory, VenueFactory, coordinator, provider_with_editor
from esolplus.models import Notification
from finder.cms.providers import ensure_coordination
from finder.models import AssessmentBooking, AssessmentResult, AssessmentResultLookup, AssessmentSlot, Enquiry, Level

pytestmark = pytest.mark.usefixtures("geography")

NOT_SHARED = "No shared result with that reference"


def slot_url(name, *args):
    return reverse(f"wagtailsnippets_finder_assessmentslot:{name}", args=args)


def _patterns(patterns, namespace: str, current: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, namespace, pattern.namespace or current)
        elif current == namespace:
            yield pattern


def slot_urls(pk: int) -> list[str]:
    """Every admin URL of one slot: edit, delete, copy, history, revisions, workflow, locks..."""
    namespace = "wagtailsnippets_finder_assessmentslot"
    values = {"pk": pk, "revision_id": 1, "revision_id_a": "earliest", "revision_id_b": "latest"}
    values.update({"task_state_id": 1, "workflow_state_id": 1, "action_name": "approve"})
    urls = []
    for pattern in _patterns(get_resolver().url_patterns, namespace):
        names = set(pattern.pattern.regex.groupindex)
        if names and names <= set(values):
            urls.append(reverse(f"{namespace}:{pattern.name}", kwargs={n: values[n] for n in names}))
    return urls


@pytest.fixture
def world(db):
    """Alpha (assessor) and Beta (another provider), each with an editor, a venue and a live class; the slots'
    approval workflow as for venues."""
    coordination = ensure_coordination()
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(AssessmentSlot), defaults={"workflow": coordination.workflow}
    )
    world = {"workflow": coordination.workflow}
    for key, name in (("alpha", "Alpha Adult Learning"), ("beta", "Beta College")):
        setup = provider_with_editor(name, key)
        venue = VenueFactory(provider=setup.provider, name=f"{name} Hall")
        world[key] = {
            "provider": setup.provider,
            "editor": setup.editor,
            "venue": venue,
            "class": ClassPageFactory(venue=venue, parent=setup.provider, title=f"{name} class"),
        }
    slot = slot_for(world["alpha"]["provider"], world["alpha"]["venue"], places=3)
    world["slot"] = slot
    world["booking"] = booking_for(slot, name="Amina Alphalearner", email="amina@example.org")
    return world


def refused(response) -> bool:
    """403, or Wagtail's answer to PermissionDenied in its admin: back to the dashboard, with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == reverse("wagtailadmin_home"))


def as_user(client, user):
    client.force_login(user)
    return client


def level(code):
    return Level.objects.get(code=code)


def result_data(booking_page, **changes):
    """The result form as the browser sends it, from the page that showed it."""
    form = booking_page.context["form"]
    data = {"based_on": form["based_on"].value(), "placement_notes": "", **changes}
    return {key: value for key, value in data.items() if value is not None}


def record(client, booking, **changes):
    page = client.get(reverse("finder_assessment_result", args=[booking.pk]))
    assert page.status_code == 200
    return client.post(reverse("finder_assessment_result", args=[booking.pk]), result_data(page, **changes))


def shared_result(world, client):
    booking = world["booking"]
    as_user(client, world["alpha"]["editor"])
    response = record(client, booking, speaking=level("entry-2").pk, reading=level("entry-1").pk, consent_to_share="on")
    assert response.status_code == 302
    return AssessmentResult.objects.get(booking=booking)


def test_an_assessor_records_a_result_and_sends_it_to_the_learner(client, world):
    booking = world["booking"]
    as_user(client, world["alpha"]["editor"])
    page = client.get(reverse("finder_assessment_result", args=[booking.pk]))
    assert "Amina Alphalearner" in page.content.decode()
    before = Notification.objects.count()
    response = record(
        client,
        booking,
        speaking=level("entry-3").pk,
        listening=level("entry-2").pk,
        placement_notes="Confident speaker; needs reading support.",
        recommended_classes=[world["beta"]["class"].pk],
        consent_to_share="on",
        send_to_learner="on",
    )
    assert response.status_code == 302
    result = AssessmentResult.objects.get(booking=booking)
    assert (result.speaking, result.listening, result.reading) == (level("entry-3"), level("entry-2"), None)
    assert result.assessed_by == world["alpha"]["editor"] and result.consent_to_share
    assert list(result.recommended_classes.all()) == [world["beta"]["class"]]
    assert result.sent_to_learner_at is not None and Notification.objects.count() > before
    assert AssessmentBooking.objects.get(pk=booking.pk).status == AssessmentBooking.Status.ATTENDED


def test_a_result_needs_a_level_and_says_so(client, world):
    as_user(client, world["alpha"]["editor"])
    response = record(client, world["booking"], placement_notes="No levels")
    assert response.status_code == 200
    assert "Give a level for at least one skill." in response.content.decode()
    assert "violated" not in response.content.decode()
    assert not AssessmentResult.objects.exists()


def test_two_people_editing_one_result_do_not_silently_overwrite_each_other(client, world):
    result = shared_result(world, client)
    url = reverse("finder_assessment_result", args=[world["booking"].pk])
    mine = client.get(url)  # opened by one assessor...
    other = client.get(url)  # ...and by another, who saves first
    client.post(url, result_data(other, speaking=level("entry-3").pk, placement_notes="Theirs"))
    response = client.post(url, result_data(mine, speaking=level("level-1").pk, placement_notes="Mine"))
    assert response.status_code == 200 and "Someone else saved this result" in response.content.decode()
    result.refresh_from_db()
    assert (result.speaking, result.placement_notes) == (level("entry-3"), "Theirs")
    again = client.post(url, result_data(response, speaking=level("level-1").pk, placement_notes="Mine"))
    assert again.status_code == 302  # sent again over what is saved now: "keep mine"
    result.refresh_from_db()
    assert (result.speaking, result.placement_notes) == (level("level-1"), "Mine")


def test_another_provider_sees_a_result_only_by_reference_with_consent_and_the_look_up_is_recorded(client, world):
    result = shared_result(world, client)
    reference = world["booking"].reference
    url = reverse("finder_assessment_look_up")
    as_user(client, world["beta"]["editor"])
    no_consent = client.post(url, {"reference": reference})
    assert "Ask the learner first" in no_consent.content.decode() and "Entry 2" not in no_consent.content.decode()
    unknown = client.post(url, {"reference": "ZZZZ-ZZZZ", "consent": "on"})
    assert NOT_SHARED in unknown.content.decode()
    assert not AssessmentResultLookup.objects.exists()

    found = client.post(url, {"reference": reference.lower(), "consent": "on"})
    text = found.content.decode()
    assert found.status_code == 200 and NOT_SHARED not in text
    assert level("entry-2").cefr and str(level("entry-2")) in text  # the level with its CEFR equivalent
    assert "Alpha Adult Learning" in text and "Amina" not in text and "amina@example.org" not in text
    lookup = AssessmentResultLookup.objects.get()
    assert (lookup.result, lookup.provider, lookup.user) == (result, world["beta"]["provider"], world["beta"]["editor"])

    AssessmentResult.objects.filter(pk=result.pk).update(consent_to_share=False)
    unshared = client.post(url, {"reference": reference, "consent": "on"})
    assert NOT_SHARED in unshared.content.decode() and AssessmentResultLookup.objects.count() == 1


def test_a_referral_from_a_looked_up_result_reaches_the_class_providers_enquiries(client, world):
    result = shared_result(world, client)
    beta_class = world["beta"]["class"]
    refer = reverse("finder_assessment_refer", args=[result.pk])
    as_user(client, world["beta"]["editor"])
    assert client.post(refer, {"class_page": beta_class.pk}).status_code == 404  # not looked up yet
    client.post(reverse("finder_assessment_look_up"), {"reference": world["booking"].reference, "consent": "on"})
    assert client.post(refer, {"class_page": beta_class.pk}).status_code == 302
    assert client.post(refer, {"class_page": beta_class.pk}).status_code == 302  # sent twice: one referral
    enquiry = Enquiry.objects.get()
    assert (enquiry.class_page, enquiry.status, enquiry.assessment) == (beta_class, Enquiry.Status.ASSESSED, result)
    assert enquiry.name == "Amina Alphalearner" and enquiry.referrer_organisation == "Beta College"
    listing = client.get(reverse("wagtailsnippets_finder_enquiry:list"))
    assert "Amina Alphalearner" in listing.content.decode()
    as_user(client, world["alpha"]["editor"])
    assert "Amina Alphalearner" not in client.get(reverse("wagtailsnippets_finder_enquiry:list")).content.decode()


def test_the_assessor_refers_from_their_own_result(client, world):
    result = shared_result(world, client)
    alpha_class = world["alpha"]["class"]
    response = client.post(reverse("finder_assessment_refer", args=[result.pk]), {"class_page": alpha_class.pk})
    assert response.url == reverse("finder_assessment_result", args=[world["booking"].pk])
    enquiry = Enquiry.objects.get(class_page=alpha_class)
    assert enquiry.status == Enquiry.Status.ASSESSED and enquiry.referrer_organisation == "Alpha Adult Learning"


def test_another_providers_slots_bookings_and_results_are_not_found(client, world):
    result = shared_result(world, client)
    slot, booking = world["slot"], world["booking"]
    as_user(client, world["beta"]["editor"])
    for pk in (slot.pk, slot.pk + 1000):
        for url in slot_urls(pk):
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code in (403, 404), (url, response.status_code)
    assert client.get(reverse("wagtailsnippetchoosers_finder_assessmentslot:chosen", args=[slot.pk])).status_code == 404
    for pk in (booking.pk, booking.pk + 1000):
        assert client.get(reverse("finder_assessment_result", args=[pk])).status_code == 404
        for action in ("attended", "no_show", "cancel"):
            assert client.post(reverse("finder_assessment_register", args=[pk, action])).status_code == 404
    assert client.post(reverse("finder_assessment_refer", args=[result.pk]), {}).status_code == 404
    day = timezone.localtime(slot.starts_at).date().isoformat()
    listing = client.get(reverse("finder_assessment_bookings"), {"date": day})
    assert listing.status_code == 200 and "Amina" not in listing.content.decode()
    slots = client.get(slot_url("list"))
    assert slots.status_code == 200 and "Alpha Adult Learning" not in slots.content.decode()
    assert AssessmentBooking.objects.get(pk=booking.pk).status == AssessmentBooking.Status.ATTENDED


def test_someone_with_no_provider_is_refused(client, world):
    user = get_user_model().objects.create_user("nobody", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    as_user(client, user)
    urls = [reverse(name) for name in ("finder_assessment_bookings", "finder_assessment_look_up")]
    urls += [reverse("finder_assessment_pattern"), reverse("finder_assessment_result", args=[world["booking"].pk])]
    for url in [*urls, slot_url("list"), slot_url("add")]:
        assert refused(client.get(url)), url
    reference = world["booking"].reference
    lookup = client.post(reverse("finder_assessment_look_up"), {"reference": reference, "consent": "on"})
    assert refused(lookup) and not AssessmentResultLookup.objects.exists()
    assert client.get(slot_url("edit", world["slot"].pk)).status_code == 404


def test_the_assessments_menu_is_there_for_provider_staff(client, world):
    as_user(client, world["alpha"]["editor"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    for url in (slot_url("list"), reverse("finder_assessment_bookings"), reverse("finder_assessment_look_up")):
        assert url in home


def test_a_coordinator_sees_every_providers_bookings(client, world):
    as_user(client, coordinator("coord"))
    day = timezone.localtime(world["slot"].starts_at).date().isoformat()
    listing = client.get(reverse("finder_assessment_bookings"), {"date": day})
    assert "Amina Alphalearner" in listing.content.decode()
    assert client.get(slot_url("edit", world["slot"].pk)).status_code == 200


def test_the_register_marks_assessed_did_not_come_and_cancelled(client, world):
    booking, slot = world["booking"], world["slot"]
    second = booking_for(slot, name="Bilal", phone="07700 900456")
    as_user(client, world["alpha"]["editor"])
    register = lambda b, action: client.post(reverse("finder_assessment_register", args=[b.pk, action]))  # noqa: E731
    assert register(booking, "no_show").status_code == 302
    assert AssessmentBooking.objects.get(pk=booking.pk).status == AssessmentBooking.Status.NO_SHOW
    register(booking, "attended")
    assert AssessmentBooking.objects.get(pk=booking.pk).status == AssessmentBooking.Status.ATTENDED
    assert AssessmentSlot.objects.get(pk=slot.pk).booked == 2
    register(second, "cancel")
    assert AssessmentBooking.objects.get(pk=second.pk).status == AssessmentBooking.Status.CANCELLED
    assert AssessmentSlot.objects.get(pk=slot.pk).booked == 1
    assert register(second, "cancel").status_code == 302  # twice: a message, nothing changes
    assert client.post(reverse("finder_assessment_register", args=[booking.pk, "explode"])).status_code == 404


def test_a_booked_slot_cannot_be_deleted(client, world):
    slot = world["slot"]
    as_user(client, world["alpha"]["editor"])
    response = client.post(slot_url("delete", slot.pk), follow=True)
    assert "Learners have booked this slot, so it cannot be deleted." in response.content.decode()
    assert AssessmentSlot.objects.filter(pk=slot.pk).exists()
    empty = slot_for(world["alpha"]["provider"], world["alpha"]["venue"], starts_at=tomorrow_at(15))
    assert client.post(slot_url("delete", empty.pk)).status_code == 302
    assert not AssessmentSlot.objects.filter(pk=empty.pk).exists()


def slot_form(slot, **changes) -> dict:
    data = {
        "provider": slot.provider_id,
        "mode": slot.mode,
        "venue": slot.venue_id or "",
        "starts_at": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M"),
        "length_minutes": slot.length_minutes,
        "places": slot.places,
        "notes": "",
        **changes,
    }
    return data


def test_places_cannot_drop_below_the_bookings(client, world):
    slot = world["slot"]
    booking_for(slot, name="Bilal", phone="07700 900456")
    as_user(client, world["alpha"]["editor"])
    response = client.post(slot_url("edit", slot.pk), {**slot_form(slot, places=1), "action-submit": "submit"})
    assert response.status_code == 200
    assert "2 people have booked this slot: it needs at least 2 places." in response.content.decode()
    response = client.post(slot_url("edit", slot.pk), {**slot_form(slot, places=2), "action-submit": "submit"})
    assert response.status_code == 302
    assert AssessmentSlot.objects.get(pk=slot.pk).get_latest_revision_as_object().places == 2


def test_a_new_slot_needs_its_providers_venue_in_person_and_waits_for_approval(client, world):
    alpha = world["alpha"]
    as_user(client, alpha["editor"])
    new = AssessmentSlot(provider=alpha["provider"], mode="in_person", starts_at=tomorrow_at(14), places=4)
    response = client.post(slot_url("add"), {**slot_form(new), "action-submit": "submit"})
    assert "Choose the venue for an assessment in person" in response.content.decode()
    other = slot_form(new, venue=world["beta"]["venue"].pk)
    assert client.post(slot_url("add"), {**other, "action-submit": "submit"}).status_code == 200
    response = client.post(slot_url("add"), {**slot_form(new, venue=alpha["venue"].pk), "action-submit": "submit"})
    assert response.status_code == 302
    slot = AssessmentSlot.objects.get(starts_at=tomorrow_at(14))
    assert not slot.live and slot.venue == alpha["venue"]
    state = WorkflowState.objects.get(base_content_type__model="assessmentslot", object_id=str(slot.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def pattern(world, **changes) -> dict:
    first = timezone.localdate() + datetime.timedelta(days=3)
    return {
        "provider": world["alpha"]["provider"].pk,
        "mode": "in_person",
        "venue": world["alpha"]["venue"].pk,
        "weekday": first.weekday(),
        "time": "10:30",
        "length_minutes": 45,
        "places": 5,
        "creche": "on",
        "first_date": first.isoformat(),
        "weeks": 4,
        **changes,
    }


def test_a_weekly_pattern_makes_its_slots_once_each_submitted_for_approval(client, world):
    as_user(client, world["alpha"]["editor"])
    url = reverse("finder_assessment_pattern")
    assert client.get(url).status_code == 200
    assert client.post(url, pattern(world)).status_code == 302
    again = client.post(url, pattern(world))
    assert again.status_code == 200 and "Nothing was added" in again.content.decode()
    slots = AssessmentSlot.objects.filter(places=5).order_by("starts_at")
    assert slots.count() == 4
    starts = [timezone.localtime(slot.starts_at) for slot in slots]
    assert [(s.weekday(), s.hour, s.minute) for s in starts] == [(starts[0].weekday(), 10, 30)] * 4
    assert [(b - a).days for a, b in itertools.pairwise(starts)] == [7, 7, 7]
    assert all(not slot.live and slot.creche and slot.length_minutes == 45 for slot in slots)
    in_progress = WorkflowState.objects.filter(base_content_type__model="assessmentslot", status="in_progress")
    assert in_progress.count() == 4

    state = in_progress.get(object_id=str(slots[0].pk))
    as_user(client, coordinator("coord"))
    approve = slot_url("workflow_action", slots[0].pk, "approve", state.current_task_state.pk)
    assert client.post(approve, {"comment": ""}).status_code in (200, 302)
    assert AssessmentSlot.objects.get(pk=slots[0].pk).live


def test_a_weekly_pattern_checks_its_input(client, world):
    as_user(client, world["alpha"]["editor"])
    url = reverse("finder_assessment_pattern")
    for changes, message in (
        ({"weeks": 27}, "less than or equal to 26"),
        ({"venue": ""}, "Choose the venue for an assessment in person"),
        ({"venue": world["beta"]["venue"].pk}, "Select a valid choice"),
        ({"provider": world["beta"]["provider"].pk}, "Choose your own organisation."),
        ({"first_date": "2020-01-01"}, "The first slot would be in the past"),
        ({"time": "25:99"}, "Enter a valid time"),
    ):
        response = client.post(url, pattern(world, **changes))
        assert response.status_code == 200 and message in response.content.decode(), changes
    assert not AssessmentSlot.objects.filter(places=5).exists()


def test_a_coordinators_weekly_pattern_by_phone_is_published(client, world):
    as_user(client, coordinator("coord"))
    response = client.post(reverse("finder_assessment_pattern"), pattern(world, mode="phone", venue="", weeks=2))
    assert response.status_code == 302
    slots = AssessmentSlot.objects.filter(places=5)
    assert slots.count() == 2 and all(slot.live and slot.venue is None for slot in slots)


def test_bulk_delete_keeps_a_booked_slot_and_never_names_another_providers(client, world):
    as_user(client, world["alpha"]["editor"])
    free = slot_for(world["alpha"]["provider"], world["alpha"]["venue"], places=2)
    others = slot_for(world["beta"]["provider"], world["beta"]["venue"], places=2)
    url = reverse("wagtail_bulk_action", args=["finder", "assessmentslot", "delete"])
    assert client.get(url, {"id": [others.pk]}).status_code == 404

    response = client.post(url + f"?id={world['slot'].pk}&id={free.pk}")

    assert response.status_code in (200, 302)
    assert AssessmentSlot.objects.filter(pk=world["slot"].pk).exists()  # booked: kept, no server error
    assert not AssessmentSlot.objects.filter(pk=free.pk).exists()
    assert AssessmentSlot.objects.filter(pk=others.pk).exists()
