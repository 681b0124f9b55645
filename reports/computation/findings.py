"""The findings of schema `iob-bias-report/2`: what the DPO reviews, in the order of
bias-report.md. Flags are many (every pair containing a high-refusal nationality is
flagged); a finding is a flagged officer, a flagged profile, a one-way group with any
flag, or a two-way group whose disparity goes beyond both of its parents."""

from math import log
from typing import Any

from .schema import CHARACTERISTICS

PARTS: tuple[str, ...] = ("officer", "profile", "group_one_way", "group_two_way")


def finding_id_of_group(characteristics: dict[str, str]) -> str:
    """`group:nationality=NGA|travel_purpose=family_friends`, characteristics in their fixed order."""
    ordered = sorted(characteristics.items(), key=lambda item: CHARACTERISTICS.index(item[0]))
    return "group:" + "|".join(f"{k}={v}" for k, v in ordered)


def _signal(metric: str, value: float | None, ratio: float | None, q: float | None) -> dict[str, Any]:
    return {"metric": metric, "value": value, "ratio": ratio, "q": q}


def _finding(finding_id: str, subject_type: str, subject: Any, signals: list[dict[str, Any]]) -> dict[str, Any]:
    # A follow_rate signal has no ratio and counts as up.
    ups = [
        s["ratio"] is None or s["ratio"] >= 1 for s in signals if s["metric"] == "follow_rate" or s["ratio"] is not None
    ]
    direction = "up" if all(ups) else "down" if not any(ups) else "mixed"
    return {
        "id": finding_id,
        "subject_type": subject_type,
        "subject": subject,
        "direction": direction,
        "signals": signals,
    }


def _strength(finding: dict[str, Any]) -> float:
    ratios = [s["ratio"] for s in finding["signals"] if s["ratio"] is not None and s["ratio"] > 0]
    return max((abs(log(r)) for r in ratios), default=0.0)


def _ordered(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(part, key=lambda f: (f["direction"] == "down", -_strength(f), f["id"]))


def findings_build(report: dict[str, Any]) -> list[dict[str, Any]]:
    p = report["parameters"]
    officers = []
    for o in report["officers"]:
        if not o["flagged"]:
            continue
        signals = []
        if (
            o["n_decided"] >= p["min_cell"]
            and o["follow_rate"] is not None
            and o["follow_rate"] >= p["follow_threshold"]
        ):
            signals.append(_signal("follow_rate", o["follow_rate"], None, None))
        if (
            o["q"] is not None
            and o["q"] < p["alpha"]
            and o["intensive_refusal_ratio"] is not None
            and o["intensive_refusal_ratio"] >= p["ratio_high"]
        ):
            signals.append(
                _signal(
                    "intensive_refusal", o["refusal_rate_by_advice"]["intensive"], o["intensive_refusal_ratio"], o["q"]
                )
            )
        officers.append(_finding(f"officer:{o['officer_id']}", "officer", o["officer_id"], signals))
    profiles = [
        _finding(
            f"profile:{h['code']}",
            "profile",
            h["code"],
            [_signal("refusal", h["refusal_rate"], h["refusal_ratio"], h["q"])],
        )
        for h in report["profiles"]
        if h["flagged"]
    ]
    one_way, two_way = [], []
    for g in report["groups"]:
        if g["suppressed"]:
            continue
        signals = []
        if len(g["characteristics"]) == 1:
            if g["intensive_flagged"]:
                signals.append(_signal("intensive", g["intensive_rate"], g["intensive_ratio"], g["intensive_q"]))
            if g["refusal_flagged"]:
                signals.append(_signal("refusal", g["refusal_rate"], g["refusal_ratio"], g["refusal_q"]))
            if g["amplification_flagged"]:
                signals.append(_signal("amplification", g["cmh_odds_ratio"], g["cmh_odds_ratio"], g["cmh_q"]))
            part = one_way
        else:
            if g["intensive_beyond_parents"]:
                signals.append(_signal("intensive", g["intensive_rate"], g["intensive_ratio"], g["intensive_q"]))
            if g["refusal_beyond_parents"]:
                signals.append(_signal("refusal", g["refusal_rate"], g["refusal_ratio"], g["refusal_q"]))
            part = two_way
        if signals:
            part.append(
                _finding(finding_id_of_group(g["characteristics"]), "group", dict(g["characteristics"]), signals)
            )
    return [f for part in (officers, profiles, one_way, two_way) for f in _ordered(part)]


def finding_part(finding: dict[str, Any]) -> str:
    """Which of the four parts a finding belongs to."""
    if finding["subject_type"] != "group":
        return finding["subject_type"]
    return "group_one_way" if len(finding["subject"]) == 1 else "group_two_way"
