"""One pass of grouped aggregation over the records, with SQL grouping sets.

Every grouping set counts the records per advice × decision cell (3 × 4 = 12 cells), so
every later figure (n, decided, refused per advice, follow rate) is a sum of cells. The
sets: the population; each characteristic; each pair of characteristics; officers;
months; and each distinct `matched_profiles` text, which a second, small query over the
aggregate splits into profile codes (versions folded). The SQL is plain grouping sets, so
it runs unchanged on DuckDB here and on PostgreSQL or Spark SQL elsewhere.
"""

from dataclasses import dataclass
from itertools import combinations

import duckdb
import numpy as np

from .schema import ADVICE, CHARACTERISTICS, DECISIONS

DIMENSIONS: tuple[str, ...] = (*CHARACTERISTICS, "officer_id", "month", "matched_profiles")
N_CELLS = len(ADVICE) * len(DECISIONS)


@dataclass
class Counts:
    """Rows of one grouping set: their key values and their cells (rows × advice × decision)."""

    dims: tuple[str, ...]
    keys: list[tuple[str, ...]]
    cells: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Aggregates:
    population: np.ndarray  # advice × decision
    one_way: list[Counts]
    two_way: list[Counts]
    officers: Counts
    months: Counts
    profiles: Counts


def _gid(dims: tuple[str, ...]) -> int:
    # GROUPING(d1, ..., dk) sets the bit of each argument that is NOT grouped, first argument highest.
    width = len(DIMENSIONS)
    return sum(1 << (width - 1 - i) for i, d in enumerate(DIMENSIONS) if d not in dims)


def _cell_columns() -> str:
    return ", ".join(f"c{k}" for k in range(N_CELLS))


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list, dims: tuple[str, ...]) -> Counts:
    res = con.execute(sql, params).fetchnumpy()
    rows = len(res["c0"])
    cells = (
        np.column_stack([np.asarray(res[f"c{k}"], dtype=np.int64) for k in range(N_CELLS)])
        if rows
        else np.zeros((0, N_CELLS), dtype=np.int64)
    )
    keys = list(zip(*(res[d].tolist() for d in dims), strict=True)) if dims else [()] * rows
    return Counts(dims=dims, keys=keys, cells=cells.reshape(rows, len(ADVICE), len(DECISIONS)))


def aggregate(con: duckdb.DuckDBPyConnection) -> Aggregates:
    """Aggregate DuckDB table `records` (see loading.records_load)."""
    advice = " ".join(f"WHEN '{a}' THEN {i}" for i, a in enumerate(ADVICE))
    decision = " ".join(f"WHEN '{x}' THEN {i}" for i, x in enumerate(DECISIONS))
    cell = f"((CASE advice {advice} END) * {len(DECISIONS)} + (CASE decision {decision} END))::UTINYINT"

    one_way = [(c,) for c in CHARACTERISTICS]
    two_way = list(combinations(CHARACTERISTICS, 2))
    single = [("officer_id",), ("month",), ("matched_profiles",)]
    sets = [(), *one_way, *two_way, *single]
    grouping_sets = ", ".join("(" + ", ".join((*s, "cell")) + ")" for s in sets)
    dims = ", ".join(DIMENSIONS)
    # The one pass over the records.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE grouped AS SELECT GROUPING({dims}) AS gid, {dims}, cell, "
        f"count(*) AS n FROM (SELECT {dims}, {cell} AS cell FROM records) "
        f"GROUP BY GROUPING SETS ({grouping_sets})"
    )
    pivot = ", ".join(f"coalesce(sum(n) FILTER (WHERE cell = {k}), 0)::BIGINT AS c{k}" for k in range(N_CELLS))
    con.execute(f"CREATE OR REPLACE TEMP TABLE cube AS SELECT gid, {dims}, {pivot} FROM grouped GROUP BY ALL")

    def rows_of(set_dims: tuple[str, ...]) -> Counts:
        select = ", ".join([f"{d}::VARCHAR AS {d}" for d in set_dims] + [_cell_columns()])
        order = ", ".join(f"{d}::VARCHAR" for d in set_dims) or "1"
        return _fetch(con, f"SELECT {select} FROM cube WHERE gid = ? ORDER BY {order}", [_gid(set_dims)], set_dims)

    population = rows_of(())
    pop_cells = population.cells[0] if len(population) else np.zeros((len(ADVICE), len(DECISIONS)), np.int64)

    sums = ", ".join(f"sum(c{k})::BIGINT AS c{k}" for k in range(N_CELLS))
    split = (
        "list_distinct(list_filter(list_transform(string_split(matched_profiles::VARCHAR, ';'), "
        "lambda x: trim(split_part(trim(x), '@', 1))), lambda x: x <> ''))"
    )
    profiles = _fetch(
        con,
        f"SELECT code, {sums} FROM (SELECT unnest({split}) AS code, {_cell_columns()} FROM cube WHERE gid = ?) "
        "GROUP BY code ORDER BY code",
        [_gid(("matched_profiles",))],
        ("code",),
    )

    return Aggregates(
        population=pop_cells,
        one_way=[rows_of(s) for s in one_way],
        two_way=[rows_of(s) for s in two_way],
        officers=rows_of(("officer_id",)),
        months=rows_of(("month",)),
        profiles=profiles,
    )
