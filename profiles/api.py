"""The profile API of docs/api.md: thin doors onto the selectors and services.

Reading needs `profiles.view_profile`, writing `profiles.author_profile`; for workflow
actions the door only asks that the user may read profiles and lets the service decide
(role and four eyes → 403, state → 409), so that refusals are audited in one place.
"""

from django.db.models import Prefetch, QuerySet
from django.db.models.query import prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import api_permission
from accounts.roles import AUTHOR_PROFILES, VIEW_PROFILES
from accounts.second_factor import step_up_require_api
from problems import DomainError

from . import selectors, services
from .models import Profile, ProfileCriterion, ProfileTransition
from .serializers import (
    ActionInputSerializer,
    DraftCommentInputSerializer,
    DraftCommentOutputSerializer,
    ErrorResponseSerializer,
    ProfileFilterSerializer,
    ProfileInputSerializer,
    ProfileOutputSerializer,
    TakeOverInputSerializer,
)

CanView = api_permission(VIEW_PROFILES)
CanAuthor = api_permission(AUTHOR_PROFILES)

_ERRORS = {
    400: "Bad input: every problem is listed, each with its machine code (docs/api.md).",
    401: "Not signed in (session or `Authorization: Token …`).",
    403: "The role, or the four-eyes rule, forbids it.",
    404: "No profile version has this id.",
    409: "The profile's status does not allow it (e.g. `not_editable`, `invalid_state`).",
}


def _errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorResponseSerializer, description=_ERRORS[code]) for code in codes}


class ProfilePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _history() -> Prefetch:
    return Prefetch(
        "transitions",
        to_attr="history",
        queryset=ProfileTransition.objects.select_related("actor").order_by("created_at", "id"),
    )


def _presentable(qs: QuerySet[Profile]) -> QuerySet[Profile]:
    # Everything the representation shows, fetched per page and not per profile. The
    # selector's criteria prefetch is redone into a plain list (`to_attr`): a prefetched
    # manager costs a queryset clone per profile, a large part of a page of 200.
    qs = qs.select_related(
        "created_by", "submitted_by", "approved_by", "dpo_signed_off_by", "owner", "previous_owner"
    ).prefetch_related(None)
    return qs.prefetch_related(
        Prefetch("criteria", to_attr="criteria_in_order", queryset=ProfileCriterion.objects.order_by("position")),
        _history(),
    )


def _profile(public_id) -> Profile:
    try:
        profile = selectors.profile_get(public_id=public_id)
    except Profile.DoesNotExist:
        raise NotFound() from None
    prefetch_related_objects([profile], _history())
    return profile


def _present(public_id, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(ProfileOutputSerializer(_profile(public_id)).data, status=status_code)


class ProfileListCreateApi(GenericAPIView):
    """Profiles (every version), newest first; POST writes a new draft."""

    serializer_class = ProfileOutputSerializer
    pagination_class = ProfilePagination
    filter_backends: list = []

    def get_permissions(self):
        return [CanAuthor() if self.request.method == "POST" else CanView()]

    @extend_schema(
        parameters=[ProfileFilterSerializer],
        responses={200: ProfileOutputSerializer(many=True), **_errors(400, 401, 403)},
        tags=["profiles"],
    )
    def get(self, request):
        filters = ProfileFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(_presentable(selectors.profile_list(filters=filters.validated_data)))
        return self.get_paginated_response(ProfileOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={201: ProfileOutputSerializer, **_errors(400, 401, 403)},
        tags=["profiles"],
    )
    def post(self, request):
        data = ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.service_arguments()
        try:
            profile = services.profile_create(
                actor=request.user,
                kind=given.get("kind"),
                title=given.get("title", ""),
                criteria=given.get("criteria", []),
                valid_from=given.get("valid_from"),
                valid_until=given.get("valid_until"),
                justification=given.get("justification"),
                evidence=given.get("evidence"),
            )
        except DomainError as error:
            raise data.explain_dates(error, creating=True) from None
        return _present(profile.public_id, status_code=status.HTTP_201_CREATED)


class ProfileDetailApi(GenericAPIView):
    """One profile version; PATCH changes a draft (409 `not_editable` otherwise)."""

    serializer_class = ProfileOutputSerializer

    def get_permissions(self):
        return [CanAuthor() if self.request.method == "PATCH" else CanView()]

    @extend_schema(responses={200: ProfileOutputSerializer, **_errors(401, 403, 404)}, tags=["profiles"])
    def get(self, request, id):
        return _present(id)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={200: ProfileOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        tags=["profiles"],
    )
    def patch(self, request, id):
        profile = _profile(id)
        data = ProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            services.profile_update(actor=request.user, profile=profile, **data.service_arguments())
        except DomainError as error:
            raise data.explain_dates(error, creating=False) from None
        return _present(id)


class ProfileActionApi(GenericAPIView):
    """A workflow action with a comment (`workflow_action` is set per URL)."""

    serializer_class = ProfileOutputSerializer
    permission_classes = [CanView]
    workflow_action = ""

    @extend_schema(
        request=ActionInputSerializer,
        responses={200: ProfileOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        tags=["profile workflow"],
    )
    def post(self, request, id):
        profile = _profile(id)
        data = ActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step_up_require_api(request, "profiles", self.workflow_action)
        services.profile_transition(
            actor=request.user, profile=profile, action=self.workflow_action, comment=data.validated_data["comment"]
        )
        return _present(id)


class ProfileNewVersionApi(GenericAPIView):
    """Start a new draft version from an approved, active, expired or withdrawn one."""

    serializer_class = ProfileOutputSerializer
    permission_classes = [CanView]

    @extend_schema(
        request=ActionInputSerializer,
        responses={201: ProfileOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        tags=["profile workflow"],
    )
    def post(self, request, id):
        profile = _profile(id)
        data = ActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = services.profile_new_version(
            actor=request.user, profile=profile, comment=data.validated_data.get("comment", "")
        )
        return _present(copy.public_id, status_code=status.HTTP_201_CREATED)


class ProfileCommentsApi(GenericAPIView):
    """Comments on a draft: everyone who may read profiles reads them; a policy officer
    adds one (the service: owner or not, only while the version is being written)."""

    serializer_class = DraftCommentOutputSerializer
    permission_classes = [CanView]
    queryset = Profile.objects.none()  # tells the schema what the path's id names
    # A draft's comments are few and answered whole, as a plain list: no page envelope.
    pagination_class = None

    @extend_schema(
        responses={200: DraftCommentOutputSerializer(many=True), **_errors(401, 403, 404)}, tags=["profile workflow"]
    )
    def get(self, request, id):
        profile = _profile(id)
        comments = selectors.profile_comments(profile=profile)
        return Response(DraftCommentOutputSerializer(comments, many=True).data)

    @extend_schema(
        request=DraftCommentInputSerializer,
        responses={201: DraftCommentOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        tags=["profile workflow"],
    )
    def post(self, request, id):
        profile = _profile(id)
        data = DraftCommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.profile_comment_add(actor=request.user, profile=profile, text=data.validated_data["text"])
        return Response(DraftCommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)


class ProfileTakeOverApi(GenericAPIView):
    """Take over someone else's draft, with a reason (403 for who may not, 409 for state)."""

    serializer_class = ProfileOutputSerializer
    permission_classes = [CanView]

    @extend_schema(
        request=TakeOverInputSerializer,
        responses={200: ProfileOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        tags=["profile workflow"],
    )
    def post(self, request, id):
        profile = _profile(id)
        data = TakeOverInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.profile_draft_take_over(actor=request.user, profile=profile, reason=data.validated_data["reason"])
        return _present(id)
