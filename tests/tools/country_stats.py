#!/usr/bin/env python3
"""Measures what a generated country looks like, from its tables alone (plus truth/ for the
latent PDs), and optionally checks the figures against the plausibility targets of DESIGN.md.

usage: country_stats.py DIR [--check]

Independent of the generator's code: it reads the CSVs as any user would. Malformed lines (by the
rules of docs/formats.md, simplified: wrong field count or unparsable fields) are skipped."""
import csv
import math
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime


def rows(path, ncols):
    """Yields the fields of each well-formed line of a table (header skipped)."""
    with open(path, "rb") as f:
        f.readline()
        for raw in f:
            line = raw.rstrip(b"\n")
            if len(line) > 4096 or b"\0" in line or b'"' in line:
                continue
            fields = line.decode().split(",")
            if len(fields) == ncols:
                yield fields


def parse_time(s):
    try:
        return datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1, math.sqrt(h)))


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def auc(scores, labels):
    """Mann-Whitney AUC with ties counted half."""
    pairs = sorted(zip(scores, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2
        rank_sum += avg_rank * sum(l for _, l in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def main():
    d = sys.argv[1]
    check = "--check" in sys.argv
    antennas = {}
    antenna_region = {}
    for r in rows(f"{d}/antennas.csv", 5):
        antennas[r[0]] = (float(r[2]), float(r[3]))
        antenna_region[r[0]] = r[4]
    truth = {}
    with open(f"{d}/truth/subscribers.csv") as f:
        for r in csv.DictReader(f):
            truth[r["subscriber_id"]] = r
    n_sub = len(truth)
    normal = {s for s, r in truth.items() if r["kind"] == "normal"}

    # --- calls and texts
    out_count = Counter()
    in_count = Counter()
    pair = Counter()
    durations = []
    hours = Counter()
    weekday_n = Counter()
    days_seen = set()
    positions = defaultdict(Counter)
    night_positions = defaultdict(Counter)
    same_region = domestic = international = 0
    for r in rows(f"{d}/cdr.csv", 8):
        t = parse_time(r[3])
        if t is None or r[0] not in ("call", "text"):
            continue
        caller, callee = r[1], r[2]
        days_seen.add(t.date())
        if caller in normal:
            out_count[caller] += 1
            hours[t.hour] += 1
            weekday_n[t.isoweekday() >= 6] += 1
            if r[0] == "call" and r[4].isdigit():
                durations.append(int(r[4]))
            if r[5] in antennas:
                positions[caller][r[5]] += 1
                if t.hour < 7 or t.hour >= 19:
                    night_positions[caller][r[5]] += 1
            if r[7] == "1":
                international += 1
            elif callee in truth:
                domestic += 1
                pair[(caller, callee)] += 1
                same_region += truth[caller]["region"] == truth[callee]["region"]
        if callee in normal:
            in_count[callee] += 1
            if r[6] in antennas:
                positions[callee][r[6]] += 1
    n_days = len(days_seen)
    per_day = [(out_count[s] + in_count[s]) / n_days for s in normal]
    contacts = defaultdict(Counter)
    for (a, b), n in pair.items():
        contacts[a][b] += n
        contacts[b][a] += n
    n_contacts = [len(contacts[s]) for s in normal]
    top3 = [sum(n for _, n in c.most_common(3)) / sum(c.values()) for c in contacts.values() if c]
    directed = set(pair)
    reciprocated = sum((b, a) in directed for a, b in directed) / len(directed)

    rg = []
    at_home = []
    for s, pos in positions.items():
        total = sum(pos.values())
        if total < 5:
            continue
        lat = sum(antennas[a][0] * n for a, n in pos.items()) / total
        lon = sum(antennas[a][1] * n for a, n in pos.items()) / total
        rg.append(math.sqrt(sum(n * haversine(antennas[a], (lat, lon)) ** 2 for a, n in pos.items()) / total))
        if night_positions[s]:
            home = night_positions[s].most_common(1)[0][0]
            at_home.append(pos[home] / total)

    # --- money
    recharges = Counter()
    recharge_amounts = []
    for r in rows(f"{d}/recharges.csv", 3):
        try:
            recharge_amounts.append(float(r[1]))
            recharges[r[0]] += 1
        except ValueError:
            pass
    mm_types = Counter()
    mm_by = Counter()
    p2p_amounts = []
    for r in rows(f"{d}/mobilemoney.csv", 11):
        mm_types[r[1]] += 1
        for party in (r[2], r[3]):
            if party in truth:
                mm_by[party] += 1
        if r[1] == "p2p":
            try:
                p2p_amounts.append(float(r[5]))
            except ValueError:
                pass
    wallets = [s for s, r in truth.items() if r["wallet"] == "1" and r["kind"] == "normal"]

    # --- credit
    region_n = Counter()
    region_d = Counter()
    pds, labels = [], []
    with open(f"{d}/truth/loans.csv") as f:
        for r in csv.DictReader(f):
            if r["after_window"] != "1" or r["status"] == "open" or r["product"] != "microloan":
                continue
            region = truth[r["subscriber_id"]]["region"]
            y = 1 if r["status"] == "default" else 0
            region_n[region] += 1
            region_d[region] += y
            pds.append(float(r["pd"]))
            labels.append(y)
    rates = {g: region_d[g] / region_n[g] for g in region_n if region_n[g] >= 100}
    national = sum(labels) / len(labels)

    months = n_days / 30
    figures = [
        ("subscribers", n_sub, None),
        ("days", n_days, None),
        ("interactions per subscriber per day (in + out), median", statistics.median(per_day), (1, 30)),
        ("interactions per subscriber per day, 90th percentile", quantile(per_day, 0.9), None),
        ("call duration mean, s", statistics.fmean(durations), (90, 150)),
        ("call duration median, s", statistics.median(durations), None),
        ("share of activity 00-05h", sum(hours[h] for h in range(6)) / sum(hours.values()), (0, 0.05)),
        ("share of activity 18-21h", sum(hours[h] for h in range(18, 22)) / sum(hours.values()), (0.2, 0.45)),
        ("weekend day / weekday activity", (weekday_n[True] / 2) / (weekday_n[False] / 5), (0.6, 0.95)),
        ("distinct contacts per subscriber in the window, median", statistics.median(n_contacts), (8, 60)),
        ("share of interactions with the top 3 contacts, median", statistics.median(top3), (0.4, 0.9)),
        ("reciprocity (directed pairs answered)", reciprocated, (0.5, 1)),
        ("domestic interactions within the home region", same_region / domestic, (0.6, 0.99)),
        ("international share of calls and texts", international / (international + domestic), (0.005, 0.05)),
        ("radius of gyration median, km", statistics.median(rg), (0.5, 30)),
        ("radius of gyration 90th percentile, km", quantile(rg, 0.9), None),
        ("share with radius of gyration over 100 km", sum(x > 100 for x in rg) / len(rg), (0.01, 0.3)),
        ("share of positions at the night-time home, median", statistics.median(at_home), (0.4, 0.9)),
        ("top-ups per subscriber per month, mean", sum(recharges.values()) / n_sub / months, (2, 12)),
        ("top-up amount, median", statistics.median(recharge_amounts), None),
        ("subscribers with a wallet", sum(r["wallet"] == "1" for r in truth.values()) / n_sub, (0.5, 0.9)),
        ("mobile-money records per wallet per month, mean", sum(mm_by[s] for s in wallets) / len(wallets) / months, (2, 20)),
        ("p2p amount, median", statistics.median(p2p_amounts), None),
    ]
    for t in ("p2p", "cashin", "cashout", "billpay", "merchant", "loan_disbursement", "loan_repayment"):
        figures.append((f"mobile-money share {t}", mm_types[t] / sum(mm_types.values()), None))
    figures += [
        ("micro-loans settled after the window", len(labels), None),
        ("micro-loan default rate, national", national, (0.03, 0.15)),
        ("micro-loan default rate, lowest region", min(rates.values()), None),
        ("micro-loan default rate, highest region", max(rates.values()), None),
        ("highest / lowest regional default rate", max(rates.values()) / min(rates.values()), (2, 4.5)),
        ("AUC of the true PDs on settled micro-loans", auc(pds, labels), (0.72, 0.85)),
    ]
    failed = 0
    for name, value, bounds in figures:
        verdict = ""
        if check and bounds:
            ok = bounds[0] <= value <= bounds[1]
            failed += not ok
            verdict = f"  [{bounds[0]}, {bounds[1]}] {'ok' if ok else 'OUT OF RANGE'}"
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"{name:60s} {shown:>10s}{verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
