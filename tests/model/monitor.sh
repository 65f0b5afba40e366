#!/usr/bin/env bash
# Retraining and monitoring from stored run files, no CSV read:
#  - telrisk train on a run file at 1 and 3 ranks gives the run's own /models and PDs bit for bit;
#  - telrisk score of a run by its own models: every PSI 0 (stable), the same PDs, champion and
#    challenger the same AUC, the AUC test against development S 0 (p 0.5), the champion's
#    calibration applied and written again as it was (check_calibration.py); the grade migration
#    against a previous run (--compare) recounted (check_migration.py) and shown by inspect;
#  - a country whose subscribers call twice as much, scored by the first one's models: the call
#    features' PSI is significant (> 0.25), as recomputed here from /models/bins and the features;
#    today's AUCs against the champion's development AUCs recomputed (check_auc_test.py) and shown
#    by inspect.
#  - model.oot_date: the out-of-time sample, the same at 1 and 3 ranks, as check_run.py and
#    check_models.py recompute it.
# usage: monitor.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
run() { mpiexec -n "$1" "$telrisk" "${@:2}" 2>>"$work/log" || { cat "$work/log"; exit 1; }; }
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
tools=$(cd "$(dirname "$0")/../tools" && pwd)
attr() { h5dump -a "$1" "$2" | awk '/\(0\)/ { print $2 }'; }
# Loose events-per-variable screening, so that the models use call features too (the drift below
# moves calls only).
loose="model.defaults_per_feature=1"
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set $loose --set output.path="$work/base.h5"
for np in 1 3; do
    run "$np" train "$work/base.h5" --quiet --set $loose --out "$work/train$np.h5"
    h5diff "$work/base.h5" "$work/train$np.h5" /models /models
    h5diff "$work/base.h5" "$work/train$np.h5" /subscribers /subscribers
done
echo "train: the run's /models and /subscribers again, bit for bit, at 1 and 3 ranks"

run 2 score "$work/base.h5" --model "$work/base.h5" --quiet --out "$work/self.h5"
h5diff "$work/base.h5" "$work/self.h5" /subscribers /subscribers
/usr/bin/python3 "$tools/check_auc_test.py" "$work/self.h5" "$work/base.h5" # S 0, p 0.5
# The grade migration against a previous run: retrained with another penalty, scored with
# --compare the first: every cell and line total recounted, suppression as the rules say.
run 2 train "$work/base.h5" --quiet --out "$work/lambda.h5" --set model.lambda=5
run 3 score "$work/lambda.h5" --model "$work/lambda.h5" --compare "$work/base.h5" --quiet \
    --out "$work/migrated.h5"
/usr/bin/python3 "$tools/check_migration.py" "$work/migrated.h5" "$work/base.h5"
"$telrisk" inspect "$work/migrated.h5" | grep -q "^grade migration against the previous run" ||
    { echo "inspect does not show the grade migration"; exit 1; }
# inspect shows the yearly cohorts behind the long-run average: each with a rate, its day, its
# rate to 0.01% and whether it is used, as /ledger/cohorts holds them.
"$telrisk" inspect "$work/base.h5" >"$work/inspect.txt"
/usr/bin/python3 - "$work/base.h5" "$work/inspect.txt" <<'PY'
import datetime, math, sys, h5py
rows = h5py.File(sys.argv[1], "r")["ledger/cohorts"][:]
line = next(l for l in open(sys.argv[2]) if l.startswith("yearly cohorts' default rates"))
want = " ".join(f"{datetime.date(1970, 1, 1) + datetime.timedelta(days=int(r['day']))} "
                f"{100 * r['default_rate']:.2f}%{'*' if r['used'] else ''}"
                for r in rows if not math.isnan(r["default_rate"]))
got = line.split(":", 1)[1].strip()
if got != want or "*" not in got:
    sys.exit(f"inspect's cohorts: {got!r}, the file's: {want!r}")
print("inspect's cohorts agree with /ledger/cohorts:", got)
PY
# The champion's calibration applied as it was made, its table written again as it was.
/usr/bin/python3 "$tools/check_calibration.py" "$work/self.h5" --model "$work/base.h5"
h5diff "$work/base.h5" "$work/self.h5" /models/calibration /models/calibration
[ "$(attr /monitoring/grade_psi "$work/self.h5")" = 0 ] || { echo "grade PSI of a run against itself is not 0"; exit 1; }
[ "$(attr /monitoring/score_psi "$work/self.h5")" = 0 ] || { echo "score PSI of a run against itself is not 0"; exit 1; }
[ "$(attr /monitoring/champion_auc "$work/self.h5")" = "$(attr /monitoring/challenger_auc "$work/self.h5")" ] ||
    { echo "champion and challenger differ on the same models"; exit 1; }
