"""Between reading a file and keeping its records: the staging table and the merge.

Checked rows go, chunk by chunk, into a temporary table of the database connection, so
that a file of any size never sits in memory, and are merged into the records with
`INSERT … ON CONFLICT (application_id) DO UPDATE` inside one transaction: all or nothing.
A row whose values did not change is left alone, so importing a file twice changes
nothing the second time. PostgreSQL receives the rows through COPY; SQLite through
executemany. Everything else is the same SQL.

The whole file is staged before anything is merged, and merged in one statement: a
merge per chunk, in one open transaction on a writer thread so that the database's work
overlaps Python's, was tried on PostgreSQL and was no faster (the per-statement cost of
many small merges ate the overlap), and on SQLite it would hold the one write lock for
the whole read.
"""

import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import IntegrityError, ProgrammingError, connection, transaction

from .columns import COLUMNS
from .models import MonitoringRecord

TABLE = MonitoringRecord._meta.db_table

_PG_TYPES = {
    "application_id": "varchar(64)",
    "lodged_on": "date",
    "decided_on": "date",
    "applicant_hit": "boolean",
    "referent_hit": "boolean",
    "employer_hit": "boolean",
    "chain_hit": "boolean",
    "refusal_ground": "smallint",
}
_SQLITE_TYPES = {
    "applicant_hit": "integer",
    "referent_hit": "integer",
    "employer_hit": "integer",
    "chain_hit": "integer",
    "refusal_ground": "integer",
}


class Staging:
    """A temporary table of (row_no, *COLUMNS). Use as a context manager: it is dropped on exit."""

    def __init__(self) -> None:
        self.name = f"monitoring_staging_{uuid.uuid4().hex[:16]}"
        self.postgres = connection.vendor == "postgresql"
        self.rows = 0

    def __enter__(self) -> "Staging":
        types = _PG_TYPES if self.postgres else _SQLITE_TYPES
        columns = ", ".join(f"{c} {types.get(c, 'text')}" for c in COLUMNS)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.name} (row_no integer, {columns})")
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # A failed statement inside the caller's transaction must not hide the original error.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
        except Exception:  # noqa: BLE001
            if exc_info[0] is None:
                raise

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Append rows of (row_no, *COLUMNS values)."""
        if not rows:
            return
        self.rows += len(rows)
        names = "row_no, " + ", ".join(COLUMNS)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
                cursor.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({marks})", rows)

    def duplicates(self) -> Iterator[tuple[str, int, int]]:
        """(application_id, row_no, first row_no) for every repeat of an id, in file order."""
        return duplicates_in(self.name)

    def merge(self, *, now: datetime) -> tuple[int, int]:
        """Insert new ids, update changed ones. Returns (inserted, updated). Run inside a
        transaction. Raises RepeatedIds when PostgreSQL finds an id twice in the file."""
        names = ", ".join(COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:]) + ", imported_at = excluded.imported_at"
        differs = " IS DISTINCT FROM " if self.postgres else " IS NOT "
        changed = " OR ".join(f"{TABLE}.{c}{differs}excluded.{c}" for c in COLUMNS[1:])
        stamp = connection.ops.adapt_datetimefield_value(now)
        # In id order: the unique index then grows at its end instead of everywhere at once.
        select = f"SELECT {names}, %s FROM {self.name} WHERE true ORDER BY application_id"
        upsert = (
            f"INSERT INTO {TABLE} ({names}, imported_at) {select} "
            f"ON CONFLICT (application_id) DO UPDATE SET {sets} WHERE {changed}"
        )
        with connection.cursor() as cursor:
            if not self.postgres:
                # SQLite holds the write lock for the whole transaction: counting around
                # the statement is exact.
                cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
                before = cursor.fetchone()[0]
                cursor.execute(upsert, [stamp])
                touched = cursor.rowcount
                cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
                inserted = cursor.fetchone()[0] - before
                return inserted, touched - inserted
            # One import at a time (readers go on): the empty-table test below stays true.
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")
            try:
                if not cursor.fetchone()[0] and self.rows >= BULK_LOAD_ROWS:
                    return _bulk_load(cursor, f"INSERT INTO {TABLE} ({names}, imported_at) {select}", stamp), 0
                # xmax = 0 marks a row this statement inserted (rather than updated).
                cursor.execute(
                    f"WITH merged AS ({upsert} RETURNING (xmax = 0) AS inserted) "
                    f"SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FROM merged",
                    [stamp],
                )
            except (IntegrityError, ProgrammingError) as error:
                # 21000: ON CONFLICT DO UPDATE met the same id twice; 23505: the unique
                # constraint, put back after a bulk load, did.
                if getattr(error.__cause__, "sqlstate", None) in ("21000", "23505"):
                    raise RepeatedIds from error
                raise
            inserted, touched = cursor.fetchone()
            return inserted, touched - inserted


class RepeatedIds(Exception):
    """The staged file holds an application id more than once."""


# A first load of at least this many rows into an empty table (PostgreSQL) drops the
# unique constraint and the other indexes, inserts, and builds them again: building an
# index from sorted data costs a fraction of keeping it up to date row by row.
BULK_LOAD_ROWS = 50_000


def _bulk_load(cursor, insert: str, stamp: Any) -> int:
    quote = connection.ops.quote_name
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [TABLE],
    )
    uniques = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [TABLE],
    )
    indexes = cursor.fetchall()
    for name, _definition in uniques:
        cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    cursor.execute(insert, [stamp])
    inserted = cursor.rowcount
    for name, definition in uniques:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {quote(name)} {definition}")
    for _name, definition in indexes:
        cursor.execute(definition)
    return inserted


def duplicates_in(table: str) -> Iterator[tuple[str, int, int]]:
    sql = (
        f"SELECT s.application_id, s.row_no, d.first_row FROM {table} s JOIN ("
        f"  SELECT application_id, MIN(row_no) AS first_row FROM {table}"
        f"  GROUP BY application_id HAVING COUNT(*) > 1) d ON d.application_id = s.application_id "
        f"WHERE s.row_no > d.first_row ORDER BY s.row_no"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(1000):
            yield from batch


Commit = Callable[[int, int], None]
Duplicates = list[tuple[str, int, int]]


class StagedMerge:
    """Stage everything, then merge in one statement (see the module docstring)."""

    def __init__(self, *, now: datetime):
        self.now = now
        self.staging = Staging()

    def __enter__(self) -> "StagedMerge":
        self.staging.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.staging.__exit__(*exc_info)

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        self.staging.add(rows)

    def finish(self, *, good: bool, commit: Commit) -> Duplicates:
        """Merge and `commit(inserted, updated)` in one transaction when the file is good
        and has no repeated id; else keep nothing. Returns the repeated ids."""
        staging = self.staging
        if not staging.rows:
            return []
        # PostgreSQL's merge refuses a repeated id by itself: a good file skips the search.
        if not good or not staging.postgres:
            repeated = list(staging.duplicates())
            if repeated or not good:
                return repeated
        try:
            with transaction.atomic():
                commit(*staging.merge(now=self.now))
            return []
        except RepeatedIds:
            return list(staging.duplicates())


def chunked(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
