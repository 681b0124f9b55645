from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [path("<uuid:id>/progress/", views.job_progress_json, name="progress")]
