#!/usr/bin/env bash
# The AUC's 95% interval (DeLong) against R's pROC: the test country at 3 ranks, every validation
# group's auc, auc_lower and auc_upper equal to pROC's ci.auc(method = "delong") on the same PDs
# and outcomes, to 1e-9 (auc_ci_vs_r.py); /models/summary holds its groups' bounds; telrisk
# inspect shows each shown AUC with its interval; with --set privacy.k_min=200 it suppresses every
# region's model, as it does their tallies. inspect's grades table (all regions) shows each
# grade's hold-out, defaults and Jeffreys p-value as /crosschecks/backtest holds them and as
# scipy's beta distribution gives them, and hides grades of fewer than k_min subscribers; its
# grade concentration line shows /crosschecks/concentration, a region of fewer than k_min
# subscribers hidden.
# usage: auc_ci.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$(cd "$3" && pwd) work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
mpiexec -n 3 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set output.path="$work/run.h5" --set model.oot_date=2020-04-20 2>"$work/run.log" ||
    { cat "$work/run.log"; echo "FAIL: the run"; exit 1; }
/usr/bin/python3 "$here/auc_ci_vs_r.py" "$work/run.h5" "$work"
"$telrisk" inspect "$work/run.h5" >"$work/inspect.txt"
# every line of the models table that shows an AUC shows its interval beside it ("-" only with
# fewer than two defaults or two repaid: no variance)
awk '/^models:/ { on = 1; next } on && /^region/ { next } on && NF == 0 { on = 0 }
     on && !/suppressed/ { n++; few = $5 < 2 || $4 - $5 < 2
         if (few ? $7 != "-" : $7 !~ /^\[[01][.][0-9]+,$/) { print "FAIL: the interval: " $0; bad = 1 } }
     END { if (!n) { print "FAIL: no model rows"; bad = 1 }; exit bad }' "$work/inspect.txt"
echo "inspect: every AUC shown with its interval"
# inspect --set privacy.k_min=200 hides the models of regions with fewer hold-out or training
# subscribers (as it hides their tallies): here every region's (hold-outs of 11 to 78 rows)
"$telrisk" inspect "$work/run.h5" --set privacy.k_min=200 >"$work/inspect200.txt"
awk '/^models:/ { on = 1; next } on && /^region/ { next } on && NF == 0 { on = 0 }
     on && $1 != "all" { n++; if (!/suppressed/) { print "FAIL: shown at k 200: " $0; bad = 1 } }
     END { if (n < 6) { print "FAIL: " n " region model rows"; bad = 1 }; exit bad }' "$work/inspect200.txt"
echo "inspect --set privacy.k_min=200: every region's model suppressed"
# The grades table: every grade's row as the file's backtest has it, the Jeffreys p-value as scipy
# computes it from the row's counts and mean PD; at k_min = 200 a grade of fewer is hidden.
/usr/bin/python3 - "$work/run.h5" "$work/inspect.txt" "$work/inspect200.txt" <<'PY'
import sys
import h5py
from scipy.stats import beta

run, shown, shown200 = sys.argv[1:]
with h5py.File(run, "r") as f:
    rows = {int(r["grade"]): r for r in f["crosschecks/backtest"][:] if r["region"] == -2}


def table(path):
    lines, on = {}, False
    for line in open(path):
        if line.startswith("grades:"):
            on = True
            continue
        if on and line.startswith("grade"):
            continue
        if on and not line.strip():
            break
        if on:
            w = line.split()
            lines[0 if w[0] == "all" else int(w[0])] = w
    return lines


got = table(shown)
assert got and set(got) == {g for g, r in rows.items() if r["n"] != 0}, (sorted(got), sorted(rows))
for g, w in got.items():
    r = rows[g]
    if r["suppressed"]:
        assert "suppressed" in " ".join(w), w
        continue
    n, d = int(r["n"]), int(r["defaults"])
    assert (int(w[1]), int(w[2])) == (n, d), (g, w)
    want = beta.cdf(r["mean_pd"], d + 0.5, n - d + 0.5)
    assert abs(float(w[6]) - want) < 6e-4, (g, w[6], want)
    assert abs(r["jeffreys_p"] - want) <= 1e-9 * max(want, 1e-12), (g, r["jeffreys_p"], want)
hidden = table(shown200)
for g, w in hidden.items():
    if 0 < rows[g]["n"] < 200:
        assert "suppressed" in " ".join(w), ("shown at k 200", g, w)
print(f"inspect: {len(got)} grade rows as the backtest and scipy's Jeffreys test give them; "
      f"{sum('suppressed' in ' '.join(w) for w in hidden.values())} hidden at k_min 200")
PY
"$telrisk" inspect "$work/run.h5" --set privacy.k_min=500 >"$work/inspect500.txt"
/usr/bin/python3 - "$work/run.h5" "$work/inspect.txt" "$work/inspect500.txt" <<'PY'
import re, sys
import h5py

run, shown, shown500 = sys.argv[1:]
with h5py.File(run, "r") as f:
    names = [n.decode() for n in f["regions/names"][:]] + ["all"]
    rows = {names[r["region"]] if r["region"] >= 0 else "all": r for r in f["crosschecks/concentration"][:]}


def line(path):
    text = [l for l in open(path) if l.startswith("grade concentration")]
    assert len(text) == 1, text
    return dict(re.findall(r" (\S+) (-|[0-9.]+)[,\n]", text[0].split(":", 1)[1]))


got = line(shown)
assert set(got) == set(rows), (got, sorted(rows))
for name, v in got.items():
    assert abs(float(v) - rows[name]["hhi_normalised"]) < 6e-4, (name, v)
hidden = line(shown500)
small = {n for n, r in rows.items() if r["subscribers"] < 500}
assert small and all(hidden[n] == "-" for n in small), (small, hidden)
print(f"inspect: the grade concentration of {len(got)} rows as the file holds it; "
      f"{sum(v == '-' for v in hidden.values())} hidden at k_min 500")
PY
