"""Helpers for monitoring tests: a good record, files built from records, active profiles."""

import csv
import io
import json
from collections.abc import Iterable
from datetime import date

import pytest

from monitoring.columns import COLUMNS
from monitoring.models import ImportDoor, ImportFormat

GOOD = {
    "application_id": "A-0001",
    "lodged_on": "2026-01-05",
    "decided_on": "2026-01-19",
    "nationality": "NGA",
    "age_group": "25-34",
    "gender": "M",
    "marital_status": "single",
    "occupation": "craft_trades",
    "travel_purpose": "family_friends",
    "application_location": "NGLOS",
    "advice": "regular",
    "matched_profiles": "",
    "applicant_hit": "0",
    "referent_hit": "0",
    "employer_hit": "0",
    "chain_hit": "0",
    "decision": "granted",
    "officer_id": "O-1",
    "refusal_ground": "",
}


def record(**changes) -> dict:
    row = dict(GOOD)
    row.update(changes)
    return row


def records(n: int, **changes) -> list[dict]:
    return [record(application_id=f"A-{i:04d}", **changes) for i in range(1, n + 1)]


def csv_bytes(rows: Iterable[dict], columns: Iterable[str] | None = None) -> bytes:
    rows = list(rows)
    columns = list(columns or (rows[0].keys() if rows else COLUMNS))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def jsonl_bytes(rows: Iterable[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


@pytest.fixture
def import_bytes(users):
    """Import bytes through the service as the policy officer: returns the run."""
    from monitoring.services import monitoring_records_import

    def run(data: bytes, *, file_format: str = ImportFormat.CSV, actor=None, filename: str = "test.csv"):
        return monitoring_records_import(
            actor=actor or users["policy_officer"],
            door=ImportDoor.COMMAND,
            file_format=file_format,
            stream=io.BytesIO(data),
            filename=filename,
        )

    return run


def codes(run) -> list[str]:
    return [p["code"] for p in run.problems]


@pytest.fixture
def activate(users):
    """Move a draft through review (and DPO sign-off for risk) so that it becomes active."""
    from profiles.services import profile_transition

    def move(profile):
        # The draft's owner submits it (drafts belong to their author).
        profile = profile_transition(actor=profile.owner, profile=profile, action="submit")
        profile = profile_transition(actor=users["reviewer"], profile=profile, action="approve")
        if profile.kind == "risk":
            profile = profile_transition(actor=users["dpo"], profile=profile, action="dpo_sign_off")
        return profile

    return move


def day(text: str) -> date:
    return date.fromisoformat(text)
