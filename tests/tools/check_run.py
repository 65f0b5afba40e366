#!/usr/bin/python3
"""Checks a run file against the generated tables it was made from, independently of telrisk's C
code: the planted truth (rejects, duplicates, unknown antennas: exact) and the first indicators,
recomputed here from the CSVs with a Python SipHash-2-4 and the same documented definitions.

usage: check_run.py DATA_DIR RUN.h5 [--seed N]

Needs h5py (Debian's python3-h5py, hence /usr/bin/python3). The run must have used the
seed-derived key (no privacy.key_file): BLAKE2b-128 of "telrisk demo key <seed>"."""
import csv
import datetime
import hashlib
import math
import os
import struct
import sys
from collections import Counter, defaultdict

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# bandicoot's indicators: checked by check_bandicoot.py (conformance) and check_indicators_cli.py.
BANDICOOT = {"active_days", "number_of_contacts", "call_duration", "percent_nocturnal",
             "percent_initiated_conversations", "percent_initiated_interactions", "response_delay_text",
             "response_rate_text", "entropy_of_contacts", "balance_of_contacts", "interactions_per_contact",
             "interevent_time", "percent_pareto_interactions", "percent_pareto_durations",
             "number_of_interactions", "number_of_interaction_in", "number_of_interaction_out",
             "number_of_antennas", "entropy_of_antennas", "percent_at_home", "radius_of_gyration",
             "frequent_antennas", "churn_rate", "amount_recharges", "interevent_time_recharges",
             "percent_pareto_recharges", "number_of_recharges", "average_balance_recharges"}
# Statuses that say the borrower defaulted (docs/credit.md: the lender's default and its
# unlikeliness-to-pay events).
DEFAULTED = ("default", "written_off", "restructured")
TYPES = ["p2p", "cashin", "cashout", "billpay", "merchant", "loan_disbursement", "loan_repayment"]
MASK = (1 << 64) - 1


def seconds(stamp):
    """Seconds since the epoch of a 'YYYY-MM-DD HH:MM:SS' timestamp (UTC)."""
    t = datetime.datetime.fromisoformat(stamp.replace("T", " "))
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp())


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(key, data):
    """SipHash-2-4 (Aumasson & Bernstein), written from the paper."""
    k0, k1 = struct.unpack("<QQ", key)
    v0, v1, v2, v3 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
            v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)

    tail = len(data) % 8
    for i in range(0, len(data) - tail, 8):
        m = struct.unpack_from("<Q", data, i)[0]
        v3 ^= m
        rounds(2)
        v0 ^= m
    last = (len(data) & 0xFF) << 56
    for i, c in enumerate(data[len(data) - tail:]):
        last |= c << (8 * i)
    v3 ^= last
    rounds(2)
    v0 ^= last
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


assert siphash24(bytes(range(16)), bytes(range(15))) == 0xA129CA6149BE45E5
assert siphash24(bytes(range(16)), b"") == 0x726FDB47DD0E0E31


def as_str(v):
    """A text attribute's value as str: variable-length (str, as telrisk writes them) or
    fixed-length (bytes, as older files hold them)."""
    return v.decode() if isinstance(v, bytes) else str(v)


def subscriber_keys(seed):
    """The run's pseudonym of a subscriber id: SipHash-2-4 with the demo key derived from the seed
    (memoised)."""
    key = hashlib.blake2b(f"telrisk demo key {seed}".encode(), digest_size=16).digest()
    cache = {}

    def k(s):
        if s not in cache:
            cache[s] = siphash24(key, s.encode())
        return cache[s]

    return k


