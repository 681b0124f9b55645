"""Benchmark of the profile-generation run (issue 9) on synthetic decided applications.

For 1,000,000 and 5,000,000 records over five years it times the whole computation of a
run as the service does it: read the window's records from the exported CSV into DuckDB,
the input checksum, the ONE grouped pass (GROUP BY ROLLUP over the seven characteristics
in split order), the tree (cut, label, prune, depth filter) and the one validator on every
leaf. On the same data in the same process it times a straightforward alternative: seven
GROUP BY queries, one per depth, feeding the same tree code, and checks that both give the
same nodes. Each size runs in its own process, so the peak memory printed is that run's.
Last, the same SQL text on a local Spark session over 1,000,000 records, as a reference.

    .venv/bin/python bench/generation_bench.py                 # 1M and 5M, Spark 1M
    .venv/bin/python bench/generation_bench.py --sizes 1000000 --no-spark

Not included: writing the CSV out of PostgreSQL/SQLite (monitoring's selector streams it
with COPY; see bench/bias_report_bench.py for that cost) and storing the ~1,100 proposed
profiles, which is per-profile work independent of the record count.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 10.0
WINDOW = (date(2020, 11, 1), date(2025, 10, 31))
PARAMS = {
    "features_ordered": [
        "application_location",
        "travel_purpose",
        "age_group",
        "nationality",
        "gender",
        "marital_status",
        "occupation",
    ],
    "min_group_size": 100,
    "chance_max_hit_rate": 0.01,
    "chance_max_refusal_rate": 0.05,
    "risk_min_hit_rate": 0.05,
    "min_depth": 3,
}

POSTS = [
    "SRPBM",
    "MACAS",
    "TRIST",
    "INBOM",
    "CNBJS",
    "NGLOS",
    "RUMOW",
    "AEDXB",
    "EGCAI",
    "ZAJNB",
    "IDJKT",
    "PHMNL",
    "THBKK",
    "VNSGN",
    "BRSAO",
    "COBOG",
    "PELIM",
    "KENBO",
    "GHACC",
    "SNDKR",
]
PURPOSES = [
    "tourism",
    "business",
    "family_friends",
    "cultural",
    "sports",
    "official_visit",
    "medical",
    "study",
    "airport_transit",
    "other",
]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+", "0-17"]
NATIONALITIES = [
    "CHN",
    "IND",
    "SUR",
    "MAR",
    "TUR",
    "NGA",
    "RUS",
    "IDN",
    "PHL",
    "EGY",
    "ZAF",
    "THA",
    "VNM",
    "BRA",
    "COL",
    "PER",
    "KEN",
    "GHA",
    "SEN",
    "SYR",
    "IRN",
    "PAK",
    "UKR",
    "DZA",
    "TUN",
]
GENDERS = ["F", "M", "X"]
MARITAL = ["married", "single", "divorced", "widowed", "registered_partnership", "separated", "other"]
OCCUPATIONS = [
    "professionals",
    "managers",
    "student",
    "retired",
    "service_sales",
    "technicians",
    "clerical",
    "craft_trades",
    "elementary",
    "unemployed",
    "homemaker",
    "operators",
    "agricultural",
    "minor",
    "seafarer",
    "armed_forces",
    "other",
]


def _pick(values: list[str], skew: float) -> str:
    # Skewed choice: the first values are the most common, as in real application data.
    return f"{values!r}[1 + CAST(floor(pow(random(), {skew}) * {len(values)}) AS INTEGER)]"


def make_csv(path: str, n: int) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""
        CREATE TABLE drawn AS
          SELECT 'A-' || i AS application_id,
                 DATE '2020-09-01' + CAST(floor(random() * 1900) AS INTEGER) AS lodged_on,
                 {_pick(NATIONALITIES, 2.2)} AS nationality, {_pick(AGES, 1.6)} AS age_group,
                 {_pick(GENDERS, 1.3)} AS gender, {_pick(MARITAL, 1.8)} AS marital_status,
                 {_pick(OCCUPATIONS, 2.0)} AS occupation, {_pick(PURPOSES, 2.5)} AS travel_purpose,
                 {_pick(POSTS, 1.7)} AS application_location, random() AS u, random() AS v
          FROM range({n}) t(i)""")
    # Some groups do worse later (chain hits), some are refused more often.
    con.execute(f"""
        COPY (
          SELECT application_id, lodged_on, nationality, age_group, gender, marital_status, occupation,
                 travel_purpose, application_location,
                 CASE WHEN u < CASE WHEN nationality IN ('NGA', 'SYR', 'GHA')
                   AND travel_purpose IN ('family_friends', 'business') THEN 0.09 ELSE 0.004 END
                   THEN 1 ELSE 0 END AS chain_hit,
                 CASE WHEN v < CASE WHEN occupation IN ('unemployed', 'other') THEN 0.2 ELSE 0.03 END
                   THEN 'refused' ELSE 'granted' END AS decision
          FROM drawn
        ) TO '{path}' (FORMAT csv, HEADER false)""")


