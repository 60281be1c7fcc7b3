"""The providers' enquiry inbox: search, filters, notes, assignment to a colleague, export, the response deadline
and its reminder, the coordinators' overdue list — each from the refused side too (another provider's editor,
guessed ids, a double-clicked note, a stale save)."""

import csv
import datetime
import io
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from devtools.factories import ClassPageFactory, EnquiryFactory, coordinator, provider_with_editor, venue_at
from esolplus.models import Notification
from finder import enquiry_deadlines
from finder.cms.providers import editors_group
from finder.models import Enquiry, EnquiryNote

pytestmark = pytest.mark.usefixtures("geography")

LIST = "wagtailsnippets_finder_enquiry:list"
MONDAY = datetime.date(2026, 11, 2)


def edit_url(enquiry) -> str:
    return reverse("wagtailsnippets_finder_enquiry:edit", args=[enquiry.pk])


def note_url(enquiry) -> str:
    return reverse("wagtailsnippets_finder_enquiry:add_note", args=[enquiry.pk])


def sent_days_ago(enquiry, days: int) -> Enquiry:
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    enquiry.refresh_from_db()
    return enquiry


@pytest.fixture
def inbox(db, django_user_model):
    alder = provider_with_editor("Alder Learning", "alder")
    birch = provider_with_editor("Birch College", "birch")
    colleague = django_user_model.objects.create_user("alder-2", password="pw", first_name="Sam", last_name="Colleague")
    colleague.groups.add(editors_group(alder.provider))
    for user, email in ((alder.editor, "alder@alder.example"), (colleague, "sam@alder.example")):
        user.email = email
        user.save()
    birch.editor.email = "birch@birch.example"
    birch.editor.save()
    alder_class = ClassPageFactory(venue=venue_at("E1 6AN", provider=alder.provider), title="Alder evening class")
    birch_class = ClassPageFactory(venue=venue_at("SE15 5AA", provider=birch.provider), title="Birch morning class")
    amina = EnquiryFactory(class_page=alder_class, name="Amina Yusuf", phone="07700 900123", email="amina@mail.example")
    amina.preferred_language = "so"
    amina.save()
    return {
        "alder": alder,
        "birch": birch,
        "colleague": colleague,
        "alder_class": alder_class,
        "birch_class": birch_class,
        "amina": amina,
        "bilal": EnquiryFactory(class_page=alder_class, name="Bilal Khan", phone="020 7946 0000"),
        "other": EnquiryFactory(class_page=birch_class, name="Amina Other", phone="07700 900123"),
    }


def listed(client, query: str = "") -> str:
    response = client.get(reverse(LIST) + query)
    assert response.status_code == 200
    return response.content.decode()


# --- Search and filters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["amina", "AMINA@MAIL", "07700900123", "+44 7700 900123", "0770-0900-123"])
def test_search_finds_own_enquiries_by_name_email_or_phone_however_typed(client, inbox, typed):
    client.force_login(inbox["alder"].editor)
    html = listed(client, f"?q={typed}")
    assert "Amina Yusuf" in html
    assert "Bilal Khan" not in html and "Amina Other" not in html  # another provider's, with the same phone


def test_search_by_reference_typed_without_the_dash(client, inbox):
    client.force_login(inbox["alder"].editor)
    html = listed(client, "?q=" + inbox["bilal"].reference.replace("-", " ").lower())
    assert "Bilal Khan" in html and "Amina Yusuf" not in html


def test_another_providers_reference_finds_nothing(client, inbox):
    client.force_login(inbox["alder"].editor)
    assert "Amina Other" not in listed(client, f"?q={inbox['other'].reference}")


def test_filters_by_status_class_age_and_assignee(client, inbox):
    amina, bilal = inbox["amina"], inbox["bilal"]
    Enquiry.objects.filter(pk=bilal.pk).update(status=Enquiry.Status.CONTACTED, assigned_to=inbox["alder"].editor)
    sent_days_ago(amina, 20)  # well past six working days, whatever today is
    client.force_login(inbox["alder"].editor)

    html = listed(client, "?status=contacted")
    assert "Bilal Khan" in html and "Amina Yusuf" not in html
    html = listed(client, "?age=6")
    assert "Amina Yusuf" in html and "Bilal Khan" not in html
    html = listed(client, "?assigned=me")
    assert "Bilal Khan" in html and "Amina Yusuf" not in html
    html = listed(client, "?assigned=nobody")
    assert "Amina Yusuf" in html and "Bilal Khan" not in html
    html = listed(client, f"?class_page={inbox['alder_class'].pk}")
    assert "Amina Yusuf" in html and "Bilal Khan" in html


