"""The persons each audit event concerns (decision 0006), append-only like the events."""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_UP = [
    """CREATE TRIGGER core_auditbetroffene_no_update BEFORE UPDATE ON core_auditbetroffene
       BEGIN SELECT RAISE(ABORT, 'core_auditbetroffene is append-only'); END;""",
    """CREATE TRIGGER core_auditbetroffene_no_delete BEFORE DELETE ON core_auditbetroffene
       BEGIN SELECT RAISE(ABORT, 'core_auditbetroffene is append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER core_auditbetroffene_no_update;", "DROP TRIGGER core_auditbetroffene_no_delete;"]

# The function core_auditevent_append_only() comes from migration 0002.
POSTGRES_UP = [
    """CREATE TRIGGER core_auditbetroffene_no_change BEFORE UPDATE OR DELETE ON core_auditbetroffene
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_DOWN = ["DROP TRIGGER core_auditbetroffene_no_change ON core_auditbetroffene;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_auditevent_zusammenfuehrung_rueckgaengig'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditBetroffene',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('person_id', models.BigIntegerField(verbose_name='Person')),
                ('event', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='betroffene', to='core.auditevent', verbose_name='Protokolleintrag')),
            ],
            options={
                'verbose_name': 'betroffene Person eines Protokolleintrags',
                'verbose_name_plural': 'betroffene Personen von Protokolleinträgen',
                'indexes': [models.Index(fields=['person_id', 'event'], name='core_auditbetroffene_person')],
                'constraints': [models.UniqueConstraint(fields=('event', 'person_id'), name='core_auditbetroffene_once')],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
