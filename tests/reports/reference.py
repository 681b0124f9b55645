"""A plain, record-by-record reading of docs/bias-report.md, written independently of the
report's vectorised code: loops over the records, scipy's own tests, a looped
Benjamini–Hochberg. Tests compare the report's JSON with it figure by figure."""

from itertools import combinations
from math import sqrt

from scipy import stats

CHARS = ["nationality", "age_group", "gender", "marital_status", "occupation", "travel_purpose", "application_location"]
ADVICE = ["fast", "regular", "intensive"]
Z = 1.959964


def rate(num, den):
    return num / den if den else None


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def wilson(k, n):
    if not n:
        return None
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z / d * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return [max(0.0, c - h), min(1.0, c + h)]


def two_by_two(a, b, c, d):
    n = a + b + c + d
    expected = [(a + b) * (a + c) / n, (a + b) * (b + d) / n, (c + d) * (a + c) / n, (c + d) * (b + d) / n]
    if min(expected) >= 5:
        return stats.chi2_contingency([[a, b], [c, d]], correction=False)[1], "chi2"
    return stats.fisher_exact([[a, b], [c, d]])[1], "fisher"


def bh(ps):
    """q-values for a list with None for untested entries (looped, step-up)."""
    tested = [(p, i) for i, p in enumerate(ps) if p is not None]
    m = len(tested)
    tested.sort()
    q = [None] * len(ps)
    running = 1.0
    for rank in range(m, 0, -1):
        p, i = tested[rank - 1]
        running = min(running, p * m / rank)
        q[i] = min(1.0, running)
    return q


def decided(r):
    return r["decision"] in ("granted", "refused")


def refused(r):
    return r["decision"] == "refused"


def cmh(group, rest):
    num = den = dev = var = 0.0
    used = 0
    for a_ in ADVICE:
        g = [r for r in group if r["advice"] == a_ and decided(r)]
        o = [r for r in rest if r["advice"] == a_ and decided(r)]
        if not g or not o:
            continue
        used += 1
        a, b = sum(map(refused, g)), len(g) - sum(map(refused, g))
        c, d = sum(map(refused, o)), len(o) - sum(map(refused, o))
        n = a + b + c + d
        num += a * d / n
        den += b * c / n
        dev += a - (a + b) * (a + c) / n
        var += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    if not used:
        return None, None
    p = stats.chi2.sf(dev * dev / var, 1) if var > 0 else None
    return p, (num / den if den > 0 else None)


def flag(q, r, p):
    return bool(q is not None and r is not None and q < p["alpha"] and (r >= p["ratio_high"] or r <= p["ratio_low"]))