def catalogue() -> dict[str, set[str]]:
    # Every code of the data, plus one more, so that a single-code criterion is a proper subset.
    return {
        "application_location": {*POSTS, "XXAAA"},
        "travel_purpose": set(PURPOSES),
        "age_group": set(AGES),
        "nationality": {*NATIONALITIES, "XXX"},
        "gender": set(GENDERS),
        "marital_status": set(MARITAL),
        "occupation": set(OCCUPATIONS),
    }


def seven_group_by_sql(features, min_group_size: int) -> list[str]:
    """The straightforward alternative: one query per depth (the root is depth 0)."""
    out = []
    for depth in range(0, 8):
        cols = list(features[:depth])
        nulls = ["NULL"] * (7 - depth)
        select = ", ".join(cols + nulls + [str(depth)])
        group = f"GROUP BY {', '.join(cols)} " if cols else ""
        out.append(
            f"SELECT {select}, COUNT(*), SUM(CASE WHEN chain_hit THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN decision = 'refused' THEN 1 ELSE 0 END) FROM records "
            f"WHERE decision IN ('granted', 'refused') AND lodged_on BETWEEN DATE '{WINDOW[0]}' "
            f"AND DATE '{WINDOW[1]}' {group}HAVING COUNT(*) >= {min_group_size}"
        )
    return out


