from django.db import migrations


def name_apps_default(apps, schema_editor):
    """Authenticator apps set up before django-two-factor-auth keep working under it.

    two_factor knows a person's app as their TOTP device named "default"; the earlier set-up pages named it
    "Authenticator app" and left unconfirmed devices behind when someone did not finish. Each person's newest
    confirmed device becomes "default" (the old pages kept only one), and unfinished ones are deleted.
    """
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    TOTPDevice.objects.filter(confirmed=False).delete()
    named = set(TOTPDevice.objects.filter(name="default").values_list("user_id", flat=True))
    for device in TOTPDevice.objects.exclude(user_id__in=named).order_by("user_id", "-id"):
        if device.user_id not in named:
            device.name = "default"
            device.save(update_fields=["name"])
            named.add(device.user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("esolplus", "0002_create_homepage"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(name_apps_default, migrations.RunPython.noop)]
