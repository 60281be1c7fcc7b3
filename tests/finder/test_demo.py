"""load_demo builds a realistic CMS across all of London, and running it twice changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import WorkflowState

from esolplus.roles import COORDINATORS_GROUP
from finder.models import ClassPage, District, Postcode, ProviderPage, Venue, WorkplaceOfferPage

pytestmark = pytest.mark.usefixtures("geography")


def counts():
    return {
        "providers": ProviderPage.objects.count(),
        "classes": ClassPage.objects.count(),
        "offers": WorkplaceOfferPage.objects.count(),
        "venues": Venue.objects.count(),
        "users": get_user_model().objects.count(),
        "changes awaiting approval": WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count(),
    }


@pytest.mark.django_db
def test_load_demo_is_realistic_and_idempotent():
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    first = counts()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert counts() == first

    assert first["changes awaiting approval"] == 1
    assert first["providers"] >= 30 and first["classes"] >= 300 and first["offers"] >= 15
    boroughs = set(District.objects.filter(is_london_borough=True).values_list("code", flat=True))
    assert len(boroughs) == 33
    assert set(Venue.objects.values_list("borough_id", flat=True)) == boroughs
    served = set(ProviderPage.objects.values_list("boroughs_served", flat=True))
    assert served == boroughs

    classes = ClassPage.objects.live()
    assert classes.count() == first["classes"]
    assert {"free", "fee", "free_if_eligible"} <= set(classes.values_list("cost", flat=True))
    assert classes.filter(childcare="creche").exists() and classes.filter(women_only=True).exists()
    assert classes.filter(delivery_mode="online", venue__isnull=True).exists()
    assert classes.filter(sessions__weekday=5).exists()  # some at the weekend
    assert classes.filter(sessions__start_time__hour__gte=18).exists()  # some in the evening
    assert classes.filter(sessions__start_time__hour__lt=12).exists()  # some in the morning
    assert ClassPage.objects.current().count() == first["classes"]
    for venue in Venue.objects.all()[:20]:
        postcode = Postcode.objects.get(postcode=venue.postcode)
        assert (venue.latitude, venue.longitude, venue.borough_id) == (
            postcode.latitude,
            postcode.longitude,
            postcode.district_code,
        )

    text = out.getvalue()
    assert "coordinator / esolplus-demo" in text and "Provider editor (" in text
    coordinator = get_user_model().objects.get(username="coordinator")
    assert coordinator.groups.filter(name=COORDINATORS_GROUP).exists()
    editor = get_user_model().objects.get(username="editor")
    assert not editor.is_superuser and editor.groups.count() == 1
