"""From counts to the report of docs/bias-report.md: every figure computed over arrays, then
laid out in the JSON shape `iob-bias-report/2`: the `/1` figures, the parent tests of
every two-way group (is its disparity its own or inherited?) and the ordered findings.

Besides the report, `support` keeps the denominators that the JSON does not show (decided
records per advice level of an officer, a month's decided records), which the
disclosure-controlled views need to know which shown figure rests on a small cell.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ..parameters import ReportParameters
from . import statistics as st
from .aggregation import Aggregates, Counts
from .findings import findings_build
from .schema import ADVICE, SCHEMA

FAST, REGULAR, INTENSIVE = range(3)
GRANTED, REFUSED = 0, 1


@dataclass
class BiasFigures:
    report: dict[str, Any]
    support: dict[str, Any]


class _Sums:
    """The sums every figure is made of, for an array of groups (cells: rows × advice × decision)."""

    def __init__(self, cells: np.ndarray):
        cells = cells.astype(np.int64)
        self.n = cells.sum(axis=(1, 2))
        self.by_advice = cells.sum(axis=2)
        self.decided_by_advice = cells[:, :, GRANTED] + cells[:, :, REFUSED]
        self.refused_by_advice = cells[:, :, REFUSED]
        self.n_decided = self.decided_by_advice.sum(axis=1)
        self.refused = self.refused_by_advice.sum(axis=1)
        self.intensive = self.by_advice[:, INTENSIVE]
        self.follow = cells[:, FAST, GRANTED] + cells[:, INTENSIVE, REFUSED]
        self.follow_denominator = self.decided_by_advice[:, FAST] + self.decided_by_advice[:, INTENSIVE]


def _values(a: np.ndarray) -> list:
    """Plain JSON numbers with None for NaN (floats unrounded)."""
    a = np.asarray(a, dtype=np.float64)
    out = a.astype(object)
    out[np.isnan(a)] = None
    return out.tolist()


def _intervals(lo: np.ndarray, hi: np.ndarray) -> list:
    return [None if x is None else [x, y] for x, y in zip(_values(lo), _values(hi), strict=True)]


def _by_advice(rates: np.ndarray) -> list[dict[str, float | None]]:
    columns = [_values(rates[:, i]) for i in range(len(ADVICE))]
    return [dict(zip(ADVICE, row, strict=True)) for row in zip(*columns, strict=True)]


def _masked(a: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return np.where(keep, a, np.nan)


def _stack(counts: list[Counts]) -> tuple[list[dict[str, str]], np.ndarray, np.ndarray]:
    characteristics = [dict(zip(c.dims, key, strict=True)) for c in counts for key in c.keys]
    cells = np.concatenate([c.cells for c in counts]) if counts else np.zeros((0, 3, 4), np.int64)
    return characteristics, cells, np.array([len(c.dims) == 1 for c in counts for _ in c.keys], dtype=bool)


def _population(pop: _Sums) -> dict[str, Any]:
    rates = st.rate(pop.refused_by_advice, pop.decided_by_advice)[0]
    return {
        "n": int(pop.n[0]),
        "n_decided": int(pop.n_decided[0]),
        "advice": {a: int(pop.by_advice[0, i]) for i, a in enumerate(ADVICE)},
        "intensive_rate": _values(st.rate(pop.intensive, pop.n))[0],
        "refusal_rate": _values(st.rate(pop.refused, pop.n_decided))[0],
        "refusal_rate_by_advice": dict(zip(ADVICE, _values(rates), strict=True)),
        "follow_rate": _values(st.rate(pop.follow, pop.follow_denominator))[0],
    }


def _groups(agg: Aggregates, pop: _Sums, p: ReportParameters) -> list[dict[str, Any]]:
    characteristics, cells, one_way = _stack(agg.one_way + agg.two_way)
    g = _Sums(cells)
    flag = dict(alpha=p.alpha, ratio_low=p.ratio_low, ratio_high=p.ratio_high)
    shown = g.n >= p.min_cell
    pop_intensive = st.rate(pop.intensive, pop.n)[0]
    pop_refusal = st.rate(pop.refused, pop.n_decided)[0]

    intensive_rate = _masked(st.rate(g.intensive, g.n), shown)
    i_lo, i_hi = (_masked(x, shown) for x in st.wilson(g.intensive, g.n))
    intensive_ratio = st.ratio(intensive_rate, pop_intensive)
    rest_n, rest_intensive = pop.n[0] - g.n, pop.intensive[0] - g.intensive
    i_p = np.full(g.n.shape, np.nan)
    i_p[shown], _ = st.two_by_two_p(
        g.intensive[shown], (g.n - g.intensive)[shown], rest_intensive[shown], (rest_n - rest_intensive)[shown]
    )
    i_q = st.benjamini_hochberg(i_p)

    refusal_shown = shown & (g.n_decided >= p.min_cell)
    refusal_rate = _masked(st.rate(g.refused, g.n_decided), refusal_shown)
    r_lo, r_hi = (_masked(x, refusal_shown) for x in st.wilson(g.refused, g.n_decided))
    refusal_ratio = st.ratio(refusal_rate, pop_refusal)
    rest_decided, rest_refused = pop.n_decided[0] - g.n_decided, pop.refused[0] - g.refused
    r_p = np.full(g.n.shape, np.nan)
    r_p[refusal_shown], _ = st.two_by_two_p(
        g.refused[refusal_shown],
        (g.n_decided - g.refused)[refusal_shown],
        rest_refused[refusal_shown],
        (rest_decided - rest_refused)[refusal_shown],
    )
    r_q = st.benjamini_hochberg(r_p)

    # Within-advice comparison, one-way groups only: advice levels are the strata.
    by_advice = _masked(
        st.rate(g.refused_by_advice, g.decided_by_advice), (g.decided_by_advice >= p.min_cell) & shown[:, None]
    )
    cmh_rows = one_way & shown
    rest_ref_adv = pop.refused_by_advice - g.refused_by_advice
    rest_dec_adv = pop.decided_by_advice - g.decided_by_advice
    cmh_p, cmh_or = (np.full(g.n.shape, np.nan) for _ in range(2))
    cmh_p[cmh_rows], cmh_or[cmh_rows] = st.cmh(
        g.refused_by_advice[cmh_rows],
        (g.decided_by_advice - g.refused_by_advice)[cmh_rows],
        rest_ref_adv[cmh_rows],
        (rest_dec_adv - rest_ref_adv)[cmh_rows],
    )
    cmh_q = st.benjamini_hochberg(cmh_p)

    columns = {
        "n": _values(_masked(g.n, shown)),
        "n_decided": _values(_masked(g.n_decided, shown)),
        "intensive_rate": _values(intensive_rate),
        "intensive_rate_ci": _intervals(i_lo, i_hi),
        "intensive_ratio": _values(intensive_ratio),
        "intensive_p": _values(i_p),
        "intensive_q": _values(i_q),
        "intensive_flagged": st.flagged(i_q, intensive_ratio, **flag).tolist(),
        "refusal_rate": _values(refusal_rate),
        "refusal_rate_ci": _intervals(r_lo, r_hi),
        "refusal_ratio": _values(refusal_ratio),
        "refusal_p": _values(r_p),
        "refusal_q": _values(r_q),
        "refusal_flagged": st.flagged(r_q, refusal_ratio, **flag).tolist(),
        "refusal_rate_by_advice": _by_advice(by_advice),
        "cmh_odds_ratio": _values(cmh_or),
        "cmh_p": _values(cmh_p),
        "cmh_q": _values(cmh_q),
        "amplification_flagged": st.flagged(cmh_q, cmh_or, **flag).tolist(),
    }
    parents = _parent_tests(
        characteristics,
        one_way,
        shown,
        g,
        p,
        {
            "intensive": (g.intensive, g.n, intensive_rate, intensive_ratio, columns["intensive_flagged"]),
            "refusal": (g.refused, g.n_decided, refusal_rate, refusal_ratio, columns["refusal_flagged"]),
        },
    )
    two_way_keys = list(columns)[: list(columns).index("refusal_rate_by_advice")]
    out = []
    for i, chars in enumerate(characteristics):
        group: dict[str, Any] = {"characteristics": chars, "suppressed": not bool(shown[i])}
        for key in columns if one_way[i] else two_way_keys:
            value = columns[key][i]
            group[key] = int(value) if key in ("n", "n_decided") and value is not None else value
        if not one_way[i]:
            group.update(parents[i])
        out.append(group)
    return out


def _parent_tests(
    characteristics: list[dict[str, str]],
    one_way: np.ndarray,
    shown: np.ndarray,
    g: _Sums,
    p: ReportParameters,
    metrics: dict[str, tuple],
) -> dict[int, dict[str, Any]]:
    """Schema /2: each two-way group against the rest of each of its two parents (the
    one-way groups it lies in), per metric; BH over all parent tests of a metric together;
    `*_beyond_parents` says whether a flagged group's disparity is its own."""
    index = {next(iter(c.items())): i for i, c in enumerate(characteristics) if one_way[i]}
    rows = np.flatnonzero(~one_way)
    # parent[k, j]: row of the j-th parent of two-way row rows[k] (characteristics in their order).
    parent = np.array([[index[item] for item in characteristics[i].items()] for i in rows], dtype=np.int64).reshape(
        -1, 2
    )
    out: dict[int, dict[str, Any]] = {int(i): {} for i in rows}
    for metric, (events, totals, rates, ratios, flagged) in metrics.items():
        ratio_cols, p_cols = np.full(parent.shape, np.nan), np.full(parent.shape, np.nan)
        for j in range(2):
            rest_total = totals[parent[:, j]] - totals[rows]
            rest_events = events[parent[:, j]] - events[rows]
            tested = shown[rows] & ~np.isnan(rates[rows]) & (rest_total >= p.min_cell)
            ratio_cols[:, j] = np.where(tested, st.ratio(rates[rows], st.rate(rest_events, rest_total)), np.nan)
            p_cols[tested, j], _ = st.two_by_two_p(
                events[rows][tested],
                (totals[rows] - events[rows])[tested],
                rest_events[tested],
                (rest_total - rest_events)[tested],
            )
        q_cols = st.benjamini_hochberg(p_cols.ravel()).reshape(parent.shape)
        own = ratios[rows]
        with np.errstate(invalid="ignore"):
            high = own >= p.ratio_high
            beyond_each = (
                ~np.isnan(q_cols)
                & ~np.isnan(ratio_cols)
                & (q_cols < p.alpha)
                & np.where(high[:, None], ratio_cols >= p.ratio_high, ratio_cols <= p.ratio_low)
            )
        beyond = beyond_each.all(axis=1)
        r_v, p_v, q_v = (_values(a.ravel()) for a in (ratio_cols, p_cols, q_cols))
        for k, i in enumerate(rows.tolist()):
            dims = list(characteristics[i])
            out[i][f"{metric}_parent_tests"] = [
                {"within": dims[j], "ratio": r_v[2 * k + j], "p": p_v[2 * k + j], "q": q_v[2 * k + j]} for j in range(2)
            ]
            out[i][f"{metric}_beyond_parents"] = bool(beyond[k]) if flagged[i] else None
    return out


