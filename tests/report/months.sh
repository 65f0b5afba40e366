#!/usr/bin/env bash
# Two months of the suite's country for the report's tests (fixture report.months): month A is
# the suite's generated country; month B the same people four weeks later, generated with one
# behaviour shift planted (generate.shift: the data volume of the largest region halved). Each is
# run; B is scored by A's models (the champion), stressed and given IFRS 9 again, as the monthly
# job does; and a third country, of
# other people (another seed), is run for a walk whose population mix moves.
# usage: months.sh TELRISK CONFIG COUNTRY WORKDIR
set -euo pipefail
telrisk=$1 config=$2 country=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
run() { mpiexec -n 2 "$telrisk" "$@" --quiet 2>>"$work/log" || { cat "$work/log"; exit 1; }; }
region=$(awk -F, 'NR > 1 && $2 > most { most = $2; name = $1 } END { print name }' \
    "$country/truth/regions.csv")
echo "$region" >"$work/shift_region"
run generate --config "$config" --set generate.start=2020-03-30 \
    --set generate.shift="$region:data:0.5" --out "$work/month_b"
run generate --config "$config" --set run.seed=777 --set generate.subscribers=3600 \
    --out "$work/other"
run run --config "$config" --set inputs.dir="$country" --set output.path="$work/a.h5"
run run --config "$config" --set inputs.dir="$work/month_b" --set credit.ledger_cut=2021-04-27 \
    --set output.path="$work/b.h5"
run run --config "$config" --set inputs.dir="$work/other" \
    --set output.path="$work/other.h5"
run score "$work/b.h5" --model "$work/a.h5" --out "$work/b_scored.h5"
# The month's book stressed and IFRS 9 again with the champion's PDs, as the monthly job does.
scenarios=(--scenarios "$(dirname "$config")/scenarios/regulatory.ini")
run stress --run "$work/b_scored.h5" --config "$config" "${scenarios[@]}" --force
run ecl --run "$work/b_scored.h5" --config "$config" "${scenarios[@]}" --force
echo "months: A, B (shift $region:data:0.5) scored by A, and another country, in $work"
