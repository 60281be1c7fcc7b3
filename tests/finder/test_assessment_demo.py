"""The demo has assessment hubs in their own boroughs: slots a learner near E1 6AN can book, results and a referral."""

import io

import pytest
from django.core.management import call_command
from geopy.distance import geodesic

from finder import assessment_figures
from finder.models import AssessmentBooking, AssessmentResult, AssessmentSlot, Enquiry, Postcode, ProviderPage

pytestmark = pytest.mark.usefixtures("geography")


@pytest.mark.django_db
def test_the_demo_has_bookable_slots_near_e1_and_assessed_learners():
    call_command("load_demo", "--force", stdout=io.StringIO())
    slots = AssessmentSlot.objects.count()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert AssessmentSlot.objects.count() == slots  # running it again changes nothing

    hubs = ProviderPage.objects.filter(assessment_hub=True)
    assert set(hubs.values_list("title", flat=True)) == {
        "Thameside College",
        "Riverbank Women's Centre",
        "Southbank Skills College",
    }
    in_person = AssessmentSlot.objects.filter(mode="in_person").select_related("venue__borough", "provider")
    assert {(slot.provider.title, slot.venue.borough.name) for slot in in_person} == {
        ("Thameside College", "Tower Hamlets"),
        ("Riverbank Women's Centre", "Newham"),
        ("Southbank Skills College", "Lambeth"),
    }

    here = Postcode.objects.get(postcode="E1 6AN")
    bookable = AssessmentSlot.objects.bookable().filter(mode="in_person", venue__live=True).select_related("venue")
    near = [
        slot
        for slot in bookable
        if geodesic((here.latitude, here.longitude), (slot.venue.latitude, slot.venue.longitude)).km <= 5
    ]
    assert len(near) >= 4
    assert AssessmentSlot.objects.bookable().filter(mode="phone").exists()
    assert AssessmentSlot.objects.bookable().filter(creche=True).exists()
    assert AssessmentSlot.objects.bookable().filter(assessor_languages__code="bn").exists()

    assert AssessmentResult.objects.count() >= 1
    assert AssessmentBooking.objects.filter(status="no_show").count() == 1
    assert AssessmentBooking.objects.filter(status="booked").count() == 3
    assert Enquiry.objects.filter(assessment__isnull=False).count() == 1
    total = assessment_figures.slot_counts()["total"][0]
    assert total.attended == AssessmentResult.objects.count() and total.no_show == 1
