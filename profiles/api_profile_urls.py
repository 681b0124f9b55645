from django.urls import path

from .api import (
    ProfileActionApi,
    ProfileCommentsApi,
    ProfileDetailApi,
    ProfileListCreateApi,
    ProfileNewVersionApi,
    ProfileTakeOverApi,
)

# URL segment → workflow action of profiles/workflow.py.
ACTIONS = {
    "submit": "submit",
    "approve": "approve",
    "request-changes": "request_changes",
    "reject": "reject",
    "withdraw": "withdraw",
    "dpo-sign-off": "dpo_sign_off",
    "dpo-return": "dpo_return",
    "reopen": "reopen",
}

urlpatterns = [
    path("profiles/", ProfileListCreateApi.as_view(), name="api-profile-list"),
    path("profiles/<uuid:id>/", ProfileDetailApi.as_view(), name="api-profile-detail"),
    path("profiles/<uuid:id>/new-version/", ProfileNewVersionApi.as_view(), name="api-profile-new-version"),
    path("profiles/<uuid:id>/comments/", ProfileCommentsApi.as_view(), name="api-profile-comments"),
    path("profiles/<uuid:id>/take-over/", ProfileTakeOverApi.as_view(), name="api-profile-take-over"),
    *[
        path(
            f"profiles/<uuid:id>/{segment}/",
            ProfileActionApi.as_view(workflow_action=action),
            name=f"api-profile-{segment}",
        )
        for segment, action in ACTIONS.items()
    ],
]
