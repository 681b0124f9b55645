"""Export pages: start an export from any page (the `export_buttons` include), watch its
progress bar, download the file. The service checks the right."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from problems import DomainError

from .api import export_file_response
from .exports import export_file_for, export_get_for, export_request


def _back(request) -> str:
    target = request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


@require_POST
def export_start(request):
    try:
        params = json.loads(request.POST.get("params") or "{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder recurses
        params = []  # not an object: the service refuses it with invalid_export_params
    try:
        export = export_request(
            actor=request.user, kind=request.POST.get("kind", ""), fmt=request.POST.get("format", ""), params=params
        )
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(str(error)) from error
        if error.status == 404:
            raise Http404 from error
        for problem in error.problems:
            messages.error(request, problem.message)
        return redirect(_back(request))
    return redirect("documents:export", export.public_id)


def _get(request, id, getter):
    try:
        return getter(actor=request.user, public_id=id)
    except DomainError as error:
        if error.status == 409:
            return None
        raise Http404 from error


@require_GET
def export_detail(request, id):
    export = _get(request, id, export_get_for)
    return render(request, "documents/export_detail.html", {"export": export})


@require_GET
def export_file(request, id):
    export = _get(request, id, export_file_for)
    if export is None:
        return redirect("documents:export", id)
    return export_file_response(export)
