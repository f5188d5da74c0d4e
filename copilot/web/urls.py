from django.urls import path, register_converter

from . import views
from .converters import FhirIdConverter

register_converter(FhirIdConverter, "fhirid")

urlpatterns = [
    path("", views.client_picker, name="client-picker"),
    path("sidebar/<fhirid:client_id>/", views.sidebar, name="sidebar"),
    path("sidebar/<fhirid:client_id>/chart/", views.sidebar_chart, name="sidebar-chart"),
]
