"""A run's computation: read the window's decided records once, aggregate them in one
ROLLUP pass (tree.rollup_sql), build the tree, and put every leaf through the one
validator of profile rules. Nothing here writes to the database."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from django.utils import translation

from profiles.characteristics import APPLICATION_CHARACTERISTICS, Characteristic
from profiles.validation import profile_rules_check

from .tree import CHANCE, RISK, Node, TreeParameters, TreeResult, rollup_sql, tree_build

RECORD_TYPES = {
    "application_id": "VARCHAR",
    "lodged_on": "DATE",
    **{
        c: "VARCHAR"
        for c in (
            "nationality",
            "age_group",
            "gender",
            "marital_status",
            "occupation",
            "travel_purpose",
            "application_location",
        )
    },
    "chain_hit": "INTEGER",
    "decision": "VARCHAR",
}


@dataclass
class Leaf:
    node: Node
    kind: str
    characteristics: dict[str, str]
    reasons: list[dict[str, str]]

    @property
    def proposed(self) -> bool:
        return not self.reasons


@dataclass
class Computed:
    tree: TreeResult
    checksum: str
    leaves: list[Leaf]


def path_key(characteristics: dict[str, str]) -> str:
    """The same group whatever the split order: characteristics sorted by name."""
    return "|".join(f"{c}={characteristics[c]}" for c in sorted(characteristics))


def _scratch_folder() -> Path:
    """Where a run exports the window's records for DuckDB. A worker killed mid-run
    (SIGKILL: no `finally`) leaves its export behind, and it holds personal data; so each
    run first removes the exports of processes that no longer exist. The file names carry
    the pid of the process that wrote them."""
    from django.conf import settings

    folder = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "generation-scratch"
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("records-*.csv"):
        try:
            pid = int(leftover.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _process_exists(pid):
            leftover.unlink(missing_ok=True)
    return folder


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def records_load(con: duckdb.DuckDBPyConnection, *, window_from: date, window_to: date) -> None:
    """Table `records` in DuckDB: the window's granted and refused records (monitoring's selector)."""
    from monitoring.selectors import DECIDED_RECORD_COLUMNS, decided_records_export

    folder = _scratch_folder()
    fd, path = tempfile.mkstemp(prefix=f"records-{os.getpid()}-", suffix=".csv", dir=folder)
    os.close(fd)
    try:
        decided_records_export(path=path, period_from=window_from, period_to=window_to)
        columns = {name: RECORD_TYPES[name] for name in DECIDED_RECORD_COLUMNS}
        con.execute(
            "CREATE OR REPLACE TABLE raw_records AS SELECT * FROM read_csv(?, header = false, columns = ?, "
            "auto_detect = false, strict_mode = true)",
            [path, columns],
        )
    finally:
        os.unlink(path)
    records_view(con, "raw_records")


def records_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """`records` as rollup_sql reads it: chain_hit as a boolean."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW records AS SELECT * REPLACE (chain_hit = 1 AS chain_hit) FROM {table}")


def input_checksum(con: duckdb.DuckDBPyConnection, *, window_from: date, window_to: date) -> tuple[int, str]:
    """SHA-256 over the count and an order-free sum of row hashes of the input records
    (every column the tree reads, and the application id): the same records give the
    same checksum whatever order they were read in."""
    cols = ", ".join(["application_id", "lodged_on", *Characteristic.values, "chain_hit", "decision"])
    row = con.execute(
        f"SELECT count(*), coalesce(sum(hash({cols})::HUGEINT), 0) FROM records "
        "WHERE decision IN ('granted', 'refused') AND lodged_on BETWEEN ? AND ?",
        [window_from, window_to],
    ).fetchone()
    assert row is not None  # an aggregate without GROUP BY always returns one row
    count, total = row
    return int(count), hashlib.sha256(f"{window_from}:{window_to}:{count}:{total}".encode()).hexdigest()


def leaf_reasons(
    *, kind: str, characteristics: dict[str, str], catalogue: dict[str, set[str]], valid_from: date, valid_until: date
) -> list[dict[str, str]]:
    """The one validator's problems with this leaf as a profile, in English and Dutch."""
    criteria = [{"characteristic": c, "values": [v]} for c, v in characteristics.items()]
    _normalised, problems = profile_rules_check(
        kind=kind,
        criteria=criteria,
        valid_from=valid_from,
        valid_until=valid_until,
        justification=generated_justification(characteristics=characteristics, n=0, hit_rate=0.0, refusal_rate=0.0)
        if kind == RISK
        else None,
        catalogue=catalogue,
    )
    out = []
    for problem in problems:
        with translation.override("en"):
            en = str(problem.message)
        with translation.override("nl"):
            nl = str(problem.message)
        out.append({"code": problem.code, "en": en, "nl": nl})
    return out


