#!/usr/bin/env bash
# Honest lineage (issue 19):
#  - train with model.holdout / model.horizon_days / model.oot_date (samples and labels drawn at
#    ingest) is refused, exit 1, naming each key, and writes nothing; model.lambda is applied:
#    /models' settings, the root config and the history row all say 0.5, the samples unchanged;
#  - /provenance/history grows by one row per command over run -> train -> score -> stress ->
#    merge, each row's command, config checksum and inputs (root checksums, the champion) right;
#  - no writing command writes over a file without --force (exit 2, the file untouched);
#  - verify finds a history row tampered with (the seal covers it).
# usage: lineage.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000
fail() { echo "lineage: $*"; cat "$work/log" 2>/dev/null; exit 1; }
t() { mpiexec -n 2 "$telrisk" "$@" --quiet 2>>"$work/log" || fail "telrisk $*"; }
scenarios=$(cd "$(dirname "$0")/../.." && pwd)/inputs/scenarios/regulatory.ini
t run --config "$config" --set inputs.dir="$data" --set output.path="$work/run.h5"
cp "$work/run.h5" "$work/run0.h5"

set +e
mpiexec -n 2 "$telrisk" train "$work/run.h5" --set model.holdout=0.5 --set model.horizon_days=30 \
    --set model.oot_date=2020-03-01 --out "$work/refused.h5" >"$work/out" 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "train with holdout/horizon_days/oot_date: exit $rc, not 1"
grep -q "model.holdout cannot be applied" "$work/out" || fail "holdout not named"
grep -q "model.horizon_days cannot be applied" "$work/out" || fail "horizon_days not named"
grep -q "model.oot_date cannot be applied" "$work/out" || fail "oot_date not named"
[ ! -e "$work/refused.h5" ] || fail "a refused train wrote a file"

t train "$work/run.h5" --set model.lambda=0.5 --out "$work/train.h5"
cp "$work/train.h5" "$work/train0.h5"
t score "$work/train.h5" --model "$work/run.h5" --force
t stress --run "$work/train.h5" --scenarios "$scenarios" --scenario adverse --force
t stress --run "$work/train.h5" --scenarios "$scenarios" --scenario severely_adverse --out "$work/part.h5"
t merge "$work/train.h5" "$work/part.h5" --out "$work/merged.h5"
for f in run train merged part; do "$telrisk" verify "$work/$f.h5" >/dev/null || fail "$f.h5 not intact"; done

