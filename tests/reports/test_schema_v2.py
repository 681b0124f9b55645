"""Schema `iob-bias-report/2` on a dataset computed by hand: two-way groups whose
disparity is inherited from a parent, and one whose disparity is its own; the findings
list, its ids, directions and order.

Dataset B (320 records, all granted; only nationality and gender vary; min_cell 10):

    group        n   intensive   rate
    SYR · M     40      30       0.75
    SYR · F     40      30       0.75      SYR 80/60  = 0.75
    NGA · M     40       4       0.10
    NGA · F     40      28       0.70      NGA 80/32  = 0.40
    NLD · M     80       4       0.05
    NLD · F     80       4       0.05      NLD 160/8  = 0.05
    population 320     100       0.3125    M 160/38, F 160/62

SYR · M is given intensive advice 2.4 times as often as average, but exactly as often as
other Syrians (ratio within nationality 1.0): flagged, inherited. NGA · F is 2.24 times
average, 7 times other Nigerians and 2.47 times other women: flagged, its own.
"""

from math import isclose

import pytest
from scipy import stats

from .helpers import figures_from_rows, rec

PARAMS = {"min_cell": 10, "alpha": 0.05, "ratio_low": 0.8, "ratio_high": 1.25, "follow_threshold": 0.95}
CELLS = {
    ("SYR", "M"): (40, 30),
    ("SYR", "F"): (40, 30),
    ("NGA", "M"): (40, 4),
    ("NGA", "F"): (40, 28),
    ("NLD", "M"): (80, 4),
    ("NLD", "F"): (80, 4),
}


def dataset_b() -> list[dict]:
    rows: list[dict] = []
    for (nat, gender), (n, intensive) in CELLS.items():
        rows += rec(intensive, advice="intensive", nationality=nat, gender=gender)
        rows += rec(n - intensive, advice="regular", nationality=nat, gender=gender)
    return rows


def rule_p(a, b, c, d):
    """The report's test rule, straight from scipy."""
    n = a + b + c + d
    expected = [(a + b) * (a + c) / n, (a + b) * (b + d) / n, (c + d) * (a + c) / n, (c + d) * (b + d) / n]
    if min(expected) >= 5:
        return stats.chi2_contingency([[a, b], [c, d]], correction=False)[1]
    return stats.fisher_exact([[a, b], [c, d]])[1]


def bh_of(ps: list[float]) -> list[float]:
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, ps[i] * m / rank)
        q[i] = running
    return q


@pytest.fixture(scope="module")
def report():
    return figures_from_rows(dataset_b(), **PARAMS).report


def pair(report, nat, gender):
    [g] = [g for g in report["groups"] if g["characteristics"] == {"nationality": nat, "gender": gender}]
    return g


# The twelve intensive parent tests as (group, within): [[group intensive, not], [rest intensive, not]].
TABLES = {
    (("SYR", "M"), "nationality"): (30, 10, 30, 10),
    (("SYR", "F"), "nationality"): (30, 10, 30, 10),
    (("NGA", "M"), "nationality"): (4, 36, 28, 12),
    (("NGA", "F"), "nationality"): (28, 12, 4, 36),
    (("NLD", "M"), "nationality"): (4, 76, 4, 76),
    (("NLD", "F"), "nationality"): (4, 76, 4, 76),
    (("SYR", "M"), "gender"): (30, 10, 8, 112),
    (("NGA", "M"), "gender"): (4, 36, 34, 86),
    (("NLD", "M"), "gender"): (4, 76, 34, 46),
    (("SYR", "F"), "gender"): (30, 10, 32, 88),
    (("NGA", "F"), "gender"): (28, 12, 34, 86),
    (("NLD", "F"), "gender"): (4, 76, 58, 22),
}


def test_the_schema_is_version_two_with_findings_last(report):
    assert report["schema"] == "iob-bias-report/2"
    assert list(report)[-1] == "findings"
    g = pair(report, "SYR", "M")
    assert list(g)[-4:] == [
        "intensive_parent_tests",
        "intensive_beyond_parents",
        "refusal_parent_tests",
        "refusal_beyond_parents",
    ]
    one_way = [g for g in report["groups"] if len(g["characteristics"]) == 1]
    assert all("intensive_parent_tests" not in g for g in one_way)


# The five constant characteristics pair with nationality and gender too: such a pair is
# its one-way parent again, so its test within the constant characteristic compares it
# with the rest of the population, and the test within its other parent has no rest.
# These 25 tests belong to the same BH family.
ONE_WAY_TABLES = {
    "SYR": (60, 20, 40, 200),
    "NGA": (32, 48, 68, 172),
    "NLD": (8, 152, 92, 68),
    "M": (38, 122, 62, 98),
    "F": (62, 98, 38, 122),
}


