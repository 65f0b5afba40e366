#!/usr/bin/env bash
# The modeller's control (model.include, exclude, trend, bins, special) on the test country, each
# checked against numpy recounts from the run file's own features (check_models.py re-derives
# every PD too):
#  - excluded features are in no model, with the reason in /models/features and /models/controls;
#  - train with model.include: every used feature is in the list;
#  - manual edges: exactly those bins in /models/bins, their counts and WoE recounted;
#  - per-feature trends: the default rate of the numeric bins monotonic in the stated direction;
#  - a special value: one bin, lower = upper = the value, with its own count, defaults,
#    population and WoE, apart from the numeric bins;
#  - the same /models and /subscribers at 2 and 3 ranks, after --resume at 4 (killed as the model
#    stage began), and from telrisk train of a run without controls at 1 and 4 ranks (the controls
#    apply alike in run and train);
#  - read back as a champion (telrisk score --model): the same PDs, bins and controls, PSI 0;
#  - misspelt names refused, exit 1, naming the key and the nearest feature, in run and train.
# usage: controls.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
run() { mpiexec -n "$1" "$telrisk" "${@:2}" 2>>"$work/log" || { cat "$work/log"; exit 1; }; }
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
tools=$(cd "$(dirname "$0")/../tools" && pwd)
nocturnal=percent_nocturnal__allweek__allday__call__mean
# The run without controls first: two features its national model uses are the ones to exclude,
# and the trend control turns the direction its binning found for the nocturnal share.
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set output.path="$work/plain.h5"
read -r ex1 ex2 turned < <(/usr/bin/python3 - "$work/plain.h5" "$nocturnal" <<'PY'
import sys, h5py
m = h5py.File(sys.argv[1], "r")["models"]
t = lambda b: b.decode() if isinstance(b, bytes) else b
controlled = {"mm_count_out", "mm_amount_sum_in", "mm_amount_p2p", "recharges_gap_cv", sys.argv[2]}
used = [t(n) for n in m["national/coefficients"]["name"][1:] if t(n) not in controlled]
trend = {t(r["name"]): r["trend"] for r in m["features"][:]}[sys.argv[2]]
assert len(used) >= 2 and trend != 0, (used, trend)
print(used[0], used[1], "descending" if trend > 0 else "ascending")
PY
)
controls=(--set "model.exclude=$ex1, $ex2"
          --set "model.trend=auto, $nocturnal:$turned, mm_amount_p2p:ascending, recharges_gap_cv:none"
          --set "model.bins=mm_count_out:1|3|7"
          --set "model.special=mm_amount_sum_in:0"
          --set model.defaults_per_feature=1)
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set output.path="$work/ctl2.h5" "${controls[@]}"
run 3 run --config "$config" --quiet --set inputs.dir="$data" --set output.path="$work/ctl3.h5" "${controls[@]}"
h5diff "$work/ctl2.h5" "$work/ctl3.h5" /models /models
h5diff "$work/ctl2.h5" "$work/ctl3.h5" /subscribers /subscribers
echo "run: the same /models and /subscribers at 2 and 3 ranks"
# Killed as the model stage begins, resumed at 4 ranks from the records checkpoint: the controls
# are checked again against the stored features and give the same bits.
rc=0
TELRISK_TEST_KILL=model mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set output.path="$work/resumed.h5" "${controls[@]}" 2>/dev/null || rc=$?
[ "$rc" != 0 ] && [ ! -e "$work/resumed.h5" ] || { echo "the killed run did not stop (exit $rc)"; exit 1; }
run 4 run --config "$config" --quiet --set inputs.dir="$data" --set output.path="$work/resumed.h5" \
    "${controls[@]}" --resume
h5diff "$work/ctl2.h5" "$work/resumed.h5" /models /models
h5diff "$work/ctl2.h5" "$work/resumed.h5" /subscribers /subscribers
echo "resume: killed at the model stage, resumed at 4 ranks: the same /models and /subscribers"
for np in 1 4; do
    run "$np" train "$work/plain.h5" --quiet --out "$work/train$np.h5" "${controls[@]}"
    h5diff "$work/ctl2.h5" "$work/train$np.h5" /models /models
    h5diff "$work/ctl2.h5" "$work/train$np.h5" /subscribers /subscribers
