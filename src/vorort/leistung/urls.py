from django.urls import path

app_name = "leistung"
urlpatterns: list = []