def test_another_providers_class_in_the_filter_shows_none_of_theirs(client, inbox):
    client.force_login(inbox["alder"].editor)
    html = listed(client, f"?class_page={inbox['birch_class'].pk}&age=nonsense&status=bogus")
    assert "Amina Other" not in html and "Birch morning class" not in html


def test_the_listing_shows_the_language_by_name_and_the_deadline(client, inbox):
    client.force_login(inbox["alder"].editor)
    html = listed(client)
    assert "Somali" in html
    sent_days_ago(inbox["amina"], 20)
    assert "Overdue since" in listed(client)


# --- One enquiry: language, deadline, notes --------------------------------------------------------------------


def test_the_enquiry_screens_show_the_preferred_language_by_name(client, inbox):
    client.force_login(inbox["alder"].editor)
    for url in (edit_url(inbox["amina"]), reverse("wagtailsnippets_finder_enquiry:inspect", args=[inbox["amina"].pk])):
        html = client.get(url).content.decode()
        assert "Somali" in html, url
        assert ">so<" not in html.replace(" ", "").replace("\n", ""), url


def test_a_note_is_added_once_and_counts_as_the_first_answer(client, inbox):
    amina = inbox["amina"]
    client.force_login(inbox["alder"].editor)
    key = str(uuid.uuid4())
    for _ in range(2):  # a double click
        response = client.post(note_url(amina), {"text": "Called, left a message.", "submission_key": key})
        assert response.status_code == 302 and response.url == edit_url(amina) + "#notes"
    assert list(amina.notes.values_list("text", flat=True)) == ["Called, left a message."]
    amina.refresh_from_db()
    assert amina.first_response_at is not None and amina.status == Enquiry.Status.NEW
    assert not enquiry_deadlines.is_unanswered(amina)
    html = client.get(edit_url(amina)).content.decode()
    assert "Called, left a message." in html and 'id="notes"' in html


def test_notes_from_two_colleagues_are_both_kept(client, inbox):
    amina = inbox["amina"]
    for user, text in ((inbox["alder"].editor, "First call."), (inbox["colleague"], "Second call.")):
        client.force_login(user)
        client.post(note_url(amina), {"text": text, "submission_key": str(uuid.uuid4())})
    assert list(amina.notes.values_list("text", flat=True)) == ["First call.", "Second call."]


def test_an_empty_note_is_refused_with_a_message(client, inbox):
    client.force_login(inbox["alder"].editor)
    response = client.post(note_url(inbox["amina"]), {"text": "  "}, follow=True)
    assert "Write the note before adding it." in response.content.decode()
    assert not EnquiryNote.objects.exists()


def test_another_providers_editor_cannot_see_annotate_or_change_an_enquiry(client, inbox):
    amina = inbox["amina"]
    client.force_login(inbox["birch"].editor)
    assert client.get(edit_url(amina)).status_code == 404
    assert client.get(reverse("wagtailsnippets_finder_enquiry:inspect", args=[amina.pk])).status_code == 404
    assert client.post(note_url(amina), {"text": "Mine now"}).status_code == 404
    assert client.post(edit_url(amina), {"status": "enrolled", "based_on": 0}).status_code == 404
    assert client.post(note_url(Enquiry(pk=999999)), {"text": "Guessed"}).status_code == 404
    assert client.get(note_url(amina)).status_code == 404  # not even the method is told
    amina.refresh_from_db()
    assert amina.status == Enquiry.Status.NEW and not amina.notes.exists()


def test_a_user_who_is_no_editor_cannot_add_a_note(client, inbox, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="pw"))
    assert client.post(note_url(inbox["amina"]), {"text": "Hello"}).status_code in (302, 403, 404)
    assert not EnquiryNote.objects.exists()


# --- Status, assignment, versions -------------------------------------------------------------------------------


def test_the_first_change_away_from_new_is_the_first_answer(client, inbox):
    amina = inbox["amina"]
    client.force_login(inbox["alder"].editor)
    assert client.post(edit_url(amina), {"status": "contacted", "based_on": 0}).status_code == 302
    amina.refresh_from_db()
    first = amina.first_response_at
    assert first is not None and amina.version == 1
    assert client.post(edit_url(amina), {"status": "assessed", "based_on": 1}).status_code == 302
    amina.refresh_from_db()
    assert amina.first_response_at == first and amina.status == Enquiry.Status.ASSESSED


def test_an_enquiry_can_be_assigned_to_a_colleague(client, inbox):
    amina, colleague = inbox["amina"], inbox["colleague"]
    client.force_login(inbox["alder"].editor)
    assert "Sam Colleague" in client.get(edit_url(amina)).content.decode()
    response = client.post(edit_url(amina), {"status": "new", "assigned_to": colleague.pk, "based_on": 0})
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.assigned_to == colleague and amina.first_response_at is None  # assigning is not answering
    client.force_login(colleague)
    assert "Amina Yusuf" in listed(client, "?assigned=me")


