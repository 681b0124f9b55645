"""The built-in prefill codes of the assessments spec, computed from the live system.

Each function returns a `Part`: a paragraph in the current language and the sources
it rests on. Sets of many objects (the active profiles) are one source whose version
is a digest of its members, so the provenance stays small and still changes when any
member does. Reads go through the other apps' selectors.

GEN names the parameter set the monthly runs use now (the generation app's newest
approved version): its name, version, public id, approver and time, and its parameters.
An approval makes a newer set current and a withdrawal makes the one before it current
again, so both mark answers built on GEN stale.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .registry import Part, SourceRef, register

PROFILE_EVENTS = ("profile.approve", "profile.activate", "profile.expire", "profile.withdraw", "profile.dpo_sign_off")
# The generation app's audit events (generation/events.py) that change which set is current.
PARAMETER_EVENTS = ("parameter_set.approve", "parameter_set.withdraw")
REPORT_EVENTS = ("report.sign_off",)
CATALOGUE_EVENTS = ("catalogue.code_added", "catalogue.synced")

# Retention (RET) as the operator sets it (`IOB_RETENTION` in the settings), in months.
RETENTION_DEFAULTS = {"monitoring_records": 60, "bias_reports": 120, "audit_trail": 120, "logs": 6}


def _digest(rows: list) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def _pct(x: object) -> str:
    return f"{float(x) * 100:.1f}%" if isinstance(x, int | float) else "–"


def prf() -> Part:
    from profiles.selectors import active_profiles_on, profile_list

    today = date.today()
    active = list(active_profiles_on(day=today).prefetch_related("criteria").order_by("code", "version"))
    rows: list[tuple[Any, ...]] = [(p.code, p.version, p.status) for p in active]
    risk = [p for p in active if p.kind == "risk"]
    chance = [p for p in active if p.kind == "chance"]
    with_nat = [p for p in risk if any(c.characteristic == "nationality" for c in p.criteria.all())]
    waiting = list(profile_list(filters={"status": "approved"}).values_list("code", "version"))
    approved = len(waiting)
    rows.append(("approved", sorted(waiting)))
    last = max((p.approved_at for p in active if p.approved_at), default=None)
    text = _(
        "On %(day)s, %(n)d profiles are active: %(chance)d chance profiles and %(risk)d risk profiles "
        "(%(nat)d of the risk profiles use nationality, each with a recorded justification); %(approved)d more "
        "are approved and wait for their validity window. Every profile names its evidence: group size, "
        "later chain-partner hit rate and refusal rate over its evidence period."
    ) % {
        "day": today.isoformat(),
        "n": len(active),
        "chance": len(chance),
        "risk": len(risk),
        "nat": len(with_nat),
        "approved": approved,
    }
    return Part(
        text=text,
        value={"active": len(active), "chance": len(chance), "risk": len(risk)},
        sources=(
            SourceRef(
                "profiles.active_set",
                str(today),
                _digest(rows),
                _("%(n)d active profiles") % {"n": len(active)},
                last.isoformat() if last else "",
            ),
        ),
    )


def chr_() -> Part:
    from profiles.characteristics import KIND_OF, Characteristic
    from profiles.selectors import catalogue_index

    index = catalogue_index()
    names = ", ".join(f"{Characteristic(c).label} ({KIND_OF[c]})" for c in Characteristic.values)
    sizes = {c: len(v) for c, v in index.items()}
    text = _(
        "IOB uses exactly seven characteristics: %(names)s. A profile uses at least three of them and always "
        "combines application data with personal data; a profile on age, gender or nationality alone is "
        "impossible. Values come from fixed catalogues (%(posts)d posts of application, %(nat)d nationality "
        "codes)."
    ) % {"names": names, "posts": sizes.get("application_location", 0), "nat": sizes.get("nationality", 0)}
    return Part(
        text=text,
        value=sizes,
        sources=(
            SourceRef("profiles.catalogue", "all", _digest(sorted(sizes.items())), _("characteristic catalogues")),
        ),
    )


def ban() -> Part:
    from audit.selectors import audit_event_list

    refused = sum(
        audit_event_list(event_type=t).count()
        for t in (
            "profile.banned_characteristic_refused",
            "catalogue.banned_code_refused",
            "monitoring.banned_characteristic_refused",
        )
    )
    text = _(
        "Special categories of personal data (GDPR art. 9: ethnic origin, religion, political opinion, "
        "trade-union membership, health, sex life or orientation, genetic or biometric data) are never used. "
        "The ban is enforced in the profile validator, the catalogues, the monitoring import and the database; "
        "%(n)d attempts have been refused and recorded in the audit trail."
    ) % {"n": refused}
    return Part(
        text=text,
        value={"special_categories": False, "refused_attempts": refused},
        sources=(SourceRef("profiles.ban", "art9", "1", _("the ban in the validator and the database")),),
    )


def gen() -> Part:
    # The same read the runs use to pick their set, so the answer names what runs on.
    from generation.services import parameter_set_current, run_month

    current = parameter_set_current()
    window_from, window_to, valid_from, _until = run_month(date.today())
    method = _(
        "Profiles come from a rule-based decision tree, run monthly on the decided applications of the five "
        "years before the run date (the run of %(month)s reads %(from)s to %(to)s). Groups below a minimum size "
        "are cut; each group is labelled chance, risk or in-between by thresholds that officials set in an "
        "approved parameter set; only profiles of at least three characteristics are kept, and people review "
        "and approve every profile."
    ) % {"month": valid_from.strftime("%Y-%m"), "from": window_from.isoformat(), "to": window_to.isoformat()}
    if current is None:
        return Part(
            text=method + " " + _("No parameter set has been approved yet, so no run can start."),
            value={"parameter_set": None, "window_years": 5, "frequency": "monthly"},
            sources=(SourceRef("generation.parameterset", "none", "0", _("no approved parameter set")),),
        )
    approver = current.approved_by.get_username() if current.approved_by else "–"
    params = current.as_parameters()
    text = (
        method
        + " "
        + _(
            "The runs use parameter set %(name)s version %(version)d (%(id)s), approved by %(by)s on %(at)s: "
            "characteristics in the order %(features)s; minimum group size %(size)d; chance profiles at most "
            "%(chance_hit)s later hit rate and %(chance_refusal)s refusal rate; risk profiles at least "
            "%(risk_hit)s hit rate; minimum depth %(depth)d."
        )
        % {
            "name": current.name,
            "version": current.version,
            "id": current.public_id,
            "by": approver,
            "at": current.approved_at.date().isoformat() if current.approved_at else "–",
            "features": ", ".join(params["features_ordered"]),
            "size": params["min_group_size"],
            "chance_hit": _pct(params["chance_max_hit_rate"]),
            "chance_refusal": _pct(params["chance_max_refusal_rate"]),
            "risk_hit": _pct(params["risk_min_hit_rate"]),
            "depth": params["min_depth"],
        }
    )
    return Part(
        text=text,
        value={
            "parameter_set": str(current.public_id),
            "name": current.name,
            "version": current.version,
            "parameters": params,
            "window_years": 5,
            "frequency": "monthly",
        },
        sources=(
            SourceRef(
                "generation.parameterset",
                str(current.public_id),
                str(current.version),
                _("parameter set %(name)s v%(version)d") % {"name": current.name, "version": current.version},
                current.approved_at.isoformat() if current.approved_at else "",
            ),
        ),
    )


def adv() -> Part:
    text = _(
        "The advice is a track: intensive when the applicant, referent or employer is a known party or a risk "
        "profile hits; fast when only chance profiles hit; regular otherwise. The officer sees the track with "
        "its reasons (the known-party hit or the profiles, by code and version). The track only sets how much "
        "investigation an application gets; it is never a ground for refusal and the officer decides on the "
        "whole file."
    )
    return Part(text=text, sources=(SourceRef("profiles.advice_rule", "track", "1", _("the advice rule")),))


def wf() -> Part:
    from profiles.workflow import TRANSITIONS

    text = _(
        "Every profile follows draft → in review → approved → active → expired (or changes requested, rejected, "
        "withdrawn). Four eyes: nobody who wrote, edited or submitted a version may approve it; a risk profile is "
        "active only after the DPO's sign-off. Approved versions are immutable and the database repeats these "
        "rules. Every change is written to a hash-chained audit trail; reviewers can withdraw a profile at any "
        "time."
    )
    return Part(
        text=text,
        sources=(SourceRef("profiles.workflow", "transitions", _digest(sorted(TRANSITIONS)), _("profile workflow")),),
    )


def mon() -> Part:
    from monitoring.selectors import monitoring_data_stamp, monitoring_record_list

    stamp = monitoring_data_stamp()
    n = monitoring_record_list().count()
    text = _(
        "Monitoring holds %(n)d applications with their advice and final decision; refusal rates by advice and "
        "the share of decisions that follow the advice are reported monthly to the DPO."
    ) % {"n": n}
    return Part(
        text=text,
        value={"records": n},
        sources=(
            SourceRef("monitoring.data", "records", str(stamp), _("monitoring data, import %(s)s") % {"s": stamp}),
        ),
    )


def bias() -> Part:
    from reports.models import ReportStatus
    from reports.selectors import report_figures, report_findings, report_list

    report = report_list().filter(status=ReportStatus.SIGNED_OFF).order_by("-decided_at", "-id").first()
    if report is None:
        return Part(
            text=_("No bias report has been signed off by the DPO yet."),
            sources=(SourceRef("reports.biasreport", "none", "0", _("no signed bias report")),),
        )
    try:
        figures = report_figures(report=report)
    except Exception:  # noqa: BLE001 - an unreadable artefact still names the report
        figures = {}
    pop = figures.get("population", {})
    flagged_groups = sum(
        1
        for g in figures.get("groups", [])
        if g.get("intensive_flagged") or g.get("refusal_flagged") or g.get("amplification_flagged")
    )
    flagged_officers = sum(1 for o in figures.get("officers", []) if o.get("flagged"))
    findings = list(report_findings(report=report))
    text = _(
        "The latest bias report signed off by the DPO (%(id)s, %(start)s to %(end)s, signed %(signed)s) covers "
        "%(n)d applications: refusal rate %(refusal)s, intensive advice %(intensive)s, follow rate %(follow)s. "
        "It flags %(groups)d groups and %(officers)d officers; the DPO recorded %(findings)d findings."
    ) % {
        "id": report.public_id,
        "start": report.period_from,
        "end": report.period_to,
        "signed": report.decided_at.date() if report.decided_at else "–",
        "n": pop.get("n", 0),
        "refusal": _pct(pop.get("refusal_rate")),
        "intensive": _pct(pop.get("intensive_rate")),
        "follow": _pct(pop.get("follow_rate")),
        "groups": flagged_groups,
        "officers": flagged_officers,
        "findings": len(findings),
    }
    return Part(
        text=text,
        value={"report": str(report.public_id), "follow_rate": pop.get("follow_rate")},
        sources=(
            SourceRef(
                "reports.biasreport",
                str(report.public_id),
                report.content_hash,
                _("bias report %(from)s – %(to)s") % {"from": report.period_from, "to": report.period_to},
                report.decided_at.isoformat() if report.decided_at else "",
            ),
        ),
    )


def ret() -> Part:
    months = {**RETENTION_DEFAULTS, **getattr(settings, "IOB_RETENTION", {})}
    text = _(
        "Retention: monitoring records %(rec)d months, bias reports %(rep)d months, the audit trail %(aud)d "
        "months, logs at least %(log)d months (AI Act art. 26(6) asks at least six)."
    ) % {
        "rec": months["monitoring_records"],
        "rep": months["bias_reports"],
        "aud": months["audit_trail"],
        "log": months["logs"],
    }
    return Part(
        text=text,
        value=months,
        sources=(
            SourceRef("settings.retention", "IOB_RETENTION", _digest(sorted(months.items())), _("retention settings")),
        ),
    )


def leg() -> Part:
    text = _(
        "Legal bases: performance of a public task (GDPR art. 6(1)(e)); the EU Visa Code (Regulation (EC) "
        "No 810/2009); the VIS Regulation (EC) No 767/2008 as amended by Regulation (EU) 2021/1134; the Dutch "
        "Aliens Act 2000 for the national implementation."
    )
    return Part(text=text, sources=(SourceRef("legal.bases", "iob", "1", _("legal bases")),))


def role() -> Part:
    from django.contrib.auth import get_user_model

    from accounts.roles import Role

    users = get_user_model().objects.filter(is_active=True)
    counts = {r: users.filter(groups__name=r).count() for r in Role.values}
    text = _("Roles in the portal: %(roles)s.") % {
        "roles": "; ".join(f"{Role(r).label}: {n}" for r, n in counts.items())
    }
    return Part(
        text=text,
        value=counts,
        sources=(SourceRef("accounts.roles", "members", _digest(sorted(counts.items())), _("role membership")),),
    )


register("PRF", prf, watch=PROFILE_EVENTS)
register("CHR", chr_, watch=CATALOGUE_EVENTS)
register("BAN", ban)
register("GEN", gen, watch=PARAMETER_EVENTS)
register("ADV", adv)
register("WF", wf)
register("MON", mon, watch=("monitoring.imported",))
register("BIAS", bias, watch=REPORT_EVENTS)
register("RET", ret)
register("LEG", leg)
register("ROLE", role, watch=("user.created", "user.updated"))
