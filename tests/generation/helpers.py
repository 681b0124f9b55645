"""Hand-built record sets for the tree tests."""

from datetime import date

import duckdb

from generation.tree import TreeParameters

DEFAULT_ORDER = (
    "application_location",
    "travel_purpose",
    "age_group",
    "nationality",
    "gender",
    "marital_status",
    "occupation",
)
WINDOW = (date(2020, 11, 1), date(2025, 10, 31))


def params(**over) -> TreeParameters:
    base = {
        "features_ordered": DEFAULT_ORDER,
        "min_group_size": 10,
        "chance_max_hit_rate": 0.1,
        "chance_max_refusal_rate": 0.2,
        "risk_min_hit_rate": 0.3,
        "min_depth": 3,
    }
    base.update(over)
    return TreeParameters.from_dict(base)


def group(
    n,
    *,
    loc="SRPBM",
    purpose="tourism",
    age="25-34",
    nat="SUR",
    gender="M",
    marital="single",
    occupation="professionals",
    hits=0,
    refused=0,
    lodged="2024-05-01",
    decision=None,
):
    """n records of one group, the first `hits` with a chain hit, the first `refused` refused."""
    return [
        {
            "application_location": loc,
            "travel_purpose": purpose,
            "age_group": age,
            "nationality": nat,
            "gender": gender,
            "marital_status": marital,
            "occupation": occupation,
            "chain_hit": i < hits,
            "decision": decision or ("refused" if i < refused else "granted"),
            "lodged_on": lodged,
        }
        for i in range(n)
    ]


def duck(records) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw_records (application_id VARCHAR, lodged_on DATE, nationality VARCHAR, "
        "age_group VARCHAR, gender VARCHAR, marital_status VARCHAR, occupation VARCHAR, "
        "travel_purpose VARCHAR, application_location VARCHAR, chain_hit INTEGER, decision VARCHAR)"
    )
    rows = [
        (
            f"A-{i}",
            r["lodged_on"],
            r["nationality"],
            r["age_group"],
            r["gender"],
            r["marital_status"],
            r["occupation"],
            r["travel_purpose"],
            r["application_location"],
            int(r["chain_hit"]),
            r["decision"],
        )
        for i, r in enumerate(records)
    ]
    if rows:
        con.executemany("INSERT INTO raw_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    from generation.computation import records_view

    records_view(con, "raw_records")
    return con


def tree_of(records, p):
    from generation.tree import rollup_sql, tree_build

    con = duck(records)
    rows = con.execute(
        rollup_sql(
            features=p.features_ordered, window_from=WINDOW[0], window_to=WINDOW[1], min_group_size=p.min_group_size
        )
    ).fetchall()
    return tree_build(rows, p)


def leaves(result):
    """{path: label} of the profiles."""
    return {node.path: node.label for node in result.leaves}