def report(records, p):
    """The report's figures for `records` (dicts with the record columns) and parameters `p`."""
    m = p["min_cell"]
    n = len(records)
    dec = [r for r in records if decided(r)]
    pop_int = rate(sum(r["advice"] == "intensive" for r in records), n)
    pop_ref = rate(sum(map(refused, dec)), len(dec))
    follow_den = [r for r in dec if r["advice"] in ("fast", "intensive")]
    follow_num = [r for r in follow_den if (r["advice"] == "fast") != refused(r)]
    population = {
        "n": n,
        "n_decided": len(dec),
        "advice": {a: sum(r["advice"] == a for r in records) for a in ADVICE},
        "intensive_rate": pop_int,
        "refusal_rate": pop_ref,
        "refusal_rate_by_advice": {
            a: rate(sum(refused(r) for r in dec if r["advice"] == a), sum(1 for r in dec if r["advice"] == a))
            for a in ADVICE
        },
        "follow_rate": rate(len(follow_num), len(follow_den)),
    }
    keys = [(c,) for c in CHARS] + list(combinations(CHARS, 2))
    groups = []
    for key in keys:
        for values in sorted({tuple(r[c] for c in key) for r in records}):
            members = [r for r in records if tuple(r[c] for c in key) == values]
            rest = [r for r in records if tuple(r[c] for c in key) != values]
            g = {"characteristics": dict(zip(key, values, strict=True)), "suppressed": len(members) < m}
            groups.append((g, members, rest))
    int_p, ref_p, cmh_p = [], [], []
    for g, members, rest in groups:
        ip = rp = cp = None
        if not g["suppressed"]:
            gi = sum(r["advice"] == "intensive" for r in members)
            ri = sum(r["advice"] == "intensive" for r in rest)
            ip, g["_int_test"] = two_by_two(gi, len(members) - gi, ri, len(rest) - ri)
            gd = [r for r in members if decided(r)]
            rd = [r for r in rest if decided(r)]
            if len(gd) >= m:
                gr, rr = sum(map(refused, gd)), sum(map(refused, rd))
                rp, g["_ref_test"] = two_by_two(gr, len(gd) - gr, rr, len(rd) - rr)
            if len(g["characteristics"]) == 1:
                cp, g["_cmh_or"] = cmh(members, rest)
        int_p.append(ip)
        ref_p.append(rp)
        cmh_p.append(cp)
    int_q, ref_q, cmh_q = bh(int_p), bh(ref_p), bh(cmh_p)
    out = []
    for i, (g, members, _rest) in enumerate(groups):
        one_way = len(g["characteristics"]) == 1
        row = {"characteristics": g["characteristics"], "suppressed": g["suppressed"]}
        if g["suppressed"]:
            for key in (
                "n",
                "n_decided",
                "intensive_rate",
                "intensive_rate_ci",
                "intensive_ratio",
                "intensive_p",
                "intensive_q",
                "intensive_flagged",
                "refusal_rate",
                "refusal_rate_ci",
                "refusal_ratio",
                "refusal_p",
                "refusal_q",
                "refusal_flagged",
            ):
                row[key] = False if key.endswith("flagged") else None
            if one_way:
                row.update(
                    refusal_rate_by_advice={a: None for a in ADVICE},
                    cmh_odds_ratio=None,
                    cmh_p=None,
                    cmh_q=None,
                    amplification_flagged=False,
                )
            out.append(row)
            continue
        gd = [r for r in members if decided(r)]
        gi = sum(r["advice"] == "intensive" for r in members)
        gr = sum(map(refused, gd))
        ok = len(gd) >= m
        ir = rate(gi, len(members))
        rr = rate(gr, len(gd)) if ok else None
        row.update(
            {
                "n": len(members),
                "n_decided": len(gd),
                "intensive_rate": ir,
                "intensive_rate_ci": wilson(gi, len(members)),
                "intensive_ratio": ratio(ir, pop_int),
                "intensive_p": int_p[i],
                "intensive_q": int_q[i],
                "intensive_flagged": flag(int_q[i], ratio(ir, pop_int), p),
                "refusal_rate": rr,
                "refusal_rate_ci": wilson(gr, len(gd)) if ok else None,
                "refusal_ratio": ratio(rr, pop_ref),
                "refusal_p": ref_p[i],
                "refusal_q": ref_q[i],
                "refusal_flagged": flag(ref_q[i], ratio(rr, pop_ref), p),
            }
        )
        if one_way:
            by = {}
            for a in ADVICE:
                da = [r for r in gd if r["advice"] == a]
                by[a] = rate(sum(map(refused, da)), len(da)) if len(da) >= m else None
            odds = g.get("_cmh_or")
            row.update(
                refusal_rate_by_advice=by,
                cmh_odds_ratio=odds,
                cmh_p=cmh_p[i],
                cmh_q=cmh_q[i],
                amplification_flagged=flag(cmh_q[i], odds, p),
            )
        out.append(row)

    _parents(records, groups, out, p)

    officers = []
    ids = sorted({r["officer_id"] for r in dec if r["officer_id"]})
    off_p = []
    for oid in ids:
        mine = [r for r in dec if r["officer_id"] == oid]
        others = [r for r in dec if r["officer_id"] != oid]
        mi = [r for r in mine if r["advice"] == "intensive"]
        oi = [r for r in others if r["advice"] == "intensive"]
        fd = [r for r in mine if r["advice"] in ("fast", "intensive")]
        fn = [r for r in fd if (r["advice"] == "fast") != refused(r)]
        pv = None
        if len(mi) >= m:
            a, c = sum(map(refused, mi)), sum(map(refused, oi))
            pv, _ = two_by_two(a, len(mi) - a, c, len(oi) - c)
        off_p.append(pv)
        officers.append(
            {
                "officer_id": oid,
                "n_decided": len(mine),
                "refusal_rate_by_advice": {
                    a: rate(sum(refused(r) for r in mine if r["advice"] == a), sum(1 for r in mine if r["advice"] == a))
                    for a in ADVICE
                },
                "follow_rate": rate(len(fn), len(fd)),
                "intensive_refusal_ratio": ratio(
                    rate(sum(map(refused, mi)), len(mi)), rate(sum(map(refused, oi)), len(oi))
                ),
                "p": pv,
            }
        )
    for o, q in zip(officers, bh(off_p), strict=True):
        o["q"] = q
        o["flagged"] = bool(
            (o["n_decided"] >= m and o["follow_rate"] is not None and o["follow_rate"] >= p["follow_threshold"])
            or (
                q is not None
                and q < p["alpha"]
                and o["intensive_refusal_ratio"] is not None
                and o["intensive_refusal_ratio"] >= p["ratio_high"]
            )
        )

    def codes(r):
        return {part.strip().split("@")[0].strip() for part in r["matched_profiles"].split(";")} - {""}

    profiles, prof_p = [], []
    for code in sorted(set().union(*[codes(r) for r in records]) if records else set()):
        hits = [r for r in records if code in codes(r)]
        hd = [r for r in hits if decided(r)]
        nd = [r for r in dec if code not in codes(r)]
        pv = None
        if len(hd) >= m:
            a, c = sum(map(refused, hd)), sum(map(refused, nd))
            pv, _ = two_by_two(a, len(hd) - a, c, len(nd) - c)
        prof_p.append(pv)
        rr = rate(sum(map(refused, hd)), len(hd))
        profiles.append(
            {
                "code": code,
                "n": len(hits),
                "n_decided": len(hd),
                "refusal_rate": rr,
                "refusal_rate_ci": wilson(sum(map(refused, hd)), len(hd)),
                "refusal_ratio": ratio(rr, pop_ref),
                "p": pv,
            }
        )
    for h, q in zip(profiles, bh(prof_p), strict=True):
        h["q"] = q
        h["flagged"] = flag(q, h["refusal_ratio"], p)

    months = []
    for month in sorted({r["lodged_on"][:7] for r in records}):
        mine = [r for r in records if r["lodged_on"][:7] == month]
        md = [r for r in mine if decided(r)]
        months.append(
            {
                "month": month,
                "n": len(mine),
                "intensive_rate": rate(sum(r["advice"] == "intensive" for r in mine), len(mine)),
                "refusal_rate": rate(sum(map(refused, md)), len(md)),
            }
        )
    result = {"population": population, "groups": out, "officers": officers, "profiles": profiles, "months": months}
    result["findings"] = findings(result, p)
    return result


