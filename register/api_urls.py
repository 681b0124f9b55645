from django.urls import path

from . import api

urlpatterns = [
    path("register/versions/", api.VersionListApi.as_view(), name="api-register-versions"),
    path("register/versions/<uuid:id>/", api.VersionDetailApi.as_view(), name="api-register-version"),
    path("register/versions/<uuid:id>/prefill/", api.VersionPrefillApi.as_view(), name="api-register-prefill"),
    path("register/versions/<uuid:id>/diff/<uuid:other_id>/", api.VersionDiffApi.as_view(), name="api-register-diff"),
    path("register/versions/<uuid:id>/register-json/", api.VersionRegisterJsonApi.as_view(), name="api-register-json"),
    path(
        "register/versions/<uuid:id>/translations/",
        api.VersionTranslationApi.as_view(),
        name="api-register-translations",
    ),
    # ACTION_VIEWS are APIView subclasses made by type(), which the stubs only know as `type`
    *[
        path(
            f"register/versions/<uuid:id>/{action.replace('_', '-')}/",
            view.as_view(),  # type: ignore[attr-defined]
            name=f"api-register-{action.replace('_', '-')}",
        )
        for action, view in api.ACTION_VIEWS.items()
    ],
]
