from django.urls import path

from . import views

app_name = "profiles"
urlpatterns = [
    path("", views.ProfileListView.as_view(), name="list"),
    path("new/", views.ProfileCreateView.as_view(), name="create"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("sign-off/", views.SignOffQueueView.as_view(), name="sign_off_queue"),
    path("catalogues/", views.CatalogueView.as_view(), name="catalogues"),
    path(
        "catalogues/<str:characteristic>/<str:code>/retire/",
        views.CatalogueRetireView.as_view(),
        name="catalogue_retire",
    ),
    path("<uuid:public_id>/", views.ProfileDetailView.as_view(), name="detail"),
    path("<uuid:public_id>/edit/", views.ProfileEditView.as_view(), name="edit"),
    path("<uuid:public_id>/transition/", views.ProfileTransitionView.as_view(), name="transition"),
    path("<uuid:public_id>/new-version/", views.ProfileNewVersionView.as_view(), name="new_version"),
    path("<uuid:public_id>/discard/", views.ProfileDiscardView.as_view(), name="discard"),
    path("<uuid:public_id>/comment/", views.ProfileCommentView.as_view(), name="comment"),
    path("<uuid:public_id>/take-over/", views.ProfileTakeOverView.as_view(), name="take_over"),
    path("<uuid:public_id>/compare/", views.ProfileCompareView.as_view(), name="compare"),
]
