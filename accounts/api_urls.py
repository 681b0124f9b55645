from django.urls import path

from . import api

urlpatterns = [
    path("tokens/", api.TokenListApi.as_view(), name="api-token-list"),
    path("tokens/<uuid:id>/", api.TokenRevokeApi.as_view(), name="api-token-revoke"),
    path("logout/", api.LogoutApi.as_view(), name="api-logout"),
]
