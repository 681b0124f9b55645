from django.urls import path

from .api import AdviceApi

urlpatterns = [path("advice/", AdviceApi.as_view(), name="api-advice")]