echo "score: a run by its own models: same PDs, score and grade PSI 0, champion = challenger"

run 2 generate --config "$config" --quiet --set generate.interactions_per_day=6 --out "$work/busy"
run 2 run --config "$config" --quiet --set inputs.dir="$work/busy" --set output.path="$work/busy.h5"
cp "$work/busy.h5" "$work/busy_own.h5" # before the champion scores it
run 3 score "$work/busy.h5" --model "$work/base.h5" --quiet --force # into the run file, on purpose
# Today's AUCs against the champion's development AUCs: recomputed (DeLong by placements, scipy).
/usr/bin/python3 "$tools/check_auc_test.py" "$work/busy.h5" "$work/base.h5"
"$telrisk" inspect "$work/busy.h5" | grep -q "^AUC against the champion's development" ||
    { echo "inspect does not show the AUC test"; exit 1; }
/usr/bin/python3 - "$work/base.h5" "$work/busy.h5" <<'PY'
import sys
import h5py, numpy as np
base, busy = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
bins = base["models/bins"][:]
names = list(busy["subscribers/features"].attrs["names"])
x = busy["subscribers/features"][:]
psi = {r["name"].decode(): (r["psi"], r["band"].decode()) for r in busy["monitoring/feature_psi"][:]}
checked = 0
for name, (stored, band) in psi.items():
    rows = bins[bins["name"] == name.encode()]
    numeric = rows[rows["missing"] == 0]
    v = x[:, names.index(name)]
    at = np.searchsorted(numeric["lower"], v[~np.isnan(v)], side="right") - 1
    now = np.append(np.bincount(at, minlength=len(numeric)), np.isnan(v).sum()).astype(float)
    ref = rows["population"].astype(float)
    a, e = np.maximum(now / now.sum(), 1e-4), np.maximum(ref / ref.sum(), 1e-4)
    want = float(((a - e) * np.log(a / e)).sum())
    assert abs(want - stored) <= 1e-9 * max(1, want), (name, stored, want)
    checked += 1
calls = [n for n in psi if n.startswith("number_of_interactions__") or n.startswith("number_of_contacts__")]
assert calls and all(psi[n][1] == "significant" for n in calls), {n: psi[n] for n in calls}
drift = {r["name"].decode(): r["psi"] for r in busy["crosschecks/drift"][:]}
assert drift["score"] == busy["monitoring"].attrs["score_psi"] and drift["grade"] == busy["monitoring"].attrs["grade_psi"]
assert all(drift[n] == p for n, (p, _) in psi.items()), "the drift summary is the monitoring's"
# The backtest follows the champion that scored the run: its all-regions, all-grades cell is the
# hold-out's labelled rows with the champion's PDs (/subscribers/pd), not the run's own models'.
sub = busy["subscribers"]
rows = (sub["holdout"][:] == 1) & (sub["label"][:] >= 0)
bt = busy["crosschecks/backtest"][:]
cell = bt[(bt["region"] == -2) & (bt["grade"] == 0)][0]
assert cell["suppressed"] == 0 and cell["n"] == rows.sum(), (cell, rows.sum())
assert cell["defaults"] == (sub["label"][:][rows] == 1).sum()
assert abs(cell["mean_pd"] - sub["pd"][:][rows].mean()) <= 1e-12, (cell["mean_pd"], sub["pd"][:][rows].mean())
own = h5py.File(sys.argv[1].replace("base.h5", "busy_own.h5"), "r")["crosschecks/backtest"][:]
own_cell = own[(own["region"] == -2) & (own["grade"] == 0)][0]
assert own_cell["mean_pd"] != cell["mean_pd"], "the backtest still describes the run's own models"

print("score: the backtest is the champion's on the scored run's hold-out")
print(f"score: {checked} feature PSIs recomputed; call features drift significantly:",
      ", ".join(f"{n.split('__')[0]} {psi[n][0]:.2f}" for n in calls))
PY

for np in 1 3; do
    run "$np" run --config "$config" --quiet --set inputs.dir="$data" --set model.oot_date=2020-04-20 \
        --set output.path="$work/oot$np.h5"
done
h5diff "$work/oot1.h5" "$work/oot3.h5" /models /models
h5diff "$work/oot1.h5" "$work/oot3.h5" /subscribers /subscribers
/usr/bin/python3 "$tools/check_run.py" "$data" "$work/oot1.h5" --seed "$seed"
/usr/bin/python3 "$tools/check_models.py" "$data" "$work/oot1.h5" --seed "$seed"
echo "out of time: $(attr /models/out_of_time/n "$work/oot1.h5") subscribers, identical at 1 and 3 ranks"

