"""The report's figures on small datasets, checked by hand and figure by figure.

Dataset A (40 records, min_cell 5, alpha 0.1), every other characteristic constant:

    SYR, gender M, officer O-1 unless said:
      intensive  8: refused 6, granted 2         (January, profile P-A@1)
      fast       4: granted 4                    (January)
      regular    8: refused 3, granted 4 (O-2), pending 1 (no officer, profiles "P-B@3;P-B@4")  (February)
    SUR, gender F unless said:
      intensive  2: refused 1, granted 1 (O-2)   (February, profiles "P-A@2;P-B")
      fast       8: granted 5 (O-3, " P-C@1 ; "), granted 2 + refused 1 (O-2)   (January)
      regular   10: refused 2, granted 4, withdrawn 1 (O-2), granted 3 with gender X (O-2)  (February)
"""

import json
from math import isclose

import pytest
from scipy import stats

from .helpers import figures, rec, records_create
from .reference import report as reference

PARAMS = {"min_cell": 5, "alpha": 0.1, "ratio_low": 0.8, "ratio_high": 1.25, "follow_threshold": 0.95}


def dataset_a() -> list[dict]:
    jan, feb = "2025-01-10", "2025-02-10"
    return (
        rec(6, lodged=jan, advice="intensive", decision="refused", profiles="P-A@1")
        + rec(2, lodged=jan, advice="intensive", decision="granted", profiles="P-A@1")
        + rec(4, lodged=jan, advice="fast", decision="granted")
        + rec(3, lodged=feb, advice="regular", decision="refused", officer="O-2")
        + rec(4, lodged=feb, advice="regular", decision="granted", officer="O-2")
        + rec(1, lodged=feb, advice="regular", decision="pending", profiles="P-B@3;P-B@4")
        + rec(
            1,
            lodged=feb,
            nationality="SUR",
            gender="F",
            advice="intensive",
            decision="refused",
            officer="O-2",
            profiles="P-A@2;P-B",
        )
        + rec(
            1,
            lodged=feb,
            nationality="SUR",
            gender="F",
            advice="intensive",
            decision="granted",
            officer="O-2",
            profiles="P-A@2;P-B",
        )
        + rec(
            5,
            lodged=jan,
            nationality="SUR",
            gender="F",
            advice="fast",
            decision="granted",
            officer="O-3",
            profiles=" P-C@1 ; ",
        )
        + rec(2, lodged=jan, nationality="SUR", gender="F", advice="fast", decision="granted", officer="O-2")
        + rec(1, lodged=jan, nationality="SUR", gender="F", advice="fast", decision="refused", officer="O-2")
        + rec(2, lodged=feb, nationality="SUR", gender="F", advice="regular", decision="refused", officer="O-2")
        + rec(4, lodged=feb, nationality="SUR", gender="F", advice="regular", decision="granted", officer="O-2")
        + rec(1, lodged=feb, nationality="SUR", gender="F", advice="regular", decision="withdrawn", officer="O-2")
        + rec(3, lodged=feb, nationality="SUR", gender="X", advice="regular", decision="granted", officer="O-2")
    )


@pytest.fixture
def report_a(db):
    rows = dataset_a()
    records_create(rows)
    return rows, figures(**PARAMS).report


