"""PostgreSQL's first load into an empty table (monitoring/staging.py): the unique
constraint and the index are dropped, the rows inserted, and both built again, inside
the import's transaction."""

import pytest
from django.db import connection

from monitoring import staging
from monitoring.models import ImportStatus, MonitoringRecord

from .conftest import csv_bytes, records

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def small_bulk_threshold(on_postgres, monkeypatch):
    monkeypatch.setattr(staging, "BULK_LOAD_ROWS", 3)


def guards() -> dict[str, tuple[list[str], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MonitoringRecord._meta.db_table)
    return {name: (c["columns"], c["unique"]) for name, c in found.items() if c["index"] or c["unique"]}


def test_first_load_rebuilds_the_constraint_and_the_index(import_bytes):
    before = guards()
    assert before["monitoring_application_id_unique"] == (["application_id"], True)
    run = import_bytes(csv_bytes(records(6)))
    assert run.status == ImportStatus.IMPORTED and (run.inserted_count, run.updated_count) == (6, 0)
    assert MonitoringRecord.objects.count() == 6
    assert guards() == before
    # The next import meets a full table: the ordinary merge, which updates.
    rows = records(6)
    rows[0]["decision"], rows[0]["refusal_ground"] = "refused", "4"
    again = import_bytes(csv_bytes(rows))
    assert (again.inserted_count, again.updated_count, again.unchanged_count) == (0, 1, 5)


def test_a_repeated_id_in_a_first_load_is_reported_and_the_guards_stay(import_bytes):
    before = guards()
    rows = records(6)
    rows[5]["application_id"] = "A-0001"
    run = import_bytes(csv_bytes(rows))
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["code"]) for p in run.problems] == [(7, "duplicate_in_file")]
    assert MonitoringRecord.objects.count() == 0 and guards() == before
