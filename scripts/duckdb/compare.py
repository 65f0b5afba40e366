#!/usr/bin/env python3
"""Checks that telrisk's basic CDR features (features.set = basic, in RUN.h5) and DuckDB's
(features.sql, written by run.mjs to DUCK.csv) agree on every subscriber.

Usage: compare.py RUN.h5 DUCK.csv [--seed 42]

DuckDB's rows are raw subscriber ids; the run file's are keyed hashes. Each id is hashed as the
run did (SipHash-2-4 with the demo key derived from the seed: the benchmark sets no key file)
by tests/tools/check_run.py's own SipHash. Every DuckDB row must match one telrisk row, every
value to 1e-9 relative (1e-12 absolute for values under 1e-3, such as an entropy of 0 computed
two ways), a NULL matching a NaN; the telrisk rows DuckDB lacks must be subscribers without any
CDR. Prints one line of figures; exit 1 on any disagreement.
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "tools"))
from check_basic import ORDER as FEATURES, agree  # noqa: E402
from check_run import subscriber_keys  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

def main():
    run_path, duck_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
    with h5py.File(run_path, "r") as f:
        keys = f["subscribers/key"][:]
        values = f["subscribers/features"][:]
        names = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in f["subscribers/features"].attrs["names"]]
    missing = [n for n in FEATURES if n not in names]
    if missing:
        sys.exit(f"compare: {run_path} lacks {missing} (run with --set features.set=basic)")
    col = [names.index(n) for n in FEATURES]
    row_of = {int(k): i for i, k in enumerate(keys)}
    key_of = subscriber_keys(seed)
    seen = np.zeros(len(keys), dtype=bool)
    worst = {n: 0.0 for n in FEATURES}
    bad = 0
    rows = 0
    with open(duck_path, newline="") as f:
        for r in csv.DictReader(f):
            rows += 1
            i = row_of.get(key_of(r["id"]))
            if i is None:
                bad += 1
                if bad <= 5:
                    print(f"compare: DuckDB row {r['id'][:3]}... has no telrisk row")
                continue
            seen[i] = True
            for n, c in zip(FEATURES, col):
                d = float(r[n]) if r[n] != "" else math.nan
                t = float(values[i, c])
                if not agree(t, d):
                    bad += 1
                    if bad <= 5:
                        print(f"compare: row {i} {n}: telrisk {t!r} DuckDB {d!r}")
                elif not math.isnan(t) and max(abs(t), abs(d)) > 0:
                    worst[n] = max(worst[n], abs(t - d) / max(abs(t), abs(d)))
    interactions = values[:, col[0]] + values[:, col[1]]
    extra = int(np.sum(~seen & (interactions > 0)))
    if extra:
        bad += extra
        print(f"compare: {extra} telrisk subscribers with CDRs are missing from DuckDB's output")
    print(f"compare: {rows} DuckDB rows, {len(keys)} telrisk rows ({int(np.sum(~seen))} without"
          f" CDRs), {len(FEATURES)} features each: {bad} disagreements; largest relative"
          f" difference {max(worst.values()):.2e} ({max(worst, key=worst.get)})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
