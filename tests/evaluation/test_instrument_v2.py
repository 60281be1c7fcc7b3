"""Version 2 of the integration survey: v1 kept whole, sources and constructs, translations, matched pairs across
versions and staff entry in either version (docs/survey-instrument.md)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from devtools.evaluation_factories import TERM_START
from evaluation.indicators import learner_facts, measures
from evaluation.instruments import (
    INTEGRATION_SURVEY,
    INTEGRATION_SURVEY_V2,
    TRANSLATION_VERSION,
    construct_mapping,
    strings_to_translate,
)
from evaluation.models import Learner, SurveyAnswer, SurveyInstrument, SurveyResponse

PENDING = Path(settings.BASE_DIR) / "locale" / "pending" / "instrument.json"
LEARNER_LANGUAGES = ("ar", "bn", "es", "fa", "pl", "pt", "ro", "so", "ti", "tr", "uk", "ur")
pytestmark = pytest.mark.django_db


def _items(version: int) -> dict:
    instrument = SurveyInstrument.objects.get(code="integration", version=version)
    return {item.code: item for item in instrument.items.all()}


def test_version_1_rows_are_still_exactly_its_definition():
    v1 = _items(1)
    assert list(v1) == [code for code, *_ in INTEGRATION_SURVEY["items"]]
    for code, text, labels, higher_is_better in INTEGRATION_SURVEY["items"]:
        assert (v1[code].text, v1[code].value_labels, v1[code].higher_is_better) == (text, labels, higher_is_better)
        assert v1[code].construct == code


def test_version_2_keeps_every_version_1_item_with_its_construct_and_labels():
    v1, v2 = _items(1), _items(2)
    assert set(v1) < set(v2)
    for code, old in v1.items():
        new = v2[code]
        assert (new.text, new.value_labels, new.higher_is_better, new.construct) == (
            old.text,
            old.value_labels,
            old.higher_is_better,
            old.construct,
        )
    assert [item.code for item in v2.values()][: len(v1)] == list(v1)  # asked in the same order, new ones after


def test_every_version_2_item_has_a_source_and_a_construct_and_the_instrument_a_translation_version():
    v2 = _items(2)
    assert len(v2) == len(INTEGRATION_SURVEY_V2["items"])
    for item in v2.values():
        assert item.construct, item.code
        assert item.source, item.code
        assert "ESOL Plus wording" in item.source or "Survey" in item.source or "ONS" in item.source, item.code
    assert SurveyInstrument.objects.get(code="integration", version=2).translation_version == TRANSLATION_VERSION
    assert SurveyInstrument.objects.get(code="integration", version=1).translation_version == TRANSLATION_VERSION


def test_the_new_items_cover_relationships_mixing_english_and_participation():
    new = set(_items(2)) - set(_items(1))
    assert {"friends_different_ethnicity", "friends_different_age", "friends_different_education"} <= new
    assert {"friends_different_class", "english_people_last_week", "different_backgrounds_get_on"} <= new
    assert {"mixing_work", "mixing_school_gate", "mixing_shops", "mixing_worship", "mixing_community_centre"} <= new
    assert {"local_activities", "civic_participation"} <= new


def test_the_mapping_pairs_version_1_items_with_version_2_by_construct():
    mapping = construct_mapping()
    assert mapping["belonging"] == {1: "belonging", 2: "belonging"}
    assert mapping["friends_different_ethnicity"] == {2: "friends_different_ethnicity"}
    for construct, codes in mapping.items():
        for version, code in codes.items():
            assert _items(version)[code].construct == construct


def test_every_survey_string_has_a_translation_in_every_learner_language():
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    database = set()
    for version in (1, 2):
        for item in _items(version).values():
            database.add(item.text)
            database.update(label for label in item.value_labels.values() if not label.isdigit())
    assert database <= strings_to_translate()  # the list checked below covers what learners are shown
    missing = [
        (text, language)
        for text in sorted(strings_to_translate())
        for language in LEARNER_LANGUAGES
        if not pending.get(text, {}).get(language, "").strip()
    ]
    assert missing == []


def _answer(learner, version: int, wave: str, **answers: int) -> SurveyResponse:
    instrument = SurveyInstrument.objects.get(code="integration", version=version)
    response = SurveyResponse.objects.create(learner=learner, instrument=instrument, wave=wave, date=TERM_START)
    for code, value in answers.items():
        SurveyAnswer.objects.create(response=response, item=instrument.items.get(code=code), value=value)
    return response


def _change(learners) -> dict:
    return {m.indicator: m for m in measures([], learner_facts(learners)) if m.indicator.startswith("integration")}


def test_a_version_1_baseline_and_a_version_2_follow_up_are_one_matched_pair(world):
    learner = world["enrolment_a1"].learner
    _answer(learner, 1, SurveyResponse.Wave.BASELINE, belonging=2, loneliness=2)
    _answer(learner, 2, SurveyResponse.Wave.FOLLOW_UP, belonging=4, friends_different_ethnicity=3)
    change = _change(Learner.objects.filter(pk=learner.pk))
    assert (change["integration_change:belonging"].denominator, change["integration_change:belonging"].value) == (1, 2)
    assert "integration_change:loneliness" not in change  # no follow-up answer: no pair
    assert "integration_change:friends_different_ethnicity" not in change  # not asked at baseline


def test_a_version_2_only_item_answered_twice_gives_its_own_indicator(world):
    learner, other = world["enrolment_a1"].learner, world["enrolment_a2"].learner
    _answer(learner, 2, SurveyResponse.Wave.BASELINE, english_people_last_week=0, mixing_shops=0)
    _answer(learner, 2, SurveyResponse.Wave.FOLLOW_UP, english_people_last_week=2, mixing_shops=1)
    _answer(other, 2, SurveyResponse.Wave.BASELINE, english_people_last_week=1)
    _answer(other, 2, SurveyResponse.Wave.END, english_people_last_week=3)  # end of course is not the follow-up
    change = _change(Learner.objects.filter(pk__in=[learner.pk, other.pk]))
    english = change["integration_change:english_people_last_week"]
    assert (english.numerator, english.denominator) == (2, 1)
    assert change["integration_change:mixing_shops"].value == 1


def _staff(world) -> Client:
    client = Client()
    client.force_login(world["staff1"])
    return client


def test_the_staff_form_shows_the_latest_version_and_can_show_version_1(world):
    client = _staff(world)
    url = reverse("evaluation:survey", args=[world["enrolment_a1"].learner_id])
    latest = client.get(url).content.decode()
    assert "item_friends_different_ethnicity" in latest and 'name="version" value="2"' in latest
    assert "There are no right or wrong answers." in latest
    older = client.get(url, {"version": "1"}).content.decode()
    assert "item_belonging" in older and "item_friends_different_ethnicity" not in older
    assert client.get(url, {"version": "99"}).status_code == 200  # unknown: the latest, not an error


def test_staff_save_answers_against_the_version_shown(world):
    client = _staff(world)
    learner_id = world["enrolment_a1"].learner_id
    url = reverse("evaluation:survey", args=[learner_id])
    data = {"wave": "baseline", "date": "2025-01-10", "item_belonging": "3", "item_mixing_work": "1"}
    page = client.post(url, {**data, "version": "2", "submission_key": _key(client, url)})
    assert page.status_code == 302
    response = SurveyResponse.objects.get(learner_id=learner_id)
    assert (response.instrument.version, response.mode, response.language) == (2, "staff", "")
    assert dict(response.answers.values_list("item__code", "value")) == {"belonging": 3, "mixing_work": 1}
    follow_up = {**data, "wave": "follow_up", "item_belonging": "4", "version": "1"}
    page = client.post(url + "?version=1", {**follow_up, "submission_key": _key(client, url, 1)})
    assert page.status_code == 302
    response = SurveyResponse.objects.get(learner_id=learner_id, wave="follow_up")
    assert response.instrument.version == 1
    assert dict(response.answers.values_list("item__code", "value")) == {"belonging": 4}  # v1 has no mixing_work


def _key(client, url, version=None) -> str:
    page = client.get(url, {"version": version} if version else {}).content.decode()
    start = page.index('name="submission_key" value="') + len('name="submission_key" value="')
    return page[start : page.index('"', start)]


def test_the_staff_form_refuses_an_answer_not_in_the_items_labels_with_a_clear_message(world):
    client = _staff(world)
    url = reverse("evaluation:survey", args=[world["enrolment_a1"].learner_id])
    data = {"wave": "baseline", "date": "2025-01-10", "version": "2", "submission_key": _key(client, url)}
    page = client.post(url, {**data, "item_friends_different_age": "9"})
    assert page.status_code == 200
    assert "Choose one of the answers shown for this question." in page.content.decode()
    page = client.post(url, {**data, "item_belonging": "three"})
    assert "Choose one of the answers shown for this question." in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_staff_form_refuses_a_version_that_does_not_exist(world):
    client = _staff(world)
    url = reverse("evaluation:survey", args=[world["enrolment_a1"].learner_id])
    data = {"wave": "baseline", "date": "2025-01-10", "item_belonging": "3", "submission_key": _key(client, url)}
    page = client.post(url, {**data, "version": "7"})
    assert page.status_code == 200
    assert "This survey version does not exist. Open the form again." in page.content.decode()
    assert not SurveyResponse.objects.exists()
