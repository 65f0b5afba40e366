#!/usr/bin/python3
"""Checks a run file's credit models against independent truth.

usage: check_models.py DATA_DIR RUN.h5 --seed SEED [--quality]

Always (the file explains itself and its figures are right):
  - every subscriber's PD re-derived by hand from /models (bins, WoE or standardisation,
    coefficients of its region's model or the national one) matches /subscribers/pd;
  - score and grade follow from the PD by the scorecard formula and the master scale;
  - each region's model is /models/regions/<its name> (tests/tools/region_groups.py), with its
    region and region_name;
  - the bins: counts add up to the training sample, default rates move with the stated trend,
    WoE follows from the counts;
  - the hold-out metrics (AUC with midranks, Gini, KS, Brier, log loss, calibration deciles,
    Hosmer-Lemeshow) recomputed here match /models/validation and /models/summary.
With --quality, against the generator's planted truth (truth/subscribers.csv: the true PDs):
  - the hold-out AUC is within 0.03 of the true PDs' AUC on the same rows, and the mean PD within
    10% of the observed default rate, nationally and in every region with at least 300 hold-out
    defaults.
"""
import argparse
import csv
import math
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from check_run import subscriber_keys  # noqa: E402
import region_groups  # noqa: E402
import suppression  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def close(a, b, rel=1e-9):
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= rel * max(1.0, abs(b))


def auc(p, y):
    """Mann-Whitney with midranks for ties."""
    order = np.argsort(p, kind="mergesort")
    ps = p[order]
    ranks = np.empty(len(p))
    i = 0
    while i < len(ps):
        j = i
        while j < len(ps) and ps[j] == ps[i]:
            j += 1
        ranks[order[i:j]] = (i + 1 + j) / 2
        i = j
    pos = y.sum()
    neg = len(y) - pos
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def ks(p, y):
    order = np.argsort(p, kind="mergesort")
    ps, ys = p[order], y[order]
    pos, neg = ys.sum(), len(ys) - ys.sum()
    best = tp = fp = 0.0
    i = 0
    while i < len(ps):
        j = i
        while j < len(ps) and ps[j] == ps[i]:
            j += 1
        tp += ys[i:j].sum()
        fp += (j - i) - ys[i:j].sum()
        best = max(best, abs(tp / pos - fp / neg))
        i = j
    return best


def hosmer_lemeshow(p, y, groups=10):
    order = np.lexsort((np.arange(len(p)), p))
    g = (np.arange(len(p)) * groups) // len(p)
    stat = 0.0
    for k in range(groups):
        rows = order[g == k]
        e, o, n = p[rows].sum(), y[rows].sum(), len(rows)
        stat += (o - e) ** 2 / (e * (1 - e / n))
    return stat


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def rederive_pd(f, values, region):
    """PDs from the stored binning and coefficients alone."""
    models = f["models"]
    transform = text(models.attrs["transform"])
    feats = models["features"][:]
    names = [text(n) for n in feats["name"]]
    bins = models["bins"][:]
    transformed = {}
    coef_names = set()
    groups = [models["national"]] + list(models["regions"].values())
    for g in groups:
        if "coefficients" in g:
            coef_names.update(text(n) for n in g["coefficients"]["name"][1:])
    for name in coef_names:
        j = names.index(name)
        x = values[:, j]
        if transform == "woe":
            rows = bins[bins["feature"] == j]
            special = rows[rows["special"] == 1] if "special" in rows.dtype.names else rows[:0]
            numeric = rows[(rows["missing"] == 0) & ~np.isin(rows["bin"], special["bin"])]
            lower = numeric["lower"]
            at = np.searchsorted(lower, np.nan_to_num(x, nan=-np.inf), side="right") - 1
            t = numeric["woe"][np.maximum(at, 0)]
            t[np.isnan(x)] = rows[rows["missing"] == 1]["woe"][0]
            for s in special:  # model.special: the value alone, before any numeric bin
                t[x == s["lower"]] = s["woe"]
        else:
            mean, sd = feats["mean"][j], feats["sd"][j]
            t = np.where(np.isnan(x), 0.0, (x - mean) / sd)
            for s in (bins[(bins["feature"] == j) & (bins["special"] == 1)]
                      if "special" in bins.dtype.names else []):
                t[x == s["lower"]] = 0.0  # a code, not a number: the training mean
        transformed[name] = t
    def eta_of(group):
        c = group["coefficients"][:]
        eta = np.full(len(values), c["estimate"][0])
        for row in c[1:]:
            eta = eta + row["estimate"] * transformed[text(row["name"])]
        return eta
    national = eta_of(models["national"])
    eta = national.copy()
    for r in range(len(f["regions/names"])):
        g = region_groups.group(f, r)
        if g.attrs["own_model"]:
            eta[region == r] = eta_of(g)[region == r]
    return 1 / (1 + np.exp(-eta)), 1 / (1 + np.exp(-national))


