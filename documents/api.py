"""Document exports in the API: start one (202 + job), follow it, download its file.
Thin: the service checks the kind, the format and the right."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .exports import export_file_for, export_get_for, export_request
from .models import DocumentExport, ExportFormat


def export_out(request, export: DocumentExport) -> dict[str, Any]:
    job = export.job
    return {
        "id": str(export.public_id),
        "url": request.build_absolute_uri(reverse("api-export-detail", args=[export.public_id])),
        "page_url": request.build_absolute_uri(reverse("documents:export", args=[export.public_id])),
        "kind": export.kind,
        "format": export.format,
        "params": export.params,
        "status": export.status,
        "created_by": export.created_by_name or None,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "subject": export.subject or None,
        "filename": export.filename or None,
        "sha256": export.sha256 or None,
        "size": export.size,
        "failure": export.failure or None,
        "progress": 100 if export.is_ready else (job.progress if job else 0),
        "job": None
        if job is None
        else {
            "id": str(job.public_id),
            "url": request.build_absolute_uri(reverse("api-job-detail", args=[job.public_id])),
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
        },
        "file": request.build_absolute_uri(reverse("api-export-file", args=[export.public_id]))
        if export.is_ready
        else None,
    }


class ExportInput(serializers.Serializer):
    kind = serializers.CharField(max_length=32)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    params = serializers.DictField(required=False, default=dict)


ExportOutput = inline_serializer(
    "DocumentExportOutput",
    {
        "id": serializers.UUIDField(),
        "url": serializers.URLField(),
        "page_url": serializers.URLField(),
        "kind": serializers.CharField(),
        "format": serializers.CharField(),
        "params": serializers.DictField(),
        "status": serializers.CharField(),
        "created_by": serializers.CharField(allow_null=True),
        "created_at": serializers.DateTimeField(),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "subject": serializers.CharField(allow_null=True),
        "filename": serializers.CharField(allow_null=True),
        "sha256": serializers.CharField(allow_null=True),
        "size": serializers.IntegerField(allow_null=True),
        "failure": serializers.CharField(allow_null=True),
        "progress": serializers.IntegerField(),
        "job": serializers.DictField(allow_null=True),
        "file": serializers.URLField(allow_null=True),
    },
)


@extend_schema(tags=["exports"])
class ExportCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ExportInput, responses={202: ExportOutput})
    def post(self, request):
        """Start an export of a registered kind (`register`, `dpia`, `iama`) as a background job."""
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        export = export_request(
            actor=request.user,
            kind=data.validated_data["kind"],
            fmt=data.validated_data["format"],
            params=data.validated_data["params"],
        )
        return Response(export_out(request, export), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["exports"])
class ExportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ExportOutput})
    def get(self, request, id):
        """Status, progress and hash of one export."""
        return Response(export_out(request, export_get_for(actor=request.user, public_id=id)))


@extend_schema(tags=["exports"])
class ExportFileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, id):
        """The stored file (409 while it is being made); `X-Content-SHA256` carries its hash."""
        return export_file_response(export_file_for(actor=request.user, public_id=id))


def export_file_response(export: DocumentExport) -> HttpResponse:
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-SHA256"] = export.sha256
    return response