def test_parent_tests_by_hand(report):
    ps = {key: rule_p(*t) for key, t in TABLES.items()}
    constant_ps = [rule_p(*t) for t in ONE_WAY_TABLES.values() for _ in range(5)]
    qs = dict(zip(ps, bh_of(list(ps.values()) + constant_ps)[: len(ps)], strict=True))
    g = [g for g in report["groups"] if g["characteristics"] == {"nationality": "SYR", "age_group": "25-34"}][0]
    assert g["intensive_parent_tests"][0] == {"within": "nationality", "ratio": None, "p": None, "q": None}
    assert isclose(g["intensive_parent_tests"][1]["p"], rule_p(*ONE_WAY_TABLES["SYR"]), rel_tol=1e-9)
    for ((nat, gender), within), (a, b, c, d) in TABLES.items():
        g = pair(report, nat, gender)
        [t] = [t for t in g["intensive_parent_tests"] if t["within"] == within]
        assert isclose(t["ratio"], (a / (a + b)) / (c / (c + d)), rel_tol=1e-12)
        assert isclose(t["p"], ps[((nat, gender), within)], rel_tol=1e-9)
        assert isclose(t["q"], qs[((nat, gender), within)], rel_tol=1e-9)
        # The characteristics in their fixed order: nationality before gender.
        assert [t["within"] for t in g["intensive_parent_tests"]] == ["nationality", "gender"]
    # Rates of 0.75 against 0.75: SYR · M is exactly as intensive as other Syrians.
    assert pair(report, "SYR", "M")["intensive_parent_tests"][0]["ratio"] == 1.0
    assert isclose(pair(report, "NGA", "F")["intensive_parent_tests"][0]["ratio"], 7.0)
    assert isclose(pair(report, "NGA", "F")["intensive_parent_tests"][1]["ratio"], 0.7 / (34 / 120))


def test_refusal_parent_tests_are_not_run_without_a_refusal_rate(report):
    # Every record is granted: each group's refusal rate is 0, the population's too, so no
    # group's refusal ratio exists and nothing is flagged; the parent tests do run (the
    # rates are defined) and give p = 1 with no ratio.
    g = pair(report, "NGA", "F")
    assert g["refusal_flagged"] is False and g["refusal_beyond_parents"] is None
    assert [t["ratio"] for t in g["refusal_parent_tests"]] == [None, None]
    assert all(t["p"] == 1.0 for t in g["refusal_parent_tests"])


def test_a_flagged_pair_that_inherits_its_parent_is_not_beyond_parents(report):
    g = pair(report, "SYR", "M")
    assert g["intensive_flagged"] is True and isclose(g["intensive_ratio"], 0.75 / 0.3125)
    assert g["intensive_beyond_parents"] is False
    assert pair(report, "NLD", "F")["intensive_flagged"] is True
    assert pair(report, "NLD", "F")["intensive_beyond_parents"] is False  # as rare as other Dutch


def test_a_flagged_pair_with_a_disparity_of_its_own_is_beyond_parents(report):
    g = pair(report, "NGA", "F")
    assert g["intensive_flagged"] is True and isclose(g["intensive_ratio"], 0.7 / 0.3125)
    assert all(t["q"] < 0.05 and t["ratio"] >= 1.25 for t in g["intensive_parent_tests"])
    assert g["intensive_beyond_parents"] is True


def test_an_unflagged_pair_has_no_beyond_parents_verdict(report):
    g = pair(report, "NGA", "M")
    # 0.10 / 0.3125 = 0.32: flagged low; both parent ratios low (0.14 and 0.35).
    assert g["intensive_flagged"] is True and g["intensive_beyond_parents"] is True
    for g in report["groups"]:
        if len(g["characteristics"]) == 2 and not g["suppressed"] and not g["intensive_flagged"]:
            assert g["intensive_beyond_parents"] is None


def test_findings_are_the_one_way_flags_and_the_pairs_beyond_their_parents(report):
    ids = [f["id"] for f in report["findings"]]
    one_way_flagged = [
        f"group:{k}={v}"
        for g in report["groups"]
        if len(g["characteristics"]) == 1
        and (g["intensive_flagged"] or g["refusal_flagged"] or g["amplification_flagged"])
        for k, v in g["characteristics"].items()
    ]
    pairs = [i for i in ids if "|" in i]
    assert ids[: len(one_way_flagged)] and set(ids[: len(one_way_flagged)]) == set(one_way_flagged)
    # 21 flagged pairs: the six nationality × gender pairs and every nationality with each
    # of the five constant characteristics (3 × 5, each a copy of its parent). Only the two
    # Nigerian pairs carry a disparity of their own: up before down.
    assert pairs == ["group:nationality=NGA|gender=F", "group:nationality=NGA|gender=M"]
    assert sum(bool(g.get("intensive_flagged")) for g in report["groups"] if len(g["characteristics"]) == 2) == 21
    assert sum(bool(pair(report, n, s)["intensive_flagged"]) for n in ("SYR", "NGA", "NLD") for s in "MF") == 6
    f = report["findings"][ids.index("group:nationality=NGA|gender=F")]
    assert f == {
        "id": "group:nationality=NGA|gender=F",
        "subject_type": "group",
        "subject": {"nationality": "NGA", "gender": "F"},
        "direction": "up",
        "signals": [
            {
                "metric": "intensive",
                "value": 0.7,
                "ratio": f["signals"][0]["ratio"],
                "q": pair(report, "NGA", "F")["intensive_q"],
            }
        ],
    }
    assert isclose(f["signals"][0]["ratio"], 2.24)
    assert report["findings"][ids.index("group:nationality=NGA|gender=M")]["direction"] == "down"


def test_one_way_findings_put_up_before_down_then_the_strongest_first(report):
    one_way = [f for f in report["findings"] if "|" not in f["id"]]
    directions = [f["direction"] for f in one_way]
    assert directions == sorted(directions, key=lambda d: d == "down")
    # SYR (2.4 times average) comes before NGA (1.28, if flagged); NLD (0.16) is down.
    ids = [f["id"] for f in one_way]
    assert ids[0] == "group:nationality=SYR"
    assert "group:nationality=NLD" in ids and one_way[ids.index("group:nationality=NLD")]["direction"] == "down"
