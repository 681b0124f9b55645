"""A NUL character in API input: refused with 400 `nul_character`, never a 500.

PostgreSQL's text and jsonb cannot hold U+0000 (psycopg raises on it), so a title, a
filter or a record holding one would end in a server error there; the parser and the
query guard refuse it before any service sees it, in the request's language.
"""

import json

import pytest

from .conftest import LIST_URL, codes, valid_body

pytestmark = pytest.mark.django_db


def test_a_json_body_holding_a_nul_is_refused(api):
    client = api("policy_officer")
    messages = set()
    for language in ("en", "nl"):
        response = api("policy_officer", language=language).post(
            LIST_URL, json.dumps(valid_body(title="Lagos\u0000men")), content_type="application/json"
        )
        assert response.status_code == 400 and codes(response) == ["nul_character"]
        messages.add(response.json()["errors"][0]["detail"])
    assert len(messages) == 2  # Dutch and English
    key = client.post(LIST_URL, '{"ti\\u0000tle": "x"}', content_type="application/json")
    assert key.status_code == 400 and codes(key) == ["nul_character"]


def test_a_backslash_u_that_is_not_a_nul_is_still_text(api):
    response = api("policy_officer").post(
        LIST_URL, json.dumps(valid_body(title="C:\\u0000 is a path")), content_type="application/json"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("query", ["officer_id=%00", "officer_id=a%00b", "x%00=1"])
def test_a_query_holding_a_nul_is_refused(api, query):
    response = api("dpo").get(f"/api/monitoring-records/?{query}")
    assert response.status_code == 400 and codes(response) == ["nul_character"]


def test_a_batch_record_holding_a_nul_is_refused(api):
    from monitoring.models import MonitoringRecord
    from tests.monitoring.conftest import record

    response = api("policy_officer").post(
        "/api/monitoring-records/", json.dumps([record(officer_id="O-\u00001")]), content_type="application/json"
    )
    assert response.status_code == 400 and codes(response) == ["nul_character"]
    assert MonitoringRecord.objects.count() == 0
