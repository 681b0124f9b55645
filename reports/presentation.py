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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles import selectors as profile_selectors

from .computation.schema import ADVICE, CHARACTERISTICS

VIEW_VERSION = 1
LANGUAGES = ("nl", "en")
# How many findings of one kind are spelled out; the rest are counted and in the tables.
FINDINGS_PER_KIND = 8

CHARACTERISTIC_NAMES = {
    "nationality": _("nationality"), "age_group": _("age group"), "gender": _("gender"),
    "marital_status": _("marital status"), "occupation": _("occupation"),
    "travel_purpose": _("main purpose of the journey"), "application_location": _("place of application"),
}
ADVICE_NAMES = {"fast": _("fast"), "regular": _("regular"), "intensive": _("intensive")}


# --- Numbers as a reader sees them -------------------------------------------------------------

def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",") if lang == "nl" else text


def fmt_pct(value: float | None, lang: str, digits: int = 1) -> str:
    return "—" if value is None else _decimal(f"{value * 100:.{digits}f}%", lang)


def fmt_ratio(value: float | None, lang: str) -> str:
    return "—" if value is None else _decimal(f"{value:.2f}", lang)


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
    return {lang: {c: dict(rows) for c, rows in profile_selectors.catalogue_choices(language=lang).items()}
            for lang in LANGUAGES}


def group_label(characteristics: dict[str, str], lang: str, labels: dict[str, dict[str, dict[str, str]]]) -> str:
    parts = []
    with translation.override(lang):
        for name, code in characteristics.items():
            label = labels.get(lang, {}).get(name, {}).get(code)
            shown = f"{code} ({label})" if label and label != code else code
            parts.append(f"{CHARACTERISTIC_NAMES.get(name, name)} {shown}")
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


def _group_finding(kind: str, g: dict[str, Any], pop: dict[str, Any], label: dict[str, str],
                   p: dict[str, Any]) -> dict[str, Any]:
    def text(lang: str) -> str:
        if kind == "intensive":
            high = g["intensive_ratio"] >= p["ratio_high"]
            message = (gettext("Applications with %(group)s get the intensive track more often than average: %(rate)s "
                          "against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to "
                          "%(high)s; q %(q)s).") if high else
                       gettext("Applications with %(group)s get the intensive track less often than average: %(rate)s "
                          "against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to "
                          "%(high)s; q %(q)s)."))
            return message % {
                "group": label[lang], "rate": fmt_pct(g["intensive_rate"], lang),
                "overall": fmt_pct(pop["intensive_rate"], lang), "ratio": fmt_ratio(g["intensive_ratio"], lang),
                "low": fmt_pct(g["intensive_rate_ci"][0], lang), "high": fmt_pct(g["intensive_rate_ci"][1], lang),
                "q": _q(g["intensive_q"], lang)}
        if kind == "refusal":
            high = g["refusal_ratio"] >= p["ratio_high"]
            message = (gettext("Applications with %(group)s are refused more often than average: %(rate)s of decided "
                          "applications against %(overall)s overall (%(ratio)s times as often; 95%% interval "
                          "%(low)s to %(high)s; q %(q)s).") if high else
                       gettext("Applications with %(group)s are refused less often than average: %(rate)s of decided "
                          "applications against %(overall)s overall (%(ratio)s times as often; 95%% interval "
                          "%(low)s to %(high)s; q %(q)s)."))
            return message % {
                "group": label[lang], "rate": fmt_pct(g["refusal_rate"], lang),
                "overall": fmt_pct(pop["refusal_rate"], lang), "ratio": fmt_ratio(g["refusal_ratio"], lang),
                "low": fmt_pct(g["refusal_rate_ci"][0], lang), "high": fmt_pct(g["refusal_rate_ci"][1], lang),
                "q": _q(g["refusal_q"], lang)}
        high = g["cmh_odds_ratio"] >= p["ratio_high"]
        message = (gettext("Among applications that got the same advice, officers refuse %(group)s more often than "
                      "others (Mantel–Haenszel odds ratio %(odds)s; q %(q)s). The human decision, not the advice, "
                      "adds this difference.") if high else
                   gettext("Among applications that got the same advice, officers refuse %(group)s less often than "
                      "others (Mantel–Haenszel odds ratio %(odds)s; q %(q)s). The human decision, not the advice, "
                      "adds this difference."))
        return message % {"group": label[lang], "odds": fmt_ratio(g["cmh_odds_ratio"], lang),
                          "q": _q(g["cmh_q"], lang)}

    return {"kind": kind, "subject_type": "group", "subject": g["characteristics"], "label": label,
            "q": _GROUP_Q[kind](g), "text": _texts(text)}