def check_bins(f, train_rows):
    bins = f["models/bins"][:]
    feats = f["models/features"][:]
    for j in range(len(feats)):
        rows = bins[bins["feature"] == j]
        name = text(feats["name"][j])
        check(rows["count"].sum() == train_rows, f"{name}: bin counts add up to the training rows")
        numeric = rows[rows["missing"] == 0]
        if "special" in rows.dtype.names:
            numeric = numeric[numeric["special"] == 0]
        numeric = numeric[numeric["count"] > 0]
        rate = numeric["defaults"] / numeric["count"]
        trend = feats["trend"][j]
        if trend != 0:
            check(np.all(trend * np.diff(rate) >= 0), f"{name}: default rate monotonic ({trend})")
        bad, good = bins[bins["feature"] == j]["defaults"].sum(), train_rows
        good -= bad
        woe = (np.log((rows["count"] - rows["defaults"] + 0.5) / (good + 0.5))
               - np.log((rows["defaults"] + 0.5) / (bad + 0.5)))
        woe[rows["count"] == 0] = 0
        check(np.allclose(woe, rows["woe"], rtol=1e-12, atol=1e-12), f"{name}: WoE from the counts")


def check_summary(f, check, k, region, label, sample):
    """/models/summary: each region's hold-out and training rows recomputed; small ones hidden,
    none derivable from the all row."""
    rows = f["models/summary"][:]
    holdout, train = {}, {}
    for r in rows:
        sel = region == r["region"] if r["region"] >= 0 else np.ones(len(region), bool)
        h = int(((label >= 0) & (sample == 1) & sel).sum())
        t = int(((label >= 0) & (sample == 0) & sel).sum())
        hide_h, hide_t = r["holdout_rows"] == -1, r["train_rows"] == -1
        check(r["suppressed"] == 0 or hide_h or hide_t, f"summary region {r['region']}: marked but shows all")
        check(hide_h or r["holdout_rows"] == h, f"summary region {r['region']}: hold-out rows {r['holdout_rows']} vs {h}")
        check(hide_t or r["region"] < 0 or r["train_rows"] == t, f"summary region {r['region']}: training rows")
        check(not hide_h or np.isnan(r["auc"]), f"summary region {r['region']}: hidden hold-out shows its AUC")
        key = int(r["region"]) if r["region"] >= 0 else "all"
        holdout[key] = (h, 1 if 0 < h < k else 2 if hide_h else 0)
        train[key] = (t, 1 if 0 < t < k else 2 if hide_t else 0)
        check(not (0 < h < k) or hide_h, f"summary region {r['region']}: {h} hold-out rows shown")
        check(not (0 < t < k) or hide_t, f"summary region {r['region']}: {t} training rows shown")
    regions = [key for key in holdout if key != "all"]
    for name, cells in (("summary hold-out", holdout), ("summary training", train)):
        suppression.check_cells(check, name, cells, k, [("all", regions)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("run")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--quality", action="store_true")
    a = ap.parse_args()
    f = h5py.File(a.run, "r")
    s = f["subscribers"]
    keys, region, label, sample = s["key"][:], s["region"][:], s["label"][:], s["holdout"][:]
    pd, score, grade = s["pd"][:], s["score"][:], s["grade"][:]
    values = s["features"][:]
    models = f["models"]
    train = (label >= 0) & (sample == 0)
    check(models.attrs["train_rows"] == train.sum(), "training rows")
    check_bins(f, train.sum())
    region_groups.check_groups(f, check)

    own, national = rederive_pd(f, values, region)
    check(np.allclose(own, pd, rtol=1e-10, atol=1e-14), "PDs re-derived from /models match /subscribers/pd")
    base, odds, pdo = (models.attrs[k] for k in ("base_points", "base_odds", "pdo"))
    q = np.clip(pd, 1e-12, 1 - 1e-12)
    want_score = base + pdo / math.log(2) * np.log((1 - q) / q / odds)
    check(np.allclose(score, want_score, rtol=1e-12), "scores from the PDs")
    scale = models.attrs["master_scale"]
    check(np.array_equal(grade, np.searchsorted(scale, pd, side="left") + 1), "grades from the master scale")

    bands = models["score_bands"][:]
    check(bands["population"].sum() == len(score) and np.all(np.diff(bands["lower"]) > 0),
          "score bands: increasing, holding every subscriber")
    at = np.searchsorted(bands["lower"], score, side="right") - 1
    check(np.array_equal(np.bincount(at, minlength=len(bands)), bands["population"]),
          "score bands: population per band")
    grades = models["grades"][:]
    k = suppression.k_min(f)
    per_grade = np.bincount(grade - 1, minlength=len(grades))[:len(grades)]
    shown = grades["suppressed"] == 0
    check(np.array_equal(per_grade[shown], grades["population"][shown]) and
          np.all(grades["population"][~shown] == -1), "grades: population per grade")
    cells = {g: (int(per_grade[g]), int(grades["suppressed"][g])) for g in range(len(grades))}
    cells["all"] = (len(grade), 0)
    suppression.check_cells(check, "grades", cells, k, [("all", list(range(len(grades))))])

    hold = (label >= 0) & (sample == 1)
    y = (label[hold] == 1).astype(float)
    groups = [("validation", models["validation"], pd[hold], y),
              ("national/validation", models["national/validation"], national[hold], y)]
    for r in range(len(f["regions/names"])):
        rows, g = hold & (region == r), region_groups.path(f, r)
        groups.append((f"{g}/validation", models[f"{g}/validation"], pd[rows],
                       (label[rows] == 1).astype(float)))
        groups.append((f"{g}/validation_national", models[f"{g}/validation_national"],
                       national[rows], (label[rows] == 1).astype(float)))
    if "out_of_time" in models:
        oot = (label >= 0) & (sample == 2)
        groups.append(("out_of_time", models["out_of_time"], pd[oot], (label[oot] == 1).astype(float)))
    check(("out_of_time" in models) == bool(((label >= 0) & (sample == 2)).any()), "out-of-time group iff such rows")
    check_summary(f, check, k, region, label, sample)
    for name, g, p, yy in groups:
        m = g.attrs
        if m["suppressed"]:
            check((m["suppressed"] == 1) == (0 < len(p) < k) or name.startswith("regions/"),
                  f"{name}: {len(p)} hold-out rows, suppressed {m['suppressed']}")
            check(m["n"] == -1 and m["defaults"] == -1 and np.isnan(m["auc"]) and len(g["calibration"]) == 0,
                  f"{name}: suppressed but shows figures")
            continue
        check(not (0 < len(p) < k), f"{name}: {len(p)} hold-out rows, under k={k}, not suppressed")
        check(m["n"] == len(p) and m["defaults"] == yy.sum(), f"{name}: rows and defaults")
        if len(p) < 10 or yy.sum() in (0, len(yy)):
            continue
        check(close(m["auc"], auc(p, yy)), f"{name}: AUC {m['auc']} vs {auc(p, yy)}")
        check(close(m["gini"], 2 * auc(p, yy) - 1), f"{name}: Gini")
        check(close(m["ks"], ks(p, yy)), f"{name}: KS")
        check(close(m["brier"], np.mean((p - yy) ** 2)), f"{name}: Brier")
        check(close(m["mean_pd"], p.mean()) and close(m["default_rate"], yy.mean()), f"{name}: calibration in the large")
        check(close(m["hosmer_lemeshow"], hosmer_lemeshow(p, yy), 1e-8), f"{name}: Hosmer-Lemeshow")
        cal = g["calibration"][:]
        shown = cal["suppressed"] == 0
        hidden = (~shown).sum()
        # Deciles of fewer than k rows are hidden, two at least when any is (or the total gives
        # it away): the published ones add up to no more than the rows.
        check(hidden != 1 and np.all(cal["n"][shown] >= k) and np.all(cal["n"][~shown] == -1),
              f"{name}: calibration deciles suppressed")
        check((cal["n"][shown].sum() == len(p) and cal["defaults"][shown].sum() == yy.sum()) if hidden == 0
              else cal["n"][shown].sum() < len(p), f"{name}: calibration deciles")

    if a.quality:
        k = subscriber_keys(a.seed)
        true_pd = {}
        with open(f"{a.data}/truth/subscribers.csv", newline="") as t:
            for row in csv.DictReader(t):
                true_pd[k(row["subscriber_id"])] = float(row["pd"])
        truth = np.array([true_pd[int(k)] for k in keys[hold]])
        scopes = [("national", np.ones(hold.sum(), bool))]
        for r in range(len(f["regions/names"])):
            scopes.append((f"region {r}", region[hold] == r))
        for name, rows in scopes:
            yy = y[rows]
            if name != "national" and yy.sum() < 300:
                print(f"{name}: {int(yy.sum())} hold-out defaults, under 300: not held to the bounds")
                continue
            model_auc, true_auc = auc(pd[hold][rows], yy), auc(truth[rows], yy)
            ratio = pd[hold][rows].mean() / yy.mean()
            print(f"{name}: {rows.sum()} hold-out rows, {int(yy.sum())} defaults; AUC {model_auc:.4f} "
                  f"(true PDs {true_auc:.4f}, gap {true_auc - model_auc:+.4f}); mean PD / default rate {ratio:.4f}")
            check(model_auc >= true_auc - 0.03, f"{name}: hold-out AUC within 0.03 of the true PDs'")
            check(abs(ratio - 1) <= 0.10, f"{name}: calibration in the large within 10%")
    if failures:
        print(f"{len(failures)} model checks failed")
        return 1
    print(f"models: {len(groups)} validation groups recomputed, every PD re-derived from /models"
          + (", quality bounds held" if a.quality else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
