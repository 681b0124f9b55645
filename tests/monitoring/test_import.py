"""The import of monitoring records (docs/monitoring-data.md): every rejection code, whole or
nothing, idempotence, the report and the audit trail."""

import hashlib
import io

import pytest
from django.utils import translation

from audit.models import AuditEvent
from monitoring.columns import COLUMNS, problem_message
from monitoring.models import ImportStatus, MonitoringRecord
from problems import DomainError

from .conftest import GOOD, codes, csv_bytes, jsonl_bytes, record, records

pytestmark = pytest.mark.django_db


# --- a good file ---------------------------------------------------------------------------------


def test_good_file_is_imported_with_normalised_codes(import_bytes):
    rows = records(3)
    rows[1].update(nationality="nga", gender="m", advice="Fast", decision="refused", refusal_ground="10")
    rows[2].update(decision="pending", decided_on="", officer_id="", chain_hit="")
    run = import_bytes(csv_bytes(rows))
    assert run.status == ImportStatus.IMPORTED, run.problems
    assert (run.row_count, run.inserted_count, run.updated_count, run.unchanged_count) == (3, 3, 0, 0)
    second = MonitoringRecord.objects.get(application_id="A-0002")
    assert (second.nationality, second.gender, second.advice, second.refusal_ground) == ("NGA", "M", "fast", 10)
    pending = MonitoringRecord.objects.get(application_id="A-0003")
    assert pending.decided_on is None and pending.officer_id == "" and pending.chain_hit is False


def test_column_order_is_free_and_optional_columns_may_be_left_out(import_bytes):
    required = [
        "decision",
        "application_id",
        "lodged_on",
        "nationality",
        "age_group",
        "gender",
        "marital_status",
        "occupation",
        "travel_purpose",
        "application_location",
        "advice",
        "applicant_hit",
        "referent_hit",
        "employer_hit",
        "officer_id",
    ]
    run = import_bytes(csv_bytes(records(2), columns=required))
    assert run.status == ImportStatus.IMPORTED, run.problems
    assert MonitoringRecord.objects.get(application_id="A-0001").chain_hit is False


def test_json_lines_file_is_imported(import_bytes):
    rows = records(2)
    rows[0].update(applicant_hit=1, referent_hit=False, employer_hit=0, chain_hit=True, refusal_ground=None)
    run = import_bytes(jsonl_bytes(rows), file_format="jsonl", filename="x.jsonl")
    assert run.status == ImportStatus.IMPORTED, run.problems
    first = MonitoringRecord.objects.get(application_id="A-0001")
    assert first.applicant_hit is True and first.chain_hit is True and first.referent_hit is False


def test_import_is_audited_with_checksum_and_counts(import_bytes, users):
    data = csv_bytes(records(4))
    run = import_bytes(data)
    event = AuditEvent.objects.get(event_type="monitoring.imported")
    assert event.actor_username == "policy_officer"
    assert event.data["sha256"] == hashlib.sha256(data).hexdigest() == run.sha256
    assert (event.data["row_count"], event.data["inserted"], event.data["updated"]) == (4, 4, 0)