_GROUP_Q = {"intensive": lambda g: g["intensive_q"], "refusal": lambda g: g["refusal_q"],
            "amplification": lambda g: g.get("cmh_q")}


def _q(q: float | None, lang: str) -> str:
    return fmt_p(q, lang) if q is not None and q < 0.001 else "= " + fmt_p(q, lang)


def _officer_findings(o: dict[str, Any], shown: dict[str, Any], p: dict[str, Any]) -> list[dict[str, Any]]:
    """`o` as in the JSON (decides the flag), `shown` as the view shows it (gives the words)."""
    out = []
    follow = o["follow_rate"]
    if o["n_decided"] >= p["min_cell"] and follow is not None and follow >= p["follow_threshold"]:
        def follow_text(lang: str) -> str:
            values = {"officer": o["officer_id"], "rate": fmt_pct(shown["follow_rate"], lang),
                      "threshold": fmt_pct(p["follow_threshold"], lang, 0)}
            if shown["follow_rate"] is None:  # the share rests on a small cell: say only that it is high
                return gettext("Officer %(officer)s decided in line with the advice in at least %(threshold)s of "
                          "decisions on fast or intensive advice: a sign of following the advice mechanically "
                          "(automation bias).") % values
            return gettext("Officer %(officer)s decided in line with the advice in %(rate)s of decisions on fast or "
                      "intensive advice (threshold %(threshold)s): a sign of following the advice mechanically "
                      "(automation bias).") % values

        out.append({"kind": "officer_follow", "subject_type": "officer", "subject": o["officer_id"],
                    "label": {lang: o["officer_id"] for lang in LANGUAGES}, "q": None, "text": _texts(follow_text)})
    if o["q"] is not None and o["q"] < p["alpha"] and o["intensive_refusal_ratio"] is not None and \
            o["intensive_refusal_ratio"] >= p["ratio_high"]:
        out.append({"kind": "officer_refusal", "subject_type": "officer", "subject": o["officer_id"],
                    "label": {lang: o["officer_id"] for lang in LANGUAGES}, "q": o["q"], "text": _texts(
                        lambda lang: gettext("Officer %(officer)s refuses applications with intensive advice %(ratio)s "
                                        "times as often as other officers do (q %(q)s).")
                        % {"officer": o["officer_id"], "ratio": fmt_ratio(o["intensive_refusal_ratio"], lang),
                           "q": _q(o["q"], lang)})})
    return out


