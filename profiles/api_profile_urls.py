from django.urls import path  # noqa: F401

# The profile API (owned by the profiles API views in api.py).
urlpatterns: list = []
