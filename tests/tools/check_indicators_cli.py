#!/usr/bin/python3
"""The nationwide run and `telrisk indicators` compute a subscriber's bandicoot indicators with the
same code: for a sample of subscribers, this writes each one's records in bandicoot's user format,
runs `telrisk indicators` on them and compares every bandicoot feature of the run file's row.

usage: check_indicators_cli.py TELRISK DATA_DIR RUN.h5 [--seed N] [--subscribers K]

The run must use the seed-derived key and the default indicator options (groupby week, default
summary, no splits). Needs h5py (/usr/bin/python3)."""
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_run import accepted_records, malformed_lines, siphash24, as_str  # noqa: E402
import hashlib  # noqa: E402


def main():
    telrisk, data_dir, run_path = sys.argv[1:4]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
    want = int(sys.argv[sys.argv.index("--subscribers") + 1]) if "--subscribers" in sys.argv else 25
    key = hashlib.blake2b(f"telrisk demo key {seed}".encode(), digest_size=16).digest()
    malformed = malformed_lines(data_dir)

    def accepted(table):
        return accepted_records(data_dir, table, malformed)

    # A sample of subscribers spread over the register, then their records in bandicoot's format.
    register = [f[0] for f in accepted("subscribers")]
    sample = set(register[:: max(1, len(register) // want)][:want])
    user_lines = {s: [] for s in sample}
    for f in accepted("cdr"):
        duration = f[4] if f[0] == "call" else ""
        if f[1] in sample:
            user_lines[f[1]].append((f[3], f"{f[0]},out,{f[2]},{f[3]},{duration},{f[5]}"))
        if f[2] in sample:
            user_lines[f[2]].append((f[3], f"{f[0]},in,{f[1]},{f[3]},{duration},{f[6]}"))
    recharge_lines = {s: [] for s in sample}
    for f in accepted("recharges"):
        if f[0] in sample:
            recharge_lines[f[0]].append(f"{f[2]},{f[1]},")

    run = h5py.File(run_path, "r")
    names = [as_str(x) for x in run["subscribers/features"].attrs["names"]]
    keys = list(run["subscribers/key"][:])
    row_of = {int(k): i for i, k in enumerate(keys)}
    failures, compared = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        towers = os.path.join(tmp, "towers.csv")
        with open(towers, "w") as out:
            out.write("antenna_id,latitude,longitude\n")
            for f in accepted("antennas"):
                out.write(f"{f[0]},{f[2]},{f[3]}\n")
        for s in sorted(sample):
            user = os.path.join(tmp, "user.csv")
            with open(user, "w") as out:
                out.write("interaction,direction,correspondent_id,datetime,call_duration,antenna_id\n")
                # bandicoot keeps file order for equal times; the run orders by input order,
                # which for one subscriber is the CDR file's order: a stable sort on time keeps it.
                for _, line in sorted(user_lines[s], key=lambda x: x[0]):
                    out.write(line + "\n")
            rech = os.path.join(tmp, "recharges.csv")
            with open(rech, "w") as out:
                out.write("datetime,amount,retailer_id\n")
                for line in recharge_lines[s]:
                    out.write(line + "\n")
            res = subprocess.run([telrisk, "indicators", user, "--antennas", towers, "--recharges", rech],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                failures.append(f"telrisk indicators failed for a subscriber: {res.stderr.strip()}")
                continue
            cli = json.loads(res.stdout)
            row = run["subscribers/features"][row_of[siphash24(key, s.encode())]]
            common = [n for n in names if n in cli]
            if len(common) < 20:
                failures.append(f"only {len(common)} run-file features are in the command's output")
            for n in common:
                a, b = float(row[names.index(n)]), cli[n]
                b = math.nan if b is None else float(b)
                compared += 1
                if not ((math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(b))):
                    failures.append(f"{n}: run file {a}, telrisk indicators {b}")
    for f in failures[:20]:
        print("FAIL", f)
    print(f"check_indicators_cli: {len(sample)} subscribers, {compared} values compared: "
          + ("all equal" if not failures else f"{len(failures)} differences"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