def _officers(agg: Aggregates, pop: _Sums, p: ReportParameters) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    o = _Sums(agg.officers.cells)
    ids = [key[0] for key in agg.officers.keys]
    keep = np.array([bool(i) for i in ids], dtype=bool) & (o.n_decided > 0) if ids else np.zeros(0, bool)
    idx = np.flatnonzero(keep)
    o_dec_int = o.decided_by_advice[idx, INTENSIVE]
    o_ref_int = o.refused_by_advice[idx, INTENSIVE]
    others_dec = pop.decided_by_advice[0, INTENSIVE] - o_dec_int
    others_ref = pop.refused_by_advice[0, INTENSIVE] - o_ref_int
    irr = st.ratio(st.rate(o_ref_int, o_dec_int), st.rate(others_ref, others_dec))
    tested = o_dec_int >= p.min_cell
    pv = np.full(idx.shape, np.nan)
    pv[tested], _ = st.two_by_two_p(
        o_ref_int[tested], (o_dec_int - o_ref_int)[tested], others_ref[tested], (others_dec - others_ref)[tested]
    )
    q = st.benjamini_hochberg(pv)
    follow = st.rate(o.follow[idx], o.follow_denominator[idx])
    n_decided = o.n_decided[idx]
    with np.errstate(invalid="ignore"):
        flags = ((n_decided >= p.min_cell) & ~np.isnan(follow) & (follow >= p.follow_threshold)) | (
            ~np.isnan(q) & ~np.isnan(irr) & (q < p.alpha) & (irr >= p.ratio_high)
        )
    by_advice = _by_advice(st.rate(o.refused_by_advice[idx], o.decided_by_advice[idx]))
    follow_v, irr_v, p_v, q_v = _values(follow), _values(irr), _values(pv), _values(q)
    officers, support = [], {}
    for j, i in enumerate(idx.tolist()):
        officers.append(
            {
                "officer_id": ids[i],
                "n_decided": int(n_decided[j]),
                "refusal_rate_by_advice": by_advice[j],
                "follow_rate": follow_v[j],
                "intensive_refusal_ratio": irr_v[j],
                "p": p_v[j],
                "q": q_v[j],
                "flagged": bool(flags[j]),
            }
        )
        support[ids[i]] = {
            "decided_by_advice": dict(zip(ADVICE, o.decided_by_advice[i].tolist(), strict=True)),
            "follow_denominator": int(o.follow_denominator[i]),
        }
    return officers, support


