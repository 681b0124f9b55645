from django.urls import path

from . import api

urlpatterns = [
    path("parameter-sets/", api.ParameterSetListApi.as_view(), name="api-parameter-set-list"),
    path("parameter-sets/<uuid:id>/", api.ParameterSetDetailApi.as_view(), name="api-parameter-set-detail"),
    *[
        path(
            f"parameter-sets/<uuid:id>/{action.replace('_', '-')}/",
            api.action_view(action),
            name=f"api-parameter-set-{action.replace('_', '-')}",
        )
        for action in ("submit", "reopen", "approve", "request_changes", "reject", "withdraw")
    ],
    path("generation-runs/", api.RunListApi.as_view(), name="api-generation-run-list"),
    path("generation-runs/<uuid:id>/", api.RunDetailApi.as_view(), name="api-generation-run-detail"),
    path("generation-runs/<uuid:id>/document/", api.RunDocumentApi.as_view(), name="api-generation-run-document"),
    path("generation-runs/<uuid:id>/candidates/", api.RunCandidatesApi.as_view(), name="api-generation-run-candidates"),
    path(
        "generation-runs/<uuid:id>/approve-chance/",
        api.RunBulkApproveApi.as_view(),
        name="api-generation-run-approve-chance",
    ),
]
