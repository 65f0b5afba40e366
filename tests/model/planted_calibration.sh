#!/usr/bin/env bash
# The calibration against planted truth (docs/credit.md section 4, "Planted truth"): on a country
# of 200,000 subscribers without a credit cycle whose borrowers come and go all the time, the
# calibrated PD of at least 8 in 10 grades lies within the Jeffreys interval of the hold-out's
# realised 12-month default rate (check_planted_calibration.py), and PDs a quarter higher do not.
# usage: planted_calibration.sh TELRISK WORKDIR
set -euo pipefail
telrisk=$1 work=$2
tools=$(cd "$(dirname "$0")/../tools" && pwd)
inputs=$(cd "$(dirname "$0")/../../inputs" && pwd)
ini="$inputs/planted_calibration.ini"
rm -rf "$work"
mkdir -p "$work"
mpiexec -n 2 "$telrisk" generate --config "$ini" --out "$work/data" --quiet
mpiexec -n 2 "$telrisk" run --config "$ini" --quiet --set inputs.dir="$work/data" \
    --set output.path="$work/run.h5" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
/usr/bin/python3 "$tools/check_planted_calibration.py" "$work/run.h5"
