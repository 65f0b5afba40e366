#!/usr/bin/env bash
# The stress stage end to end on the generated test country, whose loans.csv gains the optional pd
# column (every third open loan carries its own PD):
# - telrisk run stresses the loan book; check_stress.py recomputes every IRB and stressed figure
#   and checks the Monte Carlo results;
# - telrisk stress on the stored book (3 ranks) gives the run's /stress bit for bit;
# - one scenario per process (1, 2 and 4 ranks) into part files, merged into a run made without
#   stress, gives the same /stress as one run of all the scenarios;
# - a correlation file (regions in another order) equals the same uniform correlation;
# - errors: an unknown scenario or region, a correlation matrix that is not positive definite, a
#   part from another run, a part file given as a run: the documented exit code and message.
# usage: stress_cli.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work/data"
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
for f in "$data"/*.csv; do ln -s "$f" "$work/data/"; done
ln -s "$data/truth" "$work/data/truth"
rm "$work/data/loans.csv"
awk -F, 'NR == 1 { print $0 ",pd"; next }
         $8 == "open" && ++open % 3 == 0 { print $0 ",0.0321"; next } { print $0 "," }' \
    "$data/loans.csv" >"$work/data/loans.csv"
common=(--config "$config" --quiet --set inputs.dir="$work/data" --set stress.paths=20000)
fail() { echo "FAIL: $*"; exit 1; }

mpiexec -n 2 "$telrisk" run "${common[@]}" --set stress.scenarios="$scenarios" \
    --set output.path="$work/run.h5" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
/usr/bin/python3 "$tools/check_stress.py" "$work/data" "$work/run.h5" "$scenarios" --seed "$seed"
own=$(/usr/bin/python3 -c "import h5py, sys; b = h5py.File(sys.argv[1])['portfolio/loans'];
print(sum(s == b'loan' for s in b['pd_source']))" "$work/run.h5")
[ "$own" -gt 0 ] || fail "no loan carries its own PD in /portfolio"

# The stored book stressed again, in place, at 3 ranks: the run's figures.
cp "$work/run.h5" "$work/again.h5"
mpiexec -n 3 "$telrisk" stress --run "$work/again.h5" --scenarios "$scenarios" "${common[@]}" ||
    fail "telrisk stress in place"
h5diff "$work/run.h5" "$work/again.h5" /stress /stress || fail "telrisk stress differs from the run's"

# One scenario per process, merged into a run made without the stress stage.
mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$work/bare.h5" 2>"$work/bare.log" ||
    { cat "$work/bare.log"; exit 1; }
h5ls "$work/bare.h5/stress" >/dev/null 2>&1 && fail "a run without stress.scenarios has /stress"
np=1
for s in baseline adverse severely_adverse; do
    mpiexec -n $np "$telrisk" stress --run "$work/bare.h5" --scenarios "$scenarios" \
        --scenario $s --out "$work/part_$s.h5" "${common[@]}" || fail "stress --scenario $s"
    np=$((np * 2))
done
"$telrisk" merge "$work/bare.h5" "$work"/part_*.h5 --out "$work/merged.h5" --quiet || fail "merge"
h5diff "$work/run.h5" "$work/merged.h5" /stress /stress ||
    fail "merged part files differ from one run of every scenario"

# The same correlation from a file, the regions listed in reverse order.
/usr/bin/python3 - "$work/run.h5" "$work/correlation.csv" <<'EOF'
import sys, h5py
names = [n.decode() for n in h5py.File(sys.argv[1])["regions/names"][:]][::-1]
with open(sys.argv[2], "w") as f:
    f.write(",".join(["region"] + names) + "\n")
    for a in names:
        f.write(",".join([a] + ["1" if a == b else "0.5" for b in names]) + "\n")
EOF
cp "$work/run.h5" "$work/fromfile.h5"
mpiexec -n 2 "$telrisk" stress --run "$work/fromfile.h5" --scenarios "$scenarios" "${common[@]}" \
    --set stress.correlation_file="$work/correlation.csv" || fail "stress with a correlation file"
h5diff "$work/run.h5" "$work/fromfile.h5" /stress /stress ||
    fail "a correlation file of 0.5 differs from stress.correlation = 0.5"

# Errors: exit code and message.
expect_error() { # CODE PATTERN COMMAND...
    local code=$1 pattern=$2 rc=0
    shift 2
    "$@" >"$work/out.log" 2>"$work/err.log" || rc=$?
    [ "$rc" = "$code" ] && grep -q -- "$pattern" "$work/err.log" ||
        { echo "FAIL: $* -> exit $rc (want $code, '$pattern'):"; cat "$work/err.log"; exit 1; }
}
expect_error 1 "has no scenario 'nowhere'" \
    mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" --scenario nowhere "${common[@]}"
printf '[scenario local]\nz.Atlantis = -2\n' >"$work/atlantis.ini"
expect_error 1 "names the region 'Atlantis'" \
    mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$work/atlantis.ini" "${common[@]}"
expect_error 1 "not positive definite" \
    mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" "${common[@]}" \
    --set stress.correlation=-0.4
expect_error 1 "stress.levels" \
    "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" "${common[@]}" --set stress.levels=0.999,0.99
expect_error 2 "not a telrisk run file" \
    mpiexec -n 2 "$telrisk" stress --run "$work/part_adverse.h5" --scenarios "$scenarios" "${common[@]}"
SOURCE_DATE_EPOCH=86400 mpiexec -n 1 "$telrisk" run "${common[@]}" --set output.path="$work/other.h5" 2>/dev/null
expect_error 2 "made from another run" "$telrisk" merge "$work/other.h5" "$work/part_adverse.h5" --out "$work/x.h5"
[ ! -e "$work/x.h5" ] || fail "a refused merge left its output"
echo "stress: the run's figures recomputed; stress again, per-scenario parts merged and a correlation file give the same /stress; errors refused"