def _profiles(agg: Aggregates, pop: _Sums, p: ReportParameters) -> list[dict[str, Any]]:
    h = _Sums(agg.profiles.cells)
    refusal_rate = st.rate(h.refused, h.n_decided)
    lo, hi = st.wilson(h.refused, h.n_decided)
    ratio = st.ratio(refusal_rate, st.rate(pop.refused, pop.n_decided)[0])
    tested = h.n_decided >= p.min_cell
    rest_dec, rest_ref = pop.n_decided[0] - h.n_decided, pop.refused[0] - h.refused
    pv = np.full(h.n.shape, np.nan)
    pv[tested], _ = st.two_by_two_p(
        h.refused[tested], (h.n_decided - h.refused)[tested], rest_ref[tested], (rest_dec - rest_ref)[tested]
    )
    q = st.benjamini_hochberg(pv)
    flags = st.flagged(q, ratio, alpha=p.alpha, ratio_low=p.ratio_low, ratio_high=p.ratio_high)
    cols = [_values(refusal_rate), _intervals(lo, hi), _values(ratio), _values(pv), _values(q)]
    return [
        {
            "code": key[0],
            "n": int(h.n[i]),
            "n_decided": int(h.n_decided[i]),
            "refusal_rate": cols[0][i],
            "refusal_rate_ci": cols[1][i],
            "refusal_ratio": cols[2][i],
            "p": cols[3][i],
            "q": cols[4][i],
            "flagged": bool(flags[i]),
        }
        for i, key in enumerate(agg.profiles.keys)
    ]