done
echo "train: a run without controls, retrained with them, gives the controlled run's bits at 1 and 4 ranks"
run 2 train "$work/plain.h5" --quiet --out "$work/include.h5" --set model.defaults_per_feature=1 \
    --set "model.include=data_count, mm_amount_max_in, tenure_days, postpaid, recharges_sum"
/usr/bin/python3 "$tools/check_models.py" "$data" "$work/ctl2.h5" --seed "$seed"
# A stored model with special bins and manual edges, read back as a champion: the same PDs, its
# /models/bins and /models/controls again, every PSI 0.
run 2 score "$work/ctl2.h5" --model "$work/ctl2.h5" --quiet --out "$work/self.h5"
h5diff "$work/ctl2.h5" "$work/self.h5" /subscribers /subscribers
h5diff "$work/ctl2.h5" "$work/self.h5" /models/bins /models/bins
h5diff "$work/ctl2.h5" "$work/self.h5" /models/controls /models/controls
/usr/bin/python3 - "$work/self.h5" <<'PY'
import sys, h5py
psi = h5py.File(sys.argv[1], "r")["monitoring/feature_psi"][:]
assert len(psi) and all(p == 0 for p in psi["psi"]), psi
PY
echo "score: the controlled model read back as champion: same PDs, bins and controls, PSI 0"

/usr/bin/python3 - "$work/ctl2.h5" "$work/include.h5" "$work/plain.h5" "$nocturnal" "$ex1" "$ex2" \
    "$turned" <<'PY'
import sys
import h5py, numpy as np
f, inc, plain = (h5py.File(p, "r") for p in sys.argv[1:4])
nocturnal, excluded, turned = sys.argv[4], sys.argv[5:7], sys.argv[7]
t = lambda b: b.decode() if isinstance(b, bytes) else b
m, s = f["models"], f["subscribers"]
names = [t(n) for n in s["features"].attrs["names"]]
x = s["features"][:]
train = (s["holdout"][:] == 0) & (s["label"][:] >= 0)
y = s["label"][:]
bins = m["bins"][:]
feats = {t(r["name"]): r for r in m["features"][:]}
ctl = {t(r["name"]): r for r in m["controls"][:]}
settings = t(m.attrs["settings"])
assert f"exclude={excluded[0]}, {excluded[1]};" in settings and "special=mm_amount_sum_in:0" in settings, settings
assert "bins=mm_count_out:1|3|7;" in settings and f"{nocturnal}:{turned}" in settings, settings

def used(g):
    return {t(n) for n in g["coefficients"]["name"][1:]} if "coefficients" in g else set()
groups = [m["national"]] + list(m["regions"].values())

# exclude: in the plain run's models, in none of these
plain_used = used(plain["models/national"])
assert set(excluded) <= plain_used, plain_used
for name in excluded:
    assert all(name not in used(g) for g in groups), name
    assert feats[name]["used"] == 0 and t(feats[name]["dropped"]) == "in model.exclude"
    assert ctl[name]["candidate"] == 0 and t(ctl[name]["control"]) == "in model.exclude"
assert sum(c["candidate"] for c in ctl.values()) == len(names) - 2
print(f"exclude: {excluded[0]}, {excluded[1]} in no model (the plain run used {len(plain_used)} features, these both)")

# include (train): every used feature is listed
listed = {"data_count", "mm_amount_max_in", "tenure_days", "postpaid", "recharges_sum"}
inc_used = set().union(*(used(g) for g in [inc["models/national"], *inc["models/regions"].values()]))
assert inc_used and inc_used <= listed, inc_used
inc_feats = {t(r["name"]): r for r in inc["models/features"][:]}
assert all(t(inc_feats[n]["dropped"]) == "not in model.include" for n in names if n not in listed)
print(f"include: {len(inc_used)} features used, all of the {len(listed)} listed: {sorted(inc_used)}")

def rows_of(name):
    return bins[bins["name"] == name.encode()]

def woe(c, d, total, bad):
    return np.log((c - d + 0.5) / (total - bad + 0.5)) - np.log((d + 0.5) / (bad + 0.5))

# manual edges: exactly those bins, recounted
name = "mm_count_out"
r = rows_of(name)
num = r[(r["missing"] == 0) & (r["special"] == 0)]
assert list(num["lower"]) == [-np.inf, 1, 3, 7] and list(num["upper"]) == [1, 3, 7, np.inf], num
v = x[:, names.index(name)]
total, bad = train.sum(), y[train].sum()
for b in num:
    inb = train & (v >= b["lower"]) & (v < b["upper"])
    assert b["count"] == inb.sum() and b["defaults"] == y[inb].sum(), (b, inb.sum())
    assert abs(b["woe"] - woe(inb.sum(), y[inb].sum(), total, bad)) < 1e-12
