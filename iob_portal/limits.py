"""Request size limits of the API, answered in the API's JSON (413), not Django's HTML 400.

Most routes keep Django's DATA_UPLOAD_MAX_MEMORY_SIZE. The monitoring batch takes the
documented 10,000 records (about 5 MB), so that one route gets IOB_API_BATCH_MAX_BYTES:
its body is read here, after the length is checked, instead of by Django's guard.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

# Routes (exact paths) whose bodies may be larger than DATA_UPLOAD_MAX_MEMORY_SIZE.
LARGE_BODY_PATHS = {"/api/monitoring-records/"}


def too_large(limit: int) -> JsonResponse:
    return JsonResponse(
        {
            "type": "client_error",
            "errors": [
                {
                    "code": "request_too_large",
                    "attr": None,
                    "detail": _("The request body is larger than %(max)s bytes.") % {"max": f"{limit:,}"},
                }
            ],
        },
        status=413,
    )


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            large = request.path_info in LARGE_BODY_PATHS and request.method == "POST"
            limit = settings.IOB_API_BATCH_MAX_BYTES if large else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit is not None and length > limit:
                return too_large(limit)
            if large and length > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0):
                # Read within our own limit, so Django's smaller one is not applied again.
                request._body = request.read(limit + 1)
                if len(request._body) > limit:
                    return too_large(limit)
        return self.get_response(request)
