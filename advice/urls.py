from django.urls import path

from . import views

app_name = "advice"
urlpatterns = [
    path("", views.AdviceView.as_view(), name="page"),
]
