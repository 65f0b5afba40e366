#!/usr/bin/env bash
# IFRS 9 from a stored run (telrisk ecl, docs/credit.md section 6):
#  - `telrisk ecl --run` at 1 and 3 ranks gives the run's own /ifrs9 bit for bit;
#  - with other SICR settings and --compare the run: stages, ECL and the stage transfers
#    recomputed by the oracle (check_ifrs9.py --previous), the settings applied recorded in /ifrs9
#    and the command in the history;
#  - weights that do not add up, or name a scenario the file lacks: exit 1, said; a run file
#    without a ledger, or with a ledger row no ledger makes: exit 2, said, nothing written;
#  - train drops /ifrs9 made with the old PDs, and ecl makes it again.
# usage: ecl.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
tools=$(cd "$(dirname "$0")/../tools" && pwd)
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
run() { mpiexec -n "$1" "$telrisk" "${@:2}" 2>>"$work/log" || { cat "$work/log"; exit 1; }; }
fail() { echo "FAIL: $*"; exit 1; }
expect() { # CODE MESSAGE-PATTERN COMMAND...
    local code=$1 pattern=$2 rc=0
    shift 2
    "$@" >"$work/out" 2>&1 || rc=$?
    [ $rc -eq "$code" ] || { cat "$work/out"; fail "$* : exit $rc, not $code"; }
    grep -q -- "$pattern" "$work/out" || { cat "$work/out"; fail "$* : no '$pattern'"; }
}
weights=baseline:0.5,adverse:0.4,severely_adverse:0.1
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set stress.scenarios="$scenarios" \
    --set ifrs9.weights="$weights" --set output.path="$work/base.h5"
for np in 1 3; do
    run "$np" ecl --run "$work/base.h5" --quiet --out "$work/ecl$np.h5"
    h5diff "$work/base.h5" "$work/ecl$np.h5" /ifrs9 /ifrs9 || fail "ecl at $np ranks: /ifrs9 differs"
done
echo "ecl: the run's /ifrs9 again, bit for bit, at 1 and 3 ranks"
"$telrisk" inspect "$work/base.h5" >"$work/inspect.txt"
grep -q "^IFRS 9 at " "$work/inspect.txt" && grep -q "^severely_adverse " "$work/inspect.txt" ||
    { cat "$work/inspect.txt"; fail "inspect does not show IFRS 9 and its scenarios"; }

run 2 ecl --run "$work/base.h5" --quiet --compare "$work/base.h5" --set ifrs9.sicr_ratio=1.5 \
    --set ifrs9.fraud_trigger=no --out "$work/sicr.h5"
/usr/bin/python3 "$tools/check_ifrs9.py" "$data" "$work/sicr.h5" --seed "$seed" --scenarios "$scenarios" \
    --previous "$work/base.h5"
[ "$(h5dump -a /ifrs9/sicr_ratio "$work/sicr.h5" | awk '/\(0\)/ { print $2 }')" = 1.5 ] ||
    fail "/ifrs9 does not record sicr_ratio 1.5"
/usr/bin/python3 -c 'import sys, h5py
rows = h5py.File(sys.argv[1])["provenance/history"][:]
sys.exit(0 if rows[-1]["command"] == b"ecl" and b"--set ifrs9.sicr_ratio=1.5" in rows[-1]["command_line"] else 1)' \
    "$work/sicr.h5" || fail "the history does not record telrisk ecl and its settings"
"$telrisk" verify "$work/sicr.h5" >"$work/verify.txt" 2>&1 ||
    { cat "$work/verify.txt"; fail "telrisk verify does not take a file telrisk ecl wrote"; }

expect 1 "add up to 1" mpiexec -n 2 "$telrisk" ecl --run "$work/base.h5" --out "$work/bad.h5" \
    --set ifrs9.weights=baseline:0.5,adverse:0.4
