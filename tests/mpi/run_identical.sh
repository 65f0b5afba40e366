#!/usr/bin/env bash
# telrisk run at 1, 2, 3 and 4 ranks on one generated country: the run files must agree
# (h5diff finds nothing, models, cross-checks, stress, ledger and IFRS 9 included, outside /provenance and the
# root's ranks and creation time), and the
# first one must match the planted truth and the indicators recomputed from the CSVs.
# usage: run_identical.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$work"
mkdir -p "$work"
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
weights=baseline:0.5,adverse:0.4,severely_adverse:0.1 # IFRS 9's scenarios and probabilities
# One output path for all (it is part of the configuration stored in the file), moved aside.
for np in 1 2 3 4; do
    mpiexec -n "$np" "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
        --set stress.scenarios="$scenarios" --set ifrs9.weights="$weights" \
        --set output.path="$work/run.h5" 2>"$work/run$np.log" ||
        { cat "$work/run$np.log"; exit 1; }
    mv "$work/run.h5" "$work/run$np.h5"
done
status=0
for np in 2 3 4; do
    for object in /subscribers /rejects /regions /models /crosschecks /portfolio /stress /ledger \
        /ifrs9; do
        h5diff "$work/run1.h5" "$work/run$np.h5" "$object" "$object" ||
            { echo "np=$np: $object differs from np=1"; status=1; }
    done
    # The root attributes but ranks and created_utc.
    for attr in config seed telrisk_version; do
        [ "$(h5dump -a "/$attr" "$work/run1.h5" | tail -n +2)" = "$(h5dump -a "/$attr" "$work/run$np.h5" | tail -n +2)" ] ||
            { echo "np=$np: root attribute $attr differs"; status=1; }
    done
done
[ $status -eq 0 ] && echo "run: identical at 1, 2, 3 and 4 ranks"

# A feature set's /subscribers the same at two rank counts: set, ranks, ranks (runs kept as
# $work/<set><ranks>.h5).
same_features() {
    local set=$1
    shift
    for np in "$@"; do
        mpiexec -n "$np" "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
            --set features.set="$set" --set output.path="$work/run.h5" 2>"$work/$set.log" ||
            { cat "$work/$set.log"; exit 1; }
        mv "$work/run.h5" "$work/$set$np.h5"
    done
    h5diff "$work/$set$1.h5" "$work/$set$2.h5" /subscribers /subscribers ||
        { echo "features.set = $set: /subscribers differs between $1 and $2 ranks"; status=1; }
    [ $status -ne 0 ] || echo "run: features.set = $set identical at $1 and $2 ranks"
}

# features.set = full (897 features): the same at 1 and 3 ranks.
same_features full 1 3

# features.set = basic (the thirteen CDR basics): the same at 1 and 4 ranks, and every value as
# tests/tools/check_basic.py recomputes it from the CSV.
same_features basic 1 4
/usr/bin/python3 "$tools/check_basic.py" "$data" "$work/basic4.h5" --seed "$seed" || status=1

# Dumps in several files: the CDRs cut into parts of 40,000 lines (each with the header), read
# as a folder and as a glob, give the same subscribers as the single file.
mkdir -p "$work/daily"
awk -v dir="$work/daily" 'NR == 1 { header = $0; next }
    { f = sprintf("%s/cdr-part%03d.csv", dir, int((NR - 2) / 40000))
      if (!(f in seen)) { print header > f; seen[f] = 1 } print > f }' "$data/cdr.csv"
for how in folder glob; do
    [ $how = folder ] && cdr="$work/daily" || cdr="$work/daily/cdr-*.csv"
    mpiexec -n 2 "$telrisk" run --config "$config" --quiet --force --set inputs.dir="$data" \
        --set inputs.cdr="$cdr" --set output.path="$work/run.h5" 2>"$work/daily.log" ||
        { cat "$work/daily.log"; exit 1; }
    h5diff "$work/run1.h5" "$work/run.h5" /subscribers /subscribers ||
        { echo "CDRs in parts ($how): /subscribers differs from the single file"; status=1; }
done
[ $status -eq 0 ] && echo "run: CDRs in $(ls "$work/daily" | wc -l) files (folder and glob) give the same subscribers"
/usr/bin/python3 "$tools/check_runfile.py" "$work/run1.h5" "$work/run4.h5" || status=1
/usr/bin/python3 "$tools/check_run.py" "$data" "$work/run1.h5" --seed "$seed" || status=1
/usr/bin/python3 "$tools/check_ledger.py" "$data" "$work/run1.h5" --seed "$seed" || status=1
/usr/bin/python3 "$tools/check_calibration.py" "$work/run1.h5" --data "$data" --seed "$seed" || status=1
/usr/bin/python3 "$tools/check_ifrs9.py" "$data" "$work/run3.h5" --seed "$seed" --scenarios "$scenarios" ||
    status=1
/usr/bin/python3 "$tools/check_models.py" "$data" "$work/run1.h5" --seed "$seed" || status=1
/usr/bin/python3 "$tools/check_crosschecks.py" "$data" "$work/run4.h5" --seed "$seed" || status=1
/usr/bin/python3 "$tools/check_stress.py" "$data" "$work/run3.h5" "$scenarios" --seed "$seed" || status=1
# The run file's bandicoot features equal `telrisk indicators` on the same subscribers' records.
/usr/bin/python3 "$tools/check_indicators_cli.py" "$telrisk" "$data" "$work/run1.h5" --seed "$seed" \
    --subscribers 12 || status=1
exit $status
