"""The database cache table that holds the enquiry limits when no Redis is configured (settings CACHES["ratelimit"]).

Created here rather than by `manage.py createcachetable`, so that `migrate` is the only set-up step; created
whatever the current settings, so a site that moves from Redis back to one machine finds it there.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "esolplus_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("esolplus", "0004_notifications_and_failed_jobs")]

    operations = [migrations.RunPython(create_table, drop_table)]