def _parents(records, groups, out, p):
    """Schema /2: each two-way group against the rest of each parent, record by record."""
    m = p["min_cell"]
    tests = {"intensive": [], "refusal": []}  # (row, j, ratio, p)
    for (g, members, _rest), row in zip(groups, out, strict=True):
        chars = g["characteristics"]
        if len(chars) != 2:
            continue
        for j, (c, v) in enumerate(chars.items()):
            rest = [r for r in records if r[c] == v and r not in members]
            for metric in ("intensive", "refusal"):
                if metric == "intensive":
                    g_rate = None if row["suppressed"] else row["intensive_rate"]
                    pool_g, pool_r = members, rest
                    hit = lambda r: r["advice"] == "intensive"  # noqa: E731
                else:
                    g_rate = None if row["suppressed"] else row["refusal_rate"]
                    pool_g, pool_r = [r for r in members if decided(r)], [r for r in rest if decided(r)]
                    hit = refused
                if g_rate is None or len(pool_r) < m:
                    tests[metric].append((row, j, None, None))
                    continue
                a, c_ = sum(map(hit, pool_g)), sum(map(hit, pool_r))
                pv, _ = two_by_two(a, len(pool_g) - a, c_, len(pool_r) - c_)
                tests[metric].append((row, j, ratio(g_rate, rate(c_, len(pool_r))), pv))
    for metric, runs in tests.items():
        qs = bh([t[3] for t in runs])
        for (row, j, r, pv), q in zip(runs, qs, strict=True):
            row.setdefault(f"{metric}_parent_tests", []).append(
                {"within": list(row["characteristics"])[j], "ratio": r, "p": pv, "q": q}
            )
    for row in out:
        if len(row["characteristics"]) != 2:
            continue
        for metric in ("intensive", "refusal"):
            own = row[f"{metric}_ratio"]
            beyond = None
            if row[f"{metric}_flagged"]:
                beyond = all(
                    t["q"] is not None
                    and t["ratio"] is not None
                    and t["q"] < p["alpha"]
                    and (t["ratio"] >= p["ratio_high"] if own >= p["ratio_high"] else t["ratio"] <= p["ratio_low"])
                    for t in row[f"{metric}_parent_tests"]
                )
            tests_ = row.pop(f"{metric}_parent_tests")
            row[f"{metric}_parent_tests"] = tests_
            row[f"{metric}_beyond_parents"] = beyond


