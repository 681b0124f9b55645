"""The API's OpenAPI schema, made to say every answer the API can give.

One place instead of a copy per view: `PortalAutoSchema` adds to each operation the
error answers its door can really send, all with the one error component
(`problems.openapi.ErrorResponseSerializer`); a description a view gave for a status is
kept. `strict_request_bodies` (a postprocessing hook) writes the validator's limits into
the request bodies that are plain JSON fields in the serializers: the catalogue codes of
each characteristic, the batch's 10,000 records.

Which status when (the door's rules, not guesses):

- 400: a request body (bad JSON, a bad field, a refused rule) or query parameters.
- 401: any operation that needs a signed-in caller (no or a bad token).
- 403: any operation whose permission is narrower than "signed in" (role rights), and
  every unsafe one (the services refuse by role and four eyes).
- 404: a path parameter (no such object; an id of the wrong shape gets the API's JSON 404
  too), an id in the body, or a paginated list (a page past the end).
- 409: an unsafe method on an existing object (its state forbids it), and the few others
  listed in CONFLICTS.
- 413: a request body (over Django's 2.5 MB, or the batch's IOB_API_BATCH_MAX_BYTES).
- 429: the token door (django-axes' lock-out) and any throttled view.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny, IsAuthenticated

from problems.openapi import ErrorResponseSerializer

# English, like the rest of the schema's prose (a reference for developers).
DESCRIPTIONS = {
    400: "Bad input: every problem is listed, each with its machine code (docs/api.md); nothing was changed.",
    401: "Not signed in: no session and no valid token (`not_authenticated`, `authentication_failed`).",
    403: "The role, or the four-eyes rule, forbids it (code `permission_denied` or the rule's own).",
    404: "No such object (in the path or named in the body), or a page past the end (`not_found`).",
    409: "The object's state does not allow it (e.g. `not_editable`, `invalid_state`).",
    413: "The request body is too large (code `request_too_large`).",
    429: "Too many failed sign-ins: locked for a while (code `account_locked`).",
}

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# Operations that answer 409 beyond "an unsafe method on an existing object", by (method,
# path): creating something whose preconditions are a state elsewhere.
CONFLICTS: set[tuple[str, str]] = {
    ("POST", "/api/parameter-sets/"),  # the name is taken (make a new version instead)
    ("POST", "/api/generation-runs/"),  # no approved parameter set
    ("POST", "/api/register/versions/"),  # the entry has an open version already
    ("POST", "/api/reports/"),  # the request key belongs to another report
    ("GET", "/api/exports/{id}/file/"),  # the export is not finished
}


class PortalAutoSchema(AutoSchema):
    def _has_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _is_paginated(self) -> bool:
        # A page past the end is a 404 (the `page` parameter is in the schema).
        if self.method != "GET":
            return False
        paged_by_hand = any(p.get("in") == "query" and p.get("name") == "page" for p in self._get_parameters())
        return paged_by_hand or isinstance(self._get_paginator(), BasePagination)

    def _refers_by_id(self) -> bool:
        """A body that names another object by its id (e.g. a run's `parameter_set`): an
        id of nothing is a 404, as in the path."""
        if not self._has_body():
            return False
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields if isinstance(serializer, serializers.Serializer) else {}
        return any(
            isinstance(f, serializers.UUIDField | serializers.RelatedField) and not f.read_only for f in fields.values()
        )

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def error_statuses(self) -> set[int]:
        permissions = self.view.get_permissions()
        anyone = bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)
        signed_in_only = all(type(p) is IsAuthenticated for p in permissions)
        statuses: set[int] = set()
        if self._has_body() or self._has_query_parameters():
            statuses.add(400)
        if self._has_body():
            statuses.add(413)
        if not anyone:
            statuses.add(401)
            if not signed_in_only or self.method in UNSAFE:
                statuses.add(403)
        if self._has_path_parameters() or self._is_paginated() or self._refers_by_id():
            statuses.add(404)
        if (self.method in UNSAFE and self._has_path_parameters()) or (self.method, self.path) in CONFLICTS:
            statuses.add(409)
        if anyone and self._has_body() or self.view.get_throttles():
            # The token door: django-axes locks an account or address after failed sign-ins.
            statuses.add(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        wanted = {str(code) for code in self.error_statuses()}
        for code in sorted(wanted | {c for c in responses if c.isdigit() and 400 <= int(c) < 500}):
            given = responses.get(code, {})
            description = given.get("description") or DESCRIPTIONS.get(int(code), "")
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorResponseSerializer, description=description), code
            )
        return dict(sorted(responses.items()))


# --- request bodies as strict as the validator ---------------------------------------

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
# An officer id a spreadsheet would not read as a formula (application_input.officer_id_check:
# after stripping, it may be empty or start with anything but = + - @).
NOT_FORMULA_PATTERN = r"^\s*(?:[^=+\-@\s]|$)"


def _catalogue() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(every code, the codes a new criterion may choose) per characteristic, from the
    database the schema is made for; empty when there is none (`manage.py spectacular`
    before migrate), and the schema then says "text" instead of an enum."""
    from django.db import DatabaseError

    from profiles.models import CatalogueCode

    every: dict[str, list[str]] = {}
    offered: dict[str, list[str]] = {}
    try:
        for characteristic, code, retired in CatalogueCode.objects.order_by("characteristic", "code").values_list(
            "characteristic", "code", "retired_at"
        ):
            every.setdefault(characteristic, []).append(code)
            if retired is None:
                offered.setdefault(characteristic, []).append(code)
    except DatabaseError:
        return {}, {}
    return every, offered


def _code(codes: list[str] | None) -> dict[str, Any]:
    return {"type": "string", "enum": codes} if codes else {"type": "string", "minLength": 1}


def _criterion(characteristics: list[str], offered: dict[str, list[str]]) -> dict[str, Any]:
    """One criterion per characteristic: its name and at least one of its offered codes."""
    return {
        "description": "One criterion: the application hits it when its value is one of `values` "
        "(codes of the catalogue, retired codes refused).",
        "oneOf": [
            {
                "type": "object",
                "title": name,
                "properties": {
                    "characteristic": {"type": "string", "enum": [name]},
                    "values": {"type": "array", "minItems": 1, "items": _code(offered.get(name))},
                },
                "required": ["characteristic", "values"],
            }
            for name in characteristics
        ],
    }


def _application(characteristics: list[str], every: dict[str, list[str]], parties: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "One application. Unknown keys are refused (`unknown_characteristic`).",
        "properties": {
            "application_id": {"type": "string", "maxLength": 64, "description": "Echoed back; optional."},
            "lodged_on": {
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
                "description": "Default: today.",
            },
            **{c: _code(every.get(c)) for c in characteristics},
            **{p: {"type": "integer", "enum": [0, 1]} for p in parties},
        },
        "required": [*characteristics, *parties],
        "additionalProperties": False,
    }


def _monitoring_record(every: dict[str, list[str]]) -> dict[str, Any]:
    from monitoring.columns import COLUMNS, FLAGS, REQUIRED_COLUMNS
    from monitoring.models import Advice, Decision
    from profiles.application_input import CHARACTERISTICS

    flag = {"type": "string", "enum": ["0", "1"]}
    properties: dict[str, Any] = {
        "application_id": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"},
        "lodged_on": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
        "decided_on": {
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "description": "Not before lodged_on; leave out while pending.",
        },
        **{c: _code(every.get(c)) for c in CHARACTERISTICS},
        "advice": {"type": "string", "enum": list(Advice.values)},
        "matched_profiles": {
            "type": "string",
            "pattern": r"^([A-Z0-9][A-Z0-9-]{0,19}(@[1-9][0-9]{0,5})?(;[A-Z0-9][A-Z0-9-]{0,19}(@[1-9][0-9]{0,5})?)*)?$",
            "description": "CODE or CODE@VERSION, separated by ;",
        },
        **{f: flag for f in FLAGS},
        "decision": {"type": "string", "enum": list(Decision.values)},
        "officer_id": {
            "type": "string",
            "maxLength": 64,
            "pattern": NOT_FORMULA_PATTERN,
            "description": "Required unless pending; never the shape of a spreadsheet formula.",
        },
        "refusal_ground": {
            "type": "string",
            "enum": [str(i) for i in range(1, 12)],
            "description": "Only when refused.",
        },
    }
    assert set(properties) == set(COLUMNS)
    return {
        "type": "object",
        "description": "One monitoring record (docs/monitoring-data.md). Unknown keys are refused "
        "(`unknown_column`); rules between fields (dates, decision) are the import's.",
        "properties": properties,
        "required": list(REQUIRED_COLUMNS),
        "additionalProperties": False,
    }


def _profile_input(schema: dict[str, Any] | None, *, creating: bool, characteristics: list[str]) -> None:
    """The profile's own rules the serializer leaves to the validator (every field is
    optional there so that one answer lists every problem): a title that is not blank,
    dates as YYYY-MM-DD, seven characteristics at most once each, and on creation the
    fields without which no profile is valid."""
    if not schema:
        return
    properties = schema.get("properties", {})
    if "title" in properties:
        properties["title"].update({"minLength": 1, "pattern": r"\S"})
    if "criteria" in properties:
        properties["criteria"]["maxItems"] = len(characteristics)
    for day in ("valid_from", "valid_until"):
        if day in properties:
            properties[day]["pattern"] = DATE_PATTERN
            if creating:
                properties[day].pop("nullable", None)
    if creating:
        schema["required"] = ["kind", "title", "criteria", "valid_from", "valid_until"]
        schema["description"] = (
            "The body of POST /api/profiles/ (docs/api.md). A body without a required field is "
            "still answered with every problem listed (400), not only the first."
        )
        if "criteria" in properties:
            properties["criteria"]["minItems"] = 1


def _references(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def _prune(result: dict[str, Any]) -> None:
    """Drop components nothing refers to any more (the views' own error serializers,
    replaced by the one error component)."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        used: set[str] = set()
        _references(result.get("paths", {}), used)
        _references({k: v for k, v in schemas.items()}, used)
        unused = [name for name in schemas if name not in used]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def _operation(result: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    return result.get("paths", {}).get(path, {}).get(method)


def strict_request_bodies(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Postprocessing hook: the validator's limits where the serializers take plain JSON."""
    from advice.services import MAX_BATCH
    from monitoring.services import MAX_API_RECORDS
    from profiles.application_input import CHARACTERISTICS, PARTY_COLUMNS

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    every, offered = _catalogue()
    characteristics = list(CHARACTERISTICS)

    if "Criterion" in schemas:
        schemas["Criterion"] = _criterion(characteristics, offered)
    for name in ("ProfileInput", "PatchedProfileInput"):
        _profile_input(schemas.get(name), creating=name == "ProfileInput", characteristics=characteristics)
    evidence = schemas.get("Evidence", {}).get("properties", {})
    for rate in ("chain_hit_rate", "refusal_rate"):
        if rate in evidence:
            evidence[rate].update({"minimum": 0, "maximum": 1})  # invalid_rate
    if "group_size" in evidence:
        evidence["group_size"]["minimum"] = 0

    if "AdviceApplicationInput" in schemas:
        schemas["AdviceApplicationInput"] = _application(characteristics, every, list(PARTY_COLUMNS))
        advice = _operation(result, "/api/advice/", "post")
        if advice:
            one = {"$ref": "#/components/schemas/AdviceApplicationInput"}
            advice["requestBody"]["content"]["application/json"]["schema"] = {
                "oneOf": [one, {"type": "array", "items": one, "minItems": 1, "maxItems": MAX_BATCH}]
            }
            answer = advice["responses"]["200"]["content"]["application/json"]
            out = {"$ref": "#/components/schemas/AdviceOutput"}
            answer["schema"] = {"oneOf": [out, {"type": "array", "items": out}]}

    if "MonitoringRecordInput" in schemas:
        schemas["MonitoringRecordInput"] = _monitoring_record(every)
        batch = _operation(result, "/api/monitoring-records/", "post")
        if batch:
            body = batch["requestBody"]["content"]["application/json"]["schema"]
            body.update({"minItems": 1, "maxItems": MAX_API_RECORDS})

    errors = schemas.get("ErrorResponse", {}).get("properties", {}).get("errors")
    if errors is not None:
        errors["minItems"] = 1
    _prune(result)
    return result
