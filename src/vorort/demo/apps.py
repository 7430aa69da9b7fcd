from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vorort.demo"
    label = "demo"
    verbose_name = "Demo-Landkreis"
