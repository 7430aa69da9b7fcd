"""Record the person of every earlier event as concerned, so person searches keep finding it.

One set-based statement. Events about a BG written before 0006 are not linked to the BG's
members: that link would change their hash (decision 0006).
"""

from django.db import migrations

BACKFILL = """
INSERT INTO core_auditbetroffene (event_id, person_id)
SELECT e.id, e.person_id FROM core_auditevent e
WHERE e.person_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core_auditbetroffene b WHERE b.event_id = e.id AND b.person_id = e.person_id)
"""


def backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_auditbetroffene")]

    # Reversing 0006 drops the table with its rows; nothing to undo here.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
