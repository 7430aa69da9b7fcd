from django.urls import include, path

from vorort.api.main import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("vorort.core.urls")),
    path("personen/", include("vorort.personen.urls")),
    path("leistung/", include("vorort.leistung.urls")),
]
