from django.apps import AppConfig


class PersonenConfig(AppConfig):
    name = "vorort.personen"
    label = "personen"
    verbose_name = "Personen"
