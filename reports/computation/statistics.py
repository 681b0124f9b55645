"""Vectorised statistics of docs/bias-report.md: every function takes arrays (one entry per
group, officer or profile) and returns arrays, with NaN where a figure is undefined.

- Wilson score intervals (z = 1.959964);
- the 2×2 test rule: Pearson's chi-square without continuity correction when every
  expected count is at least 5, else Fisher's exact test, two-sided;
- Benjamini–Hochberg q-values over one family;
- Cochran–Mantel–Haenszel over strata, without continuity correction, and the
  Mantel–Haenszel pooled odds ratio.
"""

import numpy as np
from scipy import special, stats

Z = 1.959964
# Fisher's two-sided p sums the tables no more probable than the observed one. Equal
# probabilities computed along different paths differ in the last bits; this relative
# slack counts them as equal (R's fisher.test uses the same 1e-7).
_FISHER_RELATIVE_SLACK = np.log1p(1e-7)
# Hypergeometric supports are evaluated in batches of at most this many points.
_FISHER_BATCH_POINTS = 4_000_000


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def rate(numerator, denominator) -> np.ndarray:
    """numerator / denominator; NaN where the denominator is zero."""
    num, den = _f(numerator), _f(denominator)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def ratio(numerator, denominator) -> np.ndarray:
    """A ratio of rates; NaN where either is NaN or the denominator is zero."""
    num, den = _f(numerator), _f(denominator)
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    ok = ~np.isnan(num) & ~np.isnan(den) & (den != 0)
    np.divide(num, den, out=out, where=ok)
    return out


