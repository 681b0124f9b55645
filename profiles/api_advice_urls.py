from django.urls import path

from .advice_api import AdviceApi

urlpatterns = [path("advice/", AdviceApi.as_view(), name="api-advice")]
