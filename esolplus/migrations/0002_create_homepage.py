import uuid

from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's welcome page with the ESOL Plus home page as the default site's root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("esolplus.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page").delete()
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="esolplus")
    homepage = HomePage.objects.create(
        title="Find an English class",
        draft_title="Find an English class",
        slug="home",
        content_type=homepage_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
        intro="Free and low-cost English (ESOL) classes near you in London.",
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page_id": homepage.id, "port": 80}
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("esolplus.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("esolplus", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
