#!/usr/bin/env bash
# telrisk report on the two months of months.sh (B scored by A, with A as --previous):
#  - every table of the report (its CSVs) recomputed from the run files (check_report.py);
#  - the page in headless Chromium: no console error, every plot rendered with its labels,
#    every image and link there, every section on the page; a screenshot kept (page.png);
#    the check itself fails on a copy of the page with a script error and a missing image;
#  - no input id (phone number, transaction, loan) anywhere in the report (check_no_ids.py);
#  - no file written over without --force; a run file with a flipped bit refused (exit 2).
# usage: page.sh TELRISK MONTHS_DIR COUNTRY
set -euo pipefail
telrisk=$1 months=$2 country=$3
tools=$(cd "$(dirname "$0")/../tools" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out="$months/report"
rm -rf "$out" "$out.bad"
"$telrisk" report "$months/b_scored.h5" --previous "$months/a.h5" --out "$out"
/usr/bin/python3 "$tools/check_report.py" "$out" "$months/b_scored.h5" "$months/a.h5"
sections=(data models scorecard checks stress monitoring walk provenance)
/usr/bin/python3 "$here/browser.py" "$out" "$months/page.png" "${sections[@]}"
cp -r "$out" "$out.bad"
sed -i 's|<main>|<main><img src="png/absent.png"><script>not_a_function();</script>|' \
    "$out.bad/report.html"
if /usr/bin/python3 "$here/browser.py" "$out.bad" "$months/bad.png" "${sections[@]}" >"$months/bad.txt"; then
    echo "FAIL: the browser check passed a page with a script error and a missing image"
    exit 1
fi
grep -q "console" "$months/bad.txt" && grep -q "absent.png" "$months/bad.txt"
/usr/bin/python3 "$tools/check_no_ids.py" "$country" "$out"
code=0
"$telrisk" report "$months/b_scored.h5" --out "$out" 2>"$months/again.txt" || code=$?
[ "$code" = 2 ] && grep -q "with --force" "$months/again.txt" ||
    { echo "FAIL: report wrote over $out/report.html without --force (exit $code)"; exit 1; }
cp "$months/a.h5" "$months/flipped.h5"
/usr/bin/python3 -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r+'); d = f['subscribers/pd']; v = d[0]; d[0] = v + 1e-9" "$months/flipped.h5"
code=0
"$telrisk" report "$months/b_scored.h5" --previous "$months/flipped.h5" --out "$out.flip" \
    2>"$months/flip.txt" || code=$?
[ "$code" = 2 ] || { echo "FAIL: a damaged --previous was read (exit $code)"; exit 1; }
echo "report: tables recomputed, page rendered in Chromium ($months/page.png), no id, refusals"