# Each writing command refuses an existing output without --force, and leaves it as it was.
refuse() {
    local before
    before=$(sha256sum "$1" | cut -d' ' -f1)
    set +e
    mpiexec -n 2 "$telrisk" "${@:2}" --quiet >"$work/out" 2>&1
    local rc=$?
    set -e
    [ $rc = 2 ] || fail "${*:2}: exit $rc over an existing file, not 2"
    grep -q "exists: telrisk writes over a file only with --force" "$work/out" || fail "${*:2}: no reason"
    [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$before" ] || fail "${*:2}: the file changed"
}
refuse "$work/run.h5" run --config "$config" --set inputs.dir="$data" --set output.path="$work/run.h5"
refuse "$work/run.h5" train "$work/run.h5"
refuse "$work/train.h5" train "$work/run.h5" --out "$work/train.h5"
refuse "$work/train.h5" score "$work/train.h5" --model "$work/run.h5"
refuse "$work/train.h5" stress --run "$work/train.h5" --scenarios "$scenarios" --scenario adverse
refuse "$work/part.h5" stress --run "$work/train.h5" --scenarios "$scenarios" --out "$work/part.h5"
refuse "$work/train.h5" merge "$work/train.h5" "$work/part.h5"
refuse "$work/merged.h5" merge "$work/train.h5" "$work/part.h5" --out "$work/merged.h5"
echo "lineage: run, train, score, stress (in place and part), merge refuse an existing output without --force"

/usr/bin/python3 - "$work" <<'PY'
import hashlib, os, sys
import h5py, numpy as np
w = sys.argv[1]
def rows(name):
    with h5py.File(os.path.join(w, name), "r") as f:
        return [{k: r[k].decode() for k in r.dtype.names} for r in f["provenance/history"][:]]
def root(name):
    with h5py.File(os.path.join(w, name), "r") as f:
        return f.attrs["checksum"], f.attrs.get("config", "")  # text attributes are str
def cs(text):
    return "blake2b-256:" + hashlib.blake2b(text.encode(), digest_size=32).hexdigest()
def fail(msg):
    sys.exit("lineage: " + msg)
run, train, merged = rows("run0.h5"), rows("train0.h5"), rows("merged.h5")
got = [r["command"] for r in merged]
if [r["command"] for r in run] != ["run"] or [r["command"] for r in train] != ["run", "train"]:
    fail("run / train rows: %s %s" % (run, train))
if got != ["run", "train", "score", "stress", "merge"]:
    fail("merged history: %s" % got)
if merged[:2] != train[:2] and merged[0] != run[0]:
    fail("older rows changed on the way")
for r in merged:
    if r["config_checksum"] != cs(r["config"]) or not r["command_line"].startswith("telrisk " + r["command"]):
        fail("row %s: config checksum or command line" % r["command"])
    if r["time_utc"] != "2023-11-14T22:13:20Z" or not r["telrisk_version"]:
        fail("row %s: time or version (SOURCE_DATE_EPOCH)" % r["command"])
def inputs(r):
    return [tuple(l.split("\t")) for l in r["inputs"].splitlines()]
run_sum, run_config = root("run0.h5")
if run[0]["config"] != run_config or merged[0]["inputs"] != "":
    fail("row 1: the run's config, no input file")
# train: read the run (its root checksum), applied lambda 0.5, wrote that config.
t = merged[1]
if inputs(t) != [("run file", os.path.realpath(os.path.join(w, "run.h5")), run_sum)]:
    fail("train's inputs: %s" % inputs(t))
if "lambda = 0.5" not in t["config"]:
    fail("train's config does not say what it applied")
with h5py.File(os.path.join(w, "train0.h5"), "r") as f, h5py.File(os.path.join(w, "run0.h5"), "r") as g:
    if f.attrs["config"] != t["config"] or t["file_config_checksum"] != cs(t["config"]):
        fail("train.h5's root config is not the config train applied")
    if "lambda=0.5" not in f["models"].attrs["settings"]:
        fail("/models settings")
    if (f["subscribers/holdout"][:] != g["subscribers/holdout"][:]).any():
        fail("train moved the samples drawn at ingest")
# score: the run file it read and the champion, absolute path and root checksum.
s = merged[2]
if [i[0] for i in inputs(s)] != ["run file", "champion"] or inputs(s)[1][1:] != (os.path.realpath(os.path.join(w, "run.h5")), run_sum):
    fail("score's inputs: %s" % inputs(s))
m = merged[4]
part_sum, _ = root("part.h5")
if inputs(m)[1] != ("stress part", os.path.realpath(os.path.join(w, "part.h5")), part_sum):
    fail("merge's inputs: %s" % inputs(m))
if m["config"] != "":
    fail("merge applies no config, yet its row has one")
with h5py.File(os.path.join(w, "part.h5"), "r") as f:
    if [r["command"].decode() for r in f["provenance/history"][:]] != ["stress"]:
        fail("the part file's history")
print("lineage: history run -> train -> score -> stress -> merge, one row each; configs, inputs, champion right; train applied lambda 0.5")
PY

# verify: a history row changed is found (the seal covers /provenance/history).
cp "$work/merged.h5" "$work/tampered.h5"
/usr/bin/python3 - "$work/tampered.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["provenance/history"]
    r = d[1]
    r["command_line"] = r["command_line"].replace(b"lambda=0.5", b"lambda=0.3")
    d[1] = r
PY
set +e
"$telrisk" verify "$work/tampered.h5" >"$work/out" 2>&1; rc=$?
set -e
[ $rc = 2 ] && grep -q "provenance/history" "$work/out" || fail "verify missed a tampered row (exit $rc)"
echo "lineage: verify finds a history row tampered with"