def measure(csv_path: str) -> dict:
    """One size, in this process: the service's computation, and the seven-query alternative."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iob_portal.settings")
    import django

    django.setup()
    import duckdb

    from generation.computation import RECORD_TYPES, compute, records_view
    from generation.tree import TreeParameters, rollup_sql, tree_build
    from monitoring.selectors import DECIDED_RECORD_COLUMNS

    params = TreeParameters.from_dict(PARAMS)
    columns = {name: RECORD_TYPES[name] for name in DECIDED_RECORD_COLUMNS}
    cat = catalogue()
    valid = (date(2025, 12, 1), date(2025, 12, 31))

    started, started_cpu = time.perf_counter(), time.process_time()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw_records AS SELECT * FROM read_csv(?, header = false, columns = ?, "
        "auto_detect = false, strict_mode = true)",
        [csv_path, columns],
    )
    records_view(con, "raw_records")
    loaded = time.perf_counter()
    computed = compute(
        con=con,
        parameters=params,
        window_from=WINDOW[0],
        window_to=WINDOW[1],
        catalogue=cat,
        valid_from=valid[0],
        valid_until=valid[1],
    )
    whole = time.perf_counter() - started
    whole_cpu = time.process_time() - started_cpu
    after_load = time.perf_counter() - loaded

    t, c = time.perf_counter(), time.process_time()
    rollup_rows = con.execute(
        rollup_sql(
            features=params.features_ordered,
            window_from=WINDOW[0],
            window_to=WINDOW[1],
            min_group_size=params.min_group_size,
        )
    ).fetchall()
    rollup_s, rollup_cpu = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    seven_rows = []
    for sql in seven_group_by_sql(params.features_ordered, params.min_group_size):
        seven_rows += con.execute(sql).fetchall()
    seven_tree = tree_build(seven_rows, params)
    seven_s, seven_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    tree_build(rollup_rows, params)
    rollup_tree_s = rollup_s + time.perf_counter() - t
    rollup_tree_cpu = rollup_cpu + time.process_time() - c

    def nodes(rows):
        return sorted((tuple(r[: int(r[7])]), int(r[8]), int(r[9]), int(r[10])) for r in rows)

    same = nodes(rollup_rows) == nodes(seven_rows) and [n.path for n in seven_tree.leaves] == [
        n.path for n in computed.tree.leaves
    ]
    proposed = [leaf for leaf in computed.leaves if leaf.proposed]
    return {
        "records_in_window": computed.tree.n_records,
        "whole_run_s": round(whole, 3),
        "whole_run_cpu_s": round(whole_cpu, 3),
        "load_s": round(loaded - started, 3),
        "checksum_rollup_tree_validate_s": round(after_load, 3),
        "rollup_query_s": round(rollup_s, 3),
        "seven_group_by_s": round(seven_s, 3),
        "rollup_plus_tree_s": round(rollup_tree_s, 3),
        "ratio_seven_over_rollup": round(seven_s / rollup_tree_s, 2),
        "seven_group_by_cpu_s": round(seven_cpu, 3),
        "rollup_plus_tree_cpu_s": round(rollup_tree_cpu, 3),
        "ratio_cpu": round(seven_cpu / rollup_tree_cpu, 2),
        "nodes_after_cut": computed.tree.nodes_after_cut,
        "profiles": len(proposed),
        "chance": sum(1 for leaf in proposed if leaf.kind == "chance"),
        "risk": sum(1 for leaf in proposed if leaf.kind == "risk"),
        "dropped": len(computed.leaves) - len(proposed),
        "same_tree": same,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def spark_reference(csv_path: str) -> dict:
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    from generation.tree import rollup_sql

    t = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("iob-generation-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    schema = (
        "application_id string, lodged_on date, nationality string, age_group string, gender string, "
        "marital_status string, occupation string, travel_purpose string, application_location string, "
        "chain_hit int, decision string"
    )
    spark.read.csv(csv_path, schema=schema).createOrReplaceTempView("raw_records")
    spark.sql("SELECT * EXCEPT (chain_hit), chain_hit = 1 AS chain_hit FROM raw_records").createOrReplaceTempView(
        "records"
    )
    rows = spark.sql(
        rollup_sql(
            features=PARAMS["features_ordered"],
            window_from=WINDOW[0],
            window_to=WINDOW[1],
            min_group_size=PARAMS["min_group_size"],
        )
    ).collect()
    query_s = time.perf_counter() - started
    spark.stop()
    return {"session_start_s": round(started - t, 1), "read_and_rollup_s": round(query_s, 1), "nodes": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000,5000000")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--spark", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))  # noqa: T201
        return
    if args.spark:
        print(json.dumps(spark_reference(args.spark)))
        return
    failures = []
    with tempfile.TemporaryDirectory(prefix="iob-generation-bench-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = os.path.join(tmp, f"records-{n}.csv")
            make_csv(path, n)
            out = subprocess.run(
                [sys.executable, __file__, "--measure", path], capture_output=True, text=True, check=True, cwd=ROOT
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>9,} records: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
            if n <= 1_000_000 and figures["whole_run_s"] >= TARGET_S:
                failures.append(f"{n} records: whole run {figures['whole_run_s']} s (target < {TARGET_S} s)")
            if not figures["same_tree"]:
                failures.append(f"{n} records: the seven-query tree differs")
            if n == 1_000_000 and not args.no_spark:
                out = subprocess.run(
                    [sys.executable, __file__, "--spark", path], capture_output=True, text=True, check=True, cwd=ROOT
                )
                spark = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"{n:>9,} records on Spark local[2] (reference): " + ", ".join(f"{k}={v}" for k, v in spark.items())
                )
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
