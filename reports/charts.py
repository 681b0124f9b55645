"""The report's four charts, from the disclosure-controlled view, in the current language:
advice mix, refusal rate by group with its interval, officers' follow rates, monthly
trends. Each chart's text alternative says what it shows in words; each comes with its
title, which the page and the PDF print as the figure's caption."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from documents.charts import Interval, Segment, Series, interval_chart, line_chart, stacked_share_bar, strip_chart

from .presentation import ADVICE_NAMES, CHARACTERISTIC_NAMES, fmt_pct

# A chart per characteristic shows at most this many groups (the largest); the table has all.
GROUPS_PER_CHART = 30


def _lang() -> str:
    return (get_language() or "nl")[:2]


def _short_label(characteristics: dict[str, str]) -> str:
    return " · ".join(characteristics.values())


def advice_mix(view: dict[str, Any]) -> dict[str, Any]:
    lang = _lang()
    shares = view["population"]["advice_share"]
    segments = [Segment(str(ADVICE_NAMES[a]), shares[a] or 0.0, fmt_pct(shares[a], lang)) for a in shares]
    desc = _("Share of each advice among all applications in the period: %(parts)s.") % {
        "parts": "; ".join(f"{s.label} {s.text}" for s in segments)
    }
    title = _("Advice mix")
    return {"title": title, "svg": stacked_share_bar(title=title, desc=desc, segments=segments)}


def refusal_by_group(view: dict[str, Any]) -> list[dict[str, Any]]:
    """One chart per characteristic: each group's refusal rate with its 95% interval,
    against the population's rate."""
    lang = _lang()
    overall = view["population"]["refusal_rate"]
    out = []
    for name in view["characteristics"]:
        rows = [
            g
            for g in view["groups"]
            if g["dims"] == 1 and name in g["characteristics"] and g["refusal_rate"] is not None
        ]
        if not rows:
            continue
        rows = sorted(rows, key=lambda g: -(g["n"] or 0))[:GROUPS_PER_CHART]
        rows.sort(key=lambda g: g["refusal_rate"])
        intervals = [
            Interval(
                _short_label(g["characteristics"]),
                g["refusal_rate"],
                *g["refusal_rate_ci"],
                text=fmt_pct(g["refusal_rate"], lang),
                highlight=bool(g["refusal_flagged"]),
            )
            for g in rows
        ]
        highest, lowest = rows[-1], rows[0]
        desc = _(
            "Refusal rate by %(characteristic)s with 95%% intervals; overall %(overall)s. Highest: "
            "%(high_group)s %(high)s; lowest: %(low_group)s %(low)s. Flagged groups are drawn in orange."
        ) % {
            "characteristic": CHARACTERISTIC_NAMES[name],
            "overall": fmt_pct(overall, lang),
            "high_group": _short_label(highest["characteristics"]),
            "high": fmt_pct(highest["refusal_rate"], lang),
            "low_group": _short_label(lowest["characteristics"]),
            "low": fmt_pct(lowest["refusal_rate"], lang),
        }
        title = _("Refusal rate by %(characteristic)s") % {"characteristic": CHARACTERISTIC_NAMES[name]}
        out.append(
            {
                "title": title,
                "svg": interval_chart(
                    title=title,
                    desc=desc,
                    rows=intervals,
                    reference=overall,
                    reference_label=_("overall %(rate)s") % {"rate": fmt_pct(overall, lang)},
                ),
            }
        )
    return out


def officer_follow(view: dict[str, Any]) -> dict[str, Any] | None:
    lang = _lang()
    officers = [o for o in view["officers"] if o["follow_rate"] is not None]
    if not officers:
        return None
    threshold = view["parameters"]["follow_threshold"]
    at_or_above = sum(1 for o in officers if o["follow_rate"] >= threshold)
    desc = _(
        "Follow rate of each officer shown in the table (share of decisions on fast or intensive advice that "
        "follow it). %(above)s of %(total)s officers are at or above the threshold of %(threshold)s."
    ) % {"above": at_or_above, "total": len(officers), "threshold": fmt_pct(threshold, lang, 0)}
    title = _("Officers' follow rates")
    return {
        "title": title,
        "svg": strip_chart(
            title=title,
            desc=desc,
            values=[o["follow_rate"] for o in officers],
            highlight=[o["flagged"] for o in officers],
            threshold=threshold,
            threshold_label=_("threshold %(t)s") % {"t": fmt_pct(threshold, lang, 0)},
        ),
    }


def monthly_trends(view: dict[str, Any]) -> dict[str, Any] | None:
    lang = _lang()
    months = view["months"]
    if not months:
        return None
    intensive = [m["intensive_rate"] for m in months]
    refusal = [m["refusal_rate"] for m in months]
    known = [(m["month"], m["refusal_rate"]) for m in months if m["refusal_rate"] is not None]
    desc = _("Intensive-advice rate and refusal rate per month of lodging, %(first)s to %(last)s.") % {
        "first": months[0]["month"],
        "last": months[-1]["month"],
    }
    if known:
        top = max(known, key=lambda x: x[1])
        desc += " " + _("Highest refusal rate: %(month)s, %(rate)s.") % {"month": top[0], "rate": fmt_pct(top[1], lang)}
    title = _("Monthly trends")
    return {
        "title": title,
        "svg": line_chart(
            title=title,
            desc=desc,
            x_labels=[m["month"] for m in months],
            series=[Series(str(_("intensive advice")), intensive), Series(str(_("refused")), refusal)],
        ),
    }


def report_charts(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "advice_mix": advice_mix(view),
        "refusal_by_group": refusal_by_group(view),
        "officer_follow": officer_follow(view),
        "monthly": monthly_trends(view),
    }
