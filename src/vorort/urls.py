from django.urls import include, path

urlpatterns = [
    path("", include("vorort.core.urls")),
    path("personen/", include("vorort.personen.urls")),
]
