"""The API's JSON parser: DRF's, with nesting bounded and NUL characters refused.

Python's decoder recurses once per level and raises RecursionError (a 500) somewhere
near 1,000 levels; no document of ours nests deeper than a handful. Depth is counted
in one pass over the text before decoding, so hostile input never reaches the decoder.

A NUL character (`\u0000` in JSON, `%00` in a query) cannot be stored or compared in
PostgreSQL's text and jsonb (psycopg raises, a 500); no value of ours holds one. The
parser and `ApiNulGuardMiddleware` refuse it with 400 `nul_character` before any service
sees it.
"""

import codecs

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class DepthLimitedParseError(ParseError):
    default_code = "json_too_deep"


class NulCharacterParseError(ParseError):
    default_code = "nul_character"


def holds_nul(value) -> bool:
    """Whether a decoded JSON value has a NUL in any string or key (depth is bounded)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


def nul_message() -> str:
    return str(_("Text may not hold a NUL character (U+0000)."))


def json_depth_exceeds(text: str, limit: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(_("The body is not valid %(encoding)s.") % {"encoding": encoding}) from error
        if json_depth_exceeds(text, MAX_DEPTH):
            raise DepthLimitedParseError(_("JSON nested deeper than %(max)s levels is refused.") % {"max": MAX_DEPTH})
        import io

        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        if "\\u0000" in text and holds_nul(data):
            raise NulCharacterParseError(nul_message())
        return data


class ApiNulGuardMiddleware:
    """A query string with a NUL under /api/ gets the API's JSON 400 (after LocaleMiddleware,
    so the message is in the request's language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and "%00" in request.META.get("QUERY_STRING", ""):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in v for v in values):
                    problem = {"code": "nul_character", "detail": nul_message(), "attr": name.replace("\x00", "")}
                    return JsonResponse({"type": "validation_error", "errors": [problem]}, status=400)
        return self.get_response(request)
