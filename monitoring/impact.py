"""What a profile would have done over a past period (the impact preview).

For the records lodged in the period: how many the profile hits; the share of each
nationality, gender, age group and post among the hits against the whole population;
the hits' refusal rate and later chain-hit rate against the population's (both over
decided records, granted or refused, as profile generation counts them); and the track
mix as recorded against the track mix had this profile been in force as well.

"Had it been in force" applies the advice rule to the recorded advice, which already
holds every known-party hit and every profile then in force: a risk profile turns each
hit into `intensive`; a chance profile turns a hit that was `regular` into `fast` (an
`intensive` stays, as the rule puts risk first). No per-record Python: the database
groups, and what comes back is one row per group.

The SQL is plain GROUP BY, run once per dimension (UNION ALL), so that it runs unchanged
on SQLite, PostgreSQL, DuckDB or Spark SQL. The population's groups do not depend on the
profile and are cached (per period, until the data change); the hits take one pass.
"""

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from profiles.characteristics import Characteristic

from .models import MonitoringRecord

TABLE = MonitoringRecord._meta.db_table
DIMENSIONS: tuple[str, ...] = (
    Characteristic.NATIONALITY,
    Characteristic.GENDER,
    Characteristic.AGE_GROUP,
    Characteristic.APPLICATION_LOCATION,
)
TRACKS = ("fast", "regular", "intensive")
_DECIDED = "decision IN ('granted', 'refused')"
_COLUMNS = frozenset(Characteristic.values)
POPULATION_CACHE_SECONDS = 6 * 3600