def test_an_enquiry_cannot_be_assigned_to_another_providers_editor(client, inbox):
    amina = inbox["amina"]
    client.force_login(inbox["alder"].editor)
    assert "birch" not in client.get(edit_url(amina)).content.decode()
    response = client.post(edit_url(amina), {"status": "new", "assigned_to": inbox["birch"].editor.pk, "based_on": 0})
    assert response.status_code == 200
    amina.refresh_from_db()
    assert amina.assigned_to is None and amina.version == 0


def test_a_stale_save_is_refused_with_what_changed_and_saving_again_keeps_mine(client, inbox):
    amina = inbox["amina"]
    client.force_login(inbox["colleague"])
    assert client.post(edit_url(amina), {"status": "contacted", "based_on": 0}).status_code == 302

    client.force_login(inbox["alder"].editor)  # their screen was opened before the colleague saved
    response = client.post(edit_url(amina), {"status": "not_suitable", "based_on": 0})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this enquiry" in html and "Contacted" in html and "Not suitable" in html
    assert 'name="based_on" value="1"' in html  # the form moved onto the saved version
    amina.refresh_from_db()
    assert amina.status == Enquiry.Status.CONTACTED and amina.version == 1

    assert client.post(edit_url(amina), {"status": "not_suitable", "based_on": 1}).status_code == 302
    amina.refresh_from_db()
    assert amina.status == Enquiry.Status.NOT_SUITABLE and amina.version == 2


def test_a_mangled_version_is_a_stale_save_not_a_server_error(client, inbox):
    amina = inbox["amina"]
    Enquiry.objects.filter(pk=amina.pk).update(version=3)
    client.force_login(inbox["alder"].editor)
    response = client.post(edit_url(amina), {"status": "contacted", "based_on": "x'; DROP"})
    assert response.status_code == 200 and "Someone else saved this enquiry" in response.content.decode()


# --- Export -----------------------------------------------------------------------------------------------------


def test_the_export_has_only_own_enquiries_and_formula_cells_made_safe(client, inbox):
    amina = inbox["amina"]
    Enquiry.objects.filter(pk=amina.pk).update(name='=HYPERLINK("http://evil.example","x")')
    client.force_login(inbox["alder"].editor)
    response = client.get(reverse(LIST) + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["Reference"] for row in rows} == {amina.reference, inbox["bilal"].reference}
    by_reference = {row["Reference"]: row for row in rows}
    assert by_reference[amina.reference]["Name"].startswith("'=HYPERLINK")
    assert by_reference[amina.reference]["Preferred language"] == "Somali"
    assert by_reference[inbox["bilal"].reference]["Preferred language"] == "English"

    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse(LIST) + "?export=xlsx").streaming_content)))
    sheet = workbook.active
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Amina Other" not in names and len(names) == 2
    formula = [cell for row in sheet.iter_rows(min_row=2) for cell in row if str(cell.value).startswith("=HYPER")]
    assert formula and all(cell.data_type == "s" for cell in formula)


def test_a_filtered_export_has_only_what_the_filter_shows(client, inbox):
    Enquiry.objects.filter(pk=inbox["bilal"].pk).update(status=Enquiry.Status.CONTACTED)
    client.force_login(inbox["alder"].editor)
    response = client.get(reverse(LIST) + "?status=contacted&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Reference"] for row in rows] == [inbox["bilal"].reference]


# --- The deadline -----------------------------------------------------------------------------------------------


def test_working_days_skip_weekends():
    friday = MONDAY + datetime.timedelta(days=4)
    assert enquiry_deadlines.add_working_days(friday, 1) == MONDAY + datetime.timedelta(days=7)
    assert enquiry_deadlines.add_working_days(MONDAY, 6) == MONDAY + datetime.timedelta(days=8)  # next Tuesday
    saturday = MONDAY + datetime.timedelta(days=5)
    assert enquiry_deadlines.add_working_days(saturday, 1) == MONDAY + datetime.timedelta(days=7)


def test_the_deadline_is_six_working_days_after_the_london_day_it_was_sent(settings):
    assert settings.ENQUIRY_RESPONSE_WORKING_DAYS == 6
    late_on_friday = timezone.make_aware(datetime.datetime(2026, 11, 6, 23, 30))
    assert enquiry_deadlines.answer_by(late_on_friday) == datetime.date(2026, 11, 16)  # Monday week
    settings.ENQUIRY_RESPONSE_WORKING_DAYS = 2
    assert enquiry_deadlines.answer_by(late_on_friday) == datetime.date(2026, 11, 10)