def group(report, **characteristics):
    [g] = [g for g in report["groups"] if g["characteristics"] == characteristics]
    return g


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def test_header_and_population_by_hand(report_a):
    _, r = report_a
    assert r["schema"] == "iob-bias-report/2"
    assert r["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert r["parameters"] == PARAMS
    assert list(r) == [
        "schema",
        "period",
        "parameters",
        "population",
        "groups",
        "officers",
        "profiles",
        "months",
        "findings",
    ]
    pop = r["population"]
    assert pop["n"] == 40 and pop["n_decided"] == 38
    assert pop["advice"] == {"fast": 12, "regular": 18, "intensive": 10}
    assert pop["intensive_rate"] == approx(10 / 40)
    assert pop["refusal_rate"] == approx(13 / 38)
    assert pop["refusal_rate_by_advice"] == {
        "fast": approx(1 / 12),
        "regular": approx(5 / 16),
        "intensive": approx(7 / 10),
    }
    # Follows: fast and granted (11) plus intensive and refused (7), of 12 + 10 decided.
    assert pop["follow_rate"] == approx(18 / 22)


def test_group_syr_by_hand(report_a):
    _, r = report_a
    g = group(r, nationality="SYR")
    assert g["suppressed"] is False
    assert (g["n"], g["n_decided"]) == (20, 19)
    assert g["intensive_rate"] == approx(8 / 20)
    assert g["intensive_ratio"] == approx(0.4 / 0.25)
    # [[8, 12], [2, 18]]: expected counts 5, 15, 5, 15, all at least 5, so Pearson without
    # correction: 40 (8·18 − 12·2)² / (20·20·10·30) = 4.8.
    assert g["intensive_p"] == approx(stats.chi2.sf(4.8, 1))
    assert g["intensive_p"] != approx(stats.fisher_exact([[8, 12], [2, 18]])[1])
    assert g["refusal_rate"] == approx(9 / 19)
    assert g["refusal_ratio"] == approx((9 / 19) / (13 / 38))
    # [[9, 10], [4, 15]]: expected 6.5, 12.5, 6.5, 12.5: chi-square 38·95² / (19·19·13·25).
    assert g["refusal_p"] == approx(stats.chi2.sf(38 * 95**2 / (19 * 19 * 13 * 25), 1))
    # Four fast decisions are under min_cell: that rate is not shown.
    assert g["refusal_rate_by_advice"] == {"fast": None, "regular": approx(3 / 7), "intensive": approx(6 / 8)}
    # CMH over fast [[0,4],[1,7]], regular [[3,4],[2,7]], intensive [[6,2],[1,1]].
    deviation = (0 - 4 * 1 / 12) + (3 - 7 * 5 / 16) + (6 - 8 * 7 / 10)
    variance = 4 * 8 * 1 * 11 / (144 * 11) + 7 * 9 * 5 * 11 / (256 * 15) + 8 * 2 * 7 * 3 / (100 * 9)
    assert g["cmh_p"] == approx(stats.chi2.sf(deviation**2 / variance, 1))
    assert g["cmh_odds_ratio"] == approx((3 * 7 / 16 + 6 * 1 / 10) / (4 * 1 / 12 + 4 * 2 / 16 + 2 * 1 / 10))
    lo, hi = g["intensive_rate_ci"]
    z = 1.959964
    centre = (0.4 + z * z / 40) / (1 + z * z / 20)
    half = z / (1 + z * z / 20) * (0.4 * 0.6 / 20 + z * z / 1600) ** 0.5
    assert (lo, hi) == (approx(centre - half), approx(centre + half))


def test_fisher_is_used_when_an_expected_count_is_under_five(report_a):
    _, r = report_a
    g = group(r, gender="F")  # SUR without the three X records: 2 of 17 intensive
    # [[2, 15], [8, 15]]: expected 17·10/40 = 4.25 < 5.
    assert g["intensive_p"] == approx(stats.fisher_exact([[2, 15], [8, 15]])[1])
    assert g["intensive_p"] != approx(stats.chi2_contingency([[2, 15], [8, 15]], correction=False)[1])


def test_a_group_equal_to_the_population_is_compared_with_nobody(report_a):
    _, r = report_a
    g = group(r, age_group="25-34")
    assert g["n"] == 40 and g["intensive_ratio"] == approx(1.0) and g["refusal_ratio"] == approx(1.0)
    # The rest is empty: an expected count of 0 means Fisher, whose p is 1.
    assert g["intensive_p"] == 1.0 and g["refusal_p"] == 1.0


def test_small_groups_are_suppressed_with_every_figure_null(report_a):
    _, r = report_a
    for g in (group(r, gender="X"), group(r, nationality="SUR", gender="X")):
        assert g["suppressed"] is True
        figures_ = {k: v for k, v in g.items() if k not in ("characteristics", "suppressed")}
        # Schema /2: a suppressed pair still names its two parents, with no figure.
        parents = [figures_.pop(k) for k in ("intensive_parent_tests", "refusal_parent_tests") if k in figures_]
        assert all(t["ratio"] is None and t["p"] is None and t["q"] is None for ts in parents for t in ts)
        assert all(
            v is None or v is False or v == {"fast": None, "regular": None, "intensive": None}
            for v in figures_.values()
        ), figures_
        assert g["n"] is None and g["intensive_p"] is None


def test_suppressed_groups_are_left_out_of_the_bh_family(report_a):
    _, r = report_a
    tested = [g for g in r["groups"] if not g["suppressed"]]
    # Gender X (3 records) with each of the six other characteristics, and alone: 7 suppressed.
    assert len(tested) == 41 and len(r["groups"]) == 48
    ps = sorted((g["intensive_p"], g["intensive_q"]) for g in tested)
    m = len(ps)
    # q is monotone in p and equals min over ranks j ≥ i of p_(j)·m/j.
    for i, (_p, q) in enumerate(ps):
        assert q == approx(min(1.0, min(pp * m / (j + 1) for j, (pp, _) in enumerate(ps) if j >= i)))
    assert [q for _, q in ps] == sorted(q for _, q in ps)


def test_bh_q_values_by_hand(report_a):
    _, r = report_a
    p_syr = stats.chi2.sf(4.8, 1)
    # 19 groups share p_syr (SYR, SUR and everything equal to them), the F-like 7 share
    # Fisher's p, the 15 population-wide groups have p = 1; m = 41.
    p_f = stats.fisher_exact([[2, 15], [8, 15]])[1]
    expected = min(p_syr * 41 / 19, p_f * 41 / 26, 1.0)
    assert group(r, nationality="SYR")["intensive_q"] == approx(expected)
    assert group(r, nationality="SUR")["intensive_q"] == approx(expected)
    # q = 0.061 < alpha 0.1, ratio 1.6 ≥ 1.25 (SYR) and 0.4 ≤ 0.8 (SUR): both flagged.
    assert expected < 0.1
    assert group(r, nationality="SYR")["intensive_flagged"] and group(r, nationality="SUR")["intensive_flagged"]
    assert not group(r, age_group="25-34")["intensive_flagged"]


def test_officers_by_hand(report_a):
    _, r = report_a
    officers = {o["officer_id"]: o for o in r["officers"]}
    assert list(officers) == ["O-1", "O-2", "O-3"]  # the pending record has no officer
    o1, o2, o3 = officers["O-1"], officers["O-2"], officers["O-3"]
    assert o1["n_decided"] == 12
    assert o1["refusal_rate_by_advice"] == {"fast": 0.0, "regular": None, "intensive": approx(0.75)}
    assert o1["follow_rate"] == approx(10 / 12)
    assert o1["intensive_refusal_ratio"] == approx(0.75 / 0.5)
    assert o1["p"] == approx(stats.fisher_exact([[6, 2], [1, 1]])[1]) and o1["q"] == o1["p"]
    assert o1["flagged"] is False
    # Two intensive decisions: not tested; ratio 1/2 against the others' 6/8.
    assert o2["n_decided"] == 21 and o2["p"] is None and o2["q"] is None
    assert o2["intensive_refusal_ratio"] == approx(0.5 / 0.75)
    assert o2["refusal_rate_by_advice"] == {"fast": approx(1 / 3), "regular": approx(5 / 16), "intensive": 0.5}
    assert o2["follow_rate"] == approx(3 / 5)
    # Five fast decisions, all granted: follows mechanically, flagged without a test.
    assert o3["n_decided"] == 5 and o3["follow_rate"] == 1.0 and o3["flagged"] is True
    assert o3["intensive_refusal_ratio"] is None and o3["p"] is None
    assert o3["refusal_rate_by_advice"] == {"fast": 0.0, "regular": None, "intensive": None}


def test_profiles_fold_versions_and_count_each_record_once(report_a):
    _, r = report_a
    profiles = {h["code"]: h for h in r["profiles"]}
    assert list(profiles) == ["P-A", "P-B", "P-C"]
    a, b, c = profiles["P-A"], profiles["P-B"], profiles["P-C"]
    assert (a["n"], a["n_decided"]) == (10, 10)
    assert a["refusal_rate"] == approx(0.7) and a["refusal_ratio"] == approx(0.7 / (13 / 38))
    assert a["p"] == approx(stats.fisher_exact([[7, 3], [6, 22]])[1]) and a["q"] is not None
    # "P-B@3;P-B@4" on one pending record counts once.
    assert (b["n"], b["n_decided"]) == (3, 2) and b["p"] is None and b["q"] is None
    assert b["refusal_rate"] == approx(0.5)
    assert (c["n"], c["n_decided"], c["refusal_rate"]) == (5, 5, 0.0)
    assert c["refusal_ratio"] == 0.0 and c["p"] == approx(stats.fisher_exact([[0, 5], [13, 20]])[1])
    q = {code: h["q"] for code, h in profiles.items()}
    assert max(q["P-A"], q["P-C"]) == approx(max(a["p"], c["p"]))


def test_months_by_hand(report_a):
    _, r = report_a
    assert r["months"] == [
        {"month": "2025-01", "n": 20, "intensive_rate": approx(8 / 20), "refusal_rate": approx(7 / 20)},
        {"month": "2025-02", "n": 20, "intensive_rate": approx(2 / 20), "refusal_rate": approx(6 / 18)},
    ]


def _same(actual, expected, where=""):
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), (where, actual, expected)
        for key in expected:
            _same(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (where, actual, expected)
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _same(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float) and isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12), (
            where,
            actual,
            expected,
        )
    else:
        assert actual == expected and type(actual) is type(expected), (where, actual, expected)


