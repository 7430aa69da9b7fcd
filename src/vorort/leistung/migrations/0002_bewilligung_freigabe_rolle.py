from django.db import migrations, models


def teamleitung_aus_grund(apps, schema_editor):
    """Decisions stored with the reason "Prüfung durch die Teamleitung" are released by the Teamleitung."""
    Bewilligung = apps.get_model("leistung", "Bewilligung")
    Bewilligung.objects.filter(vier_augen_grund__contains="Prüfung durch die Teamleitung").update(
        freigabe_rolle="teamleitung"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leistung", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bewilligung",
            name="freigabe_rolle",
            field=models.CharField(
                blank=True,
                choices=[
                    ("leistung", "Leistungssachbearbeitung"),
                    ("integration", "Integrationsfachkraft / Fallmanagement"),
                    ("arbeitgeberservice", "Arbeitgeberservice"),
                    ("massnahmen", "Maßnahmeplanung / Vergabe"),
                    ("teamleitung", "Teamleitung"),
                    ("geschaeftsfuehrung", "Geschäftsführung"),
                    ("controlling", "Controlling"),
                    ("datenschutz", "Datenschutz"),
                    ("administration", "Administration"),
                ],
                help_text="Leer: jede zweite Person mit Freigaberecht (siehe FREIGABE_ROLLE).",
                max_length=30,
                verbose_name="Freigabe nur durch",
            ),
        ),
        migrations.RunPython(teamleitung_aus_grund, migrations.RunPython.noop),
    ]
