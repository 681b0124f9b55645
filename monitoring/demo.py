"""Synthetic, pseudonymous monitoring records for the demo (`seed_demo --records N`).

Realistic enough for previews and bias reports to say something: a skewed mix of
nationalities, each applying at posts that fit it; ages, occupations and marital status
that go together; known-party hits; later chain-partner hits and refusal rates that
differ by group; the advice of the reference engine under the active (demo) profiles;
officers O-1 … O-40, of whom three follow the advice almost mechanically.

Everything is drawn with numpy from one seeded generator, column by column, so the
same `n` and `seed` give the same records with the same application ids: a second run
changes nothing. The advice is computed once per distinct combination of the seven
characteristics, not once per record.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from advice.cache import advice_index_current
from profiles.characteristics import Characteristic

from .services import monitoring_records_load_generated

# nationality: (share weight, {post: weight}, refusal rate, later chain-hit rate, travel-purpose tilt)
NATIONALITIES: dict[str, tuple[float, dict[str, float], float, float, dict[str, float]]] = {
    "CHN": (13, {"CNBJS": 0.55, "CNSHA": 0.45}, 0.05, 0.010, {"tourism": 2.0}),
    "IND": (12, {"INBOM": 0.5, "INDEL": 0.45, "AEDXB": 0.05}, 0.10, 0.020, {"business": 1.5}),
    "TUR": (8, {"TRIST": 1}, 0.12, 0.030, {"family_friends": 1.5}),
    "MAR": (7, {"MACAS": 1}, 0.26, 0.050, {"family_friends": 1.8}),
    "RUS": (6, {"RUMOW": 1}, 0.08, 0.020, {"tourism": 1.5}),
    "SUR": (5, {"SRPBM": 1}, 0.06, 0.020, {"family_friends": 3.0}),
    "NGA": (5, {"NGLOS": 1}, 0.38, 0.090, {"family_friends": 1.8, "business": 1.4}),
    "EGY": (4, {"EGCAI": 1}, 0.22, 0.050, {}),
    "ZAF": (4, {"ZAJNB": 1}, 0.04, 0.010, {"tourism": 1.5}),
    "IDN": (4, {"IDJKT": 1}, 0.06, 0.010, {"family_friends": 1.3}),
    "PHL": (3.5, {"PHMNL": 1}, 0.08, 0.020, {"family_friends": 1.5}),
    "THA": (3.5, {"THBKK": 1}, 0.05, 0.010, {"tourism": 1.8}),
    "SAU": (3, {"SAJED": 1}, 0.03, 0.005, {"tourism": 1.5, "medical": 3.0}),
    "ARE": (2, {"AEDXB": 1}, 0.02, 0.005, {"tourism": 1.5}),
    "GHA": (3, {"GHACC": 1}, 0.35, 0.080, {"family_friends": 1.6}),
    "KEN": (2, {"KENBO": 1}, 0.25, 0.050, {}),
    "LBN": (2, {"LBBEY": 1}, 0.20, 0.050, {"family_friends": 1.5}),
    "JOR": (2, {"JOAMM": 1}, 0.15, 0.040, {}),
    "PAK": (2.5, {"PKISB": 0.9, "AEDXB": 0.1}, 0.40, 0.080, {"family_friends": 1.6}),
    "UKR": (2, {"UAKBP": 1}, 0.10, 0.030, {}),
    "DZA": (2.5, {"DZALG": 1}, 0.40, 0.070, {"family_friends": 1.8}),
    "TUN": (2, {"TNTUN": 1}, 0.30, 0.060, {"family_friends": 1.5}),
    "SYR": (1, {"LBBEY": 0.5, "JOAMM": 0.3, "TRIST": 0.2}, 0.55, 0.150, {"family_friends": 2.5}),
    "IRN": (1, {"TRIST": 0.6, "AEDXB": 0.4}, 0.35, 0.080, {}),
    "IRQ": (1, {"JOAMM": 0.5, "TRIST": 0.5}, 0.45, 0.100, {"family_friends": 2.0}),
    "BGD": (1, {"INDEL": 0.4, "AEDXB": 0.6}, 0.45, 0.090, {}),
    "VNM": (1, {"THBKK": 1}, 0.15, 0.040, {}),
    "LKA": (0.8, {"INDEL": 1}, 0.20, 0.050, {}),
    "ETH": (0.8, {"KENBO": 1}, 0.30, 0.070, {}),
    "XXA": (0.2, {"LBBEY": 0.5, "TRIST": 0.5}, 0.50, 0.150, {"family_friends": 2.0}),
}

AGE_GROUPS = {"0-17": 0.08, "18-24": 0.14, "25-34": 0.26, "35-44": 0.22, "45-54": 0.15, "55-64": 0.10, "65+": 0.05}
GENDERS = {"M": 0.52, "F": 0.475, "X": 0.005}
PURPOSES = {
    "tourism": 0.42,
    "business": 0.20,
    "family_friends": 0.22,
    "cultural": 0.04,
    "sports": 0.02,
    "official_visit": 0.02,
    "medical": 0.02,
    "study": 0.03,
    "airport_transit": 0.02,
    "other": 0.01,
}
MARITAL_ADULT = {
    "single": 0.30,
    "married": 0.52,
    "registered_partnership": 0.03,
    "separated": 0.02,
    "divorced": 0.07,
    "widowed": 0.04,
    "other": 0.02,
}
WORKING = {
    "managers": 0.10,
    "professionals": 0.16,
    "technicians": 0.10,
    "clerical": 0.08,
    "service_sales": 0.14,
    "agricultural": 0.04,
    "craft_trades": 0.08,
    "operators": 0.05,
    "elementary": 0.06,
    "armed_forces": 0.01,
    "unemployed": 0.04,
    "homemaker": 0.06,
    "seafarer": 0.02,
    "other": 0.06,
}
# Refusal grounds on the Visa Code's standard form, roughly as often as they are used.
GROUNDS = np.array([0.04, 0.03, 0.05, 0.03, 0.05, 0.02, 0.04, 0.04, 0.22, 0.40, 0.08])
MECHANICAL_OFFICERS = (7, 19, 33)  # follow the advice almost always: the report should flag them
OFFICERS = 40
ADVICE_REFUSAL_FACTOR = {"fast": 0.35, "regular": 1.0, "intensive": 2.2}


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> tuple[np.ndarray, list[str]]:
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    return rng.choice(len(names), size=n, p=p / p.sum()), names


def _demo_arrays(n: int, seed: int, until: date) -> dict[str, Any]:
    """Every column as a numpy array (codes as small integers plus their names)."""
    rng = np.random.default_rng(seed)
    nat_idx, nat_names = _pick(rng, {k: v[0] for k, v in NATIONALITIES.items()}, n)
    posts = sorted({post for v in NATIONALITIES.values() for post in v[1]})
    post_idx = np.empty(n, dtype=np.int64)
    purpose_idx = np.empty(n, dtype=np.int64)
    purpose_names = list(PURPOSES)
    for i, name in enumerate(nat_names):
        rows = np.flatnonzero(nat_idx == i)
        _, post_weights, _, _, tilt = NATIONALITIES[name]
        chosen, names = _pick(rng, post_weights, rows.size)
        post_idx[rows] = np.array([posts.index(p) for p in names])[chosen]
        tilted = {k: w * tilt.get(k, 1.0) for k, w in PURPOSES.items()}
        purpose_idx[rows], _ = _pick(rng, tilted, rows.size)
    age_idx, age_names = _pick(rng, AGE_GROUPS, n)
    gender_idx, gender_names = _pick(rng, GENDERS, n)

    marital_names = list(MARITAL_ADULT)
    marital_idx, _ = _pick(rng, MARITAL_ADULT, n)
    young = np.isin(age_idx, [age_names.index("0-17"), age_names.index("18-24")])
    minor = age_idx == age_names.index("0-17")
    marital_idx[minor] = marital_names.index("single")
    marital_idx[young & ~minor & (rng.random(n) < 0.6)] = marital_names.index("single")

    occupation_names = list(WORKING) + ["student", "retired", "minor"]
    occupation_idx, _ = _pick(rng, WORKING, n)
    occupation_idx[(age_idx == age_names.index("18-24")) & (rng.random(n) < 0.45)] = occupation_names.index("student")
    occupation_idx[(age_idx == age_names.index("65+")) & (rng.random(n) < 0.8)] = occupation_names.index("retired")
    occupation_idx[(age_idx == age_names.index("55-64")) & (rng.random(n) < 0.2)] = occupation_names.index("retired")
    occupation_idx[minor] = occupation_names.index("minor")
    occupation_idx[minor & (rng.random(n) < 0.25)] = occupation_names.index("student")
    purpose_idx[minor & (purpose_idx == purpose_names.index("business"))] = purpose_names.index("family_friends")

    family = purpose_idx == purpose_names.index("family_friends")
    business = purpose_idx == purpose_names.index("business")
    applicant = rng.random(n) < 0.015
    referent = rng.random(n) < np.where(family, 0.05, 0.015)
    employer = business & (rng.random(n) < 0.03)

    days = rng.integers(0, 365, size=n)
    lodged = np.datetime64(until) - days.astype("timedelta64[D]")
    decided = lodged + rng.integers(2, 40, size=n).astype("timedelta64[D]")
    pending = decided > np.datetime64(until)

    refusal_base = np.array([NATIONALITIES[k][2] for k in nat_names])[nat_idx]
    chain_base = np.array([NATIONALITIES[k][3] for k in nat_names])[nat_idx]
    age_factor = np.array([0.5, 1.5, 1.4, 1.0, 0.7, 0.5, 0.4])[age_idx]
    purpose_factor = np.where(family, 1.3, np.where(business, 0.6, 1.0))
    purpose_factor = np.where(purpose_idx == purpose_names.index("airport_transit"), 1.6, purpose_factor)
    chain = rng.random(n) < np.clip(chain_base * age_factor * purpose_factor, 0, 0.9)

    return {
        "rng": rng,
        "n": n,
        "lodged": lodged,
        "decided": decided,
        "pending": pending,
        "chain": chain,
        "refusal_base": refusal_base,
        "applicant": applicant,
        "referent": referent,
        "employer": employer,
        "post_idx": post_idx,
        "codes": {
            Characteristic.NATIONALITY: (nat_idx, nat_names),
            Characteristic.AGE_GROUP: (age_idx, age_names),
            Characteristic.GENDER: (gender_idx, gender_names),
            Characteristic.MARITAL_STATUS: (marital_idx, marital_names),
            Characteristic.OCCUPATION: (occupation_idx, occupation_names),
            Characteristic.TRAVEL_PURPOSE: (purpose_idx, purpose_names),
            Characteristic.APPLICATION_LOCATION: (post_idx, posts),
        },
    }


def _advice(data: dict[str, Any], until: date) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The engine's track (0 fast, 1 regular, 2 intensive) and matched profiles per record,
    evaluated once per distinct combination of the seven characteristics."""
    index, _catalogue = advice_index_current()
    order = list(Characteristic.values)
    stacked = np.stack([data["codes"][c][0] for c in order], axis=1)
    combos, inverse = np.unique(stacked, axis=0, return_inverse=True)
    names = [data["codes"][c][1] for c in order]
    tracks = {"fast": 0, "regular": 1, "intensive": 2}
    combo_track = np.empty(len(combos), dtype=np.int8)
    combo_matched: list[str] = []
    for j, combo in enumerate(combos.tolist()):
        result = index.decide([names[k][v] for k, v in enumerate(combo)], (False, False, False), until)
        combo_track[j] = tracks[result.track]
        combo_matched.append(result.matched_profiles)
    inverse = inverse.reshape(-1)
    track = combo_track[inverse]
    parties = data["applicant"] | data["referent"] | data["employer"]
    track = np.where(parties, 2, track).astype(np.int8)
    return track, inverse, combo_matched


