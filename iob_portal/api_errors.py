"""API errors: drf-standardized-errors' format, with our domain errors mapped into it.

Body: {"type": "validation_error" | "client_error", "errors": [{"code", "detail", "attr"}]}.
"""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from drf_standardized_errors.handler import exception_handler as standard_handler
from rest_framework.response import Response

from problems import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        kind = "validation_error" if exc.status == 400 else "client_error"
        return Response({"type": kind, "errors": [p.as_dict() for p in exc.problems], **exc.extra}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        from django.conf import settings

        from .limits import too_large

        response = too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return Response(response_json(response), status=413)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            {
                "type": "client_error",
                "errors": [{"code": "permission_denied", "detail": str(exc) or "Permission denied.", "attr": None}],
            },
            status=403,
        )
    return standard_handler(exc, context)


def response_json(response) -> dict:
    return json.loads(response.content)