def test_the_age_cutoff_agrees_with_the_deadline_on_every_day_of_a_month():
    """``waited_more_than`` (a query's cutoff) and ``answer_by`` (a row's date) are the same rule."""
    for today_offset in range(0, 21):
        today = MONDAY + datetime.timedelta(days=today_offset)
        cutoff = enquiry_deadlines.waited_more_than(6, today)
        for sent_offset in range(-20, today_offset + 1):
            sent = timezone.make_aware(datetime.datetime.combine(MONDAY, datetime.time(12)))
            sent += datetime.timedelta(days=sent_offset)
            assert (sent < cutoff) == (enquiry_deadlines.answer_by(sent) < today), (today, sent)


# --- The reminder and the coordinators' list --------------------------------------------------------------------


def test_an_overdue_enquiry_reminds_its_providers_editors_once(inbox, django_capture_on_commit_callbacks):
    amina = sent_days_ago(inbox["amina"], 20)
    sent_days_ago(inbox["bilal"], 1)  # not yet due
    answered = sent_days_ago(EnquiryFactory(class_page=inbox["alder_class"], status=Enquiry.Status.CONTACTED), 20)
    noted = sent_days_ago(EnquiryFactory(class_page=inbox["alder_class"], name="Noted"), 20)
    EnquiryNote.objects.create(enquiry=noted, text="Called.")
    Enquiry.objects.filter(pk=noted.pk).update(first_response_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_deadlines.remind_overdue_enquiries.call() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_deadlines.remind_overdue_enquiries.call() == 0  # once

    assert sorted(message.to[0] for message in mail.outbox) == ["alder@alder.example", "sam@alder.example"]
    body = mail.outbox[0].body
    assert amina.reference in body and "Alder evening class" in body and edit_url(amina) in body
    assert "Amina" not in body  # the learner is not named in the reminder
    assert set(Notification.objects.values_list("key", flat=True)) == {
        f"enquiry:{amina.pk}:overdue:user:{inbox['alder'].editor.pk}",
        f"enquiry:{amina.pk}:overdue:user:{inbox['colleague'].pk}",
    }
    amina.refresh_from_db()
    answered.refresh_from_db()
    assert amina.reminded_at is not None and answered.reminded_at is None


def test_the_reminder_job_is_scheduled_daily(settings):
    assert ("finder.enquiry_deadlines.remind_overdue_enquiries", "30 8 * * *") in settings.SCHEDULED_TASKS


def test_coordinators_see_every_providers_overdue_enquiries(client, inbox):
    sent_days_ago(inbox["amina"], 20)
    sent_days_ago(inbox["other"], 20)
    client.force_login(coordinator("coord"))
    assert "Overdue enquiries" in client.get(reverse("wagtailadmin_reports:site_history")).content.decode()  # menu
    html = client.get(reverse("finder_overdue_enquiries")).content.decode()
    assert inbox["amina"].reference in html and inbox["other"].reference in html
    assert "Alder Learning" in html and "Birch College" in html
    assert inbox["bilal"].reference not in html  # on time
    assert "Amina Yusuf" not in html  # the provider is followed up, not the learner
    response = client.get(reverse("finder_overdue_enquiries") + "?export=csv")
    text = b"".join(response.streaming_content).decode()
    assert inbox["amina"].reference in text and inbox["other"].reference in text


def test_editors_are_refused_the_overdue_list(client, inbox):
    """Wagtail answers a refused admin screen with its dashboard and "you do not have permission"."""
    sent_days_ago(inbox["amina"], 20)
    client.force_login(inbox["alder"].editor)
    for query in ("", "?export=csv"):
        response = client.get(reverse("finder_overdue_enquiries") + query)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), query
    dashboard = client.get(reverse("finder_overdue_enquiries"), follow=True).content.decode()
    assert "permission" in dashboard and inbox["amina"].reference not in dashboard
    assert "Overdue enquiries" not in client.get(reverse("wagtailadmin_reports:site_history")).content.decode()


def test_the_providers_new_enquiry_email_names_the_language(inbox, django_capture_on_commit_callbacks):
    from finder.search.enquiries import send_enquiry

    inbox["alder"].provider.email = "enquiries@alder.example"
    inbox["alder"].provider.save()
    enquiry = Enquiry(name="Hodan", phone="07700 900999", preferred_language="so", consent_to_contact=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_enquiry(inbox["alder_class"], enquiry)
    provider_mail = next(message for message in mail.outbox if message.to == ["enquiries@alder.example"])
    assert "Preferred language: Somali" in provider_mail.body