def wilson(successes, n) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval for successes out of n; NaN where n is zero."""
    k, n = _f(successes), _f(n)
    lo, hi = np.full(n.shape, np.nan), np.full(n.shape, np.nan)
    ok = n > 0
    k, m = k[ok], n[ok]
    p = k / m
    z2 = Z * Z
    denom = 1 + z2 / m
    centre = (p + z2 / (2 * m)) / denom
    half = Z / denom * np.sqrt(np.maximum(p * (1 - p) / m + z2 / (4 * m * m), 0.0))
    # Mathematically inside [0, 1], and exactly 0 (1) when nothing (everything) counts;
    # the subtraction leaves a rounding crumb there, so those ends are set exactly.
    lo[ok] = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi[ok] = np.where(k == m, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


def _log_choose(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def fisher_two_sided(a, b, c, d) -> np.ndarray:
    """Two-sided Fisher exact p for each 2×2 table [[a, b], [c, d]] (same as scipy's
    `fisher_exact`), for many tables at once: every table's hypergeometric support is
    laid out in one flat array and summed per table."""
    a, b, c, d = (np.asarray(x, dtype=np.int64) for x in (a, b, c, d))
    out = np.ones(a.shape, dtype=np.float64)
    if a.size == 0:
        return out
    r1, c1, c2 = a + b, a + c, b + d
    n = r1 + c + d
    lo = np.maximum(0, r1 - c2)
    hi = np.minimum(r1, c1)
    sizes = hi - lo + 1
    # Tables whose support is one point have p = 1 (already set).
    todo = np.flatnonzero(sizes > 1)
    start = 0
    while start < todo.size:
        # Take as many tables as fit in one batch (at least one).
        cum = np.cumsum(sizes[todo[start:]])
        stop = start + max(1, int(np.searchsorted(cum, _FISHER_BATCH_POINTS, side="right")))
        idx = todo[start:stop]
        start = stop
        sz = sizes[idx]
        owner = np.repeat(np.arange(idx.size), sz)
        offsets = np.concatenate(([0], np.cumsum(sz)[:-1]))
        x = lo[idx][owner] + (np.arange(sz.sum()) - offsets[owner])
        t_r1, t_c1, t_c2, t_n = (v[idx].astype(np.float64) for v in (r1, c1, c2, n))
        base = _log_choose(t_n, t_r1)
        logp = _log_choose(t_c1[owner], x) + _log_choose(t_c2[owner], t_r1[owner] - x) - base[owner]
        observed = _log_choose(t_c1, a[idx].astype(np.float64)) + _log_choose(t_c2, t_r1 - a[idx]) - base
        keep = logp <= observed[owner] + _FISHER_RELATIVE_SLACK
        mass = np.where(keep, np.exp(logp), 0.0)
        out[idx] = np.minimum(1.0, np.add.reduceat(mass, offsets))
    return out


def two_by_two_p(a, b, c, d) -> tuple[np.ndarray, np.ndarray]:
    """p-value per 2×2 table [[a, b], [c, d]] by the report's rule, and which tables used
    Fisher's test (some expected count below 5) rather than Pearson's chi-square."""
    a, b, c, d = (np.asarray(x, dtype=np.int64) for x in (a, b, c, d))
    r1, r2, c1, c2 = (_f(v) for v in (a + b, c + d, a + c, b + d))
    n = r1 + r2
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.stack([r1 * c1, r1 * c2, r2 * c1, r2 * c2]) / np.where(n > 0, n, 1)
    fisher = (expected < 5).any(axis=0)
    p = np.empty(a.shape, dtype=np.float64)
    chi = ~fisher
    if chi.any():
        diff = _f(a[chi]) * _f(d[chi]) - _f(b[chi]) * _f(c[chi])
        statistic = n[chi] * diff * diff / (r1[chi] * r2[chi] * c1[chi] * c2[chi])
        p[chi] = stats.chi2.sf(statistic, 1)
    if fisher.any():
        p[fisher] = fisher_two_sided(a[fisher], b[fisher], c[fisher], d[fisher])
    return p, fisher


def benjamini_hochberg(p) -> np.ndarray:
    """BH q-values for the non-NaN entries of p, taken as one family; NaN stays NaN."""
    p = _f(p)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = tested.size
    if m == 0:
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    scaled = p[order] * m / np.arange(1, m + 1)
    # Step-up: each q is the smallest scaled p at its rank or above.
    q[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return q


def cmh(a, b, c, d) -> tuple[np.ndarray, np.ndarray]:
    """Cochran–Mantel–Haenszel test over strata (axis 1), without continuity correction,
    and the Mantel–Haenszel pooled odds ratio, per row (axis 0). In each stratum the table
    is [[a, b], [c, d]] (group refused, group granted; rest refused, rest granted). A stratum
    in which the group or the rest has no record is left out; a row with no stratum left, or
    no variance, gets NaN."""
    a, b, c, d = (_f(x) for x in (a, b, c, d))
    r1, r2 = a + b, c + d
    n = r1 + r2
    used = (r1 > 0) & (r2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(used, r1 * (a + c) / n, 0.0)
        variance = np.where(used, r1 * r2 * (a + c) * (b + d) / (n * n * (n - 1)), 0.0)
        or_num = np.where(used, a * d / n, 0.0).sum(axis=1)
        or_den = np.where(used, b * c / n, 0.0).sum(axis=1)
    deviation = np.where(used, a - expected, 0.0).sum(axis=1)
    var = variance.sum(axis=1)
    any_stratum = used.any(axis=1)
    p = np.full(a.shape[0], np.nan)
    ok = any_stratum & (var > 0)
    p[ok] = stats.chi2.sf(deviation[ok] ** 2 / var[ok], 1)
    odds = np.full(a.shape[0], np.nan)
    ok_or = any_stratum & (or_den > 0)
    odds[ok_or] = or_num[ok_or] / or_den[ok_or]
    return p, odds


def flagged(q, ratio_values, *, alpha: float, ratio_low: float, ratio_high: float) -> np.ndarray:
    """q < alpha and the ratio at or beyond either bound; False where q or the ratio is NaN."""
    q, r = _f(q), _f(ratio_values)
    with np.errstate(invalid="ignore"):
        return ~np.isnan(q) & ~np.isnan(r) & (q < alpha) & ((r >= ratio_high) | (r <= ratio_low))
