"""Reading the period's monitoring records into DuckDB: the narrow columns only, streamed.

The rows never become Python objects one by one. PostgreSQL writes them with COPY; SQLite
joins each row's columns into one delimited line inside the database. Either way the
text goes to a temporary file in chunks and DuckDB parses it in bulk, so memory stays flat
however many records the period holds.

This reads `monitoring`'s table directly (column names from its model), because no
selector can hand over a million rows cheaply; it only reads.
"""

import os
import tempfile
from collections.abc import Callable
from datetime import date

import duckdb
from django.db import connection

from monitoring.models import MonitoringRecord

from .schema import CHARACTERISTICS, RECORD_COLUMNS

_FETCH_ROWS = 50_000
_CHUNK_IDS = 100_000
# SQLite's lines are separated by the ASCII unit separator, unquoted: no code or pseudonym
# holds control characters, and should one slip in, the strict parse below rejects the
# file (the job fails and says why) rather than misreading it.
_UNIT_SEPARATOR = "\x1f"
# Marks NULL in the exported text; nothing else can look like it, so "" stays "".
_NULL = "\x00"
# Below this share of the table, SQLite reads the period through the lodged_on index;
# above it a straight scan is several times faster than index lookups.
_INDEX_SHARE = 0.25


def _columns() -> dict[str, str]:
    """Record column name -> database column."""
    fields = {f.name: f.column for f in MonitoringRecord._meta.concrete_fields}
    return {name: fields[name] for name in (*CHARACTERISTICS, "advice", "decision", "officer_id", "matched_profiles")}


def _export_postgresql(path: str, table: str, cols: dict[str, str], period: tuple[date, date]) -> None:
    q = connection.ops.quote_name
    select = ", ".join([f"to_char({q('lodged_on')}, 'YYYY-MM')"] + [q(c) for c in cols.values()])
    # Dates are bound client-side by psycopg: COPY takes no server-side parameters.
    sql = f"COPY (SELECT {select} FROM {q(table)} WHERE {q('lodged_on')} BETWEEN %s AND %s) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor, open(path, "wb") as out:
        raw = cursor.cursor
        with raw.copy(sql, period) as copy:
            for block in copy:
                out.write(block)


def _export_sqlite(path: str, table: str, cols: dict[str, str], period: tuple[date, date]) -> None:
    q = connection.ops.quote_name
    parts = [f"substr({q('lodged_on')}, 1, 7)"] + [q(column) for column in cols.values()]
    line = " || char(31) || ".join(parts)
    pk = q(MonitoringRecord._meta.pk.column)
    params = [period[0].isoformat(), period[1].isoformat()]
    with connection.cursor() as cursor, open(path, "w", encoding="utf-8", newline="") as out:
        cursor.execute(f"SELECT count(*) FROM {q(table)} WHERE {q('lodged_on')} BETWEEN %s AND %s", params)
        (in_period,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*), min({pk}), max({pk}) FROM {q(table)}")
        total, first, last = cursor.fetchone()
        if not in_period or in_period < _INDEX_SHARE * total:
            cursor.execute(f"SELECT {line} FROM {q(table)} WHERE {q('lodged_on')} BETWEEN %s AND %s", params)
            while rows := cursor.fetchmany(_FETCH_ROWS):
                (lines,) = zip(*rows, strict=True)
                out.write("\n".join(lines))
                out.write("\n")
            return
        # Most of the table: walk it by primary-key ranges ("+" keeps SQLite off the
        # lodged_on index) and let SQLite join each range into one text, so Python
        # handles a few dozen strings instead of a million rows.
        for start in range(first, last + 1, _CHUNK_IDS):
            cursor.execute(
                f"SELECT group_concat({line}, char(10)) FROM {q(table)} "
                f"WHERE {pk} >= %s AND {pk} < %s AND +{q('lodged_on')} BETWEEN %s AND %s",
                [start, start + _CHUNK_IDS, *params],
            )
            (text,) = cursor.fetchone()
            if text:
                out.write(text)
                out.write("\n")


def _export_generic(path: str, table: str, cols: dict[str, str], period: tuple[date, date]) -> None:
    # Any other database: plain rows through the csv module (slower, same result).
    import csv

    q = connection.ops.quote_name
    select = ", ".join([q("lodged_on")] + [q(c) for c in cols.values()])
    with connection.cursor() as cursor, open(path, "w", encoding="utf-8", newline="") as out:
        cursor.execute(f"SELECT {select} FROM {q(table)} WHERE {q('lodged_on')} BETWEEN %s AND %s", list(period))
        writer = csv.writer(out)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            writer.writerows((str(r[0])[:7], *r[1:]) for r in rows)


def records_load(
    *,
    con: duckdb.DuckDBPyConnection,
    period_from: date,
    period_to: date,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Create DuckDB table `records` (RECORD_COLUMNS, all text) with the records lodged in
    [period_from, period_to]. Returns how many there are."""
    cols = _columns()
    table = MonitoringRecord._meta.db_table
    vendor = connection.vendor
    fd, path = tempfile.mkstemp(prefix="iob-bias-", suffix=".csv")
    os.close(fd)
    try:
        if vendor == "postgresql":
            _export_postgresql(path, table, cols, (period_from, period_to))
            delimiter, quote = ",", '"'
        elif vendor == "sqlite":
            _export_sqlite(path, table, cols, (period_from, period_to))
            delimiter, quote = _UNIT_SEPARATOR, ""
        else:
            _export_generic(path, table, cols, (period_from, period_to))
            delimiter, quote = ",", '"'
        if progress:
            progress(30, "records read")
        types = {name: "VARCHAR" for name in RECORD_COLUMNS}
        # No column is NULL in the model; an empty field is "" (a pending record's officer).
        con.execute(
            "CREATE OR REPLACE TEMP TABLE records AS SELECT * FROM read_csv(?, header = false, columns = ?, "
            "delim = ?, quote = ?, escape = ?, nullstr = ?, allow_quoted_nulls = false, auto_detect = false, "
            "strict_mode = true)",
            [path, types, delimiter, quote, quote, _NULL],
        )
    finally:
        os.unlink(path)
    return con.execute("SELECT count(*) FROM records").fetchall()[0][0]
