"""The one grouped pass is the same text on DuckDB and Spark SQL, and gives the same tree.

Runs a local Spark session (pyspark from PyPI, Java 17 from Debian; `make test` installs
both). Not skipped: without Java or pyspark this test fails, in CI too."""

import random
from datetime import date, timedelta

import pytest

from generation.tree import rollup_sql, tree_build

from .helpers import DEFAULT_ORDER, WINDOW, duck, params

pytestmark = pytest.mark.spark

VALUES = {
    "application_location": ["SRPBM", "MACAS", "TRIST"],
    "travel_purpose": ["tourism", "business"],
    "age_group": ["18-24", "25-34", "35-44"],
    "nationality": ["SUR", "NGA", "CHN", "MAR"],
    "gender": ["F", "M"],
    "marital_status": ["single", "married"],
    "occupation": ["professionals", "student"],
}


def _records(n=6000, seed=7):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = {c: rng.choice(v) for c, v in VALUES.items()}
        risky = r["travel_purpose"] == "business" and r["application_location"] == "MACAS"
        r["chain_hit"] = rng.random() < (0.4 if risky else 0.02)
        r["decision"] = rng.choice(["granted"] * 9 + ["refused", "pending"])
        r["lodged_on"] = (date(2019, 6, 1) + timedelta(days=rng.randrange(2400))).isoformat()
        out.append(r)
    return out


def _nodes(rows):
    return sorted((tuple(str(v) for v in row[: int(row[7])]), int(row[8]), int(row[9]), int(row[10])) for row in rows)


def test_spark_runs_the_same_sql_and_gets_the_same_tree(monkeypatch):
    from pyspark.sql import SparkSession

    # Bind to the loopback: resolving the machine's own name can take minutes in a sandbox.
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")

    records = _records()
    p = params(min_group_size=30, chance_max_hit_rate=0.03, chance_max_refusal_rate=0.15, risk_min_hit_rate=0.2)
    sql = rollup_sql(
        features=p.features_ordered, window_from=WINDOW[0], window_to=WINDOW[1], min_group_size=p.min_group_size
    )
    duck_rows = duck(records).execute(sql).fetchall()

    spark = (
        SparkSession.builder.master("local[1]")
        .appName("iob-generation-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        frame = spark.createDataFrame(
            [
                (*(r[c] for c in DEFAULT_ORDER), r["chain_hit"], r["decision"], date.fromisoformat(r["lodged_on"]))
                for r in records
            ],
            schema=", ".join(f"{c} string" for c in DEFAULT_ORDER) + ", chain_hit boolean, decision string, "
            "lodged_on date",
        )
        frame.createOrReplaceTempView("records")
        spark_rows = [tuple(row) for row in spark.sql(sql).collect()]
    finally:
        spark.stop()

    assert _nodes(spark_rows) == _nodes(duck_rows)
    assert len(duck_rows) > 50
    duck_tree, spark_tree = tree_build(duck_rows, p), tree_build(spark_rows, p)
    assert [(n.path, n.label, n.n) for n in spark_tree.leaves] == [(n.path, n.label, n.n) for n in duck_tree.leaves]
    assert {n.label for n in duck_tree.leaves} == {"chance", "risk"}