assert t(ctl[name]["edges"]) == "manual" and feats[name]["bins"] == 4
print(f"bins: {name} in exactly [-inf, 1), [1, 3), [3, 7), [7, inf): {list(num['count'])} training rows")

# trends: the default rate monotonic in the stated direction over the numeric bins (what the
# trend constrains, docs/models.md; the WoE's +0.5 smoothing may reorder two nearly equal rates)
for name, direction in ((nocturnal, -1 if turned == "descending" else 1), ("mm_amount_p2p", 1)):
    r = rows_of(name)
    n = r[(r["missing"] == 0) & (r["special"] == 0) & (r["count"] > 0)]
    rate = n["defaults"] / n["count"]
    assert len(rate) >= 2 or name == "mm_amount_p2p", (name, rate)
    assert np.all(direction * np.diff(rate) >= 0), (name, rate)
    assert t(ctl[name]["trend"]) == ("descending" if direction < 0 else "ascending")
    assert feats[name]["trend"] in (direction, 0), feats[name]["trend"]
plain_feats = {t(r["name"]): r for r in plain["models/features"][:]}
assert plain_feats[nocturnal]["trend"] == (1 if turned == "descending" else -1), "the control turns auto's"
assert t(ctl["recharges_gap_cv"]["trend"]) == "none" and t(ctl["data_count"]["trend"]) == "auto"
print(f"trend: {nocturnal} {turned} (auto: the other way), mm_amount_p2p ascending, default rates monotonic")

# special value: its own bin, counted apart
name = "mm_amount_sum_in"
r = rows_of(name)
sp = r[r["special"] == 1]
assert len(sp) == 1 and sp["lower"][0] == 0 and sp["upper"][0] == 0, sp
v = x[:, names.index(name)]
zero = train & (v == 0)
assert sp["count"][0] == zero.sum() and sp["defaults"][0] == y[zero].sum()
assert sp["population"][0] == (v == 0).sum()
assert abs(sp["woe"][0] - woe(zero.sum(), y[zero].sum(), total, bad)) < 1e-12
num = r[(r["missing"] == 0) & (r["special"] == 0)]
assert num["count"].sum() == (train & (v != 0) & ~np.isnan(v)).sum()
assert num["lower"][1] > 0, "the quantile cuts see the non-zero values only"
assert t(ctl[name]["special"]) == "0"
print(f"special: {name} = 0 alone: {zero.sum()} training rows, {y[zero].sum()} defaults, WoE {sp['woe'][0]:.4f}")
PY

# Misspelt names: exit 1, the key and the nearest feature named (run checks before the long stages).
expect_refused() {
    local want=$1; shift
    set +e
    "$@" >"$work/out" 2>&1
    local rc=$?
    set -e
    [ "$rc" = 1 ] || { cat "$work/out"; echo "exit $rc, want 1: $*"; exit 1; }
    grep -qF "$want" "$work/out" || { cat "$work/out"; echo "no '$want'"; exit 1; }
}
expect_refused "model.exclude: unknown feature 'recharges_maen' (did you mean 'recharges_mean'?)" \
    mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set output.path="$work/bad.h5" --set "model.exclude=recharges_maen"
[ ! -e "$work/bad.h5" ] || { echo "a refused run left its file"; exit 1; }
expect_refused "model.trend: unknown feature 'data_sun' (did you mean 'data_sum'?)" \
    mpiexec -n 3 "$telrisk" train "$work/plain.h5" --quiet --out "$work/bad.h5" \
    --set "model.trend=data_sun:ascending"
expect_refused "model.special: unknown feature 'tenure' (did you mean 'tenure_days'?)" \
    mpiexec -n 1 "$telrisk" train "$work/plain.h5" --quiet --out "$work/bad.h5" \
    --set "model.special=tenure:0"
expect_refused "model.bins: mm_count_out: '7|3': the values must be increasing" \
    mpiexec -n 2 "$telrisk" train "$work/plain.h5" --quiet --out "$work/bad.h5" \
    --set "model.bins=mm_count_out:7|3"
echo "misspelt names and bad edges: exit 1, naming the key and the nearest feature"