def hit_predicate(criteria: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The profile as SQL: every criterion's characteristic IN its codes."""
    parts, params = [], []
    for characteristic, values in sorted(criteria.items()):
        if characteristic not in _COLUMNS or not values:  # a stored criterion always passes both
            raise ValueError(f"not a criterion: {characteristic}")
        parts.append(f"{characteristic} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)
    return "(" + " AND ".join(parts) + ")", params


def _period(period_from: date, period_until: date, *, full_scan: bool) -> tuple[str, list[Any]]:
    # SQLite walks the lodged_on index row by row, which is slower than reading the table
    # when the period holds most of it; "+lodged_on" tells it to read the table.
    column = "+lodged_on" if full_scan and connection.vendor == "sqlite" else "lodged_on"
    return f"{column} BETWEEN %s AND %s", [period_from, period_until]


def _data_version() -> str:
    """Changes whenever records may have changed: every write goes through an import run."""
    from .models import ImportRun, ImportStatus

    last = (
        ImportRun.objects.filter(status=ImportStatus.IMPORTED).order_by("-id").values_list("id", "finished_at").first()
    )
    top = MonitoringRecord.objects.order_by("-id").values_list("id", flat=True).first()
    return f"{last[0]}@{last[1].isoformat() if last[1] else ''}:{top}" if last else f"none:{top}"


def period_record_count(*, period_from: date, period_until: date) -> int:
    return MonitoringRecord.objects.filter(lodged_on__range=(period_from, period_until)).count()


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def impact_compute(*, profile, period_from: date, period_until: date, records: int | None = None) -> dict[str, Any]:
    """The preview's figures as plain JSON-able data (stored as is for large periods).
    `records`: the number of records in the period, when the caller counted them already."""
    criteria = {c.characteristic: list(c.values) for c in profile.criteria.all()}
    hit_sql, hit_params = hit_predicate(criteria)
    in_period = (
        records if records is not None else period_record_count(period_from=period_from, period_until=period_until)
    )
    total = MonitoringRecord.objects.count() if connection.vendor == "sqlite" else 0
    where, where_params = _period(period_from, period_until, full_scan=in_period * 8 > total)

    sums = (
        f"SUM(CASE WHEN {_DECIDED} THEN 1 ELSE 0 END), SUM(CASE WHEN decision = 'refused' THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN chain_hit AND {_DECIDED} THEN 1 ELSE 0 END)"
    )
    # The first dimension also carries the advice and the outcomes, from which the
    # population's totals follow: one pass fewer over the period.
    first, *others = DIMENSIONS
    dimension_sql = " UNION ALL ".join(
        [
            f"SELECT '{first}', {first}, advice, COUNT(*), {sums} FROM {TABLE} WHERE {where} GROUP BY {first}, advice",
            *(
                f"SELECT '{d}', {d}, NULL, COUNT(*), NULL, NULL, NULL FROM {TABLE} WHERE {where} GROUP BY {d}"
                for d in others
            ),
        ]
    )
    hits_sql = (
        f"SELECT {', '.join(DIMENSIONS)}, advice, COUNT(*), {sums} "
        f"FROM {TABLE} WHERE {where} AND {hit_sql} GROUP BY {', '.join(DIMENSIONS)}, advice"
    )
    # The population's side does not depend on the profile: kept per period until the
    # data change, so that the next profile previewed over the same year costs one pass.
    key = f"monitoring:impact-population:{connection.alias}:{period_from}:{period_until}:{_data_version()}"
    dimension_rows = cache.get(key)
    with connection.cursor() as cursor:
        if dimension_rows is None:
            cursor.execute(dimension_sql, where_params * len(DIMENSIONS))
            dimension_rows = cursor.fetchall()
            cache.set(key, dimension_rows, timeout=POPULATION_CACHE_SECONDS)
        cursor.execute(hits_sql, where_params + hit_params)
        hit_groups = cursor.fetchall()

    totals = [row[2:] for row in dimension_rows if row[0] == first]
    population_by: dict[tuple[str, str], int] = {}
    for dimension, code, _advice, n, *_outcomes in dimension_rows:
        population_by[(dimension, code)] = population_by.get((dimension, code), 0) + n
    population = _figures(totals, advice_at=0, counts_at=1)
    hits = _figures([(g[4], *g[5:]) for g in hit_groups], advice_at=0, counts_at=1)
    hits["share_of_population"] = _rate(hits["n"], population["n"])

    hit_counts: dict[tuple[str, str], int] = {}
    for group in hit_groups:
        for i, dimension in enumerate(DIMENSIONS):
            key = (dimension, group[i])
            hit_counts[key] = hit_counts.get(key, 0) + group[5]
    groups: dict[str, list[dict[str, Any]]] = {d: [] for d in DIMENSIONS}
    for (dimension, code), n in population_by.items():
        h = hit_counts.get((dimension, code), 0)
        groups[dimension].append(
            {
                "code": code,
                "population": n,
                "population_share": _rate(n, population["n"]),
                "hits": h,
                "hits_share": _rate(h, hits["n"]),
                "hit_rate": _rate(h, n),
            }
        )
    for rows in groups.values():
        rows.sort(key=lambda r: (-r["population"], r["code"]))

    without = dict(population["tracks"])
    moved = dict.fromkeys(TRACKS, 0)  # records that leave a track
    if profile.kind == "risk":
        moved["fast"], moved["regular"] = hits["tracks"]["fast"], hits["tracks"]["regular"]
        target = "intensive"
    else:
        moved["regular"] = hits["tracks"]["regular"]
        target = "fast"
    with_profile = {t: without[t] - moved[t] for t in TRACKS}
    with_profile[target] += sum(moved.values())

    return {
        "schema": "iob-impact-preview/1",
        "profile": {
            "id": str(profile.public_id),
            "code": profile.code,
            "version": profile.version,
            "kind": profile.kind,
            "status": profile.status,
            "criteria": criteria,
        },
        "period": {"from": period_from.isoformat(), "to": period_until.isoformat()},
        "population": population,
        "hits": hits,
        "groups": groups,
        "tracks": {
            "without": without,
            "with": with_profile,
            "change": {t: with_profile[t] - without[t] for t in TRACKS},
            "without_share": {t: _rate(without[t], population["n"]) for t in TRACKS},
            "with_share": {t: _rate(with_profile[t], population["n"]) for t in TRACKS},
            "changed_records": sum(moved.values()),
        },
        "computed_at": timezone.now().isoformat(),
    }


def _figures(rows: list[tuple], *, advice_at: int, counts_at: int) -> dict[str, Any]:
    """n, decided, refused and chain hits (summed over groups), their rates, and n per track."""
    tracks = dict.fromkeys(TRACKS, 0)
    n = decided = refused = chain = 0
    for row in rows:
        count, d, r, c = (int(x or 0) for x in row[counts_at : counts_at + 4])
        tracks[row[advice_at]] = tracks.get(row[advice_at], 0) + count
        n, decided, refused, chain = n + count, decided + d, refused + r, chain + c
    return {
        "n": n,
        "n_decided": decided,
        "refused": refused,
        "chain_hits": chain,
        "refusal_rate": _rate(refused, decided),
        "chain_hit_rate": _rate(chain, decided),
        "tracks": tracks,
    }
