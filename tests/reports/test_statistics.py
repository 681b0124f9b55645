"""The vectorised statistics against scipy's one-table-at-a-time functions and by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reports.computation import statistics as s

counts = st.integers(min_value=0, max_value=60)
tables = st.lists(st.tuples(counts, counts, counts, counts), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_fisher_matches_scipy_for_many_tables_at_once(batch):
    a, b, c, d = (np.array(x) for x in zip(*batch, strict=True))
    ours = s.fisher_two_sided(a, b, c, d)
    expected = [stats.fisher_exact([[w, x], [y, z]])[1] for w, x, y, z in batch]
    assert ours == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(tables)
def test_the_test_rule_picks_chi_square_only_when_every_expected_count_is_at_least_five(batch):
    a, b, c, d = (np.array(x) for x in zip(*batch, strict=True))
    p, used_fisher = s.two_by_two_p(a, b, c, d)
    for i, (w, x, y, z) in enumerate(batch):
        n = w + x + y + z
        expected = [(w + x) * (w + y), (w + x) * (x + z), (y + z) * (w + y), (y + z) * (x + z)]
        small = n == 0 or min(e / n for e in expected) < 5
        assert bool(used_fisher[i]) == small
        if small:
            assert p[i] == pytest.approx(stats.fisher_exact([[w, x], [y, z]])[1], rel=1e-9, abs=1e-12)
        else:
            assert p[i] == pytest.approx(stats.chi2_contingency([[w, x], [y, z]], correction=False)[1], rel=1e-9)


def test_fisher_handles_large_supports_in_batches(monkeypatch):
    monkeypatch.setattr(s, "_FISHER_BATCH_POINTS", 50)
    a, b, c, d = np.array([3, 40, 0]), np.array([400, 2, 0]), np.array([4, 35, 5]), np.array([300, 9, 5])
    expected = [stats.fisher_exact([[w, x], [y, z]])[1] for w, x, y, z in zip(a, b, c, d, strict=True)]
    assert s.fisher_two_sided(a, b, c, d) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), min_size=0, max_size=30))
def test_bh_matches_scipy_and_keeps_the_order_of_p(ps):
    p = np.array([np.nan if x is None else x for x in ps], dtype=float)
    q = s.benjamini_hochberg(p)
    tested = ~np.isnan(p)
    assert np.array_equal(np.isnan(q), ~tested)
    if tested.any():
        assert q[tested] == pytest.approx(stats.false_discovery_control(p[tested], method="bh"), rel=1e-12)
        order = np.argsort(p[tested], kind="stable")
        assert np.all(np.diff(q[tested][order]) >= 0)
        assert np.all(q[tested] >= p[tested] - 1e-15) and np.all(q[tested] <= 1)


def test_bh_by_hand():
    # m = 4: p = .01, .04, .03, .5 -> sorted .01 .03 .04 .5; scaled .04 .06 .0533 .5; step-up min.
    q = s.benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_holds_the_rate(k, extra):
    n = k + extra
    lo, hi = s.wilson(np.array([k]), np.array([n]))
    assert 0 <= lo[0] <= k / n <= hi[0] <= 1


def test_wilson_by_hand_and_null_for_nothing():
    lo, hi = s.wilson(np.array([0, 10]), np.array([10, 0]))
    assert lo[0] == 0.0 and hi[0] == pytest.approx(0.2775328, abs=1e-7)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_rates_and_ratios_are_undefined_at_zero_denominators():
    assert np.isnan(s.rate(np.array([0]), np.array([0]))[0])
    r = s.ratio(np.array([0.5, np.nan, 0.5]), np.array([0.0, 0.5, 0.25]))
    assert np.isnan(r[0]) and np.isnan(r[1]) and r[2] == 2.0


def test_cmh_by_hand_without_continuity_correction():
    # Two strata: [[2, 3], [1, 4]] and [[5, 1], [3, 3]]; the third stratum has no group record.
    a, b, c, d = (np.array([[2, 5, 0]]), np.array([[3, 1, 0]]), np.array([[1, 3, 4]]), np.array([[4, 3, 4]]))
    p, odds = s.cmh(a, b, c, d)
    e1, v1 = 5 * 3 / 10, 5 * 5 * 3 * 7 / (100 * 9)
    e2, v2 = 6 * 8 / 12, 6 * 6 * 8 * 4 / (144 * 11)
    statistic = ((2 - e1) + (5 - e2)) ** 2 / (v1 + v2)
    assert p[0] == pytest.approx(stats.chi2.sf(statistic, 1), rel=1e-12)
    assert odds[0] == pytest.approx((2 * 4 / 10 + 5 * 3 / 12) / (3 * 1 / 10 + 1 * 3 / 12), rel=1e-12)


def test_cmh_is_null_without_strata():
    p, odds = s.cmh(np.array([[0, 0, 0]]), np.array([[0, 0, 0]]), np.array([[1, 2, 3]]), np.array([[1, 1, 1]]))
    assert np.isnan(p[0]) and np.isnan(odds[0])


def test_flags_need_both_significance_and_size():
    q = np.array([0.01, 0.01, 0.2, np.nan, 0.01])
    r = np.array([1.3, 1.1, 2.0, 3.0, 0.8])
    assert s.flagged(q, r, alpha=0.05, ratio_low=0.8, ratio_high=1.25).tolist() == [True, False, False, False, True]
