from django.apps import AppConfig


class AkteConfig(AppConfig):
    name = "vorort.akte"
    label = "akte"
    verbose_name = "E-Akte"
