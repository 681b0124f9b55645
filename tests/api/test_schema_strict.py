"""The schema says every answer and is as strict as the validator (iob_portal/api_schema.py).

Schemathesis (test_schemathesis.py) checks the schema against the running API; these
check the promises themselves, so that a change that loosens them fails by name.
"""

import pytest

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/ErrorResponse"}


@pytest.fixture
def schema():
    from drf_spectacular.generators import SchemaGenerator

    from profiles.services import catalogue_sync

    catalogue_sync()
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def test_every_error_answer_has_the_one_error_component(schema):
    seen = 0
    for method, path, operation in _operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
        assert errors, f"{method} {path} lists no error answer"
        for code, response in errors.items():
            assert response["content"]["application/json"]["schema"] == ERROR, (method, path, code)
            assert response["description"], (method, path, code)
        seen += 1
    assert seen > 70


def test_the_statuses_follow_the_doors_rules(schema):
    for method, path, operation in _operations(schema):
        codes = set(operation["responses"])
        if path != "/api/auth/token/":
            assert "401" in codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in operation:
            assert {"400", "413"} <= codes, (method, path)
            assert set(operation["requestBody"]["content"]) == {"application/json"}, (method, path)
        if method != "GET" and "{" in path:
            assert "409" in codes, (method, path)
    assert "429" in schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/reports/"]["get"]["responses"]  # a page past the end


def test_criteria_offer_only_each_characteristics_current_codes(schema):
    from profiles.models import CatalogueCode
    from profiles.selectors import catalogue_index

    criterion = schema["components"]["schemas"]["Criterion"]
    shapes = {s["properties"]["characteristic"]["enum"][0]: s for s in criterion["oneOf"]}
    index = catalogue_index()
    assert set(shapes) == set(index) and "ethnicity" not in shapes
    gender = shapes["gender"]["properties"]["values"]
    assert set(gender["items"]["enum"]) == {"F", "M", "X"} and gender["minItems"] == 1
    retired = CatalogueCode.objects.filter(characteristic="occupation").first()
    retired.retired_at = retired.created_at
    retired.save(update_fields=["retired_at"])
    from drf_spectacular.generators import SchemaGenerator

    again = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["Criterion"]
    occupation = next(s for s in again["oneOf"] if s["properties"]["characteristic"]["enum"] == ["occupation"])
    assert retired.code not in occupation["properties"]["values"]["items"]["enum"]


def test_bodies_refuse_unknown_keys_and_take_at_most_10000_items(schema):
    components = schema["components"]["schemas"]
    record, application = components["MonitoringRecordInput"], components["AdviceApplicationInput"]
    assert record["additionalProperties"] is False and application["additionalProperties"] is False
    assert "officer_id" not in record["required"] and "application_id" in record["required"]
    assert set(record["properties"]["decision"]["enum"]) == {"granted", "refused", "withdrawn", "pending"}
    batch = schema["paths"]["/api/monitoring-records/"]["post"]["requestBody"]["content"]["application/json"]
    assert (batch["schema"]["minItems"], batch["schema"]["maxItems"]) == (1, 10_000)
    advice = schema["paths"]["/api/advice/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert advice["oneOf"][1]["maxItems"] == 10_000
    profile = components["ProfileInput"]
    assert set(profile["required"]) == {"kind", "title", "criteria", "valid_from", "valid_until"}
    assert profile["properties"]["criteria"]["maxItems"] == 7
