#!/usr/bin/env bash
# The stress stage end to end on the generated test country, whose loans.csv gains the optional pd
# column (every third open loan carries its own PD):
# - telrisk run stresses the loan book; check_stress.py recomputes every IRB and stressed figure
#   and checks the Monte Carlo results;
# - telrisk stress on the stored book (3 ranks) gives the run's /stress bit for bit; with
#   privacy.k_min = 20, regions of fewer borrowers are suppressed, none derivable from the total;
# - one scenario per process (1, 2 and 4 ranks) into part files, merged into a run made without
#   stress, gives the same /stress as one run of all the scenarios;
# - a correlation file gives the same figures whatever its region order, and not the default's;
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
# Small-cell suppression: with privacy.k_min = 20, the regions of fewer borrowers (and the next
# smallest, so the total does not give them away) are hidden; check_stress.py recomputes which.
cp "$work/run.h5" "$work/k20.h5"
mpiexec -n 2 "$telrisk" stress --run "$work/k20.h5" --scenarios "$scenarios" "${common[@]}" \
    --set privacy.k_min=20 --force || fail "telrisk stress with privacy.k_min=20"
/usr/bin/python3 "$tools/check_stress.py" "$work/data" "$work/k20.h5" "$scenarios" --seed "$seed" |
    tee "$work/k20.out"
grep -q "([1-9][0-9]* region rows suppressed" "$work/k20.out" || fail "k_min=20 suppressed no region"

# A run made without the stress stage, then its stored book stressed in place at 3 ranks: the
# figures of the run that had the stage.
mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$work/bare.h5" 2>"$work/bare.log" ||
    { cat "$work/bare.log"; exit 1; }
h5ls "$work/bare.h5/stress" >/dev/null 2>&1 && fail "a run without stress.scenarios has /stress"
cp "$work/bare.h5" "$work/again.h5"
mpiexec -n 3 "$telrisk" stress --run "$work/again.h5" --scenarios "$scenarios" "${common[@]}" --force ||
    fail "telrisk stress in place"
h5diff "$work/run.h5" "$work/again.h5" /stress /stress || fail "telrisk stress differs from the run's"
# --out naming the run file itself writes into it rather than over it.
cp "$work/bare.h5" "$work/same.h5"
"$telrisk" stress --run "$work/same.h5" --out "$work/same.h5" --scenarios "$scenarios" \
    "${common[@]}" --scenario adverse --force || fail "stress --out RUN.h5"
h5diff "$work/run.h5" "$work/same.h5" /stress/adverse /stress/adverse ||
    fail "stress --out RUN.h5: not the run's adverse scenario"
h5ls "$work/same.h5/subscribers/features" >/dev/null || fail "stress --out RUN.h5 lost the run"
np=1
for s in baseline adverse severely_adverse; do
    mpiexec -n $np "$telrisk" stress --run "$work/bare.h5" --scenarios "$scenarios" \
        --scenario $s --out "$work/part_$s.h5" "${common[@]}" || fail "stress --scenario $s"
    np=$((np * 2))
done
"$telrisk" merge "$work/bare.h5" "$work"/part_*.h5 --out "$work/merged.h5" --quiet || fail "merge"
h5diff "$work/run.h5" "$work/merged.h5" /stress /stress ||
    fail "merged part files differ from one run of every scenario"

# A correlation matrix from a file (two blocks of regions, 0.7 within, 0.2 across), listed in
# the run's region order and in reverse: the same figures, other than the uniform 0.5's, and
# /stress/*/correlation is the matrix in the run's region order.
/usr/bin/python3 - "$work/run.h5" "$work" <<'PY'
import sys, h5py
names = [n.decode() for n in h5py.File(sys.argv[1])["regions/names"][:]]
def rho(a, b):
    return 1.0 if a == b else (0.7 if names.index(a) % 2 == names.index(b) % 2 else 0.2)
for tag, order in (("forward", names), ("reverse", names[::-1])):
    with open(f"{sys.argv[2]}/correlation_{tag}.csv", "w") as f:
        f.write(",".join(["region"] + order) + "\n")
        for a in order:
            f.write(",".join([a] + [repr(rho(a, b)) for b in order]) + "\n")
PY
for tag in forward reverse; do
    cp "$work/bare.h5" "$work/corr_$tag.h5"
    mpiexec -n 2 "$telrisk" stress --run "$work/corr_$tag.h5" --scenarios "$scenarios" "${common[@]}" \
        --set stress.correlation_file="$work/correlation_$tag.csv" --force || fail "stress with a correlation file"
