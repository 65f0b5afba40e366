#!/usr/bin/env bash
# Checkpoint and restart: a run killed by SIGTERM as its model, IFRS 9, stress or write stage begins
# (TELRISK_TEST_KILL, the stand-in for a preemption) and one killed by a real SIGTERM in the middle
# of its Monte Carlo leave no run file, only their stages' checkpoints; `telrisk run --resume`, at
# another rank count, then writes what the uninterrupted run wrote (h5diff finds nothing outside
# /provenance, whose ranks are the resuming run's; each dataset stored at the same place, the
# same bytes) and removes the checkpoints and temporary files.
# --resume refuses checkpoints made with another config or from changed input files.
# usage: resume.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
tools=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$work"
mkdir -p "$work"
cp -r "$data" "$work/data" # ours to touch (the inputs' fingerprint)
data="$work/data"
out="$work/run.h5"
# --force: every run here publishes over the one before at $out, on purpose (integrity.lineage
# tests the refusal without it).
common=(--config "$config" --quiet --force --set inputs.dir="$data" --set stress.scenarios="$scenarios"
        --set ifrs9.weights=baseline:0.6,adverse:0.4 --set stress.paths=300000 --set output.path="$out")
fail() { echo "FAIL: $*"; exit 1; }
same_as_reference() { # WHAT [the other run's checkpoints, which stay]
    local reference=${reference:-$work/reference.h5}
    for object in /subscribers /rejects /regions /models /crosschecks /portfolio /stress /ledger \
        /ifrs9; do
        h5diff "$reference" "$out" $object $object || fail "$1: $object differs"
    done
    # and the same bytes on disk: each dataset at the same place, each chunk the same size
    /usr/bin/python3 "$tools/check_runfile.py" "$reference" "$out" >"$work/compare.log" ||
        { cat "$work/compare.log"; fail "$1: not the reference's layout"; }
    [ "$(ls "$out".ckpt-* 2>/dev/null)" = "$(cat "${2:-/dev/null}")" ] ||
        fail "$1: checkpoints left behind"
    ls "$work"/*.tmp-* >/dev/null 2>&1 && fail "$1: temporary files left behind"
    return 0
}

mpiexec -n 2 "$telrisk" run "${common[@]}" 2>/dev/null || fail "the uninterrupted run"
mv "$out" "$work/reference.h5"

declare -A left=([model]="records" [ifrs9]="records" [stress]="records model"
    [write]="records model stress")
for stage in model ifrs9 stress write; do
    rm -f "$out" # (a finished run file stays until the next run's replaces it: that is atomic)
    rc=0
    TELRISK_TEST_KILL=$stage mpiexec -n 2 "$telrisk" run "${common[@]}" 2>/dev/null || rc=$?
    [ $rc -ne 0 ] || fail "killed at $stage: exit 0"
    [ ! -e "$out" ] || fail "killed at $stage: a run file was left"
    for c in ${left[$stage]}; do ls "$out".ckpt-*-$c.h5 >/dev/null 2>&1 || fail "killed at $stage: no $c checkpoint"; done
    mpiexec -n 3 "$telrisk" run "${common[@]}" --resume 2>"$work/resume.log" ||
        { cat "$work/resume.log"; fail "resume after $stage"; }
    same_as_reference "killed at $stage, resumed at 3 ranks"
    resumed=$(h5dump -a /provenance/resumed_after "$out" | sed -n 's/.*(0): "\(.*\)"/\1/p')
    want=${left[$stage]##* }
    [ "$resumed" = "$want" ] || fail "killed at $stage: resumed_after '$resumed', want '$want'"
    ranks=$(h5dump -a /provenance/ranks "$out" | sed -n 's/.*(0): \([0-9]*\).*/\1/p')
    [ "$ranks" = 3 ] || fail "killed at $stage: /provenance/ranks is '$ranks', not the resuming run's 3"
    echo "resume: killed as the $stage stage began, resumed after '$resumed' at 3 ranks: the same run file"
done

# A real SIGTERM while the Monte Carlo runs (the model checkpoint is there, the stress one not):
# with more paths, so that the stage outlasts the signal's way through mpiexec (about a second),
# against a reference of its own.
long=("${common[@]}" --set stress.paths=1200000)
mpiexec -n 2 "$telrisk" run "${long[@]}" 2>/dev/null || fail "the uninterrupted longer run"
mv "$out" "$work/reference_long.h5"
rm -f "$out"
mpiexec -n 2 "$telrisk" run "${long[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do ls "$out".ckpt-*-model.h5 >/dev/null 2>&1 && break; sleep 0.02; done
ls "$out".ckpt-*-model.h5 >/dev/null 2>&1 || { kill $pid; fail "no model checkpoint within 12 s"; }
kill -TERM $pid
rc=0
wait $pid || rc=$?
[ $rc -ne 0 ] || fail "SIGTERM mid-stress: the run finished before the signal (make it longer)"
ls "$out".ckpt-*-stress.h5 >/dev/null 2>&1 && fail "SIGTERM mid-stress: a stress checkpoint was written"
[ ! -e "$out" ] || fail "SIGTERM mid-stress: a run file was left"
mpiexec -n 1 "$telrisk" run "${long[@]}" --resume 2>/dev/null || fail "resume after SIGTERM"
reference="$work/reference_long.h5" same_as_reference "SIGTERM mid-stress, resumed at 1 rank"
echo "resume: SIGTERM in the middle of the stress stage (exit $rc), resumed at 1 rank: the same run file"

# Another config's checkpoints are never taken: --resume without one of its own says why (by
# name) and starts from the inputs, leaving them (a requeued daily job on a new day's inputs must
# run). The run it writes is that config's own.
TELRISK_TEST_KILL=stress mpiexec -n 2 "$telrisk" run "${common[@]}" 2>/dev/null || true
ls "$out".ckpt-* >"$work/foreign.txt"
mpiexec -n 2 "$telrisk" run "${common[@]}" --set model.lambda=5 --resume 2>"$work/err.log" ||
    { cat "$work/err.log"; fail "resume with another config"; }
grep -q "another configuration.*starting from the inputs" "$work/err.log" ||
    { cat "$work/err.log"; fail "resume with another config: not said"; }
/usr/bin/python3 -c "import h5py,sys; assert 'lambda = 5' in h5py.File(sys.argv[1]).attrs['config']" "$out" ||
    fail "resume with another config: the run file is not that config's"
ls "$out".ckpt-* | grep -F -f "$work/foreign.txt" | cmp -s - "$work/foreign.txt" ||
    fail "resume with another config touched the other run's checkpoints"
# Checkpoints made from other input files are not taken either (a file's time changed).
touch "$data/recharges.csv"
mpiexec -n 2 "$telrisk" run "${common[@]}" --resume 2>"$work/err.log" ||
    { cat "$work/err.log"; fail "resume after an input changed"; }
grep -q "other input files.*starting from the inputs" "$work/err.log" ||
    { cat "$work/err.log"; fail "resume after an input changed: not said"; }
same_as_reference "a resume after an input changed (from the inputs)" "$work/foreign.txt"
# Without --resume a run starts over from the inputs, and leaves the other inputs' checkpoints
# (another run's: its fingerprint is in their names) where they are, saying so.
ls "$out".ckpt-* >"$work/foreign.txt"
mpiexec -n 2 "$telrisk" run "${common[@]}" 2>"$work/err.log" || fail "a fresh run over old checkpoints"
grep -q "another run's checkpoints" "$work/err.log" || { cat "$work/err.log"; fail "not said"; }
ls "$out".ckpt-* | cmp -s - "$work/foreign.txt" || fail "the other run's checkpoints were touched"
rm -f $(cat "$work/foreign.txt")
same_as_reference "a fresh run over old checkpoints"
echo "resume: another config's or other inputs' checkpoints never taken: --resume says why and starts from the inputs; a run without --resume starts over; both leave them"
