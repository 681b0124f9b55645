"""The API reference as a portal page: the OpenAPI schema that drf-spectacular generates,
drawn as plain HTML inside the portal's frame (menu, way back, language), with no script
and nothing from a CDN. Swagger UI's own page sat outside the frame and failed axe-core
(contrast, nested interactive controls, no `lang`); the raw schema stays at /api/schema/
for tools."""

from functools import lru_cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    # The schema follows the code: one generation per process is enough.
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"{_type(schema.get('items'))}[]"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return " | ".join(_type(s) for s in schema[key])
    kind = schema.get("type", "")
    return f"{kind} ({schema['format']})" if schema.get("format") else kind


def api_reference() -> dict[str, Any]:
    """Operations grouped by tag, and the named schemas, ready for the template."""
    schema = _schema()
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = op.get("requestBody", {}).get("content", {})
            tags.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": [{"type": ct, "schema": _type(c.get("schema"))} for ct, c in body.items()],
                    "responses": [
                        {
                            "code": code,
                            "description": r.get("description", ""),
                            "schema": _type(next(iter(r.get("content", {}).values()), {}).get("schema")),
                        }
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    components = []
    for name, s in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(s.get("required", []))
        components.append(
            {
                "name": name,
                "description": s.get("description", ""),
                "type": _type(s),
                "properties": [
                    {
                        "name": k,
                        "type": _type(v),
                        "required": k in required,
                        "read_only": v.get("readOnly", False),
                        "description": v.get("description", ""),
                    }
                    for k, v in s.get("properties", {}).items()
                ],
            }
        )
    info = schema.get("info", {})
    return {"info": info, "tags": sorted(tags.items()), "components": components}


@extend_schema(exclude=True)  # a page about the API, not part of it
class ApiDocsView(APIView):
    """GET /api/docs/: the reference page (signed-in users, like the schema itself)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [TemplateHTMLRenderer]

    def get(self, request):
        return Response(api_reference(), template_name="api_docs.html")
