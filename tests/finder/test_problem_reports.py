"""Reporting a problem with a listing: the public form (no account, no cookie, spam-resistant), who is told (the
listing's provider's editors and the coordinators, never another provider), the notice learners see (only once a
coordinator confirmed it), and the admin screens behind the provider boundary."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction

from devtools.factories import (
    ClassPageFactory,
    WorkplaceOfferPageFactory,
    coordinator,
    provider_with_editor,
    venue_at,
)
from esolplus.concurrency import StaleVersion
from finder import problem_reports
from finder.models import ProblemReport

pytestmark = pytest.mark.usefixtures("geography")

NOTICE = "A problem was reported with this page"


@pytest.fixture(autouse=True)
def _english_addresses(settings):
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def two_providers():
    a = provider_with_editor("Alder Adult Learning", "alder-editor")
    b = provider_with_editor("Birch College", "birch-editor")
    for setup, email in ((a, "alder@example.org"), (b, "birch@example.org")):
        setup.editor.email = email
        setup.editor.save()
    coord = coordinator("coord")
    coord.email = "coord@example.org"
    coord.save()
    return a, b, coord


@pytest.fixture
def class_a(two_providers):
    provider = two_providers[0].provider
    return ClassPageFactory(title="Alder evening class", venue=venue_at("E1 6AN", provider=provider), parent=provider)


@pytest.fixture
def class_b(two_providers):
    provider = two_providers[1].provider
    return ClassPageFactory(title="Birch morning class", venue=venue_at("SE15 5AA", provider=provider), parent=provider)


def form_url(page):
    return reverse("finder:report_problem", args=[page.pk])


def send(client, page, extra=None, **data):
    fields = {"kind": "times", "note": "", "website": "", "submission_key": str(uuid.uuid4()), **data}
    return client.post(form_url(page), fields, **(extra or {}))


# --- The public form ----------------------------------------------------------------------------------------------


def test_the_listing_links_to_the_form_and_the_form_sets_no_cookie(client, class_a):
    listing = client.get(class_a.url)
    assert form_url(class_a) in listing.content.decode()
    assert NOTICE not in listing.content.decode()
    response = client.get(form_url(class_a))
    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response.headers
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "<legend>What is wrong?</legend>" in html and "The days or times are wrong" in html
    sent = client.get(reverse("finder:problem_reported", args=[class_a.pk]))
    assert sent.status_code == 200 and not sent.cookies


def test_provider_and_workplace_pages_take_reports_too(client, two_providers):
    provider = two_providers[0].provider
    offer = WorkplaceOfferPageFactory(parent=provider)
    for page in (provider, offer):
        assert form_url(page) in client.get(page.url).content.decode()
        assert send(client, page, kind="contact").status_code == 302
    assert set(ProblemReport.objects.values_list("page_id", flat=True)) == {provider.pk, offer.pk}


def test_a_report_reaches_the_providers_editors_and_the_coordinators_only(
    client, two_providers, class_a, class_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, class_a, kind="cost", note="  It says free but they asked for £50.  ")
    assert response.status_code == 302
    assert response["Location"] == reverse("finder:problem_reported", args=[class_a.pk])
    report = ProblemReport.objects.get()
    assert (report.page_id, report.kind, report.note, report.status) == (
        class_a.pk,
        "cost",
        "It says free but they asked for £50.",
        ProblemReport.Status.NEW,
    )
    assert report.site_language == "en-gb"
    assert sorted(message.to[0] for message in mail.outbox) == ["alder@example.org", "coord@example.org"]
    assert all(len(message.to) == 1 for message in mail.outbox), "one email per person: nobody sees the others"
    body = mail.outbox[0].body
    assert "Alder evening class" in body and "The cost is wrong" in body and "£50" in body
    assert reverse("problem_reports:edit", args=[report.pk]) in body
    assert "birch@example.org" not in [to for message in mail.outbox for to in message.to]


def test_a_report_in_arabic_keeps_its_language(client, class_a):
    with translation.override("ar"):
        url = form_url(class_a)
    assert url.startswith("/ar/")
    assert client.post(url, {"kind": "place", "website": ""}).status_code == 302
    assert ProblemReport.objects.get().site_language == "ar"


def test_sent_twice_makes_one_report_and_one_email_each(client, class_a, django_capture_on_commit_callbacks):
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = send(client, class_a, submission_key=key)
        second = send(client, class_a, submission_key=key)
    assert first.status_code == second.status_code == 302
    assert ProblemReport.objects.count() == 1
    assert len(mail.outbox) == 2  # the editor and the coordinator, once each


def test_the_note_is_needed_for_something_else_and_has_a_limit(client, class_a):
    response = send(client, class_a, kind="other", note="   ")
    assert response.status_code == 200
    assert "Tell us what is wrong." in response.content.decode()
    assert 'href="#id_note"' in response.content.decode()
    response = send(client, class_a, kind="other", note="x" * 1001)
    assert "Keep it under 1000 characters" in response.content.decode()
    response = send(client, class_a, kind="")
    assert "Choose what is wrong." in response.content.decode()
    response = send(client, class_a, kind="burnt-down")
    assert "Choose what is wrong." in response.content.decode()
    assert not ProblemReport.objects.exists()
    assert send(client, class_a, kind="other", note="The room number is 12, not 21.").status_code == 302
    assert ProblemReport.objects.get().kind == "other"


def test_the_honeypot_keeps_nothing(client, class_a):
    response = send(client, class_a, website="http://spam.example")
    assert response.status_code == 302
    assert not ProblemReport.objects.exists() and not mail.outbox


def test_a_cross_site_post_is_refused(class_a):
    browser = Client(enforce_csrf_checks=True)
    data = {"kind": "times", "website": ""}
    response = browser.post(form_url(class_a), data, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    response = browser.post(form_url(class_a), data, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not ProblemReport.objects.exists()
    assert browser.post(form_url(class_a), data, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302


def test_rate_limit_per_client(client, class_a, settings):
    settings.PROBLEM_REPORT_RATE = "3/h"
    for _ in range(3):
        assert send(client, class_a, extra={"REMOTE_ADDR": "203.0.113.5"}).status_code == 302
    response = send(client, class_a, extra={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 429
    assert "Please wait an hour and try again." in response.content.decode()
    assert ProblemReport.objects.count() == 3
    assert send(client, class_a, extra={"REMOTE_ADDR": "203.0.113.6"}).status_code == 302


def test_only_live_public_listings_take_reports(client, two_providers, class_a):
    provider = two_providers[0].provider
    draft = ClassPageFactory(venue=venue_at("E1 6AN", provider=provider), parent=provider, live=False)
    private = ClassPageFactory(venue=venue_at("E1 6AN", provider=provider), parent=provider)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    index = provider.get_parent()
    waiting_venue = venue_at("E1 6AN", provider=provider, live=False)
    unapproved = ClassPageFactory(venue=waiting_venue, parent=provider)
    for page_id in (draft.pk, private.pk, index.pk, unapproved.pk, 999999):
        for url in (
            reverse("finder:report_problem", args=[page_id]),
            reverse("finder:problem_reported", args=[page_id]),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("finder:report_problem", args=[page_id]), {"kind": "times"}).status_code == 404
    assert not ProblemReport.objects.exists()


# --- What learners see ----------------------------------------------------------------------------------------


def test_the_notice_shows_only_while_a_coordinator_confirmed_report_is_open(client, two_providers, class_a):
    editor, coord = two_providers[0].editor, two_providers[2]
    report = problem_reports.report(class_a, "ended", "", "en-gb", uuid.uuid4())
    assert NOTICE not in client.get(class_a.url).content.decode(), "an unchecked report says nothing in public"
    report = problem_reports.confirm(report, coord, based_on=report.version)
    assert NOTICE in client.get(class_a.url).content.decode()
    with translation.override("ar"):
        arabic = client.get(class_a.url).content.decode()
    assert 'class="notice"' in arabic
    problem_reports.fix(report, editor, based_on=report.version)
    assert NOTICE not in client.get(class_a.url).content.decode()
    other = problem_reports.report(class_a, "times", "", "en-gb", uuid.uuid4())
    other = problem_reports.confirm(other, coord, based_on=other.version)
    problem_reports.dismiss(other, coord, based_on=other.version)
    assert NOTICE not in client.get(class_a.url).content.decode()


def test_who_may_give_which_status(two_providers, class_a):
    a, b, coord = two_providers
    report = problem_reports.report(class_a, "times", "", "en-gb", None)
    with pytest.raises(PermissionDenied):
        problem_reports.confirm(report, a.editor, based_on=report.version)  # editors only mark fixed
    with pytest.raises(PermissionDenied):
        problem_reports.dismiss(report, a.editor, based_on=report.version)
    with pytest.raises(PermissionDenied):
        problem_reports.fix(report, b.editor, based_on=report.version)  # another provider's listing
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.NEW and report.version == 0
    fixed = problem_reports.fix(report, a.editor, based_on=0)
    assert (fixed.status, fixed.handled_by, fixed.version) == (ProblemReport.Status.FIXED, a.editor, 1)
    with pytest.raises(StaleVersion):
        problem_reports.dismiss(fixed, coord, based_on=0)  # the coordinator's screen was opened before the fix
    fixed.refresh_from_db()
    assert fixed.status == ProblemReport.Status.FIXED


# --- In the admin -----------------------------------------------------------------------------------------------


def test_editors_see_and_fix_only_their_own_providers_reports(client, two_providers, class_a, class_b):
    b = two_providers[1]
    mine = problem_reports.report(class_b, "times", "Birch note", "en-gb", None)
    theirs = problem_reports.report(class_a, "cost", "Alder note", "en-gb", None)
    client.force_login(b.editor)
    index = client.get(reverse("problem_reports:index"))
    assert index.status_code == 200
    assert "Birch morning class" in index.content.decode() and "Alder evening class" not in index.content.decode()
    for name in ("edit", "inspect", "history", "delete"):
        assert client.get(reverse(f"problem_reports:{name}", args=[theirs.pk])).status_code == 404, name
    response = client.post(reverse("problem_reports:edit", args=[theirs.pk]), {"status": "fixed", "based_on": 0})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ProblemReport.Status.NEW
    assert client.get(reverse("problem_reports:edit", args=[99999999])).status_code == 404
    assert client.get(reverse("problem_reports:add")).status_code in (302, 403)

    for name in ("inspect", "history"):
        assert client.get(reverse(f"problem_reports:{name}", args=[mine.pk])).status_code == 200, name
    assert client.get(reverse("problem_reports:delete", args=[mine.pk])).status_code in (302, 403)  # nobody deletes
    edit = client.get(reverse("problem_reports:edit", args=[mine.pk]))
    assert edit.status_code == 200 and "Birch note" in edit.content.decode()
    assert [value for value, _label in edit.context["form"].fields["status"].choices] == ["new", "fixed"]
    refused = client.post(reverse("problem_reports:edit", args=[mine.pk]), {"status": "confirmed", "based_on": 0})
    assert refused.status_code == 200  # not one of their choices
    mine.refresh_from_db()
    assert mine.status == ProblemReport.Status.NEW
    done = client.post(reverse("problem_reports:edit", args=[mine.pk]), {"status": "fixed", "based_on": 0})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.handled_by) == (ProblemReport.Status.FIXED, b.editor)


def test_coordinators_see_filter_and_confirm_every_report(client, two_providers, class_a, class_b):
    coord = two_providers[2]
    report_a = problem_reports.report(class_a, "cost", "", "en-gb", None)
    problem_reports.report(class_b, "times", "", "en-gb", None)
    client.force_login(coord)
    index = client.get(reverse("problem_reports:index")).content.decode()
    assert "Alder evening class" in index and "Birch morning class" in index
    filtered = client.get(reverse("problem_reports:index"), {"kind": "cost"}).content.decode()
    assert "Alder evening class" in filtered and "Birch morning class" not in filtered
    edit_url = reverse("problem_reports:edit", args=[report_a.pk])
    assert client.post(edit_url, {"status": "confirmed", "based_on": 0}).status_code == 302
    report_a.refresh_from_db()
    assert report_a.status == ProblemReport.Status.CONFIRMED
    confirmed = client.get(reverse("problem_reports:index"), {"status": "confirmed"}).content.decode()
    assert "Alder evening class" in confirmed and "Birch morning class" not in confirmed
    stale = client.post(edit_url, {"status": "dismissed", "based_on": 0})  # a second tab, opened before
    assert stale.status_code == 200 and "Someone else changed this report" in stale.content.decode()
    report_a.refresh_from_db()
    assert report_a.status == ProblemReport.Status.CONFIRMED


def test_staff_who_edit_no_provider_see_no_reports(client, django_user_model, class_a):
    problem_reports.report(class_a, "cost", "", "en-gb", None)
    someone = django_user_model.objects.create_user("someone", password="pw")
    someone.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(someone)
    assert client.get(reverse("problem_reports:index")).status_code in (302, 403)
    assert not problem_reports.visible_to(someone).exists()
