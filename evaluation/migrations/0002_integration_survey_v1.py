from django.db import migrations


def seed(apps, schema_editor):
    from evaluation.instruments import seed_instrument

    seed_instrument(apps.get_model("evaluation", "SurveyInstrument"), apps.get_model("evaluation", "SurveyItem"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
