"""A plain, record-by-record reading of docs/bias-report.md, written independently of the
report's vectorised code: loops over the records, scipy's own tests, a looped
Benjamini–Hochberg. Tests compare the report's JSON with it figure by figure."""

from itertools import combinations
from math import sqrt

from scipy import stats

CHARS = ["nationality", "age_group", "gender", "marital_status", "occupation", "travel_purpose",
         "application_location"]
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
        "n": n, "n_decided": len(dec), "advice": {a: sum(r["advice"] == a for r in records) for a in ADVICE},
        "intensive_rate": pop_int, "refusal_rate": pop_ref,
        "refusal_rate_by_advice": {a: rate(sum(refused(r) for r in dec if r["advice"] == a),
                                           sum(1 for r in dec if r["advice"] == a)) for a in ADVICE},
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
            for key in ("n", "n_decided", "intensive_rate", "intensive_rate_ci", "intensive_ratio", "intensive_p",
                        "intensive_q", "intensive_flagged", "refusal_rate", "refusal_rate_ci", "refusal_ratio",
                        "refusal_p", "refusal_q", "refusal_flagged"):
                row[key] = False if key.endswith("flagged") else None
            if one_way:
                row.update(refusal_rate_by_advice={a: None for a in ADVICE}, cmh_odds_ratio=None, cmh_p=None,
                           cmh_q=None, amplification_flagged=False)
            out.append(row)
            continue
        gd = [r for r in members if decided(r)]
        gi = sum(r["advice"] == "intensive" for r in members)
        gr = sum(map(refused, gd))
        ok = len(gd) >= m
        ir = rate(gi, len(members))
        rr = rate(gr, len(gd)) if ok else None
        row.update({
            "n": len(members), "n_decided": len(gd), "intensive_rate": ir,
            "intensive_rate_ci": wilson(gi, len(members)),
            "intensive_ratio": ratio(ir, pop_int), "intensive_p": int_p[i], "intensive_q": int_q[i],
            "intensive_flagged": flag(int_q[i], ratio(ir, pop_int), p),
            "refusal_rate": rr, "refusal_rate_ci": wilson(gr, len(gd)) if ok else None,
            "refusal_ratio": ratio(rr, pop_ref), "refusal_p": ref_p[i], "refusal_q": ref_q[i],
            "refusal_flagged": flag(ref_q[i], ratio(rr, pop_ref), p),
        })
        if one_way:
            by = {}
            for a in ADVICE:
                da = [r for r in gd if r["advice"] == a]
                by[a] = rate(sum(map(refused, da)), len(da)) if len(da) >= m else None
            odds = g.get("_cmh_or")
            row.update(refusal_rate_by_advice=by, cmh_odds_ratio=odds, cmh_p=cmh_p[i], cmh_q=cmh_q[i],
                       amplification_flagged=flag(cmh_q[i], odds, p))
        out.append(row)

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
        officers.append({
            "officer_id": oid, "n_decided": len(mine),
            "refusal_rate_by_advice": {a: rate(sum(refused(r) for r in mine if r["advice"] == a),
                                               sum(1 for r in mine if r["advice"] == a)) for a in ADVICE},
            "follow_rate": rate(len(fn), len(fd)),
            "intensive_refusal_ratio": ratio(rate(sum(map(refused, mi)), len(mi)),
                                             rate(sum(map(refused, oi)), len(oi))),
            "p": pv})
    for o, q in zip(officers, bh(off_p), strict=True):
        o["q"] = q
        o["flagged"] = bool((o["n_decided"] >= m and o["follow_rate"] is not None
                             and o["follow_rate"] >= p["follow_threshold"])
                            or (q is not None and q < p["alpha"] and o["intensive_refusal_ratio"] is not None
                                and o["intensive_refusal_ratio"] >= p["ratio_high"]))

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
        profiles.append({"code": code, "n": len(hits), "n_decided": len(hd), "refusal_rate": rr,
                         "refusal_rate_ci": wilson(sum(map(refused, hd)), len(hd)),
                         "refusal_ratio": ratio(rr, pop_ref), "p": pv})
    for h, q in zip(profiles, bh(prof_p), strict=True):
        h["q"] = q
        h["flagged"] = flag(q, h["refusal_ratio"], p)

    months = []
    for month in sorted({r["lodged_on"][:7] for r in records}):
        mine = [r for r in records if r["lodged_on"][:7] == month]
        md = [r for r in mine if decided(r)]
        months.append({"month": month, "n": len(mine),
                       "intensive_rate": rate(sum(r["advice"] == "intensive" for r in mine), len(mine)),
                       "refusal_rate": rate(sum(map(refused, md)), len(md))})
    return {"population": population, "groups": out, "officers": officers, "profiles": profiles, "months": months}
