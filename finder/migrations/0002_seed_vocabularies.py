from django.db import migrations

from finder.vocabularies import INDUSTRY_SECTORS, LANGUAGES, LEVELS, TARGET_GROUPS


def seed(apps, schema_editor):
    Level = apps.get_model("finder.Level")
    for order, (code, name, cefr) in enumerate(LEVELS):
        Level.objects.update_or_create(code=code, defaults={"name": name, "cefr": cefr, "sort_order": order})
    for model_name, rows in [
        ("TargetGroup", TARGET_GROUPS),
        ("Language", LANGUAGES),
        ("IndustrySector", INDUSTRY_SECTORS),
    ]:
        model = apps.get_model("finder", model_name)
        for order, (code, name) in enumerate(rows):
            model.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("finder", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
