from django.urls import path

from vorort.leistung import views

app_name = "leistung"
urlpatterns = [
    path("", views.arbeitsvorrat, name="arbeitsvorrat"),
    path("antraege/<int:antrag_id>/", views.antrag_detail, name="antrag"),
    path("antraege/<int:antrag_id>/berechnen/", views.antrag_berechnen, name="antrag_berechnen"),
    path("berechnungen/<int:berechnung_id>/", views.berechnung_detail, name="berechnung"),
    path("berechnungen/<int:berechnung_id>/bewilligen/", views.bewilligung_vorbereiten, name="bewilligung_vorbereiten"),
    path("bewilligungen/<int:bewilligung_id>/", views.bewilligung_detail, name="bewilligung"),
    path("bewilligungen/<int:bewilligung_id>/freigeben/", views.bewilligung_freigeben, name="bewilligung_freigeben"),
    path("zahllaeufe/", views.zahllauf_liste, name="zahllaeufe"),
    path("zahllaeufe/<int:zahllauf_id>/", views.zahllauf_detail, name="zahllauf"),
]
