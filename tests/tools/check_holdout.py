#!/usr/bin/python3
"""The hold-out survives key rotation: two run files of one country made with different
privacy.key_file hold every registered subscriber in the same sample, and that sample is the draw
docs/models.md defines, recomputed here from the subscriber ids (SipHash-2-4 of the id keyed by
BLAKE2b-128 of "telrisk holdout salt\\0" + model.holdout_salt, as a number in [0, 1), below
model.holdout; out-of-time samples are left as the runs have them).

usage: check_holdout.py DATA_DIR RUN_A.h5 KEY_A RUN_B.h5 KEY_B [--salt S] [--share X]
KEY_*: the key files (32 hex digits). Needs h5py (/usr/bin/python3)."""
import hashlib
import os
import sys
from collections import Counter

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_run import siphash24  # noqa: E402


def samples(run_path, key_file):
    key = bytes.fromhex(open(key_file).read().strip())
    with h5py.File(run_path, "r") as h:
        keys = h["subscribers/key"][:]
        sample = h["subscribers/holdout"][:]
    row = {int(k): int(s) for k, s in zip(keys, sample)}
    return lambda sid: row.get(siphash24(key, sid.encode())), Counter(int(s) for s in sample)


def main():
    data_dir, run_a, key_a, run_b, key_b = sys.argv[1:6]
    salt = sys.argv[sys.argv.index("--salt") + 1] if "--salt" in sys.argv else "telrisk"
    share = float(sys.argv[sys.argv.index("--share") + 1]) if "--share" in sys.argv else 0.3
    draw_key = hashlib.blake2b(b"telrisk holdout salt\0" + salt.encode(), digest_size=16).digest()
    with open(f"{data_dir}/subscribers.csv") as f:
        register = [line.split(",")[0] for line in list(f)[1:]]
    of_a, counts_a = samples(run_a, key_a)
    of_b, counts_b = samples(run_b, key_b)
    bad = checked = 0
    for sid in sorted(set(register)):
        a, b = of_a(sid), of_b(sid)
        if a is None:
            continue  # a register line the run rejected
        drawn = (siphash24(draw_key, sid.encode()) >> 11) * 2.0 ** -53 < share
        want = a if a == 2 else int(drawn)
        checked += 1
        if a != b or a != want:
            bad += 1
            if bad <= 10:
                print(f"check_holdout: {sid[:3]}...: sample {a} with one key, {b} with the other,"
                      f" the draw says {want}")
    if counts_a != counts_b:
        bad += 1
        print(f"check_holdout: sample counts {dict(counts_a)} and {dict(counts_b)}")
    print(f"check_holdout: {checked} subscribers, samples {dict(sorted(counts_a.items()))}:"
          f" {bad} disagreements")
    sys.exit(1 if bad or checked == 0 else 0)


if __name__ == "__main__":
    main()
