"""Chunks now carry `day` (YYYYMMDD) metadata for date filters in chart Q&A.

Forgetting what the index holds makes the next sync of each client a full one,
which upserts every chunk (same ids) with the new metadata; nothing else changes.
"""

from django.db import migrations


def forget_index_state(apps, schema_editor):
    apps.get_model("copilot", "IndexedSource").objects.all().delete()
    apps.get_model("copilot", "ClientIndexState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("copilot", "0008_treatment_plans")]

    operations = [migrations.RunPython(forget_index_state, migrations.RunPython.noop)]