expect 1 "no scenario 'recession'" mpiexec -n 2 "$telrisk" ecl --run "$work/base.h5" \
    --out "$work/bad.h5" --set ifrs9.weights=baseline:0.5,recession:0.5
expect 1 "add up to 1" mpiexec -n 2 "$telrisk" run --config "$config" --set inputs.dir="$data" \
    --set stress.scenarios="$scenarios" --set ifrs9.weights=baseline:0.9 \
    --set output.path="$work/bad.h5"
[ ! -e "$work/bad.h5" ] || fail "a refused command wrote its output"

# A run file without /ledger, and one whose ledger row holds a schedule no ledger makes.
cp "$work/base.h5" "$work/noledger.h5"
/usr/bin/python3 - "$work/noledger.h5" "$work/base.h5" "$work/crafted.h5" <<'PY'
import shutil, sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["ledger"]
shutil.copy(sys.argv[2], sys.argv[3])
with h5py.File(sys.argv[3], "r+") as f:
    rows = f["ledger/loans"][:]
    rows["installments"][0] = 0
    f["ledger/loans"][...] = rows
PY
expect 2 "no /ledger" mpiexec -n 2 "$telrisk" ecl --run "$work/noledger.h5" --no-verify \
    --out "$work/bad.h5"
expect 2 "out of range" mpiexec -n 2 "$telrisk" ecl --run "$work/crafted.h5" --no-verify \
    --out "$work/bad.h5"
# More crafted files, each refused with a reason: an installment count far beyond the schedule
# (the walk over installments would not end), flags of another shape, a reporting date that is
# no single day; and a D other than the ledger's.
/usr/bin/python3 - "$work" <<'PY'
import shutil, sys, h5py, numpy as np
work = sys.argv[1]
def crafted(name, change):
    shutil.copy(f"{work}/base.h5", f"{work}/{name}.h5")
    with h5py.File(f"{work}/{name}.h5", "r+") as f:
        change(f)
def paid(f):
    rows = f["ledger/loans"][:]
    rows["installments_paid"][0] = 2**31 - 1
    f["ledger/loans"][...] = rows
def flags(f):
    n = f["subscribers/flags"].shape[0]
    del f["subscribers/flags"]
    f["subscribers/flags"] = np.zeros((n, 8), np.uint8)
def day(f):
    f["ledger"].attrs["observation_day"] = np.arange(1000, dtype=np.int64)
crafted("paid", paid)
crafted("flags", flags)
crafted("day", day)
PY
expect 2 "out of range" mpiexec -n 2 "$telrisk" ecl --run "$work/paid.h5" --no-verify --out "$work/bad.h5"
expect 2 "/subscribers/flags" mpiexec -n 2 "$telrisk" ecl --run "$work/flags.h5" --no-verify \
    --out "$work/bad.h5"
expect 2 "observation_day" mpiexec -n 2 "$telrisk" ecl --run "$work/day.h5" --no-verify \
    --out "$work/bad.h5"
expect 1 "judged with 90" mpiexec -n 2 "$telrisk" ecl --run "$work/base.h5" --out "$work/bad.h5" \
    --set credit.default_dpd=60
[ ! -e "$work/bad.h5" ] || fail "a refused ecl wrote its output"
echo "ecl: bad weights exit 1, a run without a ledger or with a crafted one exit 2, nothing written"

# New models: /ifrs9 of the old PDs is dropped (said), and ecl makes it again.
run 2 train "$work/base.h5" --quiet --set model.lambda=5 --out "$work/lambda.h5"
! h5ls "$work/lambda.h5/ifrs9" >/dev/null 2>&1 || fail "train kept /ifrs9 of the old PDs"
grep -q "/ifrs9 (made with the old PDs) is removed" "$work/log" || fail "train did not say it"
run 2 ecl --run "$work/lambda.h5" --quiet --force
/usr/bin/python3 "$tools/check_ifrs9.py" "$data" "$work/lambda.h5" --seed "$seed" --scenarios "$scenarios"
echo "ecl: all checks passed"