def test_every_figure_matches_a_record_by_record_reading_of_the_spec(report_a):
    rows, r = report_a
    expected = reference(rows, PARAMS)
    for key in ("population", "groups", "officers", "profiles", "months", "findings"):
        _same(r[key], expected[key], key)


def test_json_is_plain_numbers_without_rounding(report_a):
    _, r = report_a
    text = json.dumps(r, allow_nan=False)
    assert "NaN" not in text
    assert group(r, nationality="SYR")["refusal_rate"] == 9 / 19  # not rounded


def dataset_edges() -> list[dict]:
    """No intensive advice anywhere; a nationality whose records are all pending; one
    officer alone (nobody to compare with)."""
    return (
        rec(6, advice="fast", decision="granted", nationality="CHN")
        + rec(6, advice="regular", decision="refused", nationality="CHN")
        + rec(6, advice="regular", decision="pending", nationality="IND")
    )


def test_zero_denominators_give_nulls(db):
    rows = dataset_edges()
    records_create(rows)
    r = figures(min_cell=5).report
    pop = r["population"]
    assert pop["intensive_rate"] == 0.0 and pop["refusal_rate_by_advice"]["intensive"] is None
    ind = group(r, nationality="IND")
    assert ind["n"] == 6 and ind["n_decided"] == 0
    assert ind["refusal_rate"] is None and ind["refusal_rate_ci"] is None and ind["refusal_p"] is None
    # The population's intensive rate is 0: every intensive ratio is null (zero denominator).
    assert all(g["intensive_ratio"] is None for g in r["groups"] if not g["suppressed"])
    assert ind["intensive_rate"] == 0.0
    # IND has no decided record in any advice level: no stratum is left for CMH.
    assert ind["cmh_p"] is None and ind["cmh_odds_ratio"] is None and ind["cmh_q"] is None
    chn = group(r, nationality="CHN")
    # CHN against IND: the rest has no decided record in any stratum either.
    assert chn["cmh_p"] is None
    [officer] = r["officers"]
    assert officer["intensive_refusal_ratio"] is None and officer["p"] is None
    assert officer["refusal_rate_by_advice"]["intensive"] is None
    _same(
        r["groups"],
        reference(rows, {"min_cell": 5, "alpha": 0.05, "ratio_low": 0.8, "ratio_high": 1.25, "follow_threshold": 0.95})[
            "groups"
        ],
        "groups",
    )


