from django.apps import AppConfig


class AkteConfig(AppConfig):
    name = "vorort.akte"
    label = "akte"
    verbose_name = "E-Akte"

    def ready(self) -> None:
        from vorort.akte.protokoll import registrieren

        registrieren()
