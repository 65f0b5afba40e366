#!/usr/bin/env bash
# The models against the generator's planted truth (inputs/quality.ini: 200,000 subscribers in
# 2 regions, 14 M lines, a hold-out of 40%): generated and run on 2 ranks, then
# check_models.py --quality holds the hold-out AUC within 0.03 of the true PDs' AUC and the mean
# PD within 10% of the default rate, nationally and per region, and re-derives every PD by hand.
# usage: quality.sh TELRISK WORKDIR
set -euo pipefail
telrisk=$1 work=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/tests/tools"
config="$root/inputs/quality.ini"
rm -rf "$work"
mkdir -p "$work"
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
mpiexec -n 2 "$telrisk" generate --config "$config" --out "$work/data" --quiet
mpiexec -n 2 "$telrisk" run --config "$config" --set inputs.dir="$work/data" \
    --set output.path="$work/run.h5" 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
grep "model:" "$work/run.log" || true
/usr/bin/python3 "$tools/check_models.py" "$work/data" "$work/run.h5" --seed "$seed" --quality
