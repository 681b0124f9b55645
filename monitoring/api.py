"""The monitoring API: records (a batch in, all or nothing; a paginated list out) and the
impact preview of a profile. Thin doors onto the services and selectors."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse401Serializer,
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import api_permission
from accounts.roles import IMPORT_MONITORING, VIEW_MONITORING, VIEW_PROFILES
from problems import DomainError, Problem
from profiles.models import Profile
from profiles.selectors import profile_get

from . import previews, selectors, services
from .columns import COLUMNS, problem_message
from .models import Advice, Decision, ImportStatus, MonitoringRecord


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringRecord
        fields = [*COLUMNS, "imported_at"]


class RecordFilterSerializer(serializers.Serializer):
    lodged_from = serializers.DateField(required=False)
    lodged_to = serializers.DateField(required=False)
    application_id = serializers.CharField(required=False, max_length=64)
    nationality = serializers.CharField(required=False, max_length=3)
    age_group = serializers.CharField(required=False, max_length=32)
    gender = serializers.CharField(required=False, max_length=1)
    marital_status = serializers.CharField(required=False, max_length=32)
    occupation = serializers.CharField(required=False, max_length=32)
    travel_purpose = serializers.CharField(required=False, max_length=32)
    application_location = serializers.CharField(required=False, max_length=5)
    advice = serializers.ChoiceField(required=False, choices=Advice.choices)
    decision = serializers.ChoiceField(required=False, choices=Decision.choices)
    officer_id = serializers.CharField(required=False, max_length=64)


class RecordPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


_IMPORTED = inline_serializer(
    "MonitoringImportOutput",
    {
        "import": serializers.UUIDField(),
        "status": serializers.CharField(),
        "sha256": serializers.CharField(),
        "row_count": serializers.IntegerField(),
        "inserted": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
    },
)


class MonitoringRecordListCreateApi(GenericAPIView):
    """GET: records in lodging order (DPO, auditor, administrator). POST: a batch of at most
    10,000 records (a JSON list, keys as in docs/monitoring-data.md), kept whole or not at all;
    re-sending an application_id updates that record."""

    serializer_class = RecordSerializer
    pagination_class = RecordPagination

    def get_queryset(self):
        return selectors.monitoring_record_list()

    def get_permissions(self):
        needed = IMPORT_MONITORING if self.request.method == "POST" else VIEW_MONITORING
        return [api_permission(needed)()]

    @extend_schema(
        tags=["monitoring"],
        parameters=[RecordFilterSerializer],
        responses={
            200: RecordSerializer(many=True),
            400: ValidationErrorResponseSerializer,
            401: ErrorResponse401Serializer,
            403: ErrorResponse403Serializer,
        },
    )
    def get(self, request):
        filters = RecordFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.monitoring_record_list(filters=filters.validated_data))
        return self.get_paginated_response(RecordSerializer(page, many=True).data)

    @extend_schema(
        tags=["monitoring"],
        request=inline_serializer(
            "MonitoringRecordInput", {c: serializers.CharField(required=False) for c in COLUMNS}, many=True
        ),
        responses={
            201: _IMPORTED,
            400: OpenApiResponse(
                ValidationErrorResponseSerializer,
                description="Every problem of every record, `attr` = `<index>.<column>`; nothing was kept.",
            ),
            401: ErrorResponse401Serializer,
            403: ErrorResponse403Serializer,
        },
    )
    def post(self, request):
        run = services.monitoring_records_import_batch(actor=request.user, records=request.data)
        if run.status != ImportStatus.IMPORTED:
            # attr names the record by its index in the list sent, and the column.
            raise DomainError(
                [
                    Problem(
                        p["code"],
                        problem_message(p),
                        f"{p['row'] - 1}.{p['column']}" if p.get("column") else str(p["row"] - 1),
                    )
                    for p in run.problems
                ],
                extra={"import": str(run.public_id), "problem_count": run.problem_count, "bad_rows": run.bad_row_count},
            )
        return Response(
            {
                "import": str(run.public_id),
                "status": run.status,
                "sha256": run.sha256,
                "row_count": run.row_count,
                "inserted": run.inserted_count,
                "updated": run.updated_count,
                "unchanged": run.unchanged_count,
            },
            status=status.HTTP_201_CREATED,
        )


# The query parameters are "from" and "to"; "from" cannot be a class attribute's name.
ImpactQuerySerializer = type(
    "ImpactQuerySerializer",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(required=False, help_text="First day (lodged_on)."),
        "to": serializers.DateField(required=False, help_text="Last day (lodged_on)."),
    },
)


class ProfileImpactApi(GenericAPIView):
    """What this profile version would have hit among the records lodged in a past period
    (default: the last twelve months), by group, and how the track mix would change.
    A period of more than the synchronous limit (200,000 records) is computed by a
    background job: the answer is then 202 with the job; ask again when it has finished."""

    permission_classes = [api_permission(VIEW_PROFILES)]

    @extend_schema(
        tags=["profiles"],
        parameters=[ImpactQuerySerializer],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="schema iob-impact-preview/1"),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="{status: running, job, job_url}"),
            400: ValidationErrorResponseSerializer,
            401: ErrorResponse401Serializer,
            403: ErrorResponse403Serializer,
            404: ErrorResponse404Serializer,
        },
    )
    def get(self, request, id):
        query = ImpactQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            profile = profile_get(public_id=id)
        except Profile.DoesNotExist:
            raise NotFound() from None
        outcome = previews.impact_preview_for(
            actor=request.user,
            profile=profile,
            period_from=query.validated_data.get("from"),
            period_until=query.validated_data.get("to"),
        )
        if outcome.ready:
            return Response({"status": "ready", **outcome.result})
        return Response(
            {
                "status": "running",
                "records": outcome.records,
                "period": {"from": outcome.period_from.isoformat(), "to": outcome.period_until.isoformat()},
                "job": str(outcome.job_id),
                "job_url": reverse("api-job-detail", args=[outcome.job_id]),
            },
            status=status.HTTP_202_ACCEPTED,
        )
