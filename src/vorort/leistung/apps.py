from django.apps import AppConfig


class LeistungConfig(AppConfig):
    name = "vorort.leistung"
    label = "leistung"
    verbose_name = "Leistung (SGB II)"

    def ready(self) -> None:
        from vorort.leistung import akte, protokoll

        akte.registrieren()
        protokoll.registrieren()
