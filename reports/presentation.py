"""The disclosure-controlled view of a report, from which the page, the CSV and the PDF
are all made: one place decides what a reader may see.

Small cells never reach a reader: a group, officer, profile or month resting on fewer than
`min_cell` records is listed without figures, a count under `min_cell` is not shown, and
a rate whose denominator is under `min_cell` is not shown. The JSON keeps the
figures of docs/bias-report.md as they are (it names suppressed groups with null figures); this
view is stricter for officers, profiles and months, whose small denominators the JSON
does show.

The view also holds the plain-language findings, in Dutch and in English.
"""

import re
from typing import Any

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from profiles import selectors as profile_selectors

from .computation.findings import PARTS, finding_id_of_group, finding_part
from .computation.schema import ADVICE, CHARACTERISTICS

VIEW_VERSION = 2
LANGUAGES = ("nl", "en")
DIRECTIONS = ("up", "mixed", "down")

CHARACTERISTIC_NAMES = {
    "nationality": _("nationality"),
    "age_group": _("age group"),
    "gender": _("gender"),
    "marital_status": _("marital status"),
    "occupation": _("occupation"),
    "travel_purpose": _("main purpose of the journey"),
    "application_location": _("place of application"),
}
PART_NAMES = {
    "officer": _("Officers"),
    "profile": _("Profiles"),
    "group_one_way": _("Groups by one characteristic"),
    "group_two_way": _("Groups by two characteristics, beyond both parents"),
}
DIRECTION_NAMES = {"up": _("higher"), "mixed": _("mixed"), "down": _("lower")}
METRIC_NAMES = {
    "follow_rate": _("Follow rate"),
    "intensive_refusal": _("Refusal rate on intensive advice"),
    "intensive": _("Intensive advice"),
    "refusal": _("Refusal rate"),
    "amplification": _("Refusals under the same advice (odds ratio)"),
}
ADVICE_NAMES = {"fast": _("fast"), "regular": _("regular"), "intensive": _("intensive")}


# --- Numbers as a reader sees them -------------------------------------------------------------


def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "nl" else text


def fmt_pct(value: float | None, lang: str, digits: int = 1) -> str:
    return "—" if value is None else _decimal(f"{value * 100:.{digits}f}%", lang)


def fmt_ratio(value: float | None, lang: str) -> str:
    return "—" if value is None else _decimal(f"{value:.2f}", lang)


# "About a third as often": a ratio under one said as the part of the other rate it is,
# which an official takes in at once (where "0.33 times as often" makes them stop).
_FRACTIONS = {
    2: lambda: pgettext("fraction", "half"),
    3: lambda: pgettext("fraction", "a third"),
    4: lambda: pgettext("fraction", "a quarter"),
    5: lambda: pgettext("fraction", "a fifth"),
    6: lambda: pgettext("fraction", "a sixth"),
    7: lambda: pgettext("fraction", "a seventh"),
    8: lambda: pgettext("fraction", "an eighth"),
    9: lambda: pgettext("fraction", "a ninth"),
    10: lambda: pgettext("fraction", "a tenth"),
}


def fmt_relative(value: float | None, lang: str, *, of: str = "often") -> str:
    """A ratio of two rates in words, in the active language: "2.35 times as often" when
    higher; when lower, "23% less often" (down to two thirds), "about a ninth as often"
    (down to a tenth), "about 1/40 as often" beyond. `of` is "often" (how often something
    happens) or "high" (a rate compared with a rate)."""
    high = of == "high"
    if value is None:
        return "—"
    if value >= 1:
        message = gettext("%(ratio)s times as high") if high else gettext("%(ratio)s times as often")
        return message % {"ratio": fmt_ratio(value, lang)}
    if value <= 0:
        return gettext("zero") if high else gettext("never")
    parts = round(1 / value)
    if parts < 2:
        message = gettext("%(percent)s lower") if high else gettext("%(percent)s less often")
        return message % {"percent": fmt_pct(1 - value, lang, 0)}
    fraction = _FRACTIONS[parts]() if parts in _FRACTIONS else f"1/{parts}"
    message = gettext("about %(fraction)s as high") if high else gettext("about %(fraction)s as often")
    return message % {"fraction": fraction}