def generated_justification(
    *, characteristics: dict[str, str], n: int, hit_rate: float, refusal_rate: float
) -> dict[str, str]:
    """The evidence of a risk leaf, written out so that the reviewer and the DPO can judge
    it; they request changes where it does not hold."""
    group = ", ".join(f"{c} = {v}" for c, v in characteristics.items())
    text = {
        "legitimate_aim": "Prevent irregular stay and other migration-chain reports after a short-stay visa "
        "(published decision tree).",
        "suitability": f"In the reference window the group ({group}; {n} decided applications) had a later "
        f"chain-partner hit rate of {hit_rate:.2%} and a refusal rate of {refusal_rate:.2%}, at or "
        "above the approved risk threshold.",
        "necessity": "A hit only sets the intensive track (more investigation); the officer decides on the whole "
        "file and the hit is never a ground for refusal.",
        "proportionality": "The profile holds for one month, covers a group of at least the approved minimum size, "
        "and is reviewed again by the next monthly run.",
    }
    if Characteristic.NATIONALITY in characteristics:
        text["nationality_use"] = (
            "Nationality is one of the seven published split characteristics; within this "
            "group the outcomes differ from groups of other nationalities. No ethnicity or "
            "other special category is used."
        )
    return text


def leaves_classify(
    tree: TreeResult, *, catalogue: dict[str, set[str]], valid_from: date, valid_until: date
) -> list[Leaf]:
    out = []
    for node in tree.leaves:
        characteristics = tree.characteristics(node)
        reasons = leaf_reasons(
            kind=node.label,
            characteristics=characteristics,
            catalogue=catalogue,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        out.append(Leaf(node=node, kind=node.label, characteristics=characteristics, reasons=reasons))
    return out


def compute(
    *,
    con: duckdb.DuckDBPyConnection,
    parameters: TreeParameters,
    window_from: date,
    window_to: date,
    catalogue: dict[str, set[str]],
    valid_from: date,
    valid_until: date,
    progress: Callable[[int, str], None] | None = None,
) -> Computed:
    """Steps 1–7 and the validator over the `records` relation already in `con`."""
    count, checksum = input_checksum(con, window_from=window_from, window_to=window_to)
    if progress:
        progress(40, "grouping")
    rows = con.execute(
        rollup_sql(
            features=parameters.features_ordered,
            window_from=window_from,
            window_to=window_to,
            min_group_size=parameters.min_group_size,
        )
    ).fetchall()
    tree = tree_build(rows, parameters)
    tree.n_records = count
    if progress:
        progress(55, "validating")
    leaves = leaves_classify(tree, catalogue=catalogue, valid_from=valid_from, valid_until=valid_until)
    return Computed(tree=tree, checksum=checksum, leaves=leaves)


def run_document(*, computed: Computed, window_from: date, window_to: date) -> dict[str, Any]:
    """The machine-readable run, schema iob-profile-run/1."""

    def entry(leaf: Leaf) -> dict[str, Any]:
        return {
            "type": leaf.kind,
            "depth": leaf.node.depth,
            "characteristics": leaf.characteristics,
            "n": leaf.node.n,
            "hit_rate": leaf.node.hit_rate,
            "refusal_rate": leaf.node.refusal_rate,
        }

    return {
        "schema": "iob-profile-run/1",
        "parameters": computed.tree.parameters.as_dict(),
        "window": {"from": window_from.isoformat(), "to": window_to.isoformat()},
        "n_records": computed.tree.n_records,
        "input_checksum": computed.checksum,
        "profiles": [entry(leaf) for leaf in computed.leaves if leaf.proposed],
        "dropped": [
            {
                "characteristics": leaf.characteristics,
                "type": leaf.kind,
                "depth": leaf.node.depth,
                "n": leaf.node.n,
                "reason": "; ".join(r["en"] for r in leaf.reasons),
                "codes": [r["code"] for r in leaf.reasons],
            }
            for leaf in computed.leaves
            if not leaf.proposed
        ],
    }


def has_application_characteristic(characteristics: dict[str, str]) -> bool:
    return any(c in APPLICATION_CHARACTERISTICS for c in characteristics)


__all__ = ["CHANCE", "RISK", "Computed", "Leaf", "compute", "path_key", "records_load", "records_view", "run_document"]
