from django.urls import path  # noqa: F401

# The advice API (advice_api.py).
urlpatterns: list = []
