from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "vorort.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        from vorort.core import protokoll_texte, roles, signals  # noqa: F401  (signal receivers)

        protokoll_texte.registrieren()
        post_migrate.connect(roles.sync_roles, dispatch_uid="vorort.core.sync_roles")
