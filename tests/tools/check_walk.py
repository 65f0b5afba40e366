#!/usr/bin/python3
"""Checks telrisk's PD walk (telrisk walk A.h5 B.h5 --out DIR) against a recomputation from the
two run files alone.

usage: check_walk.py A.h5 B.h5 WALK_DIR [--shift REGION:CHANNEL] [--k-min K]

  - every published row's parts (mix, behaviour, model, overlay) add up to the change of its mean
    PD to 1e-12, and each part, the counts and the means equal the recomputation here (1e-9);
  - each behaviour term per feature equals the recomputation: for each subscriber in the region
    both times, A's model on B's features against A's PD, split over the features by their
    shares of the move of log-odds, averaged over B's subscribers of the region (1e-9);
  - small cells: a row of 1 to k - 1 subscribers before or after shows no figures;
  - with --shift, the region where the generator planted a behaviour shift names a feature of
    that channel (data_*, recharges_*, or a call feature) first.
"""
import argparse
import csv
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import region_groups  # noqa: E402

failures = []
CHANNEL_PREFIX = {"data": ("data_",), "recharges": ("recharges_", "amount_recharges"),
                  "calls": ("number_of_", "call_", "active_days", "interevent")}


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def transform(f, values, names):
    """Each used feature's transformed column (WoE of its bin, or the standardised value)."""
    models = f["models"]
    feats = models["features"][:]
    bins = models["bins"][:]
    woe = text(models.attrs["transform"]) == "woe"
    out = {}
    for j in np.flatnonzero(feats["used"]):
        name = text(feats["name"][j])
        x = values[:, names.index(name)]
        rows = bins[bins["feature"] == j]
        special = rows[rows["special"] == 1]
        if woe:
            numeric = rows[(rows["missing"] == 0) & (rows["special"] == 0)]
            at = np.searchsorted(numeric["lower"], np.nan_to_num(x, nan=-np.inf), side="right") - 1
            t = numeric["woe"][np.maximum(at, 0)]
            t[np.isnan(x)] = rows[rows["missing"] == 1]["woe"][0]
            for s in special:
                t[x == s["lower"]] = s["woe"]
        else:
            t = np.where(np.isnan(x), 0.0, (x - feats["mean"][j]) / feats["sd"][j])
            for s in special:
                t[x == s["lower"]] = 0.0
        out[name] = t
    return out


def coefficients(f, region):
    """The coefficients of region's model in A (its own, or the national one)."""
    g = region_groups.group(f, region) if region >= 0 else f["models/national"]
    if region >= 0 and not g.attrs["own_model"]:
        g = f["models/national"]
    c = g["coefficients"][:]
    return c["estimate"][0], {text(n): e for n, e in zip(c["name"][1:], c["estimate"][1:])}


def load(path):
    f = h5py.File(path, "r")
    s = {k: f["subscribers/" + k][:] for k in ("key", "region", "pd")}
    final = f["subscribers/pd_calibrated"][:] if "subscribers/pd_calibrated" in f else s["pd"]
    s["final"] = np.where(np.isnan(final), s["pd"], final)
    s["names"] = [text(n) for n in f["subscribers/features"].attrs["names"]]
    s["values"] = f["subscribers/features"][:]
    return f, s


def expected_rows(fa, a, b):
    """The walk recomputed: per region (then -2, all) the counts, means, parts and terms."""
    ta = transform(fa, a["values"], a["names"])
    tb = transform(fa, b["values"], b["names"])
    used = list(ta)
    at = np.searchsorted(a["key"], b["key"])
    at = np.minimum(at, len(a["key"]) - 1)
    found = (a["key"][at] == b["key"]) & ~np.isnan(b["pd"])
    stayer = found & (a["region"][at] == b["region"]) & ~np.isnan(a["pd"][at])
    q = np.empty(len(b["key"]))
    delta = np.zeros((len(b["key"]), len(used)))
    for r in set(b["region"].tolist()):
        rows = b["region"] == r
        b0, coef = coefficients(fa, r)
        eta_b = b0 + sum(coef[n] * tb[n][rows] for n in used)
        q[rows] = 1 / (1 + np.exp(-eta_b))
        for u, n in enumerate(used):
            delta[rows, u] = coef[n] * (tb[n][rows] - ta[n][at[rows]])
    move = np.where(stayer, q - a["pd"][at], 0.0)
    eta = delta.sum(axis=1)
    share = np.divide(delta, eta[:, None], out=np.zeros_like(delta), where=eta[:, None] != 0)
    terms = np.where(stayer[:, None], move[:, None] * share, 0.0)
    regions = len(fa["regions/names"])
    known = lambda s: np.isin(s["region"], np.arange(regions))  # noqa: E731
    out = {"unknown": (int((~np.isnan(a["pd"]) & ~known(a)).sum()),
                       int((~np.isnan(b["pd"]) & ~known(b)).sum()))}
    for r in list(range(regions)) + [-2]:  # (a region in neither run is absent from out)
        ina = ~np.isnan(a["pd"]) & ((a["region"] == r) if r >= 0 else True)
        inb = ~np.isnan(b["pd"]) & ((b["region"] == r) if r >= 0 else True)
        na, nb = int(ina.sum()), int(inb.sum())
        if na == 0 or nb == 0:
            continue
        s0, fa_ = a["pd"][ina].mean(), a["final"][ina].mean()
        s1 = np.where(stayer, a["pd"][at], q)[inb].sum() / nb
        s2, s3, fb_ = q[inb].mean(), b["pd"][inb].mean(), b["final"][inb].mean()
        out[r] = {"before": na, "after": nb, "stayers": int((stayer & inb).sum()),
                  "mean_pd_before": fa_, "mean_pd_after": fb_, "mix": s1 - s0,
                  "behaviour": s2 - s1, "model": s3 - s2, "overlay": (fb_ - s3) - (fa_ - s0),
                  "terms": dict(zip(used, terms[inb].sum(axis=0) / nb))}
    return out


