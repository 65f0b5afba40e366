#!/usr/bin/env bash
# The PD walk (telrisk walk) on the two months of months.sh:
#  - A to B scored by A's models: the parts add up to each region's change of mean PD to 1e-12,
#    every part and every feature's behaviour term equal the recomputation of check_walk.py from
#    the two files, and the region where the generator halved the data volume names a data
#    feature first;
#  - A to B with its own models (the model part moves) and A to another country (the mix moves):
#    the same checks;
#  - the terminal table names the planted region's first feature; small cells are suppressed;
#  - the drift per region of B scored by A (/monitoring/region_drift) and A's population per
#    region (/models/region_reference) recounted (check_region_drift.py), and telrisk inspect
#    shows the planted region's data features drifted significantly.
# usage: walk.sh TELRISK MONTHS_DIR
set -euo pipefail
telrisk=$1 months=$2
tools=$(cd "$(dirname "$0")/../tools" && pwd)
region=$(cat "$months/shift_region")
work="$months/walk"
rm -rf "$work"
"$telrisk" walk "$months/a.h5" "$months/b_scored.h5" --out "$work/scored" >"$work.txt"
cat "$work.txt"
/usr/bin/python3 "$tools/check_walk.py" "$months/a.h5" "$months/b_scored.h5" "$work/scored" \
    --shift "$region:data"
grep -q "^$region: data_" "$work.txt" ||
    { echo "FAIL: the table does not name a data feature first in $region"; exit 1; }
"$telrisk" walk "$months/a.h5" "$months/b.h5" --out "$work/own" >/dev/null
/usr/bin/python3 "$tools/check_walk.py" "$months/a.h5" "$months/b.h5" "$work/own"
"$telrisk" walk "$months/a.h5" "$months/other.h5" --out "$work/other" >/dev/null
/usr/bin/python3 "$tools/check_walk.py" "$months/a.h5" "$months/other.h5" "$work/other"
for k in 300 500; do # larger k_min: more rows hidden, the rule still holds
    "$telrisk" walk "$months/a.h5" "$months/other.h5" --out "$work/k$k" --set privacy.k_min=$k >/dev/null
    /usr/bin/python3 "$tools/check_walk.py" "$months/a.h5" "$months/other.h5" "$work/k$k" --k-min $k
done
awk -F, 'NR > 1 && $3 == 0 && ($10 + 0 == 0) { still++ } END { if (still > 0) { print "FAIL: mix 0 in " still " rows of another country"; exit 1 } }' \
    "$work/other/walk.csv"
"$telrisk" walk "$months/a.h5" "$months/b_scored.h5" --set privacy.k_min=2000 >"$work/k.txt"
grep -q "fewer than k_min" "$work/k.txt" || { echo "FAIL: k_min=2000 suppresses no row"; exit 1; }
/usr/bin/python3 "$tools/check_region_drift.py" "$months/a.h5" "$months/b_scored.h5"
"$telrisk" inspect "$months/b_scored.h5" >"$work/inspect.txt"
grep -A20 "drift against the champion, per region" "$work/inspect.txt" |
    grep -Eq "^$region +[0-9.]+ +[0-9.]+ +[0-9]+ +[1-9][0-9]* +data_" ||
    { echo "FAIL: inspect does not show $region's data drift"; cat "$work/inspect.txt"; exit 1; }
# A champion's population per region written again by score under a larger k_min: no cell of 1
# to 199 subscribers published.
mpiexec -n 2 "$telrisk" score "$months/b.h5" --model "$months/a.h5" --out "$work/k200.h5" --quiet \
    --set privacy.k_min=200 2>/dev/null
/usr/bin/python3 -c "
import h5py, sys
t = h5py.File(sys.argv[1], 'r')['models/region_reference'][()]
p = t['population']
small = ((p > 0) & (p < 200)).sum()
sys.exit(f'FAIL: {small} reference cells of 1-199 published under k_min 200' if small else 0)" \
    "$work/k200.h5"
echo "walk: parts add up, terms recomputed, $region's planted data shift named first"