def _decisions(data: dict[str, Any], track: np.ndarray) -> dict[str, np.ndarray]:
    rng, n = data["rng"], data["n"]
    officer = 1 + (data["post_idx"] * 5 + rng.integers(0, 5, size=n)) % OFFICERS
    p_refuse = data["refusal_base"] * np.array([0.35, 1.0, 2.2])[track]
    p_refuse = np.clip(p_refuse + np.where(data["chain"], 0.15, 0), 0, 0.95)
    refused = rng.random(n) < p_refuse
    mechanical = np.isin(officer, MECHANICAL_OFFICERS)
    refused = np.where(mechanical & (track == 0), rng.random(n) < 0.01, refused)
    refused = np.where(mechanical & (track == 2), rng.random(n) < 0.97, refused)
    withdrawn = rng.random(n) < 0.015
    decision = np.where(refused, 1, 0)  # 0 granted, 1 refused, 2 withdrawn, 3 pending
    decision = np.where(withdrawn, 2, decision)
    decision = np.where(data["pending"], 3, decision)
    ground = rng.choice(11, size=n, p=GROUNDS / GROUNDS.sum()) + 1
    return {"officer": officer, "decision": decision, "ground": ground}


def _rows(
    data: dict[str, Any],
    track: np.ndarray,
    inverse: np.ndarray,
    matched: list[str],
    outcome: dict[str, np.ndarray],
    seed: int,
) -> Iterator[tuple[Any, ...]]:
    order = list(Characteristic.values)
    columns = [np.array(data["codes"][c][1], dtype=object)[data["codes"][c][0]] for c in order]
    lodged = data["lodged"].astype(str)
    decided = data["decided"].astype(str)
    track_names = np.array(["fast", "regular", "intensive"], dtype=object)[track]
    decisions = np.array(["granted", "refused", "withdrawn", "pending"], dtype=object)[outcome["decision"]]
    matched_col = np.array(matched, dtype=object)[inverse]
    flags = [data["applicant"], data["referent"], data["employer"], data["chain"]]
    for i in range(data["n"]):
        what = decisions[i]
        is_pending = what == "pending"
        yield (
            i + 1,
            f"DEMO-{seed}-{i + 1:07d}",
            lodged[i],
            None if is_pending else decided[i],
            *(column[i] for column in columns),
            track_names[i],
            matched_col[i],
            *(bool(flag[i]) for flag in flags),
            what,
            "" if is_pending else f"O-{outcome['officer'][i]}",
            int(outcome["ground"][i]) if what == "refused" else None,
        )


def monitoring_demo_records_generate(*, n: int, seed: int = 0, actor: Any = None, until: date | None = None) -> int:
    """Generate and keep `n` synthetic records lodged in the year up to `until` (default
    today), with application ids DEMO-<seed>-0000001 …; returns how many records exist
    under those ids. The same n, seed and day give the same records: running it twice
    changes nothing."""
    if n <= 0:
        return 0
    until = until or timezone.localdate()
    catalogue = advice_index_current()[1]
    data = _demo_arrays(n, seed, until)
    for characteristic, (_idx, names) in data["codes"].items():
        missing = set(names) - catalogue.get(characteristic, set())
        if missing:
            raise ValueError(f"demo codes missing from the {characteristic} catalogue: {sorted(missing)}")
    track, inverse, matched = _advice(data, until)
    outcome = _decisions(data, track)
    run = monitoring_records_load_generated(
        actor=actor,
        rows=_rows(data, track, inverse, matched, outcome, seed),
        label=f"demo n={n} seed={seed} until={until.isoformat()}",
    )
    return run.row_count


def demo_period(until: date | None = None) -> tuple[date, date]:
    until = until or timezone.localdate()
    return until - timedelta(days=364), until
