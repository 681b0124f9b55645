"""The public page of the published entry and the applicant factsheet: no login."""

from django.urls import path

from . import views

app_name = "register_public"
urlpatterns = [
    path("", views.public_nl, name="nl"),
    path("en/", views.public_en, name="en"),
    path("factsheet/<str:language>.pdf", views.public_factsheet, name="factsheet"),
]
