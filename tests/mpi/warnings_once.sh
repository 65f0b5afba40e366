#!/usr/bin/env bash
# Warnings said once: a finding every rank makes alike (no credit model, unrated loans, the key
# file) is printed by rank 0 alone, not once per rank. The test country and the same country
# without its loans table, each at 3 ranks: no warning appears twice in stderr (rank prefixes
# set aside, and lines that ranks interleaved split at each "telrisk"), and the warnings each
# must give are there once (so the test sees the warnings it counts).
# usage: warnings_once.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$(cd "$3" && pwd) work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work/noloans"
for f in "$data"/*.csv; do
    case "$(basename "$f")" in loans.csv | repayments.csv) ;; *) ln -s "$f" "$work/noloans/" ;; esac
done
run() { # NAME DIR: a 3-rank run, its stderr in $work/NAME.err
    mpiexec -n 3 "$telrisk" run --config "$config" --set inputs.dir="$2" \
        --set stress.scenarios="$scenarios" --set output.path="$work/$1.h5" \
        >/dev/null 2>"$work/$1.err" || { cat "$work/$1.err"; echo "FAIL: the $1 run"; exit 1; }
}
run country "$data"
run noloans "$work/noloans"
/usr/bin/python3 - "$work" <<'PY'
import re, sys
from collections import Counter
work = sys.argv[1]
must = {"country": ["privacy.key_file is not set"],
        "noloans": ["privacy.key_file is not set", "the loans table is absent", "warning: no credit model"]}
bad = 0
for name, expected in must.items():
    text = open(f"{work}/{name}.err").read()
    # each message, its rank prefix dropped: "telrisk[2]: warning: X" and "telrisk[0]: warning: X"
    # are one warning said twice
    said = [m.strip() for m in re.split(r"telrisk(?:\[\d+\])?: ", text) if m.strip()]
    warnings = Counter(m for m in said if m.startswith("warning: "))
    for w, n in warnings.items():
        if n > 1:
            print(f"FAIL: {name}: said {n} times: {w[:160]}")
            bad = 1
    for e in expected:
        n = sum(c for w, c in warnings.items() if e in w)
        if n != 1:
            print(f"FAIL: {name}: '{e}' said {n} times, not once")
            bad = 1
    if not bad:
        print(f"{name}: {len(warnings)} distinct warnings at 3 ranks, each said once")
sys.exit(bad)
PY
