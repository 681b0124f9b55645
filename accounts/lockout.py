"""What a locked-out caller sees (django-axes counts the failures): the API's JSON with a
code under /api/, a plain page elsewhere; 429 either way, in the request's language."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed sign-ins for this account. Try again in %(minutes)s minutes, or ask an "
        "administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"type": "client_error", "errors": [{"code": "account_locked", "detail": message, "attr": None}]},
            status=429,
        )
    body = (
        f'<!doctype html><html lang="{escape(request.LANGUAGE_CODE)}"><title>429</title>'
        f'<main><h1>{escape(_("Account locked"))}</h1><p role="alert">{escape(message)}</p>'
        f'<p><a href="/login/">{escape(_("Back to sign-in"))}</a></p></main></html>'
    )
    return HttpResponse(body, status=429)