def fmt_p(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< " + _decimal("0.001", lang)
    return _decimal(f"{value:.3f}", lang)


def fmt_count(value: int | None, lang: str, min_cell: int) -> str:
    if value is None:
        return f"< {min_cell}"
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "nl" else text


# --- Labels --------------------------------------------------------------------------------------


def _catalogue_labels() -> dict[str, dict[str, dict[str, str]]]:
    return {
        lang: {c: dict(rows) for c, rows in profile_selectors.catalogue_choices(language=lang).items()}
        for lang in LANGUAGES
    }


def group_label(characteristics: dict[str, str], lang: str, labels: dict[str, dict[str, dict[str, str]]]) -> str:
    """Plain words: "Nationaliteit: Nigeria · Geslacht: vrouw" (the code where the
    catalogue has no label)."""
    parts = []
    with translation.override(lang):
        for name, code in characteristics.items():
            label = labels.get(lang, {}).get(name, {}).get(code) or code
            parts.append(f"{capfirst(str(CHARACTERISTIC_NAMES.get(name, name)))}: {label}")
    return " · ".join(parts)


def _labels_both(characteristics, labels) -> dict[str, str]:
    return {lang: group_label(characteristics, lang, labels) for lang in LANGUAGES}


def group_key(characteristics: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in characteristics.items())


# --- Findings in plain words -------------------------------------------------------------------


def _texts(builder) -> dict[str, str]:
    out = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = builder(lang)
    return out


def _group_finding(
    kind: str, g: dict[str, Any], pop: dict[str, Any], label: dict[str, str], p: dict[str, Any]
) -> dict[str, Any]:
    def text(lang: str) -> str:
        if kind == "intensive":
            high = g["intensive_ratio"] >= p["ratio_high"]
            message = (
                gettext(
                    "Applications in the group “%(group)s” get the intensive track more often than average: "
                    "%(rate)s against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to "
                    "%(high)s; q %(q)s)."
                )
                if high
                else gettext(
                    "Applications in the group “%(group)s” get the intensive track less often than average: "
                    "%(rate)s against %(overall)s overall (%(relative)s; 95%% interval %(low)s to "
                    "%(high)s; q %(q)s)."
                )
            )
            return message % {
                "group": label[lang],
                "rate": fmt_pct(g["intensive_rate"], lang),
                "overall": fmt_pct(pop["intensive_rate"], lang),
                "ratio": fmt_ratio(g["intensive_ratio"], lang),
                "relative": fmt_relative(g["intensive_ratio"], lang),
                "low": fmt_pct(g["intensive_rate_ci"][0], lang),
                "high": fmt_pct(g["intensive_rate_ci"][1], lang),
                "q": _q(g["intensive_q"], lang),
            }
        if kind == "refusal":
            high = g["refusal_ratio"] >= p["ratio_high"]
            message = (
                gettext(
                    "Applications in the group “%(group)s” are refused more often than average: "
                    "%(rate)s of decided applications against %(overall)s overall (%(ratio)s times as often; "
                    "95%% interval %(low)s to %(high)s; q %(q)s)."
                )
                if high
                else gettext(
                    "Applications in the group “%(group)s” are refused less often than average: "
                    "%(rate)s of decided applications against %(overall)s overall (%(relative)s; "
                    "95%% interval %(low)s to %(high)s; q %(q)s)."
                )
            )
            return message % {
                "group": label[lang],
                "rate": fmt_pct(g["refusal_rate"], lang),
                "overall": fmt_pct(pop["refusal_rate"], lang),
                "ratio": fmt_ratio(g["refusal_ratio"], lang),
                "relative": fmt_relative(g["refusal_ratio"], lang),
                "low": fmt_pct(g["refusal_rate_ci"][0], lang),
                "high": fmt_pct(g["refusal_rate_ci"][1], lang),
                "q": _q(g["refusal_q"], lang),
            }
        high = g["cmh_odds_ratio"] >= p["ratio_high"]
        message = (
            gettext(
                "Among applications that got the same advice, officers refuse the group “%(group)s” "
                "more often than others (Mantel–Haenszel odds ratio %(odds)s; q %(q)s). The human decision, "
                "not the advice, adds this difference."
            )
            if high
            else gettext(
                "Among applications that got the same advice, officers refuse the group “%(group)s” "
                "less often than others (Mantel–Haenszel odds ratio %(odds)s; q %(q)s). The human decision, "
                "not the advice, adds this difference."
            )
        )
        return message % {"group": label[lang], "odds": fmt_ratio(g["cmh_odds_ratio"], lang), "q": _q(g["cmh_q"], lang)}

    return {
        "kind": kind,
        "subject_type": "group",
        "subject": g["characteristics"],
        "label": label,
        "q": _GROUP_Q[kind](g),
        "text": _texts(text),
    }


_GROUP_Q = {
    "intensive": lambda g: g["intensive_q"],
    "refusal": lambda g: g["refusal_q"],
    "amplification": lambda g: g.get("cmh_q"),
}


def _q(q: float | None, lang: str) -> str:
    return fmt_p(q, lang) if q is not None and q < 0.001 else "= " + fmt_p(q, lang)


def _officer_findings(o: dict[str, Any], shown: dict[str, Any], p: dict[str, Any]) -> list[dict[str, Any]]:
    """`o` as in the JSON (decides the flag), `shown` as the view shows it (gives the words)."""
    out = []
    follow = o["follow_rate"]
    if o["n_decided"] >= p["min_cell"] and follow is not None and follow >= p["follow_threshold"]:

        def follow_text(lang: str) -> str:
            values = {
                "officer": o["officer_id"],
                "rate": fmt_pct(shown["follow_rate"], lang),
                "threshold": fmt_pct(p["follow_threshold"], lang, 0),
            }
            if shown["follow_rate"] is None:  # the share rests on a small cell: say only that it is high
                return (
                    gettext(
                        "Officer %(officer)s decided in line with the advice in at least %(threshold)s of "
                        "decisions on fast or intensive advice: a sign of following the advice mechanically "
                        "(automation bias)."
                    )
                    % values
                )
            return (
                gettext(
                    "Officer %(officer)s decided in line with the advice in %(rate)s of decisions on fast or "
                    "intensive advice (threshold %(threshold)s): a sign of following the advice mechanically "
                    "(automation bias)."
                )
                % values
            )

        out.append(
            {
                "kind": "officer_follow",
                "subject_type": "officer",
                "subject": o["officer_id"],
                "label": {lang: o["officer_id"] for lang in LANGUAGES},
                "q": None,
                "text": _texts(follow_text),
            }
        )
    if (
        o["q"] is not None
        and o["q"] < p["alpha"]
        and o["intensive_refusal_ratio"] is not None
        and o["intensive_refusal_ratio"] >= p["ratio_high"]
    ):
        out.append(
            {
                "kind": "officer_refusal",
                "subject_type": "officer",
                "subject": o["officer_id"],
                "label": {lang: o["officer_id"] for lang in LANGUAGES},
                "q": o["q"],
                "text": _texts(
                    lambda lang: (
                        gettext(
                            "Officer %(officer)s refuses applications with intensive advice %(ratio)s "
                            "times as often as other officers do (q %(q)s)."
                        )
                        % {
                            "officer": o["officer_id"],
                            "ratio": fmt_ratio(o["intensive_refusal_ratio"], lang),
                            "q": _q(o["q"], lang),
                        }
                    )
                ),
            }
        )
    return out


def _profile_finding(h: dict[str, Any], pop: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    def text(lang: str) -> str:
        message = (
            gettext(
                "Applications that hit profile %(profile)s are refused more often than average: %(rate)s "
                "against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to %(high)s; "
                "q %(q)s)."
            )
            if h["refusal_ratio"] >= p["ratio_high"]
            else gettext(
                "Applications that hit profile %(profile)s are refused less often than average: %(rate)s "
                "against %(overall)s overall (%(relative)s; 95%% interval %(low)s to %(high)s; "
                "q %(q)s)."
            )
        )
        return message % {
            "profile": h["code"],
            "rate": fmt_pct(h["refusal_rate"], lang),
            "overall": fmt_pct(pop["refusal_rate"], lang),
            "ratio": fmt_ratio(h["refusal_ratio"], lang),
            "relative": fmt_relative(h["refusal_ratio"], lang),
            "low": fmt_pct(h["refusal_rate_ci"][0], lang),
            "high": fmt_pct(h["refusal_rate_ci"][1], lang),
            "q": _q(h["q"], lang),
        }

    return {
        "kind": "profile",
        "subject_type": "profile",
        "subject": h["code"],
        "label": {lang: h["code"] for lang in LANGUAGES},
        "q": h["q"],
        "text": _texts(text),
    }


def finding_anchor(finding_id: str) -> str:
    """An HTML id for a finding's row: `group:nationality=NGA` → `finding-group-nationality-NGA`."""
    return "finding-" + re.sub(r"[^A-Za-z0-9_]+", "-", finding_id).strip("-")


def _beyond_text(g: dict[str, Any], metric: str, labels, lang: str) -> str:
    tests = g[f"{metric}_parent_tests"]
    parents = [group_label({t["within"]: g["characteristics"][t["within"]]}, lang, labels) for t in tests]
    return gettext(
        "This is not inherited: compared with the rest of “%(first)s” the rate is %(r1)s, and "
        "compared with the rest of “%(second)s” it is %(r2)s."
    ) % {
        "first": parents[0],
        "second": parents[1],
        "r1": fmt_relative(tests[0]["ratio"], lang, of="high"),
        "r2": fmt_relative(tests[1]["ratio"], lang, of="high"),
    }


def _finding_view(
    f: dict[str, Any],
    *,
    groups: dict[str, dict[str, Any]],
    officers: dict[str, tuple],
    profiles: dict[str, dict[str, Any]],
    pop: dict[str, Any],
    p: dict[str, Any],
    labels,
) -> dict[str, Any]:
    """One finding of the report JSON, with its plain-words label and sentences (nl, en)."""
    kind = f["subject_type"]
    texts: list[dict[str, str]] = []
    if kind == "group":
        g = groups[f["id"]]
        label = _labels_both(g["characteristics"], labels)
        for s in f["signals"]:
            texts.append(_group_finding(s["metric"], g, pop, label, p)["text"])
            if len(g["characteristics"]) == 2:
                texts.append(_texts(lambda lang, m=s["metric"], g=g: _beyond_text(g, m, labels, lang)))
    elif kind == "officer":
        o, shown = officers[f["subject"]]
        label = _texts(lambda lang: gettext("Officer %(officer)s") % {"officer": f["subject"]})
        texts += [x["text"] for x in _officer_findings(o, shown, p)]
    else:
        label = _texts(lambda lang: gettext("Profile %(profile)s") % {"profile": f["subject"]})
        texts.append(_profile_finding(profiles[f["subject"]], pop, p)["text"])
    signals = [dict(s) for s in f["signals"]]
    if kind == "officer":
        # The follow rate shown only where its denominator is at least min_cell.
        for s in signals:
            if s["metric"] == "follow_rate":
                s["value"] = officers[f["subject"]][1]["follow_rate"]
    return {
        "id": f["id"],
        "anchor": finding_anchor(f["id"]),
        "part": finding_part(f),
        "subject_type": kind,
        "subject": f["subject"],
        "direction": f["direction"],
        "signals": signals,
        "label": label,
        "text": {lang: " ".join(t[lang] for t in texts) for lang in LANGUAGES},
    }


def findings_summary(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by part and direction, and the first finding of each part (the strongest)."""
    counts = {part: {d: 0 for d in DIRECTIONS} for part in PARTS}
    top: dict[str, str] = {}
    for f in findings:
        counts[f["part"]][f["direction"]] += 1
        top.setdefault(f["part"], f["id"])
    return {
        "counts": counts,
        "totals": {part: sum(c.values()) for part, c in counts.items()},
        "directions": {d: sum(c[d] for c in counts.values()) for d in DIRECTIONS},
        "top": [top[part] for part in PARTS if part in top],
    }


# --- The view ----------------------------------------------------------------------------------


def _small(value: int | None, min_cell: int) -> int | None:
    return None if value is None or value < min_cell else value


def _population_view(pop: dict[str, Any], pop_support: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """The whole period's figures; a figure whose base is under `min_cell` is withheld."""
    return {
        "n": _small(pop["n"], min_cell),
        "n_decided": _small(pop["n_decided"], min_cell),
        "advice": {a: _small(pop["advice"][a], min_cell) for a in ADVICE},
        "advice_share": {
            a: (pop["advice"][a] / pop["n"] if pop["n"] and pop["advice"][a] >= min_cell else None) for a in ADVICE
        },
        "intensive_rate": pop["intensive_rate"] if pop["n"] >= min_cell else None,
        "refusal_rate": pop["refusal_rate"] if pop["n_decided"] >= min_cell else None,
        "refusal_rate_by_advice": {
            a: (pop["refusal_rate_by_advice"][a] if pop_support["decided_by_advice"][a] >= min_cell else None)
            for a in ADVICE
        },
        "follow_rate": pop["follow_rate"] if pop_support["follow_denominator"] >= min_cell else None,
    }


def _groups_view(
    report_groups: list[dict[str, Any]], labels: dict[str, Any], min_cell: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The shown groups, the suppressed ones (named, without figures), and the report's
    groups by finding id."""
    groups, suppressed_groups = [], []
    by_finding_id: dict[str, dict[str, Any]] = {}
    for group in report_groups:
        label = _labels_both(group["characteristics"], labels)
        dims = len(group["characteristics"])
        if group["suppressed"]:
            suppressed_groups.append({"characteristics": group["characteristics"], "label": label, "dims": dims})
            continue
        row = {k: v for k, v in group.items() if k != "suppressed"}
        row.update(
            key=group_key(group["characteristics"]),
            label=label,
            dims=dims,
            pair="+".join(group["characteristics"]),
            n_decided=_small(group["n_decided"], min_cell),
            flagged=bool(group["intensive_flagged"] or group["refusal_flagged"] or group.get("amplification_flagged")),
        )
        if dims == 2:
            row["beyond"] = bool(group.get("intensive_beyond_parents") or group.get("refusal_beyond_parents"))
        groups.append(row)
        by_finding_id[finding_id_of_group(group["characteristics"])] = group
    return groups, suppressed_groups, by_finding_id


def _officers_view(
    report_officers: list[dict[str, Any]], officers_support: dict[str, Any], min_cell: int
) -> tuple[list[dict[str, Any]], int, dict[str, tuple]]:
    """Officers with enough decisions to show (and how many are hidden), and each shown
    officer's report row beside its view row."""
    officers, hidden = [], 0
    rows: dict[str, tuple] = {}
    for officer in report_officers:
        if officer["n_decided"] < min_cell:
            hidden += 1
            continue
        officer_support = officers_support[officer["officer_id"]]
        decided_by_advice = officer_support["decided_by_advice"]
        row = dict(officer)
        row["refusal_rate_by_advice"] = {
            a: (officer["refusal_rate_by_advice"][a] if decided_by_advice[a] >= min_cell else None) for a in ADVICE
        }
        row["follow_rate"] = officer["follow_rate"] if officer_support["follow_denominator"] >= min_cell else None
        row["intensive_refusal_ratio"] = (
            officer["intensive_refusal_ratio"] if decided_by_advice["intensive"] >= min_cell else None
        )
        officers.append(row)
        rows[officer["officer_id"]] = (officer, row)
    return officers, hidden, rows


def _profiles_view(report_profiles: list[dict[str, Any]], min_cell: int) -> tuple[list[dict[str, Any]], int]:
    """Profiles with enough hits to show, and how many are hidden."""
    profiles, hidden = [], 0
    for hits in report_profiles:
        if hits["n"] < min_cell:
            hidden += 1
            continue
        row = dict(hits)
        if hits["n_decided"] < min_cell:
            row.update(n_decided=None, refusal_rate=None, refusal_rate_ci=None, refusal_ratio=None)
        profiles.append(row)
    return profiles, hidden


def _months_view(
    report_months: list[dict[str, Any]], months_support: dict[str, Any], min_cell: int
) -> list[dict[str, Any]]:
    months = []
    for month in report_months:
        small = month["n"] < min_cell
        decided = months_support.get(month["month"], {}).get("n_decided", 0)
        months.append(
            {
                "month": month["month"],
                "suppressed": small,
                "n": None if small else month["n"],
                "intensive_rate": None if small else month["intensive_rate"],
                "refusal_rate": None if small or decided < min_cell else month["refusal_rate"],
            }
        )
    return months


def view_build(*, report: dict[str, Any], support: dict[str, Any]) -> dict[str, Any]:
    """The view of one report (a JSON-serialisable dict)."""
    parameters = report["parameters"]
    min_cell = parameters["min_cell"]
    labels = _catalogue_labels()
    groups, suppressed_groups, groups_by_finding = _groups_view(report["groups"], labels, min_cell)
    officers, officers_hidden, officer_rows = _officers_view(report["officers"], support["officers"], min_cell)
    profiles, profiles_hidden = _profiles_view(report["profiles"], min_cell)
    profile_rows = {hits["code"]: hits for hits in report["profiles"]}
    findings = [
        _finding_view(
            f,
            groups=groups_by_finding,
            officers=officer_rows,
            profiles=profile_rows,
            pop=report["population"],
            p=parameters,
            labels=labels,
        )
        for f in report.get("findings", [])
    ]
    return {
        "version": VIEW_VERSION,
        "period": report["period"],
        "parameters": parameters,
        "min_cell": min_cell,
        "population": _population_view(report["population"], support["population"], min_cell),
        "findings": findings,
        "findings_summary": findings_summary(findings),
        "findings_count": len(findings),
        "flags_count": flagged_count(report),
        "groups": groups,
        "suppressed_groups": suppressed_groups,
        "officers": officers,
        "officers_hidden": officers_hidden,
        "profiles": profiles,
        "profiles_hidden": profiles_hidden,
        "months": _months_view(report["months"], support["months"], min_cell),
        "characteristics": list(CHARACTERISTICS),
    }


def flagged_count(report: dict[str, Any]) -> int:
    """Flags raised in a report (a group can raise up to three)."""
    return (
        sum(
            bool(g["intensive_flagged"]) + bool(g["refusal_flagged"]) + bool(g.get("amplification_flagged"))
            for g in report["groups"]
        )
        + sum(bool(o["flagged"]) for o in report["officers"])
        + sum(bool(h["flagged"]) for h in report["profiles"])
    )
