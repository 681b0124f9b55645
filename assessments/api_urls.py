from django.urls import path

from . import api

urlpatterns = [
    path("assessments/", api.AssessmentListApi.as_view(), name="api-assessment-list"),
    path("assessments/versions/<uuid:id>/", api.VersionDetailApi.as_view(), name="api-assessment-version"),
    path(
        "assessments/versions/<uuid:id>/sections/<str:section>/",
        api.SectionSaveApi.as_view(),
        name="api-assessment-section",
    ),
    path("assessments/versions/<uuid:id>/prefill/<str:key>/", api.PrefillApi.as_view(), name="api-assessment-prefill"),
    path("assessments/versions/<uuid:id>/transition/", api.TransitionApi.as_view(), name="api-assessment-transition"),
]