def close(x, y, tol=1e-9):
    return abs(x - y) <= tol * max(1e-3, abs(y))


def check_rows(walk, exp, k_min):
    """Published rows equal the recomputation; the small-cell rule holds: no published row of 1
    to k - 1 subscribers before or after, or who stayed, came or left; and in each count line
    (before, after) with its total published, never exactly one hidden cell (the unknown region,
    shown nowhere, counts as hidden when it is small)."""
    small = lambda n: 0 < n < k_min  # noqa: E731
    for row in walk:
        r = int(row["region"])
        if row["suppressed"] != "0":
            check(row["mix"] == "" and row["before"] == "", f"region {r}: hidden, no figure")
            continue
        e = exp[r]
        flows = (e["before"], e["after"], e["stayers"], e["after"] - e["stayers"],
                 e["before"] - e["stayers"])
        check(not any(small(n) for n in flows), f"region {r}: published with a small count {flows}")
        parts = sum(float(row[p]) for p in ("mix", "behaviour", "model", "overlay"))
        change = float(row["mean_pd_after"]) - float(row["mean_pd_before"])
        check(abs(parts - change) <= 1e-12, f"region {r}: parts {parts!r} add up to {change!r}")
        for k in ("before", "after", "stayers"):
            check(int(row[k]) == e[k], f"region {r}: {k} {row[k]} = {e[k]}")
        for k in ("mean_pd_before", "mean_pd_after", "mix", "behaviour", "model", "overlay"):
            check(close(float(row[k]), e[k]), f"region {r}: {k} {row[k]} = {e[k]!r}")
    for side, name in ((0, "before"), (1, "after")):
        total = next(row for row in walk if row["region"] == "-2")
        if total["suppressed"] != "0":
            continue
        regions = [row for row in walk if row["region"] != "-2"]
        hidden = sum(row["suppressed"] != "0" and exp.get(int(row["region"]), {}).get(name, 0) > 0
                     for row in regions) + small(exp["unknown"][side])
        check(hidden != 1, f"{name}: exactly one hidden cell, which the total gives away")
    for row in walk:  # every small region is hidden
        r = int(row["region"])
        if r in exp and r != -2 and (small(exp[r]["before"]) or small(exp[r]["after"])):
            check(row["suppressed"] == "1", f"region {r}: small, marked 1")


def check_terms(features, exp, published):
    seen = 0
    for row in features:
        r, name = int(row["region"]), row["feature"]
        if name == "(other)":
            check(abs(float(row["behaviour"])) < 1e-12, f"region {r}: nothing unexplained")
            continue
        check(close(float(row["behaviour"]), exp[r]["terms"][name], 1e-8),
              f"region {r} {name}: behaviour {row['behaviour']} = {exp[r]['terms'][name]!r}")
        seen += 1
    check(seen > 0 or not published, "walk_features.csv has the published rows' terms")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("a"), p.add_argument("b"), p.add_argument("walk_dir")
    p.add_argument("--shift", help="REGION:CHANNEL planted in B")
    p.add_argument("--k-min", type=int, default=10)
    args = p.parse_args()
    fa, a = load(args.a)
    _, b = load(args.b)
    exp = expected_rows(fa, a, b)
    walk = list(csv.DictReader(open(args.walk_dir + "/walk.csv")))
    features = list(csv.DictReader(open(args.walk_dir + "/walk_features.csv")))
    check(len(walk) == len(fa["regions/names"]) + 1, "walk.csv: one row per region, then all")
    check_rows(walk, exp, args.k_min)
    check_terms(features, exp, any(row["suppressed"] == "0" for row in walk))
    if args.shift:
        region, channel = args.shift.split(":")
        first = [r for r in features if r["region_name"] == region and r["rank"] == "1"]
        check(len(first) == 1 and first[0]["feature"].startswith(CHANNEL_PREFIX[channel]),
              f"{region}: the planted {channel} shift named first "
              f"(named: {first[0]['feature'] if first else 'nothing'})")
        if first:
            print(f"check_walk: {region}: first {first[0]['feature']} "
                  f"{100 * float(first[0]['behaviour']):+.3f} pp")
    print(f"check_walk: {len(walk)} rows, {len(features)} terms, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
