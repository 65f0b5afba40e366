#!/usr/bin/env bash
# Run-file integrity: every file telrisk writes (a run, a resumed run, train, score, a stress part
# and its merge) is sealed, and telrisk verify finds it intact; any flipped byte inside a
# dataset's storage or a text attribute's, a value or attribute changed through HDF5, a removed
# checksum and a truncation are each reported with exit 2, naming the object.
# usage: verify.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
common=(--config "$config" --quiet --set inputs.dir="$data" --set stress.scenarios="$scenarios")
mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$work/run.h5" 2>"$work/log" ||
    { cat "$work/log"; fail "run"; }
TELRISK_TEST_KILL=write mpiexec -n 2 "$telrisk" run "${common[@]}" \
    --set output.path="$work/resumed.h5" 2>/dev/null && fail "the killed run exited 0"
mpiexec -n 3 "$telrisk" run "${common[@]}" --set output.path="$work/resumed.h5" --resume \
    2>"$work/log" || { cat "$work/log"; fail "resume"; }
mpiexec -n 2 "$telrisk" train "$work/run.h5" --quiet --out "$work/train.h5" 2>>"$work/log"
mpiexec -n 2 "$telrisk" score "$work/run.h5" --model "$work/train.h5" --quiet --out "$work/score.h5" 2>>"$work/log"
mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" --scenario adverse \
    --quiet --out "$work/part.h5"
mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/part.h5" --quiet --out "$work/merged.h5"
for f in run resumed train score part merged; do
    "$telrisk" verify "$work/$f.h5" >"$work/verify.out" || { cat "$work/verify.out"; fail "$f.h5 is not intact"; }
    grep -q "$f.h5: intact" "$work/verify.out" || fail "verify printed $(cat "$work/verify.out")"
done
echo "verify: run, resumed, train, score, stress part and merge files are sealed and intact"

# expect_damage FILE PATTERN: verify exits 2 and names what is wrong.
expect_damage() {
    local rc=0
    "$telrisk" verify "$1" >"$work/verify.out" 2>&1 || rc=$?
    [ $rc -eq 2 ] || { cat "$work/verify.out"; fail "verify $1 exited $rc, not 2"; }
    grep -q -- "$2" "$work/verify.out" || { cat "$work/verify.out"; fail "verify $1 does not say '$2'"; }
}
/usr/bin/python3 - "$telrisk" "$work" <<'PY'
import random, shutil, subprocess, sys
import h5py
telrisk, work = sys.argv[1], sys.argv[2]
run = f"{work}/run.h5"
spans = []  # (first byte, end, name) of every contiguous dataset with storage
with h5py.File(run, "r") as f:
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.id.get_offset() is not None and obj.id.get_storage_size():
            spans.append((obj.id.get_offset(), obj.id.get_offset() + obj.id.get_storage_size(), name))
    f.visititems(visit)
    regions = sorted(f["models/regions"])  # the regional models' groups, by (escaped) name
assert len(spans) > 30, spans
data = open(run, "rb").read()
random.seed(4)
# Every dataset gets one flip, plus 20 more at random places in the datasets' storage.
picks = [(a + random.randrange(b - a), name) for a, b, name in spans]
for _ in range(20):
    a, b, name = random.choice(spans)
    picks.append((a + random.randrange(b - a), name))
for at, name in picks:
    damaged = bytearray(data)
    damaged[at] ^= 1 << random.randrange(8)
    open(f"{work}/flip.h5", "wb").write(damaged)
    r = subprocess.run([telrisk, "verify", f"{work}/flip.h5"], capture_output=True, text=True)
    assert r.returncode == 2, f"a flipped bit at {at} (in {name}) passed verify: {r.stdout}{r.stderr}"
    assert f"dataset {name} differs from its checksum" in r.stderr, (name, r.stderr)
