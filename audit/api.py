"""The audit trail, read-only, for auditors, the DPO and administrators."""

from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse401Serializer,
    ErrorResponse403Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission

from . import selectors
from .models import AuditEvent


class CanViewAudit(BasePermission):
    # Spelled out rather than taken from accounts.permissions: audit imports nothing of
    # ours (docs/architecture.md), everything else depends on it.
    def has_permission(self, request, view) -> bool:
        user = request.user
        # get_all_permissions, not has_perm: the portal's backend answers from roles only, and
        # has_perm would say yes to any superuser before asking it.
        return bool(user and user.is_authenticated and "audit.view_auditevent" in user.get_all_permissions())


class AuditEventFilterSerializer(serializers.Serializer):
    event_type = serializers.CharField(required=False, max_length=64)
    target_type = serializers.CharField(
        required=False, max_length=64, help_text="App label and model, e.g. profiles.profile."
    )
    target_id = serializers.CharField(
        required=False, max_length=64, help_text="The target's public id (a profile's id)."
    )
    actor = serializers.CharField(required=False, max_length=150, help_text="Username of who acted.")


class AuditEventOutputSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    actor = serializers.CharField(source="actor_username")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "created_at",
            "actor",
            "event_type",
            "target_type",
            "target_id",
            "target_label",
            "data",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditEventPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditEventListApi(GenericAPIView):
    """Audit events, newest first. Read-only: the trail is append-only."""

    serializer_class = AuditEventOutputSerializer
    pagination_class = AuditEventPagination
    filter_backends: list = []
    permission_classes = [CanViewAudit]

    @extend_schema(
        parameters=[AuditEventFilterSerializer],
        responses={
            200: AuditEventOutputSerializer(many=True),
            400: ValidationErrorResponseSerializer,
            401: ErrorResponse401Serializer,
            403: ErrorResponse403Serializer,
        },
        tags=["audit"],
    )
    def get(self, request):
        filters = AuditEventFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.audit_event_list(**filters.validated_data))
        return self.get_paginated_response(AuditEventOutputSerializer(page, many=True).data)
