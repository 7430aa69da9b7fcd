from django.apps import AppConfig


class PersonenConfig(AppConfig):
    name = "vorort.personen"
    label = "personen"
    verbose_name = "Personen"

    def ready(self) -> None:
        from vorort.personen.protokoll import registrieren

        registrieren()