print(f"verify: {len(picks)} flipped bits in the storage of {len(spans)} datasets, each found and named")
# Changes made through HDF5 itself, as someone editing the file would.
for what, edit in [
    ("dataset subscribers/pd", lambda f: f["subscribers/pd"].__setitem__(0, 0.5)),
    ("group models", lambda f: f["models"].attrs.__setitem__("lambda", 0.0)),
    ("group /", lambda f: f.attrs.__setitem__("seed", 1)),
    ("dataset rejects has no checksum", lambda f: f["rejects"].attrs.__delitem__("checksum")),
]:
    shutil.copy(run, f"{work}/edit.h5")
    with h5py.File(f"{work}/edit.h5", "r+") as f:
        edit(f)
    r = subprocess.run([telrisk, "verify", f"{work}/edit.h5"], capture_output=True, text=True)
    assert r.returncode == 2 and what in r.stderr, (what, r.returncode, r.stderr)
print("verify: a value, a group's attribute, a root attribute changed and a checksum removed are each found")
# A flipped bit in a text attribute's bytes: variable-length, they lie in the file's global heap,
# outside every dataset's storage, and the seal hashes the text (never the pointer HDF5 reads).
with h5py.File(run, "r") as f:
    settings = f["models"].attrs["settings"].encode()
at = data.find(settings)
assert at > 0 and data.find(settings, at + 1) < 0, "the text of /models' settings is not in the file once"
damaged = bytearray(data)
damaged[at + len(settings) // 2] ^= 1
open(f"{work}/flip.h5", "wb").write(damaged)
r = subprocess.run([telrisk, "verify", f"{work}/flip.h5"], capture_output=True, text=True)
assert r.returncode == 2 and "group models differs from its checksum" in r.stderr, (r.returncode, r.stderr)
print("verify: a flipped bit in the text of a (variable-length) attribute is found")
# Which objects exist and where (the root's manifest): deleted, added, renamed and swapped objects,
# each intact in itself, fail verify naming them.
def swap(f, a, b):
    f.move(a, a + "_tmp"), f.move(b, a), f.move(a + "_tmp", b)
for whats, edit in [
    (["dataset rejects is in the manifest but absent"], lambda f: f.__delitem__("rejects")),
    (["dataset crosschecks/alerts is in the manifest but absent"],
     lambda f: f.__delitem__("crosschecks/alerts")),
    (["group stress/baseline is in the manifest but absent"], lambda f: f.__delitem__("stress/baseline")),
    (["dataset extra is not in the manifest"], lambda f: f.create_dataset("extra", data=[1, 2])),
    (["dataset rejects is in the manifest but absent", "dataset rejected is not in the manifest"],
     lambda f: f.move("rejects", "rejected")),
    (["group stress/adverse is not the object the manifest sealed there",
      "group stress/severely_adverse is not the object the manifest sealed there"],
     lambda f: swap(f, "stress/adverse", "stress/severely_adverse")),
    ([f"group models/regions/{regions[1]} is not the object the manifest sealed there"],
     lambda f: swap(f, f"models/regions/{regions[1]}", f"models/regions/{regions[2]}")),
    (["group / differs from its checksum"], lambda f: f.attrs.__setitem__("manifest", [b"group x y"])),
]:
    shutil.copy(run, f"{work}/edit.h5")
    with h5py.File(f"{work}/edit.h5", "r+") as f:
        edit(f)
    r = subprocess.run([telrisk, "verify", f"{work}/edit.h5"], capture_output=True, text=True)
    assert r.returncode == 2 and all(w in r.stderr for w in whats), (whats, r.returncode, r.stderr)
print("verify: deleted, added, renamed and swapped objects and an edited manifest are each found")
PY
head -c $(($(stat -c %s "$work/run.h5") - 4096)) "$work/run.h5" >"$work/truncated.h5"
expect_damage "$work/truncated.h5" "cannot be read as HDF5"
printf 'not hdf5\n' >"$work/text.h5"
expect_damage "$work/text.h5" "cannot be read as HDF5"
echo "verify: a truncated file and a text file: exit 2, cannot be read"
