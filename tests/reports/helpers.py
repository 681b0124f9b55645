"""Monitoring records for report tests, written straight into the table (the import has
its own tests), and a small driver for the figures."""

from datetime import date, timedelta
from itertools import count

from monitoring.models import MonitoringRecord

BASE = {
    "nationality": "SYR",
    "age_group": "25-34",
    "gender": "M",
    "marital_status": "single",
    "occupation": "professionals",
    "travel_purpose": "tourism",
    "application_location": "SRPBM",
}
_ids = count(1)


def rec(
    n: int = 1,
    *,
    lodged: str = "2025-01-15",
    advice: str = "regular",
    decision: str = "granted",
    officer: str | None = None,
    profiles: str = "",
    **characteristics,
) -> list[dict]:
    """n identical records (as dicts). The officer defaults to O-1 unless pending."""
    if officer is None:
        officer = "" if decision == "pending" else "O-1"
    row = {
        **BASE,
        **characteristics,
        "lodged_on": lodged,
        "advice": advice,
        "decision": decision,
        "officer_id": officer,
        "matched_profiles": profiles,
    }
    return [dict(row) for _ in range(n)]


def records_create(rows: list[dict]) -> list[MonitoringRecord]:
    objs = []
    for row in rows:
        lodged = date.fromisoformat(row["lodged_on"])
        decided = None if row["decision"] == "pending" else lodged + timedelta(days=3)
        objs.append(
            MonitoringRecord(application_id=f"T-{next(_ids):07d}", decided_on=decided, **{**row, "lodged_on": lodged})
        )
    return MonitoringRecord.objects.bulk_create(objs)


def figures(*, period=("2025-01-01", "2025-12-31"), **parameters):
    from reports.computation import bias_figures_compute
    from reports.parameters import ReportParameters

    return bias_figures_compute(
        period_from=date.fromisoformat(period[0]),
        period_to=date.fromisoformat(period[1]),
        parameters=ReportParameters(**parameters),
    )


def figures_from_rows(rows: list[dict], *, period=("2025-01-01", "2025-12-31"), **parameters):
    """The same aggregation and statistics, fed from rows in memory instead of the
    database (fast enough to run for every example of a property test)."""
    from reports.computation import duckdb_connect
    from reports.computation.aggregation import aggregate
    from reports.computation.assemble import figures_assemble
    from reports.computation.schema import RECORD_COLUMNS
    from reports.parameters import ReportParameters

    con = duckdb_connect()
    try:
        con.execute("CREATE TEMP TABLE records (" + ", ".join(f"{c} VARCHAR" for c in RECORD_COLUMNS) + ")")
        if rows:
            con.executemany(
                f"INSERT INTO records VALUES ({', '.join('?' * len(RECORD_COLUMNS))})",
                [[r["lodged_on"][:7], *(r[c] for c in RECORD_COLUMNS[1:])] for r in rows],
            )
        agg = aggregate(con)
    finally:
        con.close()
    return figures_assemble(
        agg=agg,
        period_from=date.fromisoformat(period[0]),
        period_to=date.fromisoformat(period[1]),
        parameters=ReportParameters(**parameters),
    )
