#!/usr/bin/env bash
# Columnar inputs: telrisk convert writes the tables once as HDF5 columns, and a run from them
# (inputs.columnar) writes the same run file as the run from the CSVs (h5diff finds nothing in
# any group, /provenance/inputs and /rejects included), at 1 and 3 ranks and in passes; the file
# holds no raw subscriber id. Refused, each with exit 2 and a reason: a file converted with another
# key, a file that is not columnar inputs, a missing file; convert itself refuses inputs.columnar.
# usage: columnar.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
common=(--config "$config" --quiet --set stress.scenarios="$scenarios")
fail() { echo "FAIL: $*"; exit 1; }
mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.dir="$data" \
    --set output.path="$work/csv.h5" 2>/dev/null || fail "the run from the CSVs"
mpiexec -n 2 "$telrisk" convert --config "$config" --quiet --set inputs.dir="$data" \
    --out "$work/inputs.h5" 2>/dev/null || fail "convert"
# Every table is there, a dataset per field, the ids only as keys: no subscriber id of the
# register appears in the file's bytes (raw ids are 12-digit numbers).
# (grep without -q reads all its input: with -q it may stop early, and pipefail see a SIGPIPE)
h5ls -r "$work/inputs.h5" | grep "^/tables/cdr/caller " >/dev/null || fail "no /tables/cdr/caller column"
ids=$(awk -F, 'NR > 1 && NR <= 201 { print $1 }' "$data/subscribers.csv")
for id in $ids; do
    grep -qaF "$id" "$work/inputs.h5" && fail "a raw subscriber id is in the columnar file"
done
run_from() { # ranks, output, extra settings...
    local np=$1 out=$2
    shift 2
    mpiexec -n "$np" "$telrisk" run "${common[@]}" --set inputs.columnar="$work/inputs.h5" \
        --set output.path="$out" "$@"
}
for np in 1 3; do
    run_from $np "$work/col$np.h5" 2>/dev/null || fail "the run from columnar inputs at $np ranks"
    for object in /subscribers /rejects /regions /models /crosschecks /portfolio /stress \
        /provenance/inputs; do
        h5diff "$work/csv.h5" "$work/col$np.h5" $object $object ||
            fail "$np ranks: $object differs from the run from the CSVs"
    done
done
run_from 2 "$work/passes.h5" --set partition.max_memory_per_rank=305000000 2>/dev/null ||
    fail "the run in passes from columnar inputs"
passes=$(h5dump -a /provenance/passes "$work/passes.h5" | sed -n 's/.*(0): \([0-9]*\).*/\1/p')
[ "${passes:-0}" -gt 1 ] || fail "the columnar run made $passes passes"
h5diff "$work/csv.h5" "$work/passes.h5" /subscribers /subscribers || fail "passes: /subscribers"
echo "columnar: $(du -b "$work/inputs.h5" | cut -f1) bytes for $(du -cb "$data"/*.csv | tail -1 | cut -f1) of CSV; runs at 1 and 3 ranks and in $passes passes equal the run from the CSVs"

# run --check on columnar inputs: the key, the files' counts and the regions, in a moment.
run_from 2 "$work/x.h5" --check 2>/dev/null | grep "^cdr .* lines checked" >/dev/null ||
    fail "run --check with columnar inputs"

expect_exit2() { # what, pattern, command...
    local what=$1 pattern=$2 rc=0
    shift 2
    "$@" >"$work/err.log" 2>&1 || rc=$?
    [ $rc -eq 2 ] || fail "$what: exit $rc, want 2"
    grep -q "$pattern" "$work/err.log" || { cat "$work/err.log"; fail "$what: no '$pattern'"; }
}
printf '00112233445566778899aabbccddeeff\n' >"$work/other.key"
chmod 600 "$work/other.key"
expect_exit2 "another key" "another subscriber key" \
    run_from 2 "$work/x.h5" --set privacy.key_file="$work/other.key"
expect_exit2 "a run file as inputs" "not columnar inputs" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.columnar="$work/csv.h5" \
    --set output.path="$work/x.h5"
expect_exit2 "a missing file" "cannot open columnar inputs" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.columnar="$work/none.h5" \
    --set output.path="$work/x.h5"
rc=0
mpiexec -n 1 "$telrisk" convert --config "$config" --quiet --set inputs.columnar="$work/inputs.h5" \
    --out "$work/again.h5" >"$work/err.log" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "inputs.columnar must be empty" "$work/err.log" ||
    fail "convert with inputs.columnar set: exit $rc"
# inputs.require holds for columnar inputs too: converted without its loans, a run that requires
# them is refused; an empty sim_swaps table required is refused as well.
mkdir -p "$work/noloans"
cp "$data"/*.csv "$work/noloans/"
rm "$work/noloans/loans.csv"
head -1 "$data/sim_swaps.csv" >"$work/noloans/sim_swaps.csv"
mpiexec -n 2 "$telrisk" convert --config "$config" --quiet --set inputs.dir="$work/noloans" \
    --out "$work/noloans.h5" 2>/dev/null || fail "convert without loans"
expect_exit2 "required loans absent from columnar inputs" \
    "the loans table is absent from the columnar inputs .*noloans.h5.*requires it" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.columnar="$work/noloans.h5" \
    --set inputs.require=loans --set output.path="$work/x.h5"
expect_exit2 "required sim_swaps empty in columnar inputs" \
    "the sim_swaps table is empty .*requires it" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.columnar="$work/noloans.h5" \
    --set inputs.require=sim_swaps --set output.path="$work/x.h5"
[ ! -e "$work/x.h5" ] || fail "a refused run left a run file"
echo "columnar: another key, a run file, a missing file, convert of columnar inputs, and required tables absent or empty refused"
