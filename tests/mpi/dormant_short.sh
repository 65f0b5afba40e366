#!/usr/bin/env bash
# The generator's dormant_then_active cases in a short window: never dormant for fewer than the
# rule's own fraud.dormant_days, so every planted case is one the rule finds. 21 days (60% of the
# window is 13 days, under the rule's 14): cases planted, each alerted by dormant_then_active, and
# truth/planted.csv counts them. 15 days (no day left to wake on after 14): none planted, the
# generator says so, and truth/planted.csv says 0.
# usage: dormant_short.sh TELRISK CONFIG COUNTRY WORKDIR (COUNTRY unused: it generates its own)
set -euo pipefail
telrisk=$1 config=$2 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$work"
mkdir -p "$work"
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
gen() { # days, folder
    mpiexec -n 2 "$telrisk" generate --config "$config" --out "$work/$2" --set generate.days="$1" \
        --set generate.dormant_rate=0.02 --set generate.subscribers=2000 2>"$work/$2.log" ||
        { cat "$work/$2.log"; exit 1; }
}
gen 21 d21
mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$work/d21" \
    --set output.path="$work/d21.h5" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
gen 15 d15
grep -q "no dormant_then_active case planted: a window of 15 days" "$work/d15.log" ||
    { echo "FAIL: 15 days: the generator did not say it planted no dormant case"; exit 1; }
/usr/bin/python3 - "$tools" "$work" "$seed" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
import h5py
from check_run import subscriber_keys
work, k = sys.argv[2], subscriber_keys(int(sys.argv[3]))
def planted(d):
    with open(f"{work}/{d}/truth/planted.csv") as f:
        count = {r["rule"]: int(r["cases"]) for r in csv.DictReader(f)}["dormant_then_active"]
    with open(f"{work}/{d}/truth/fraud.csv") as f:
        ids = {r["subscriber_id"] for r in csv.DictReader(f) if r["rule"] == "dormant_then_active"}
    return count, ids
count, ids = planted("d21")
with h5py.File(f"{work}/d21.h5", "r") as f:
    alerted = {int(a["key"]) for a in f["crosschecks/alerts"][:] if a["rule"] == b"dormant_then_active"}
missed = sorted(s for s in ids if k(s) not in alerted)
problems = []
if count != len(ids) or count < 10:
    problems.append(f"21 days: planted.csv says {count}, fraud.csv lists {len(ids)} (want >= 10, equal)")
if missed:
    problems.append(f"21 days: {len(missed)} of {len(ids)} planted cases not alerted, e.g. {missed[:3]}")
if set(map(k, ids)) != alerted:
    problems.append(f"21 days: {len(alerted - set(map(k, ids)))} alerts on subscribers not planted")
count15, ids15 = planted("d15")
if count15 or ids15:
    problems.append(f"15 days: {count15} cases planted, want none")
for p in problems:
    print("FAIL:", p)
if not problems:
    print(f"dormant_then_active: 21 days: {count} planted, all {len(alerted)} alerted, none else; 15 days: none planted")
sys.exit(1 if problems else 0)
PY
