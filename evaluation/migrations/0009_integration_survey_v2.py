"""Seed version 2 of the integration survey beside version 1 (evaluation/instruments.py, docs/survey-instrument.md).

Idempotent: existing instruments and items are never changed, except that an instrument without a translation
version gets one (version 1's wording is unchanged; its translations are versioned from now on) and version 1's
items get the source citation of their identical version 2 items.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from evaluation.instruments import (
        INTEGRATION_SURVEY,
        INTEGRATION_SURVEY_V2,
        V1_TRANSLATION_VERSION,
        seed_instrument,
    )

    SurveyInstrument = apps.get_model("evaluation", "SurveyInstrument")
    SurveyItem = apps.get_model("evaluation", "SurveyItem")
    for definition, translation_version in (
        (INTEGRATION_SURVEY, V1_TRANSLATION_VERSION),
        (INTEGRATION_SURVEY_V2, INTEGRATION_SURVEY_V2["translation_version"]),
    ):
        instrument = seed_instrument(SurveyInstrument, SurveyItem, definition)
        if not instrument.translation_version:
            instrument.translation_version = translation_version
            instrument.save(update_fields=["translation_version"])
    # Version 1's items keep their wording; they gain the citation their identical version 2 items carry.
    cited = dict(
        SurveyItem.objects.filter(instrument__code=INTEGRATION_SURVEY_V2["code"], instrument__version=2).values_list(
            "code", "source"
        )
    )
    for item in SurveyItem.objects.filter(
        instrument__code=INTEGRATION_SURVEY["code"], instrument__version=1, source=""
    ):
        if cited.get(item.code):
            item.source = cited[item.code]
            item.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0008_self_completion_comparison_group")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