def data_lines(path):
    """(line number, bytes) of every data line."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            if n > 1:
                yield n, raw.rstrip(b"\n").rstrip(b"\r")


def malformed_lines(data_dir):
    """(table, line) of every line truth/defects.csv lists as malformed."""
    with open(f"{data_dir}/truth/defects.csv") as f:
        return {(r["table"], int(r["line"])) for r in csv.DictReader(f) if r["kind"] == "malformed"}


def accepted_records(data_dir, table, malformed):
    """The fields of each line of a table that is neither malformed nor an exact repeat."""
    seen = set()
    for n, line in data_lines(f"{data_dir}/{table}.csv"):
        if (table, n) in malformed or line in seen:
            continue
        seen.add(line)
        yield line.decode().split(",")


def ledger_labels(data_dir, run, seed):
    """{subscriber key: (label, the day its sample is decided on, YYYY-MM-DD)} from the ledger
    oracle (check_ledger.py) when the run labels by the ledger; None when it does not."""
    if "ledger" not in run or as_str(run["ledger"].attrs["label_rule"]) != "ledger":
        return None
    import check_ledger as cl
    s = cl.settings_of(run)
    book, _ = cl.build_book(cl.Inputs(data_dir, run, cl.Report()), cl.key_function(seed, None), s,
                            cl.Report())
    _, obligors = cl.expected(book, s)
    out = {}
    for (sub,), row in obligors.items():
        apps = [l.issued for l in book[sub] if s.T <= l.issued < s.T + s.A]
        day = s.T if row["population"] == "exposure" else min(apps, default=None)
        out[sub] = (row["label"], None if day is None else
                    (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat())
    return out


def main():
    data_dir, run_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
    k = subscriber_keys(seed)
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: run file has {got!r}, expected {want!r}")

    run = h5py.File(run_path, "r")
    malformed = set()
    truth_rejects = set()
    dup_truth = Counter()
    unknown_truth = Counter()
    with open(f"{data_dir}/truth/defects.csv") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "malformed":
                malformed.add((r["table"], int(r["line"])))
                truth_rejects.add((r["table"], int(r["line"]), r["detail"]))
            elif r["kind"] == "duplicate":
                dup_truth[r["table"]] += 1
            elif r["kind"] == "unknown_antenna":
                unknown_truth[r["table"]] += 1

    # --- accounting: rejects, duplicates, unknown antennas, lines = accepted + rejected
    got_rejects = {(r["table"].decode(), int(r["line"]), r["reason"].decode()) for r in run["rejects"][:]}
    expect("rejects (table, line, reason) missing from the run", sorted(truth_rejects - got_rejects)[:5], [])
    expect("rejects in the run that were not planted", sorted(got_rejects - truth_rejects)[:5], [])
    summary = {r["table"]: r for r in csv.DictReader(open(f"{data_dir}/truth/summary.csv"))}
    for r in run["provenance/inputs"][:]:
        t = r["table"].decode()
        expect(f"{t} lines", int(r["lines"]), int(summary[t]["lines"]))
        expect(f"{t} rejected", int(r["rejected"]), int(summary[t]["malformed"]))
        expect(f"{t} lines = accepted + rejected", int(r["accepted"]) + int(r["rejected"]), int(r["lines"]))
        expect(f"{t} duplicates", int(r["duplicates"]), dup_truth[t])
        expect(f"{t} unknown antennas", int(r["unknown_antenna"]), unknown_truth[t])

    # --- the first indicators, from the accepted, de-duplicated lines
    antenna_row = {}
    antenna_region = {}
    for n, line in data_lines(f"{data_dir}/antennas.csv"):
        fields = line.decode().split(",")
        antenna_row.setdefault(fields[0], len(antenna_row))
        antenna_region[fields[0]] = fields[4]
    regions = sorted(set(antenna_region.values()))
    expect("regions", [x.decode() for x in run["regions/names"][:]], regions)

    def accepted(table):
        return accepted_records(data_dir, table, malformed)

    register = {}
    for f in accepted("subscribers"):
        register.setdefault(k(f[0]), f[1])
    recs = defaultdict(list)  # key -> [(t, other, text, duration, antenna, outgoing)]
    for f in accepted("cdr"):
        text = f[0] == "text"
        duration = None if text else int(f[4])
        recs[k(f[1])].append((f[3], k(f[2]), text, duration, f[5], True))
        recs[k(f[2])].append((f[3], k(f[1]), text, duration, f[6], False))
    # Per subscriber: top-ups, data sessions, its side of each mobile-money record, loans, swaps.
    last_t = max(r[0] for rs in recs.values() for r in rs)
    register_rows = {}
    for f in accepted("subscribers"):
        register_rows.setdefault(k(f[0]), f)
    recharge = defaultdict(list)  # key -> [(day, cents)]
    for f in accepted("recharges"):
        recharge[k(f[0])].append((f[2][:10], round(float(f[1]) * 100), seconds(f[2])))
        last_t = max(last_t, f[2])
    data = defaultdict(list)  # key -> [(day, kB)]
    for f in accepted("mobiledata"):
        data[k(f[0])].append((f[2][:10], round(float(f[1]) * 1000)))
        last_t = max(last_t, f[2])
    money = defaultdict(list)  # key -> [(outgoing, type, cents, other key, balance_after, day)]
    for f in accepted("mobilemoney"):
        cents = round(float(f[5]) * 100)
        bal = lambda x: round(float(x) * 100) if x else None
        money[k(f[2])].append((True, f[1], cents, k(f[3]), bal(f[7]), f[4][:10]))
        money[k(f[3])].append((False, f[1], cents, k(f[2]), bal(f[9]), f[4][:10]))
        last_t = max(last_t, f[4])
    swaps = Counter()
    for f in accepted("sim_swaps"):
        swaps[k(f[0])] += 1
        last_t = max(last_t, f[1])
    loans = defaultdict(list)
    for f in accepted("loans"):
        loans[k(f[1])].append(f)
    end_day = datetime.date.fromisoformat(last_t[:10])

    def stats(values, unit):
        if not values:
            return 0.0, math.nan, math.nan, math.nan
        return sum(values) / unit, sum(values) / unit / len(values), min(values) / unit, max(values) / unit

    def fixed_features(key):
        want = {}
        mm = money.get(key, [])
        for d, keep in (("all", lambda m: True), ("in", lambda m: not m[0]), ("out", lambda m: m[0])):
            sel = [m for m in mm if keep(m)]
            want[f"mm_count_{d}"] = len(sel)
            (want[f"mm_amount_sum_{d}"], want[f"mm_amount_mean_{d}"], want[f"mm_amount_min_{d}"],
             want[f"mm_amount_max_{d}"]) = stats([m[2] for m in sel], 100)
            want[f"mm_counterparties_{d}"] = len({m[3] for m in sel})
        for t in TYPES:
            sel = [m[2] for m in mm if m[1] == t]
            want[f"mm_count_{t}"] = len(sel)
            want[f"mm_amount_{t}"] = sum(sel) / 100
            want[f"mm_amount_mean_{t}"] = sum(sel) / 100 / len(sel) if sel else math.nan
        bal = [m[4] for m in mm if m[4] is not None]
        want["mm_balance_mean"] = sum(bal) / 100 / len(bal) if bal else math.nan
        want["mm_balance_min"] = min(bal) / 100 if bal else math.nan
        want["mm_balance_max"] = max(bal) / 100 if bal else math.nan
        paid = sum(m[2] for m in mm if m[0])
        cashed = sum(m[2] for m in mm if m[1] == "cashout" and m[0])  # its own, not a till's
        want["mm_cashout_share"] = cashed / paid if paid else math.nan
        bills = [m for m in mm if m[1] == "billpay" and m[0]]
        want["mm_billpay_billers"] = len({m[3] for m in bills})
        doms = [int(m[5][8:10]) for m in bills]
        want["mm_billpay_dom_std"] = (math.sqrt(sum((x - sum(doms) / len(doms)) ** 2 for x in doms) / len(doms))
                                      if doms else math.nan)
        top = recharge.get(key, [])
        want["recharges_count"] = len(top)
        (want["recharges_sum"], want["recharges_mean"], want["recharges_min"],
         want["recharges_max"]) = stats([c for _, c, _ in top], 100)
        want["recharges_days"] = len({d for d, *_ in top})
        times = sorted(t for *_, t in top)
        gaps = [b - a for a, b in zip(times, times[1:])]
        mean = sum(gaps) / len(gaps) if gaps else 0
        want["recharges_gap_cv"] = (math.sqrt(sum((g - mean) ** 2 for g in gaps) / len(gaps)) / mean
                                    if len(top) >= 3 and mean > 0 else math.nan)
        ses = data.get(key, [])
        want["data_count"] = len(ses)
        want["data_sum"], want["data_mean"], want["data_min"], want["data_max"] = stats([v for _, v in ses], 1000)
        want["data_days"] = len({d for d, _ in ses})
        prior = [f for f in loans.get(key, []) if datetime.date.fromisoformat(f[3]) <= end_day]
        due = [f for f in prior if datetime.date.fromisoformat(f[4]) <= end_day and f[7] != "open"]
        want["loans_prior"] = len(prior)
        want["loans_prior_defaulted"] = sum(1 for f in due if f[7] in DEFAULTED)
        want["loans_prior_repaid_share"] = sum(1 for f in due if f[7] == "repaid") / len(due) if due else math.nan
        want["loans_prior_amount_mean"] = (sum(round(float(f[5]) * 100) for f in prior) / 100 / len(prior)
                                           if prior else math.nan)
        want["loans_days_past_due_mean"] = (sum((end_day - datetime.date.fromisoformat(f[4])).days
                                                for f in due if f[7] in DEFAULTED) / len(due) if due else math.nan)
        want["sim_swaps"] = swaps[key]
        reg = register_rows[key]
        want["tenure_days"] = (end_day - datetime.date.fromisoformat(reg[2])).days
        want["postpaid"] = 1 if reg[3] == "postpaid" else 0
        return want

    names = [as_str(x) for x in run["subscribers/features"].attrs["names"]]
    col = {n: i for i, n in enumerate(names)}
    keys = run["subscribers/key"][:]
    feats = run["subscribers/features"][:]
    region = run["subscribers/region"][:]
    label = run["subscribers/label"][:]
    sample = run["subscribers/holdout"][:]
    config = as_str(run.attrs["config"])
    oot = ([line.split("=", 1)[1].strip() for line in config.splitlines() if line.startswith("oot_date")]
           + [""])[0]
    horizon = 365  # model.horizon_days (the default; the tests do not change it)
    by_ledger = ledger_labels(data_dir, run, seed)
    expect("subscribers in the run", len(keys), len(register))
    expect("keys strictly increasing", bool(np.all(keys[1:] > keys[:-1])), True)
    bad = 0
    for i, key in enumerate(keys):
        key = int(key)
        rs = recs.get(key, [])
        calls = [r[3] for r in rs if not r[2]]
        night = sum(1 for r in rs if int(r[0][11:13]) >= 19 or r[0][11:19] <= "07:00:00")
        night_antennas = Counter(antenna_row[r[4]] for r in rs if r[4] in antenna_row
                                 and (int(r[0][11:13]) >= 19 or r[0][11:19] <= "07:00:00"))
        all_antennas = Counter(antenna_row[r[4]] for r in rs if r[4] in antenna_row)
        home_counts = night_antennas or all_antennas
        home = min(home_counts, key=lambda a: (-home_counts[a], a)) if home_counts else None
        want = {}
        want.update(fixed_features(key))
        if i == 0:
            # features.set = core leaves some registry features out; every one present is checked.
            expect("registry features checked (at least 50)", len(set(want) & set(names)) >= 50, True)
            others = sorted(n for n in set(names) - set(want) if n.split("__")[0] not in BANDICOOT)
            expect("features in the run that are neither recomputed here nor bandicoot's", others, [])
        for name, w in want.items():
            if name not in col:
                continue
            g = float(feats[i, col[name]])
            same = (math.isnan(g) and math.isnan(w)) or abs(g - w) <= 1e-9 * max(1, abs(w))
            if not same:
                bad += 1
                if bad <= 10:
                    failures.append(f"subscriber {i} {name}: run {g}, recomputed {w}")
        # Label: by the ledger (check_ledger.py's definition of default) when the run's rule is
        # the ledger's; else the first loan issued within the horizon after the window's last day.
        after = [f for f in loans.get(key, [])
                 if 0 < (datetime.date.fromisoformat(f[3]) - end_day).days <= horizon]
        first = min(after, key=lambda f: f[3]) if after else None
        want_label = -1 if first is None or first[7] == "open" else (1 if first[7] in DEFAULTED else 0)
        labelled_on = first[3] if first else None
        if by_ledger is not None:
            want_label, labelled_on = by_ledger.get(key, (-1, None))
        if int(label[i]) != want_label:
            bad += 1
            if bad <= 10:
                failures.append(f"subscriber {i} label: run {int(label[i])}, recomputed {want_label}")
        # Sample: out of time when labelled by a loan issued on or after model.oot_date, else the
        # keyed hold-out draw (0 or 1).
        out_of_time = bool(oot) and want_label >= 0 and labelled_on >= oot
        if (int(sample[i]) == 2) != out_of_time or int(sample[i]) not in (0, 1, 2):
            bad += 1
            if bad <= 10:
                failures.append(f"subscriber {i} sample: run {int(sample[i])}, out of time {out_of_time}")
        reg_name = register.get(key, "")
        want_region = regions.index(reg_name) if reg_name else (
            regions.index(antenna_region[[a for a, r in antenna_row.items() if r == home][0]]) if home is not None else -1)
        if int(region[i]) != want_region:
            bad += 1
            if bad <= 10:
                failures.append(f"subscriber {i} region: run {int(region[i])}, recomputed {want_region}")
    for f in failures:
        print("FAIL", f)
    print(f"check_run: {run_path}: {len(keys)} subscribers, {len(names)} features, {len(got_rejects)} rejects: "
          + ("all checks passed" if not failures else f"{len(failures)} failures ({bad} feature mismatches)"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
