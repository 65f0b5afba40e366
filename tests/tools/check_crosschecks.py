#!/usr/bin/python3
"""Checks a run file's /crosschecks against the generator's planted truth and the CSVs.

usage: check_crosschecks.py DATA_DIR RUN.h5 --seed SEED

- every planted ledger break is in /crosschecks/ledger_breaks at its line, account and kind, and
  nothing else is (exact);
- duplicates and unknown antennas per table equal the planted counts (exact);
- the control totals (count and amount per transaction type, all regions) equal the sums over
  the accepted mobile-money lines, recomputed here;
- each fraud rule: at least 95% of its planted subscribers alerted (recall) and at least 90% of
  its alerts on planted subscribers (precision);
- /subscribers/flags agrees with the alerts;
- the backtest by region and grade (own models' PDs) recomputed here: counts, mean PD, the
  one-sided binomial p-value (summed here from the binomial terms) and the traffic-light zone;
  cells of fewer than privacy.k_min subscribers hidden, and none derivable from a total.
"""
import csv
import math
import sys
from collections import Counter, defaultdict

import h5py
import numpy as np
from scipy.stats import beta

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from check_run import accepted_records, malformed_lines, subscriber_keys  # noqa: E402
import suppression  # noqa: E402

RULES = ["account_takeover", "impossible_travel", "simbox", "velocity", "dormant_then_active"]


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def binomial_at_least(k, n, p):
    """P(X >= k), X ~ Binomial(n, p), summed term by term in logs."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    total = 0.0
    for x in range(k, n + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
                          + x * math.log(p) + (n - x) * math.log1p(-p))
    return min(1.0, total)


def zone(p):
    return "green" if p > 0.05 else "yellow" if p > 0.0001 else "red"


def check_backtest(f, check):
    s = f["subscribers"]
    hold = (s["label"][:] >= 0) & (s["holdout"][:] == 1)
    pd, y, region = s["pd"][:][hold], (s["label"][:][hold] == 1), s["region"][:][hold]
    scale = f["models"].attrs["master_scale"]
    grade = [int(sum(1 for u in scale if u < p)) + 1 for p in pd]
    rows = f["crosschecks/backtest"][:]
    k = suppression.k_min(f)
    checked, cells = 0, {}
    for r in rows:
        sel = [i for i in range(len(pd))
               if (r["region"] == -2 or region[i] == r["region"]) and (r["grade"] == 0 or grade[i] == r["grade"])]
        n, d = len(sel), int(sum(y[i] for i in sel))
        cells[(int(r["region"]), int(r["grade"]))] = (n, int(r["suppressed"]))
        if r["suppressed"]:
            check(suppression.hidden_values(r, ("n", "defaults"), ("mean_pd", "default_rate", "p_value",
                                                                    "national_mean_pd", "national_p_value",
                                                                    "jeffreys_p", "national_jeffreys_p"))
                  and text(r["zone"]) == "" and text(r["national_zone"]) == "",
                  f"backtest region {r['region']} grade {r['grade']}: suppressed but shows figures")
            continue
        if not (r["n"] == n and r["defaults"] == d):
            check(False, f"backtest region {r['region']} grade {r['grade']}: {r['n']}/{r['defaults']} vs {n}/{d}")
            continue
        if n == 0:
            continue
        mean = sum(pd[i] for i in sel) / n
        p = binomial_at_least(d, n, mean)
        ok = (abs(r["mean_pd"] - mean) <= 1e-12 * max(1, mean) and abs(r["p_value"] - p) <= 1e-6 * max(p, 1e-12)
              and text(r["zone"]) == zone(r["p_value"]))
        check(ok, f"backtest region {r['region']} grade {r['grade']}: p {r['p_value']} vs {p}, zone {text(r['zone'])}")
        # The Jeffreys test (ECB IRB validation reporting), from scipy's beta distribution: at the
        # mean PD recomputed here, and at the national model's stored mean (per-subscriber
        # national PDs are not in the file).
        for member, m in (("jeffreys_p", mean), ("national_jeffreys_p", r["national_mean_pd"])):
            want = beta.cdf(m, d + 0.5, n - d + 0.5)
            check(abs(r[member] - want) <= 1e-9 * max(want, 1e-12),
                  f"backtest region {r['region']} grade {r['grade']}: {member} {r[member]} vs scipy {want}")
        checked += 1
    # Regions down (-2: all), grades across (0: all): every row and column with its total.
    regions = sorted({c[0] for c in cells})
    grades = sorted({c[1] for c in cells})
    lines = [((r, 0), [(r, g) for g in grades if g > 0]) for r in regions]
    lines += [((-2, g), [(r, g) for r in regions if r >= 0]) for g in grades]
    hidden = suppression.check_cells(check, "backtest", cells, k, lines)
    return checked, hidden


def check_concentration(f, check):
    """The grades' concentration per region from every scored subscriber's PD: the Herfindahl
    index and the ECB's normalised form, 1 + ln(hhi) / ln(K), as K grade shares' CV gives it."""
    s = f["subscribers"]
    pd, region = s["pd"][:], s["region"][:]
    scale = f["models"].attrs["master_scale"]
    K = len(scale)
    scored = np.isfinite(pd)
    grade = np.searchsorted(np.asarray(scale), pd[scored], side="left") + 1
    grade = np.minimum(grade, K)
    checked = 0
    for r in f["crosschecks/concentration"][:]:
        sel = np.ones(len(grade), bool) if r["region"] == -2 else region[scored] == r["region"]
        counts = np.bincount(grade[sel], minlength=K + 1)[1:]
        n = int(counts.sum())
        if r["suppressed"]:
            check(r["subscribers"] == -1 and math.isnan(r["hhi"]), f"concentration {r['region']}: suppressed but shows figures")
            continue
        share = counts / n
        hhi = float((share ** 2).sum())
        cv = math.sqrt(K * float(((share - 1 / K) ** 2).sum()))
        ecb = 1 + math.log((cv ** 2 + 1) / K) / math.log(K)
        check(r["subscribers"] == n and abs(r["hhi"] - hhi) <= 1e-12 and abs(r["hhi_normalised"] - ecb) <= 1e-12,
              f"concentration region {r['region']}: {r['subscribers']} {r['hhi']} {r['hhi_normalised']} vs {n} {hhi} {ecb}")
        checked += 1
    return checked


def main():
    data, run_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1])
    k = subscriber_keys(seed)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print("FAIL:", what)

    f = h5py.File(run_path, "r")
    c = f["crosschecks"]
    inputs = f["provenance/inputs"][:]
    money_files = [i for i, r in enumerate(inputs) if text(r["table"]) == "mobilemoney"]

    # Ledger breaks, exactly.
    with open(f"{data}/truth/defects.csv") as t:
        defects = list(csv.DictReader(t))
    want = {(int(d["line"]), k(d["subscriber_id"]), d["detail"]) for d in defects if d["kind"] == "ledger_break"}
    got = {(int(b["line"]), int(b["key"]), text(b["kind"])) for b in c["ledger_breaks"][:]
           if int(b["file"]) in money_files}
    check(len(c["ledger_breaks"]) == len(got), "ledger breaks all in the mobile-money file, none twice")
    check(got == want, f"ledger breaks: {len(want)} planted, {len(got)} found, "
                       f"{len(want - got)} missed, {len(got - want)} extra")

    # Duplicates and unknown antennas per table, exactly.
    summary = c["summary"][:]

    def total(check_name, table):
        return sum(int(r["count"]) for r in summary
                   if text(r["check"]) == check_name and text(r["table"]) == table and r["region"] == -2)

    with open(f"{data}/truth/summary.csv") as t:
        planted = {r["table"]: r for r in csv.DictReader(t)}
    for table, row in planted.items():
        if table == "antennas":
            continue
        check(total("duplicates", table) == int(row["duplicates"]), f"{table}: duplicates")
        check(total("unknown_antenna", table) == int(row["unknown_antenna"]), f"{table}: unknown antennas")

    # Control totals over every region, from the accepted lines.
    malformed = malformed_lines(data)
    count, cents = Counter(), Counter()
    for fields in accepted_records(data, "mobilemoney", malformed):
        count[fields[1]] += 1
        cents[fields[1]] += round(float(fields[5]) * 100)
    for txn in count:
        rows = [r for r in summary if text(r["check"]) == "control_total" and text(r["table"]) == txn]
        n = sum(int(r["count"]) for r in rows)
        amount = round(sum(float(r["amount"]) for r in rows) * 100)
        check(n == count[txn] and amount == cents[txn],
              f"control total {txn}: run {n} records {amount / 100:.2f}, CSV {count[txn]} {cents[txn] / 100:.2f}")

    # Fraud rules against the planted cases.
    truth = defaultdict(set)
    with open(f"{data}/truth/fraud.csv") as t:
        for r in csv.DictReader(t):
            truth[r["rule"]].add(k(r["subscriber_id"]))
    alerts = c["alerts"][:]
    by_rule = defaultdict(list)
    for a in alerts:
        by_rule[text(a["rule"])].append(int(a["key"]))
    for rule in RULES:
        planted_keys, alerted = truth[rule], by_rule[rule]
        hit = planted_keys & set(alerted)
        recall = len(hit) / len(planted_keys) if planted_keys else 1.0
        precision = sum(a in planted_keys for a in alerted) / len(alerted) if alerted else 1.0
        print(f"{rule}: {len(planted_keys)} planted, {len(alerted)} alerts, recall {recall:.3f}, "
              f"precision {precision:.3f}")
        check(len(planted_keys) > 0, f"{rule}: the data has planted cases")
        check(recall >= 0.95, f"{rule}: recall {recall:.3f} under 0.95")
        check(precision >= 0.90, f"{rule}: precision {precision:.3f} under 0.90")

    # Flags: bit r for every subscriber with an alert of rule r, and only those.
    keys = f["subscribers/key"][:]
    flags = f["subscribers/flags"][:]
    want_flags = Counter()
    for a in alerts:
        want_flags[int(a["key"])] |= 1 << RULES.index(text(a["rule"]))
    got_flags = {int(kk): int(fl) for kk, fl in zip(keys, flags) if fl}
    registered = set(int(x) for x in keys)
    check(got_flags == {kk: v for kk, v in want_flags.items() if kk in registered}, "flags match the alerts")

    cells, hidden = check_backtest(f, check) if "backtest" in c else (0, 0)
    concentrated = check_concentration(f, check) if "concentration" in c else 0
    check(("concentration" in c) == ("backtest" in c), "the grades' concentration beside the backtest")
    check(("backtest" in c) == ("models" in f), "a backtest when the run has models")

    if failures:
        print(f"{len(failures)} cross-check failures")
        return 1
    print(f"crosschecks: {len(want)} ledger breaks exact, duplicates and unknown antennas exact, "
          f"control totals exact, {len(alerts)} alerts within the recall and precision bars, "
          f"{cells} backtest cells recomputed, {hidden} suppressed (privacy.k_min) and protected, "
          f"{concentrated} regions' grade concentration recomputed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