# A population without outcomes yet (no loans): the run warns and writes its file without models;
# the champion scores it.
head -1 "$data/loans.csv" >"$work/no_loans.csv"
echo "loan_id,timestamp,amount" >"$work/no_repayments.csv" # and so no repayments either
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set inputs.loans="$work/no_loans.csv" \
    --set inputs.repayments="$work/no_repayments.csv" --set output.path="$work/fresh.h5"
grep -q "no credit model: the training sample has 0 labelled subscribers" "$work/log" ||
    { echo "no warning for a run without outcomes"; exit 1; }
! h5ls "$work/fresh.h5/models" >/dev/null 2>&1 || { echo "a run without outcomes has /models"; exit 1; }
run 2 score "$work/fresh.h5" --model "$work/base.h5" --quiet --force # into the run file, on purpose
[ "$(attr /monitoring/has_challenger "$work/fresh.h5")" = 0 ] || { echo "a challenger from nowhere"; exit 1; }
h5ls "$work/fresh.h5/subscribers/pd" >/dev/null || { echo "no PDs from the champion"; exit 1; }
echo "no outcomes: a run file without models, then scored by the champion"

# Plain maximum likelihood on regions of 6-73 training defaults with every feature: the fits that
# fail (singular, separated) are reported and their regions scored by the national model.
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set model.min_region_defaults=1 \
    --set model.lambda=0 --set model.defaults_per_feature=1 --set output.path="$work/thin.h5"
grep -q "its subscribers are scored by the national model" "$work/log" ||
    { echo "no warning for a failed regional fit"; exit 1; }
/usr/bin/python3 - "$work/thin.h5" <<'PY'
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
fallen = [g for g in f["models/regions"].values() if not g.attrs["own_model"]]
assert fallen, "every thin region's fit was trusted"
for g in fallen:
    why = g.attrs["problem"]
    why = why.decode() if isinstance(why, bytes) else why
    assert why.endswith("scored by the national model") and "coefficients" not in g, why
print(f"thin regions: {len(fallen)} failed fits fall back to the national model")
PY
/usr/bin/python3 "$tools/check_models.py" "$data" "$work/thin.h5" --seed "$seed"

# Errors: the documented exit code and one clear message, no hang, at 3 ranks.
expect() { # expect CODE PATTERN COMMAND...
    local code=$1 pattern=$2 rc=0
    shift 2
    mpiexec -n 3 "$telrisk" "$@" >"$work/err.out" 2>"$work/err.log" || rc=$?
    [ "$rc" = "$code" ] && grep -q "$pattern" "$work/err.log" ||
        { echo "telrisk $*: exit $rc (want $code), stderr:"; cat "$work/err.log"; exit 1; }
}
expect 1 "score: --model TRAINED.h5 is required" score "$work/base.h5"
expect 2 "missing.h5: cannot open it: No such file or directory" score "$work/base.h5" --model "$work/missing.h5"
expect 2 "summary.csv: .*cannot be read as HDF5" train "$data/truth/summary.csv"
h5copy -i "$work/base.h5" -o "$work/regions.h5" -s /regions -d /regions
expect 2 "not a telrisk run file" train "$work/regions.h5"
h5copy -i "$work/base.h5" -o "$work/nomodel.h5" -s /subscribers -d /subscribers
expect 2 "nomodel.h5 is not a telrisk run file" score "$work/base.h5" --model "$work/nomodel.h5"
expect 2 "it has no /models" score "$work/base.h5" --model "$work/nomodel.h5" --no-verify
# Crafted tables past the seal (--no-verify): the readers say which, exit 2, never an HDF5 trace
# (a /ledger/cohorts of two dimensions was written past its buffer before they checked shapes).
cp "$work/base.h5" "$work/cohorts2d.h5"
cp "$work/base.h5" "$work/calibration_short.h5"
/usr/bin/python3 - "$work/cohorts2d.h5" "$work/calibration_short.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    rows = f["ledger/cohorts"][:]
    del f["ledger/cohorts"]
    f["ledger/cohorts"] = rows.reshape(2, 4)
with h5py.File(sys.argv[2], "r+") as f:
    rows = f["models/calibration"][:][["grade", "upper"]]
    del f["models/calibration"]
    f["models/calibration"] = rows
PY
expect 2 "its /ledger/cohorts is not 8 cohorts" train "$work/cohorts2d.h5" --no-verify --out "$work/x.h5"
expect 2 "its /models/calibration is not one row per grade" \
    score "$work/base.h5" --model "$work/calibration_short.h5" --no-verify --out "$work/x.h5"
[ ! -e "$work/x.h5" ] || { echo "a refused file left an output"; exit 1; }
echo "errors: a missing --model, a missing file, a CSV, an HDF5 file without features, a run without /models, crafted cohorts and calibration tables"
