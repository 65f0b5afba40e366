#!/usr/bin/env bash
# The main job on a generated sample: installs what is missing, builds, generates a small
# nationwide data set on 2 ranks, runs telrisk on it on 2 ranks, and says what it found and
# where everything is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
source "$root/scripts/env.sh"
cd "$root"
data=data/demo
table() { awk -F, '{ for (i = 1; i <= NF; i++) printf "%-*s", (i == 1 ? 22 : 13), $i; printf "\n" }' "$@"; }
mpiexec -n 2 build/telrisk generate --config inputs/demo.ini --out "$data"
echo
echo "== the country (data in $root/$data, planted truth in $root/$data/truth)"
table "$data/truth/regions.csv"
echo
echo "== tables (lines after the header; malformed, duplicated, unknown-antenna lines and ledger breaks planted)"
table "$data/truth/summary.csv"
echo
echo "== planted fraud cases"
table "$data/truth/planted.csv"
echo
awk -F, 'NR > 1 && $4 == 1 && $5 != "open" { n++; d += $6 } END {
    printf "== loans issued after the window and settled by the cut: %d, default rate %.1f%%\n", n, 100 * d / n }' \
    "$data/truth/loans.csv"
echo
echo "== telrisk run on 2 ranks"
mpiexec -n 2 build/telrisk run --config inputs/demo.ini
echo
echo "== what it found (telrisk inspect out/demo.h5)"
build/telrisk inspect out/demo.h5
echo
echo "data: $root/$data   planted truth: $root/$data/truth   run file: $root/out/demo.h5"
