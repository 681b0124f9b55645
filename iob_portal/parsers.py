"""The API's JSON parser: DRF's, with nesting bounded.

Python's decoder recurses once per level and raises RecursionError (a 500) somewhere
near 1,000 levels; no document of ours nests deeper than a handful. Depth is counted
in one pass over the text before decoding, so hostile input never reaches the decoder.
"""

import codecs

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class DepthLimitedParseError(ParseError):
    default_code = "json_too_deep"


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

        return super().parse(io.BytesIO(raw), media_type, parser_context)