done
h5diff "$work/corr_forward.h5" "$work/corr_reverse.h5" /stress /stress ||
    fail "a correlation file's region order changes the figures"
h5diff -q "$work/run.h5" "$work/corr_forward.h5" /stress/adverse/risk_measures \
    /stress/adverse/risk_measures >/dev/null && fail "a correlation file makes no difference"
/usr/bin/python3 - "$work/corr_reverse.h5" <<'PY' || fail "/stress/*/correlation is not the file's matrix"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
n = len(f["regions/names"])
want = np.array([[1.0 if a == b else (0.7 if a % 2 == b % 2 else 0.2) for b in range(n)]
                 for a in range(n)])
for s in f["stress"]:
    assert np.array_equal(f[f"stress/{s}/correlation"][:], want), s
PY

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
printf '[scenario a/b]\nz = -1\n' >"$work/slash.ini"
expect_error 1 "names the region 'Atlantis'" \
    mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$work/atlantis.ini" "${common[@]}"
expect_error 1 "letters, digits" \
    "$telrisk" stress --run "$work/run.h5" --scenarios "$work/slash.ini" "${common[@]}"
expect_error 1 "not positive definite" \
    mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" "${common[@]}" \
    --set stress.correlation=-0.4
expect_error 1 "stress.levels" \
    "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" "${common[@]}" --set stress.levels=0.999,0.99
expect_error 2 "not a telrisk run file" \
    mpiexec -n 2 "$telrisk" stress --run "$work/part_adverse.h5" --scenarios "$scenarios" "${common[@]}"
# Parts match their run by content (the run's fingerprint), not by time: a run of another config
# (another model, so other PDs in its loan book) refuses the part.
SOURCE_DATE_EPOCH=86400 mpiexec -n 1 "$telrisk" run "${common[@]}" --set output.path="$work/other.h5" \
    --set model.lambda=5 2>/dev/null
expect_error 2 "made from another run" "$telrisk" merge "$work/other.h5" "$work/part_adverse.h5" --out "$work/x.h5"
[ ! -e "$work/x.h5" ] || fail "a refused merge left its output"
# Retraining changes the models: the book's model PDs (calibrated) follow them and the old /stress
# goes.
"$telrisk" train "$work/run.h5" --config "$config" --quiet --set model.lambda=1 \
    --out "$work/retrained.h5" 2>/dev/null
/usr/bin/python3 - "$work/retrained.h5" <<'PY' || fail "retraining left the loan book's PDs or /stress stale"
import sys, h5py
f = h5py.File(sys.argv[1])
assert "stress" not in f, "old /stress kept"
pds = f["subscribers/pd_calibrated"] if "pd_calibrated" in f["subscribers"] else f["subscribers/pd"]
subs = {int(k): p for k, p in zip(f["subscribers/key"][:], pds[:])}
book = f["portfolio/loans"][:]
model = book[book["pd_source"] == b"model"]
assert len(model) and all(p == subs[int(k)] for k, p in zip(model["subscriber"], model["pd"]))
assert all(book[book["pd_source"] == b"loan"]["pd"] == 0.0321)
PY
# A run whose loan book is damaged: retraining says so with the file's name (exit 2 on every
# rank), leaves neither the output nor its temporary copy, and the input as it was.
cp "$work/run.h5" "$work/damaged.h5"
/usr/bin/python3 - "$work/damaged.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    del f["portfolio/loans"]
    f["portfolio/loans"] = list(range(10))
PY
before=$(sha256sum <"$work/damaged.h5")
# Its seal refuses it first; past the seal (--no-verify), the loan book's reader does.
expect_error 2 "damaged.h5 is damaged or altered" \
    mpiexec -n 2 "$telrisk" train "$work/damaged.h5" --config "$config" --quiet \
    --out "$work/damaged_out.h5"
expect_error 2 "damaged.h5: its /portfolio/loans is not a table of loans" \
    mpiexec -n 2 "$telrisk" train "$work/damaged.h5" --config "$config" --quiet --no-verify \
    --out "$work/damaged_out.h5"
! ls "$work"/damaged_out.h5* >/dev/null 2>&1 || fail "a refused retraining left its output"
[ "$(sha256sum <"$work/damaged.h5")" = "$before" ] || fail "a refused retraining changed its input"
echo "stress: the run's figures recomputed; stress again, per-scenario parts merged and a correlation file give the same /stress; errors refused"