def _profile_finding(h: dict[str, Any], pop: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    def text(lang: str) -> str:
        message = (gettext("Applications that hit profile %(profile)s are refused more often than average: %(rate)s "
                      "against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to %(high)s; "
                      "q %(q)s).") if h["refusal_ratio"] >= p["ratio_high"] else
                   gettext("Applications that hit profile %(profile)s are refused less often than average: %(rate)s "
                      "against %(overall)s overall (%(ratio)s times as often; 95%% interval %(low)s to %(high)s; "
                      "q %(q)s)."))
        return message % {"profile": h["code"], "rate": fmt_pct(h["refusal_rate"], lang),
                          "overall": fmt_pct(pop["refusal_rate"], lang), "ratio": fmt_ratio(h["refusal_ratio"], lang),
                          "low": fmt_pct(h["refusal_rate_ci"][0], lang), "high": fmt_pct(h["refusal_rate_ci"][1], lang),
                          "q": _q(h["q"], lang)}

    return {"kind": "profile", "subject_type": "profile", "subject": h["code"],
            "label": {lang: h["code"] for lang in LANGUAGES}, "q": h["q"], "text": _texts(text)}


FINDING_ORDER = ("amplification", "refusal", "intensive", "officer_follow", "officer_refusal", "profile")


@dataclass
class _Candidate:
    kind: str
    q: float | None
    label: str
    build: Callable[[], dict[str, Any]]
    # Among equally strong findings, groups by one characteristic are told first.
    dims: int = 0


# --- The view ----------------------------------------------------------------------------------

def _small(value: int | None, min_cell: int) -> int | None:
    return None if value is None or value < min_cell else value


def view_build(*, report: dict[str, Any], support: dict[str, Any]) -> dict[str, Any]:
    """The view of one report (a JSON-serialisable dict)."""
    p = report["parameters"]
    m = p["min_cell"]
    labels = _catalogue_labels()
    pop = report["population"]
    pop_support = support["population"]

    population = {
        "n": _small(pop["n"], m), "n_decided": _small(pop["n_decided"], m),
        "advice": {a: _small(pop["advice"][a], m) for a in ADVICE},
        "advice_share": {a: (pop["advice"][a] / pop["n"] if pop["n"] and pop["advice"][a] >= m else None)
                         for a in ADVICE},
        "intensive_rate": pop["intensive_rate"] if pop["n"] >= m else None,
        "refusal_rate": pop["refusal_rate"] if pop["n_decided"] >= m else None,
        "refusal_rate_by_advice": {a: (pop["refusal_rate_by_advice"][a]
                                       if pop_support["decided_by_advice"][a] >= m else None) for a in ADVICE},
        "follow_rate": pop["follow_rate"] if pop_support["follow_denominator"] >= m else None,
    }

    groups, suppressed_groups, findings = [], [], []
    for g in report["groups"]:
        label = _labels_both(g["characteristics"], labels)
        dims = len(g["characteristics"])
        if g["suppressed"]:
            suppressed_groups.append({"characteristics": g["characteristics"], "label": label, "dims": dims})
            continue
        row = {k: v for k, v in g.items() if k != "suppressed"}
        row.update(key=group_key(g["characteristics"]), label=label, dims=dims,
                   pair="+".join(g["characteristics"]), n_decided=_small(g["n_decided"], m),
                   flagged=bool(g["intensive_flagged"] or g["refusal_flagged"] or g.get("amplification_flagged")))
        groups.append(row)
        for kind, flag in (("intensive", "intensive_flagged"), ("refusal", "refusal_flagged"),
                           ("amplification", "amplification_flagged")):
            if g.get(flag):
                # Words are written only for the findings that will be shown (see below).
                findings.append(_Candidate(kind, _GROUP_Q[kind](g), label["en"],
                                           lambda kind=kind, g=g, label=label: _group_finding(kind, g, pop, label, p),
                                           dims))

    officers, officers_hidden = [], 0
    for o in report["officers"]:
        if o["n_decided"] < m:
            officers_hidden += 1
            continue
        s = support["officers"][o["officer_id"]]
        row = dict(o)
        row["refusal_rate_by_advice"] = {a: (o["refusal_rate_by_advice"][a] if s["decided_by_advice"][a] >= m
                                             else None) for a in ADVICE}
        row["follow_rate"] = o["follow_rate"] if s["follow_denominator"] >= m else None
        row["intensive_refusal_ratio"] = (o["intensive_refusal_ratio"] if s["decided_by_advice"]["intensive"] >= m
                                          else None)
        officers.append(row)
        findings += [_Candidate(f["kind"], f["q"], o["officer_id"], lambda f=f: f)
                     for f in _officer_findings(o, row, p)]

    profiles, profiles_hidden = [], 0
    for h in report["profiles"]:
        if h["n"] < m:
            profiles_hidden += 1
            continue
        row = dict(h)
        if h["n_decided"] < m:
            row.update(n_decided=None, refusal_rate=None, refusal_rate_ci=None, refusal_ratio=None)
        profiles.append(row)
        if h["flagged"]:
            findings.append(_Candidate("profile", h["q"], h["code"], lambda h=h: _profile_finding(h, pop, p)))

    months = []
    for mo in report["months"]:
        small = mo["n"] < m
        decided = support["months"].get(mo["month"], {}).get("n_decided", 0)
        months.append({"month": mo["month"], "suppressed": small, "n": None if small else mo["n"],
                       "intensive_rate": None if small else mo["intensive_rate"],
                       "refusal_rate": None if small or decided < m else mo["refusal_rate"]})

    totals = {kind: sum(1 for f in findings if f.kind == kind) for kind in FINDING_ORDER}
    shown = []
    for kind in FINDING_ORDER:
        ranked = sorted((f for f in findings if f.kind == kind),
                        key=lambda f: (f.q if f.q is not None else 0.0, f.dims, f.label))
        shown += [f.build() for f in ranked[:FINDINGS_PER_KIND]]

    return {
        "version": VIEW_VERSION, "period": report["period"], "parameters": p, "min_cell": m,
        "population": population, "findings": shown, "findings_total": totals,
        "findings_count": len(findings), "groups": groups, "suppressed_groups": suppressed_groups,
        "officers": officers, "officers_hidden": officers_hidden, "profiles": profiles,
        "profiles_hidden": profiles_hidden, "months": months,
        "characteristics": list(CHARACTERISTICS),
    }


def flagged_count(report: dict[str, Any]) -> int:
    """Flags raised in a report (a group can raise up to three)."""
    return (sum(bool(g["intensive_flagged"]) + bool(g["refusal_flagged"]) + bool(g.get("amplification_flagged"))
                for g in report["groups"])
            + sum(bool(o["flagged"]) for o in report["officers"])
            + sum(bool(h["flagged"]) for h in report["profiles"]))