def findings(rep, p):
    """The findings list of bias-report.md, read independently of reports/computation/findings.py."""
    import math

    def finding(fid, kind, subject, signals):
        rs = [s["ratio"] for s in signals if s["ratio"] is not None]
        ups = [True for s in signals if s["metric"] == "follow_rate"] + [r >= 1 for r in rs]
        direction = "up" if all(ups) else ("down" if not any(ups) else "mixed")
        strength = max([abs(math.log(r)) for r in rs if r > 0] or [0.0])
        return (direction == "down", -strength, fid), {
            "id": fid,
            "subject_type": kind,
            "subject": subject,
            "direction": direction,
            "signals": signals,
        }

    def sig(metric, value, r, q):
        return {"metric": metric, "value": value, "ratio": r, "q": q}

    parts = [[], [], [], []]
    for o in rep["officers"]:
        if not o["flagged"]:
            continue
        s = []
        if (
            o["follow_rate"] is not None
            and o["follow_rate"] >= p["follow_threshold"]
            and o["n_decided"] >= p["min_cell"]
        ):
            s.append(sig("follow_rate", o["follow_rate"], None, None))
        if flag(o["q"], o["intensive_refusal_ratio"], p) and o["intensive_refusal_ratio"] >= p["ratio_high"]:
            s.append(
                sig("intensive_refusal", o["refusal_rate_by_advice"]["intensive"], o["intensive_refusal_ratio"], o["q"])
            )
        parts[0].append(finding("officer:" + o["officer_id"], "officer", o["officer_id"], s))
    for h in rep["profiles"]:
        if h["flagged"]:
            parts[1].append(
                finding(
                    "profile:" + h["code"],
                    "profile",
                    h["code"],
                    [sig("refusal", h["refusal_rate"], h["refusal_ratio"], h["q"])],
                )
            )
    for g in rep["groups"]:
        if g["suppressed"]:
            continue
        chars = g["characteristics"]
        fid = "group:" + "|".join(f"{c}={chars[c]}" for c in CHARS if c in chars)
        s = []
        one = len(chars) == 1
        if g["intensive_flagged"] if one else g["intensive_beyond_parents"]:
            s.append(sig("intensive", g["intensive_rate"], g["intensive_ratio"], g["intensive_q"]))
        if g["refusal_flagged"] if one else g["refusal_beyond_parents"]:
            s.append(sig("refusal", g["refusal_rate"], g["refusal_ratio"], g["refusal_q"]))
        if one and g["amplification_flagged"]:
            s.append(sig("amplification", g["cmh_odds_ratio"], g["cmh_odds_ratio"], g["cmh_q"]))
        if s:
            parts[2 if one else 3].append(finding(fid, "group", dict(chars), s))
    return [f for part in parts for _key, f in sorted(part, key=lambda x: x[0])]
