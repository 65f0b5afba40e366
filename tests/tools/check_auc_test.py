#!/usr/bin/python3
"""Checks /monitoring/auc_test of a file scored by `telrisk score --model CHAMPION.h5`: for all
regions and each, today's hold-out AUC (Mann-Whitney, ties half) and DeLong's standard error
recomputed here from /subscribers/pd, label, holdout and region with numpy, the development AUC
from the champion's /models/summary, S = (AUC_dev - AUC_now) / SE and p = 1 - Phi(S) (scipy's
normal), to 1e-9; suppressed rows (privacy.k_min) hold -1 counts and NaN figures.

usage: check_auc_test.py SCORED.h5 CHAMPION.h5"""
import sys

import h5py
import numpy as np
from scipy.stats import norm, rankdata


def delong(p, y):
    """AUC and DeLong's standard error (DeLong, DeLong and Clarke-Pearson 1988) by placements."""
    pos, neg = p[y == 1], p[y == 0]
    m, n = len(pos), len(neg)
    if m < 2 or n < 2:
        return (np.nan, np.nan) if m == 0 or n == 0 else (auc_only(pos, neg), np.nan)
    # placement of a default: share of repaid below it (ties half); of a repaid: of defaults above
    all_rank = rankdata(np.concatenate([pos, neg]))
    v10 = (all_rank[:m] - rankdata(pos)) / n
    v01 = 1 - (all_rank[m:] - rankdata(neg)) / m
    auc = v10.mean()
    se = np.sqrt(v10.var(ddof=1) / m + v01.var(ddof=1) / n)
    return auc, se


def auc_only(pos, neg):
    r = rankdata(np.concatenate([pos, neg]))[:len(pos)]
    return (r.sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    f, champ = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    s = f["subscribers"]
    pd, y, sample, region = s["pd"][:], s["label"][:], s["holdout"][:], s["region"][:]
    dev = {int(r["region"]): float(r["auc"]) for r in champ["models/summary"][:]}
    rows = f["monitoring/auc_test"][:]
    bad = []
    for row in rows:
        r = int(row["region"])
        take = (sample == 1) & (y >= 0) & (np.ones_like(region, bool) if r == -2 else region == r)
        if row["suppressed"]:
            if row["rows"] != -1 or not np.isnan(row["auc_now"]) or not np.isnan(row["p_value"]):
                bad.append(f"region {r}: suppressed but shows figures")
            continue
        auc, se = delong(pd[take], y[take])
        S = (dev[r] - auc) / se
        want = {"rows": take.sum(), "defaults": (y[take] == 1).sum(), "auc_development": dev[r],
                "auc_now": auc, "se_now": se, "s": S, "p_value": norm.sf(S)}
        for k, w in want.items():
            g = row[k]
            same = (np.isnan(w) and np.isnan(g)) or abs(g - w) <= 1e-9 * max(1, abs(w))
            if not same:
                bad.append(f"region {r} {k}: file {g}, recomputed {w}")
    for b in bad[:10]:
        print("FAIL", b)
    print(f"check_auc_test: {len(rows)} rows, {len(bad)} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