def _months(agg: Aggregates) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    m = _Sums(agg.months.cells)
    intensive, refusal = _values(st.rate(m.intensive, m.n)), _values(st.rate(m.refused, m.n_decided))
    months = [
        {"month": key[0], "n": int(m.n[i]), "intensive_rate": intensive[i], "refusal_rate": refusal[i]}
        for i, key in enumerate(agg.months.keys)
    ]
    return months, {key[0]: {"n_decided": int(m.n_decided[i])} for i, key in enumerate(agg.months.keys)}


def figures_assemble(
    *, agg: Aggregates, period_from: date, period_to: date, parameters: ReportParameters
) -> BiasFigures:
    pop = _Sums(agg.population[None, :, :])
    officers, officer_support = _officers(agg, pop, parameters)
    months, month_support = _months(agg)
    report = {
        "schema": SCHEMA,
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "parameters": parameters.as_dict(),
        "population": _population(pop),
        "groups": _groups(agg, pop, parameters),
        "officers": officers,
        "profiles": _profiles(agg, pop, parameters),
        "months": months,
    }
    report["findings"] = findings_build(report)
    support = {
        "population": {
            "decided_by_advice": dict(zip(ADVICE, pop.decided_by_advice[0].tolist(), strict=True)),
            "follow_denominator": int(pop.follow_denominator[0]),
        },
        "officers": officer_support,
        "months": month_support,
    }
    return BiasFigures(report=report, support=support)
