#!/usr/bin/python3
"""Checks every table of a telrisk report (REPORT_DIR/csv/*.csv) against the run files it was
made from, recomputed here with h5py and numpy: no CSV goes unchecked (a new table needs a
check here), and small cells are hidden by the rule (tests/tools/suppression.py).

usage: check_report.py REPORT_DIR RUN.h5 [PREVIOUS.h5 ...] (previous oldest first)"""
import collections
import csv
import datetime
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suppression  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def text(v):
    return v.decode("utf-8") if isinstance(v, (bytes, np.bytes_)) else v


def same(cell, value, rel=1e-12):
    """A CSV cell against the value it should hold (None: hidden or NaN, an empty cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell == ""
    if isinstance(value, (float, np.floating)):
        return cell != "" and abs(float(cell) - value) <= rel * max(1.0, abs(value))
    if isinstance(value, (int, np.integer)):
        return cell != "" and float(cell) == float(value)
    return cell == str(text(value))


def compare(name, rows, expected):
    check(len(rows) == len(expected), f"{name}: {len(rows)} rows, expected {len(expected)}")
    for i, (row, exp) in enumerate(zip(rows, expected)):
        for k, (cell, value) in enumerate(zip(row, exp)):
            check(same(cell, value), f"{name} row {i} column {k}: {cell!r}, expected {value!r}")


def table_rows(f, path, cols, hide=None):
    t = f[path][()]
    out = []
    for i in range(len(t)):
        hidden = hide(t[i]) if hide else set()
        out.append([None if c in hidden else (text(t[c][i]) if t.dtype[c].kind == "S"
                                               else t[c][i].item()) for c in cols])
    return out


def check_inputs(f, csvs):
    compare("input_tables", csvs["input_tables"],
            table_rows(f, "provenance/tables", ["table", "state", "files", "lines"]))
    compare("input_files", csvs["input_files"],
            table_rows(f, "provenance/inputs", ["table", "path", "bytes", "lines", "accepted",
                                                "rejected", "duplicates", "unknown_antenna"]))
    r = f["rejects"][()]
    counts = collections.Counter(zip((text(x) for x in r["table"]), (text(x) for x in r["reason"])))
    compare("rejects_by_reason", csvs["rejects_by_reason"],
            [[t, why, n] for (t, why), n in sorted(counts.items())])
    s = f["crosschecks/summary"][()]
    compare("reconciliation", csvs["reconciliation"],
            [[text(x["check"]), text(x["table"]), x["count"].item(), x["amount"].item()]
             for x in s if x["region"] == -2])


SUMMARY = ["region_name", "own_model", "suppressed", "train_rows", "train_defaults",
           "holdout_rows", "holdout_defaults", "auc", "auc_lower", "auc_upper", "gini", "ks",
           "brier", "mean_pd", "default_rate", "hl_p"]


def check_models(f, csvs, k):
    compare("validation_summary", csvs["validation_summary"],
            table_rows(f, "models/summary", SUMMARY,
                       lambda x: set(SUMMARY[3:]) if x["suppressed"] else set()))
    region, grade = f["subscribers/region"][()], f["subscribers/grade"][()]
    names = [text(n) for n in f["regions/names"][()]]
    known = np.isin(region, np.arange(len(names)))
    cells = {}
    for row in csvs["grade_distribution"]:
        if row[0] == "(all)":
            members = np.ones(len(region), bool)
        elif row[0] == "(unknown)":
            members = ~known
        else:
            members = region == names.index(row[0])
        n = int(np.count_nonzero(members & (grade == int(row[1]))))
        cells[(row[0], int(row[1]))] = (n, int(row[3]))
        check(row[2] == "" if row[3] != "0" else int(row[2]) == n,
              f"grade_distribution {row[:2]}: {row[2]} shown, {n} counted")
    grades = sorted({c[1] for c in cells})
    rows = [r for r in dict.fromkeys(c[0] for c in cells) if r != "(all)"]
    check(len(rows) == len(names) + 1, "grade_distribution: every region and the unknown one")
    for r in rows:  # each region's total is published elsewhere (its subscribers)
        cells[(r, 0)] = (sum(cells[(r, g)][0] for g in grades), 0)
    cells[("(all)", 0)] = (len(region), 0)
    lines = [((r, 0), [(r, g) for g in grades]) for r in rows + ["(all)"]]
    lines += [(("(all)", g), [(r, g) for r in rows]) for g in grades]
    suppression.check_cells(check, "grade_distribution", cells, k, lines)


def check_scorecard(f, csvs):
    feats = f["models/features"][()]
    used = [j for j in np.argsort(-feats["iv"], kind="stable") if feats["used"][j]]
    compare("information_value", csvs["information_value"],
            [[text(feats["name"][j]), feats["iv"][j].item(), int(feats["bins"][j])] for j in used])
    b = f["models/bins"][()]
    rows = csvs["woe_bins"]
    expected = [(text(feats["name"][j]), x) for j in used for x in b[b["feature"] == j]]
    check(len(rows) == len(expected), "woe_bins: one row per bin of each used feature")
    for row, (name, x) in zip(rows, expected):
        shown = row[7] == "0"
        check(row[0] == name and int(row[2]) == x["bin"], f"woe_bins {name} bin {row[2]}")
        if shown:
            check(int(row[3]) == x["count"] and same(row[6], x["woe"].item()),
                  f"woe_bins {name} bin {row[2]}: count and WoE")
        else:
            check(row[3] == "" and row[6] == "", f"woe_bins {name} bin {row[2]}: hidden")
    p = f["models/national/points"][()]
    compare("points_national", [[r[0], r[1], r[7]] for r in csvs["points_national"]],
            [[text(x["name"]), x["bin"].item(), x["points"].item()] for x in p])


def check_backtest(f, csvs):
    cols = ["region_name", "grade", "suppressed", "n", "defaults", "mean_pd", "default_rate",
            "p_value", "zone", "jeffreys_p"]
    compare("backtest", csvs["backtest"],
            table_rows(f, "crosschecks/backtest", cols,
                       lambda x: set(cols[3:]) if x["suppressed"] else set()))


def check_alerts(f, csvs, k):
    if "alerts_by_rule_region" not in csvs:
        check(len(f["crosschecks/alerts"]) == 0, "alerts: the report shows them")
        return
    a = f["crosschecks/alerts"][()]
    key, region = f["subscribers/key"][()], f["subscribers/region"][()]
    names = [text(n) for n in f["regions/names"][()]] + ["(unknown)"]
    at = np.minimum(np.searchsorted(key, a["key"]), len(key) - 1)
    where = np.where(key[at] == a["key"], region[at], -1)
    rules = [text(r) for r in a["rule"]]
    counted = collections.Counter((r, names[g]) for r, g in zip(rules, where))
    cells = {}
    for row in csvs["alerts_by_rule_region"]:
        n = counted.get((row[0], row[1]), 0)
        cells[(row[0], row[1])] = (n, int(row[3]))
        check(row[2] == "" if row[3] != "0" else int(row[2]) == n, f"alerts {row[:2]}: {n}")
    suppression.check_cells(check, "alerts_by_rule_region", cells, k)
    days = collections.Counter((str(datetime.datetime.utcfromtimestamp(int(t)).date()), r)
                               for t, r in zip(a["t"], rules))
    for row in csvs["alerts_by_day"]:
        check(int(row[2]) == days.get((row[0], row[1]), 0), f"alerts_by_day {row[:2]}")
    check(sum(int(r[2]) for r in csvs["alerts_by_day"]) == len(a), "alerts_by_day: every alert")


def check_stress(f, csvs):
    for name in f["stress"].keys() if "stress" in f else []:
        m = f[f"stress/{name}/risk_measures"][()]
        compare(f"stress_risk_{name}", [r[1:4] for r in csvs[f"stress_risk_{name}"]],
                [[x["level"].item(), x["var"].item(), x["es"].item()] for x in m])
        cols = ["region_name", "suppressed", "loans", "borrowers", "ead", "pd", "lgd", "el",
                "capital", "rwa", "pd_stressed", "el_stressed", "capital_stressed", "mc_el"]
        compare(f"stress_regions_{name}", csvs[f"stress_regions_{name}"],
                table_rows(f, f"stress/{name}/regions", cols,
                           lambda x: set(cols[2:]) if x["suppressed"] else set()))
    if "ifrs9/summary" in f:
        cols = ["region_name", "stage", "suppressed", "loans", "borrowers", "exposure", "ecl",
                "coverage"]
        compare("ifrs9_summary", csvs["ifrs9_summary"],
                table_rows(f, "ifrs9/summary", cols,
                           lambda x: set(cols[3:]) if x["suppressed"] else set()))


def check_provenance(f, csvs):
    identity = dict((r[0], r[1]) for r in csvs["identity"])
    check(identity["checksum"] == text(f.attrs["checksum"]), "identity: the root checksum")
    check(identity["created_utc"] == text(f.attrs["created_utc"]), "identity: created_utc")
    h = f["provenance/history"][()]
    check([r[1] for r in csvs["history"]] == [text(x) for x in h["command_line"]], "history")
    s = f["provenance/stages"][()]
    compare("stages", [r[:3] for r in csvs["stages"]],
            [[text(x["name"]), x["seconds"].item(), x["records"].item()] for x in s])


def psi(ref, now):
    p, q = ref / ref.sum(), now / now.sum()
    p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    return float(((q - p) * np.log(q / p)).sum())


def feature_bins(f, name, x):
    """Counts of x over the bins of feature `name` in f's /models/bins: numeric by lower bound,
    then missing, then each special value."""
    feats = [text(n) for n in f["models/features"]["name"]]
    b = f["models/bins"][()]
    rows = b[b["feature"] == feats.index(name)]
    specials = rows[rows["special"] == 1]["lower"]
    numeric = rows[(rows["missing"] == 0) & (rows["special"] == 0)]["lower"]
    plain = ~np.isnan(x) & ~np.isin(x, specials)
    counts = [np.count_nonzero(np.clip(np.searchsorted(numeric, x[plain], side="right") - 1,
                                       0, None) == k) for k in range(len(numeric))]
    return np.array(counts + [np.count_nonzero(np.isnan(x))] +
                    [np.count_nonzero(x == s) for s in specials], float)


def month(f, path, seen):
    label = text(f["subscribers"].attrs["observation_date"])
    return label if label not in seen else f"{label} ({os.path.basename(path)})"


def check_stability(run, series, labels, csvs, k):
    f0 = series[0]
    s0 = f0["subscribers/score"][()]
    edges = np.quantile(s0[np.isfinite(s0)], np.linspace(0.1, 0.9, 9))
    names = [text(n) for n in run["regions/names"]]
    checked = 0
    for row in csvs["stability"]:
        m = labels.index(row[0])
        f = series[m]
        r = -2 if row[1] == "(all)" else names.index(row[1])
        pick = lambda g: (g["subscribers/region"][()] == r) if r >= 0 else slice(None)  # noqa
        if row[2] == "score":
            s1 = f["subscribers/score"][()][pick(f)]
            a, b = s0[pick(f0)], s1
            value = psi(np.bincount(np.searchsorted(edges, a[np.isfinite(a)], side="right"),
                                    minlength=10).astype(float),
                        np.bincount(np.searchsorted(edges, b[np.isfinite(b)], side="right"),
                                    minlength=10).astype(float))
        else:
            cols = [text(n) for n in f["subscribers/features"].attrs["names"]]
            j0 = [text(n) for n in f0["subscribers/features"].attrs["names"]].index(row[2])
            x0 = f0["subscribers/features"][:, j0][pick(f0)]
            x1 = f["subscribers/features"][:, cols.index(row[2])][pick(f)]
            value = psi(feature_bins(run, row[2], x0), feature_bins(run, row[2], x1))
        n0 = np.count_nonzero(f0["subscribers/region"][()] == r) if r >= 0 else 0
        n1 = np.count_nonzero(f["subscribers/region"][()] == r) if r >= 0 else 0
        small = 0 < n0 < k or 0 < n1 < k
        check((row[5] != "0") == small, f"stability {row[:3]}: hidden exactly when small")
        if row[5] == "0":
            check(abs(float(row[3]) - value) <= 1e-9, f"stability {row[:3]}: {row[3]} = {value}")
        else:
            check(row[3] == "" and row[4] == "", f"stability {row[:3]}: hidden, no figure")
        checked += 1
    check(checked > 0, "stability: rows checked")


def check_monitoring(run, series, paths, csvs, walk_dir):
    if "monitoring/feature_psi" in run:
        t = run["monitoring/feature_psi"][()]
        compare("champion_drift", csvs["champion_drift"],
                [[text(x["name"]), x["psi"].item(), text(x["band"])] for x in t])
    if "monitoring/region_drift" in run:
        t = run["monitoring/region_drift"][()]
        compare("region_drift", csvs["region_drift"],
                [[text(x["region_name"]), text(x["name"]), None if x["suppressed"] else
                  x["psi"].item(), None if x["suppressed"] else text(x["band"]),
                  int(x["suppressed"])] for x in t])
    if len(series) < 2:
        return
    labels, seen = [], set()
    for f, p in zip(series, paths):
        labels.append(month(f, p, seen))
        seen.add(labels[-1])
    check_stability(run, series, labels, csvs, suppression.k_min(run))
    expected = []
    for f, label in zip(series, labels):
        for x in f["models/summary"][()] if "models/summary" in f else []:
            hide = x["suppressed"] != 0
            expected.append([label, text(x["region_name"])] +
                            [None if hide else x[c].item() for c in
                             ("holdout_rows", "auc", "auc_lower", "auc_upper", "gini",
                              "mean_pd", "default_rate")] + [int(x["suppressed"])] +
                            [None if hide else 2 * x[c].item() - 1
                             for c in ("auc_lower", "auc_upper")])
    compare("performance_trend", csvs["performance_trend"], expected)
    alerts = []
    for f, label in zip(series, labels):
        rules = collections.Counter(text(r) for r in f["crosschecks/alerts"]["rule"])
        alerts += [[label, r, n] for r, n in sorted(rules.items())]
    compare("alerts_trend", csvs["alerts_trend"], alerts)
    walk = list(csv.reader(open(os.path.join(walk_dir, "walk.csv"))))[1:]
    check([[r[c] for c in (0, 1)] for r in csvs["pd_walk"]] == [[w[1], w[2]] for w in walk],
          "pd_walk: the regions of walk.csv")
    for row, w in zip(csvs["pd_walk"], walk):
        for k in range(2, 12):  # the report's columns from before: walk.csv's from its 4th
            check(same(row[k], float(w[k + 1]) if w[k + 1] else None), f"pd_walk {w[1]} col {k}")


def region_money(f):
    """ECL over stages and capital as the book stands, per region name (None: hidden)."""
    ecl, cap = {}, {}
    if "ifrs9/summary" in f:
        t = f["ifrs9/summary"][()]
        for name in dict.fromkeys(text(n) for n in t["region_name"]):
            rows = np.array([text(n) == name for n in t["region_name"]])
            ecl[name] = None if t["suppressed"][rows].any() else float(t["ecl"][rows].sum())
    if "stress" in f and len(f["stress"]):
        t = f[f"stress/{sorted(f['stress'].keys())[0]}/regions"][()]
        cap = {text(x["region_name"]): None if x["suppressed"] else float(x["capital"]) for x in t}
    return ecl, cap


def check_money(before, after, csvs):
    ea, ca = region_money(before)
    eb, cb = region_money(after)
    for row in csvs["ecl_capital_change"]:
        name = row[0]
        e = (ea.get(name), eb.get(name))
        c = (ca.get(name), cb.get(name))
        for k, v in ((1, e[0]), (2, e[1]), (3, None if None in e else e[1] - e[0]),
                     (4, c[0]), (5, c[1]), (6, None if None in c else c[1] - c[0])):
            check(same(row[k], v, 1e-9), f"ecl_capital_change {name} col {k}: {row[k]} = {v}")


def check_walk_features(csvs, walk_dir):
    rows = list(csv.reader(open(os.path.join(walk_dir, "walk_features.csv"))))[1:]
    compare("pd_walk_features", csvs["pd_walk_features"],
            [[w[1], int(w[2]), w[3], float(w[4])] for w in rows if int(w[2]) <= 5])


def main():
    folder, run_path, previous = sys.argv[1], sys.argv[2], sys.argv[3:]
    csvs = {}
    for name in sorted(os.listdir(os.path.join(folder, "csv"))):
        with open(os.path.join(folder, "csv", name), newline="", encoding="utf-8") as fh:
            csvs[name[:-4]] = list(csv.reader(fh))[1:]
    run = h5py.File(run_path, "r")
    k = suppression.k_min(run)
    series = [h5py.File(p, "r") for p in previous] + [run]
    check_inputs(run, csvs)
    check_models(run, csvs, k)
    check_scorecard(run, csvs)
    check_backtest(run, csvs)
    check_alerts(run, csvs, k)
    check_stress(run, csvs)
    check_provenance(run, csvs)
    check_monitoring(run, series, previous + [run_path], csvs, os.path.join(folder, "walk"))
    if "ecl_capital_change" in csvs:
        check_money(series[-2], run, csvs)
    if "pd_walk_features" in csvs:
        check_walk_features(csvs, os.path.join(folder, "walk"))
    known = {"input_tables", "input_files", "rejects_by_reason", "reconciliation",
             "validation_summary", "grade_distribution", "information_value", "woe_bins",
             "points_national", "backtest", "alerts_by_rule_region", "alerts_by_day",
             "ifrs9_summary", "identity", "history", "stages", "champion_drift", "stability",
             "performance_trend", "alerts_trend", "pd_walk", "pd_walk_features",
             "region_drift", "ecl_capital_change"}
    for name in csvs:
        check(name in known or name.startswith(("stress_risk_", "stress_regions_")),
              f"{name}.csv: no check here (add one)")
    print(f"check_report: {len(csvs)} tables checked against the run files, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
