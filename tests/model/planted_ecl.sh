#!/usr/bin/env bash
# IFRS 9 against the planted truth (docs/credit.md section 6, "Planted truth"): on a country of
# 200,000 subscribers with five years of loan history, a mortgage for three in ten of the better
# off (so that the history holds defaults enough of every product) and no credit cycle (the
# history's years alike, so that the history's through-the-cycle hazards are this year's too),
# the 12-month ECL of the performing book is within 10% of the truth's expected loss of the same
# loans (check_planted_ecl.py).
# usage: planted_ecl.sh TELRISK WORKDIR
set -euo pipefail
telrisk=$1 work=$2
tools=$(cd "$(dirname "$0")/../tools" && pwd)
inputs=$(cd "$(dirname "$0")/../../inputs" && pwd)
rm -rf "$work"
mkdir -p "$work"
mpiexec -n 2 "$telrisk" generate --config "$inputs/planted_ecl.ini" --out "$work/data" --quiet
mpiexec -n 2 "$telrisk" run --config "$inputs/planted_ecl.ini" --quiet --set inputs.dir="$work/data" \
    --set output.path="$work/run.h5" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$inputs/planted_ecl.ini")
/usr/bin/python3 "$tools/check_planted_ecl.py" "$work/data" "$work/run.h5" --seed "$seed" --tolerance 0.10
