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
mpiexec -n 2 build/telrisk run --config inputs/demo.ini --force  # the demo replaces its own file
echo
echo "== what it found (telrisk inspect out/demo.h5)"
build/telrisk inspect out/demo.h5
echo
echo "== the next month: the same country a month on, with 12% fewer calls and texts a day in"
echo "   Pwani (generate.shift), scored by this month's models (the champion)"
mpiexec -n 2 build/telrisk generate --config inputs/demo.ini --set generate.start=2020-01-31 \
    --set generate.shift=Pwani:calls:0.88 --out "$data-next" --quiet
mpiexec -n 2 build/telrisk run --config inputs/demo.ini --set inputs.dir="$data-next" \
    --set credit.ledger_cut=2021-03-01 --set output.path=out/demo-next.h5 --force --quiet
mpiexec -n 2 build/telrisk score out/demo-next.h5 --model out/demo.h5 --force --quiet
mpiexec -n 2 build/telrisk stress --run out/demo-next.h5 --config inputs/demo.ini --force --quiet
mpiexec -n 2 build/telrisk ecl --run out/demo-next.h5 --config inputs/demo.ini --compare out/demo.h5 --force --quiet
echo
echo "== why the mean PD moved (telrisk walk out/demo.h5 out/demo-next.h5)"
build/telrisk walk out/demo.h5 out/demo-next.h5 | cut -c1-160
echo
echo "== the validation and monitoring report (telrisk report)"
build/telrisk report out/demo-next.h5 --previous out/demo.h5 --out out/demo-report --force
echo
echo "data: $root/$data   planted truth: $root/$data/truth   run file: $root/out/demo.h5"
echo "report: $root/out/demo-report/report.html (open it in a browser; its plots as PNG and its"
echo "tables as CSV are beside it)"