def test_an_empty_period_gives_an_empty_report(db):
    records_create(rec(3, lodged="2024-06-01"))
    r = figures(period=("2025-01-01", "2025-01-31")).report
    assert r["population"] == {
        "n": 0,
        "n_decided": 0,
        "advice": {"fast": 0, "regular": 0, "intensive": 0},
        "intensive_rate": None,
        "refusal_rate": None,
        "refusal_rate_by_advice": {"fast": None, "regular": None, "intensive": None},
        "follow_rate": None,
    }
    assert r["groups"] == r["officers"] == r["profiles"] == r["months"] == []


def test_the_period_includes_both_ends(db):
    records_create(
        rec(1, lodged="2025-01-01")
        + rec(1, lodged="2025-01-31")
        + rec(1, lodged="2024-12-31")
        + rec(1, lodged="2025-02-01")
    )
    assert figures(period=("2025-01-01", "2025-01-31")).report["population"]["n"] == 2


def test_strata_without_decisions_on_one_side_are_left_out_of_cmh(db):
    # Group SYR has intensive decisions only; the rest (SUR) has fast and intensive ones.
    rows = (
        rec(10, nationality="SYR", advice="intensive", decision="refused")
        + rec(5, nationality="SUR", advice="intensive", decision="refused")
        + rec(5, nationality="SUR", advice="intensive", decision="granted")
        + rec(10, nationality="SUR", advice="fast", decision="granted")
    )
    records_create(rows)
    g = group(figures(min_cell=5).report, nationality="SYR")
    # Only the intensive stratum is left: [[10, 0], [5, 5]].
    deviation = 10 - 10 * 15 / 20
    variance = 10 * 10 * 15 * 5 / (400 * 19)
    assert g["cmh_p"] == approx(stats.chi2.sf(deviation**2 / variance, 1))
    assert g["cmh_odds_ratio"] is None  # b·c = 0: a zero denominator
