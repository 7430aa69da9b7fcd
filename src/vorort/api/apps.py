from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vorort.api"
    label = "api"
    verbose_name = "REST-API"