# --- idempotence -----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(import_bytes):
    data = csv_bytes(records(5))
    first = import_bytes(data)
    before = list(MonitoringRecord.objects.order_by("application_id").values())
    second = import_bytes(data)
    after = list(MonitoringRecord.objects.order_by("application_id").values())
    assert first.inserted_count == 5
    assert (second.inserted_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert before == after  # imported_at too: an unchanged row is not touched


def test_reimport_updates_the_changed_record_only(import_bytes):
    import_bytes(csv_bytes(records(3)))
    rows = records(3)
    rows[2].update(decision="refused", refusal_ground="9")
    rows.append(record(application_id="A-0004"))
    run = import_bytes(csv_bytes(rows))
    assert (run.inserted_count, run.updated_count, run.unchanged_count) == (1, 1, 2)
    changed = MonitoringRecord.objects.get(application_id="A-0003")
    assert (changed.decision, changed.refusal_ground) == ("refused", 9)
    assert MonitoringRecord.objects.count() == 4


# --- whole or nothing --------------------------------------------------------------------------------


def test_file_bad_only_in_its_last_row_imports_nothing(import_bytes):
    rows = records(50)
    rows[-1]["nationality"] = "ZZZ"
    run = import_bytes(csv_bytes(rows))
    assert run.status == ImportStatus.REJECTED
    assert MonitoringRecord.objects.count() == 0
    assert run.problems == [{"row": 51, "column": "nationality", "code": "unknown_value", "value": "ZZZ"}]
    assert (run.row_count, run.bad_row_count, run.problem_count) == (50, 1, 1)


def test_a_bad_file_leaves_existing_records_as_they_were(import_bytes):
    import_bytes(csv_bytes(records(3)))
    before = list(MonitoringRecord.objects.order_by("application_id").values())
    rows = records(3, decision="refused", refusal_ground="3")
    rows.append(record(application_id="A-0004", lodged_on="not a date"))
    assert import_bytes(csv_bytes(rows)).status == ImportStatus.REJECTED
    assert list(MonitoringRecord.objects.order_by("application_id").values()) == before


def test_every_bad_row_is_reported(import_bytes):
    rows = records(30)
    for i in range(0, 30, 3):
        rows[i]["gender"] = "Q"
    rows[4]["advice"] = "slow"
    rows[4]["decided_on"] = "2025-12-31"
    run = import_bytes(csv_bytes(rows))
    assert run.bad_row_count == 11
    assert run.problem_count == 12
    assert [p["row"] for p in run.problems] == sorted(p["row"] for p in run.problems)
    assert {(p["row"], p["column"], p["code"]) for p in run.problems if p["row"] == 6} == {
        (6, "decided_on", "decided_before_lodged"),
        (6, "advice", "invalid_choice"),
    }
    assert run.problem_codes == {"unknown_value": 10, "invalid_choice": 1, "decided_before_lodged": 1}


def test_the_stored_report_is_capped_but_every_problem_is_counted(import_bytes, monkeypatch):
    import monitoring.services

    monkeypatch.setattr(monitoring.services, "REPORT_CAP", 10)
    run = import_bytes(csv_bytes(records(40, nationality="ZZZ", gender="Q")))
    assert run.problem_count == 80 and run.bad_row_count == 40
    assert len(run.problems) == 10
    assert run.problem_codes == {"unknown_value": 80}


# --- every rejection code ----------------------------------------------------------------------------

ROW_PROBLEMS = [
    ({"application_id": ""}, "application_id", "required"),
    ({"application_id": "x" * 65}, "application_id", "invalid_application_id"),
    ({"lodged_on": ""}, "lodged_on", "required"),
    ({"lodged_on": "05-01-2026"}, "lodged_on", "invalid_date"),
    ({"lodged_on": "2026-02-30"}, "lodged_on", "invalid_date"),
    ({"decided_on": "soon"}, "decided_on", "invalid_date"),
    ({"decided_on": "2026-01-04"}, "decided_on", "decided_before_lodged"),
    ({"decision": "pending", "officer_id": ""}, "decided_on", "decided_while_pending"),
    ({"nationality": ""}, "nationality", "required"),
    ({"nationality": "ZZZ"}, "nationality", "unknown_value"),
    ({"age_group": "30-39"}, "age_group", "unknown_value"),
    ({"application_location": "NLAMS"}, "application_location", "unknown_value"),
    ({"occupation": "religious_leader"}, "occupation", "banned_characteristic"),
    ({"advice": "slow"}, "advice", "invalid_choice"),
    ({"advice": ""}, "advice", "required"),
    ({"decision": "maybe"}, "decision", "invalid_choice"),
    ({"applicant_hit": "yes"}, "applicant_hit", "invalid_flag"),
    ({"referent_hit": ""}, "referent_hit", "required"),
    ({"chain_hit": "2"}, "chain_hit", "invalid_flag"),
    ({"decision": "refused", "refusal_ground": "12"}, "refusal_ground", "invalid_refusal_ground"),
    ({"decision": "refused", "refusal_ground": "x"}, "refusal_ground", "invalid_refusal_ground"),
    ({"refusal_ground": "3"}, "refusal_ground", "refusal_ground_only_when_refused"),
    ({"officer_id": ""}, "officer_id", "officer_required"),
    ({"decision": "withdrawn", "officer_id": ""}, "officer_id", "officer_required"),
    ({"officer_id": "O" * 65}, "officer_id", "invalid_officer_id"),
    ({"matched_profiles": "P-2026-01-0001@1;not a code"}, "matched_profiles", "invalid_profile_reference"),
]


@pytest.mark.parametrize(("changes", "column", "code"), ROW_PROBLEMS, ids=[f"{c[1]}-{c[2]}" for c in ROW_PROBLEMS])
def test_row_problem_is_reported_with_its_code_and_nothing_is_imported(import_bytes, changes, column, code):
    rows = [record(application_id="A-0001"), record(**{"application_id": "A-0002", **changes})]
    run = import_bytes(csv_bytes(rows))
    assert run.status == ImportStatus.REJECTED
    assert MonitoringRecord.objects.count() == 0
    assert [(p["row"], p["column"], p["code"]) for p in run.problems] == [(3, column, code)]
    with translation.override("en"):
        assert problem_message(run.problems[0])


def test_repeated_application_id_in_a_file_is_refused(import_bytes):
    rows = records(4)
    rows[3]["application_id"] = "A-0002"
    run = import_bytes(csv_bytes(rows))
    assert run.status == ImportStatus.REJECTED
    assert MonitoringRecord.objects.count() == 0
    assert run.problems == [
        {
            "row": 5,
            "column": "application_id",
            "code": "duplicate_in_file",
            "value": "A-0002",
            "params": {"other_row": 3},
        }
    ]
    with translation.override("en"):
        assert "also appears on row 3" in problem_message(run.problems[0])


def test_repeated_id_is_reported_beside_other_problems(import_bytes):
    rows = records(3)
    rows[2]["application_id"] = "A-0001"
    rows[1]["gender"] = "Q"
    run = import_bytes(csv_bytes(rows))
    assert [(p["row"], p["code"]) for p in run.problems] == [(3, "unknown_value"), (4, "duplicate_in_file")]


@pytest.mark.parametrize("name", ["ethnicity", "Etnische_afkomst", "religion", "huidskleur", "HealthStatus"])
def test_banned_column_is_refused_as_banned_and_audited(import_bytes, name):
    data = csv_bytes([{**GOOD, name: "x"}], columns=[*COLUMNS, name])
    run = import_bytes(data)
    assert run.status == ImportStatus.REJECTED and MonitoringRecord.objects.count() == 0
    problem = run.problems[0]
    assert (problem["row"], problem["column"], problem["code"]) == (1, name, "banned_characteristic")
    with translation.override("en"):
        assert "banned" in problem_message(problem)
    with translation.override("nl"):
        assert problem_message(problem)
    event = AuditEvent.objects.get(event_type="monitoring.banned_characteristic_refused")
    assert event.data["banned"] == [name] and event.data["sha256"] == hashlib.sha256(data).hexdigest()


def test_unknown_column_is_refused_not_dropped(import_bytes):
    run = import_bytes(csv_bytes([{**GOOD, "passport_number": "X"}], columns=[*COLUMNS, "passport_number"]))
    assert codes(run) == ["unknown_column"] and run.problems[0]["column"] == "passport_number"
    assert MonitoringRecord.objects.count() == 0
    assert AuditEvent.objects.filter(event_type="monitoring.import_rejected").count() == 1


def test_missing_and_repeated_columns_are_refused(import_bytes):
    columns = [c for c in COLUMNS if c not in ("nationality", "decision")] + ["gender"]
    run = import_bytes(csv_bytes([GOOD], columns=columns))
    assert sorted((p["column"], p["code"]) for p in run.problems) == [
        ("decision", "missing_column"),
        ("gender", "duplicate_column"),
        ("nationality", "missing_column"),
    ]


def test_empty_files_are_refused(import_bytes):
    assert codes(import_bytes(b"")) == ["empty_file"]
    assert codes(import_bytes(csv_bytes([], columns=COLUMNS))) == ["empty_file"]


def test_file_that_is_not_utf8_is_refused(import_bytes):
    data = csv_bytes(records(2)).replace(b"O-1", "Ø-1".encode("latin-1"))
    run = import_bytes(data)
    assert codes(run) == ["invalid_encoding"] and MonitoringRecord.objects.count() == 0


def test_row_with_the_wrong_number_of_fields_is_refused(import_bytes):
    data = csv_bytes(records(2)) + b"A-9,2026-01-05\n"
    run = import_bytes(data)
    assert [(p["row"], p["code"]) for p in run.problems] == [(4, "wrong_field_count")]


def test_unreadable_csv_is_refused(import_bytes):
    data = csv_bytes(records(1)) + b'"A-2,' + b"x" * (1 << 21) + b"\n"
    assert codes(import_bytes(data)) == ["malformed_row"]


def test_json_lines_problems(import_bytes):
    lines = (
        jsonl_bytes([record(application_id="A-1")])
        + b"[1, 2]\n"
        + b"{not json\n"
        + jsonl_bytes(
            [
                {k: v for k, v in record(application_id="A-4").items() if k != "gender"},
                record(application_id="A-5", ethnicity="x"),
                record(application_id="A-6", shoe_size="44"),
            ]
        )
    )
    run = import_bytes(lines, file_format="jsonl", filename="x.jsonl")
    assert [(p["row"], p["column"], p["code"]) for p in run.problems] == [
        (2, None, "invalid_json"),
        (3, None, "invalid_json"),
        (4, "gender", "missing_column"),
        (5, "ethnicity", "banned_characteristic"),
        (6, "shoe_size", "unknown_column"),
    ]
    assert MonitoringRecord.objects.count() == 0


def test_someone_without_the_import_right_is_refused(import_bytes, users):
    with pytest.raises(DomainError) as excinfo:
        import_bytes(csv_bytes(records(1)), actor=users["reviewer"])
    assert excinfo.value.codes == ["role_required"] and excinfo.value.status == 403


def test_messages_exist_in_dutch_and_english(import_bytes):
    run = import_bytes(csv_bytes([record(nationality="ZZZ")]))
    with translation.override("en"):
        english = problem_message(run.problems[0])
    with translation.override("nl"):
        dutch = problem_message(run.problems[0])
    assert "ZZZ" in english and "ZZZ" in dutch and english != dutch


def test_import_from_a_binary_stream_without_a_file_number(users):
    from monitoring.services import monitoring_records_import

    run = monitoring_records_import(
        actor=users["admin"],
        door="command",
        file_format="csv",
        stream=io.BytesIO(csv_bytes(records(2))),
        on_progress=lambda p, m: None,
    )
    assert run.status == ImportStatus.IMPORTED
