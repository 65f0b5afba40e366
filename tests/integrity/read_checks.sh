#!/usr/bin/env bash
# What telrisk reads, it verifies first (issue 18): train, score, stress, merge and inspect on a
# run file with one flipped bit exit 2 naming the file and the damaged object, and work with
# --no-verify (the file they write records its unverified input); a resumed run refuses a
# bit-flipped checkpoint and writes no run file; merge refuses a part made from another loan book
# even with SOURCE_DATE_EPOCH and the seed the same; a run with another config leaves a previous
# run's checkpoints byte for byte (and says so), which then still resume; a full disk while a
# checkpoint or a file is written: exit 2, the path and the reason, no temporary file, no HDF5
# trace.
# usage: read_checks.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
export SOURCE_DATE_EPOCH=1700000000 # every file's created_utc the same: matching must not need it
common=(--config "$config" --quiet --set inputs.dir="$data" --set stress.scenarios="$scenarios")
mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$work/run.h5" 2>"$work/log" ||
    { cat "$work/log"; fail "run"; }
mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" --scenario adverse \
    --quiet --out "$work/part.h5" || fail "stress part"

# flip FILE OBJECT OUT: OUT is FILE with one bit of OBJECT's storage flipped.
flip() {
    /usr/bin/python3 - "$@" <<'PY'
import sys, h5py
src, obj, out = sys.argv[1:]
data = bytearray(open(src, "rb").read())
with h5py.File(src, "r") as f:
    d = f[obj].id
    if d.get_offset() is None:  # chunked (deflated): the middle of its first chunk as stored
        chunk = d.get_chunk_info(0)
        at = chunk.byte_offset + chunk.size // 2
    else:
        at = d.get_offset() + d.get_storage_size() // 2
data[at] ^= 0x04
open(out, "wb").write(data)
PY
}
flip "$work/run.h5" subscribers/features "$work/flipped.h5"
flip "$work/part.h5" stress/adverse/regions "$work/flipped_part.h5"

# expect CODE PATTERN CMD...: CMD exits CODE and its stderr says PATTERN.
expect() {
    local code=$1 pattern=$2 rc=0
    shift 2
    "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ $rc -eq "$code" ] || { cat "$work/err"; fail "$* exited $rc, not $code"; }
    grep -q -- "$pattern" "$work/err" || { cat "$work/err"; fail "$*: no '$pattern' in its messages"; }
}
damaged="flipped.h5 is damaged or altered: dataset subscribers/features differs from its checksum"
expect 2 "$damaged" mpiexec -n 2 "$telrisk" train "$work/flipped.h5" --quiet --out "$work/t.h5"
expect 2 "$damaged" mpiexec -n 2 "$telrisk" score "$work/flipped.h5" --model "$work/run.h5" --quiet --out "$work/s.h5"
expect 2 "--model $work/flipped.h5 is damaged" mpiexec -n 2 "$telrisk" score "$work/run.h5" --model "$work/flipped.h5" --quiet --out "$work/s.h5"
expect 2 "$damaged" mpiexec -n 2 "$telrisk" inspect "$work/flipped.h5" --quiet
expect 2 "$damaged" mpiexec -n 2 "$telrisk" stress --run "$work/flipped.h5" --scenarios "$scenarios" --scenario adverse --quiet --out "$work/p.h5"
expect 2 "$damaged" mpiexec -n 1 "$telrisk" merge "$work/flipped.h5" "$work/part.h5" --quiet --out "$work/m.h5"
expect 2 "flipped_part.h5 is damaged or altered: dataset stress/adverse/regions differs" \
    mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/flipped_part.h5" --quiet --out "$work/m.h5"
for f in t s p m; do [ ! -e "$work/$f.h5" ] || fail "$f.h5 was written from a damaged file"; done
echo "read checks: train, score (run and --model), inspect, stress and merge (run and part) refuse a flipped bit, exit 2, naming the file and object"

# A flipped bit inside a deflated chunk no longer inflates: read with --no-verify, that is an
# input error (exit 2) naming the dataset and file, with no HDF5 trace.
expect 2 "cannot read /subscribers/features of $work/flipped.h5: its stored data is damaged" \
    mpiexec -n 2 "$telrisk" train "$work/flipped.h5" --no-verify --quiet --out "$work/t.h5"
! grep -q "HDF5-DIAG" "$work/err" || { cat "$work/err"; fail "an HDF5 trace without --verbose"; }
[ ! -e "$work/t.h5" ] || fail "t.h5 was written from an undecodable file"

# --no-verify: they work on an altered file (one feature value rewritten, so it decodes), say
# so, and the file written says which input was not verified.
cp "$work/run.h5" "$work/flipped.h5"
/usr/bin/python3 - "$work/flipped.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["subscribers/features"]
    d[0, 0] = d[0, 0] + 1
PY
expect 2 "$damaged" mpiexec -n 2 "$telrisk" inspect "$work/flipped.h5" --quiet
expect 0 "--no-verify: run file $work/flipped.h5 is read without checking" \
    mpiexec -n 2 "$telrisk" train "$work/flipped.h5" --no-verify --quiet --out "$work/t.h5"
expect 0 "--no-verify" mpiexec -n 2 "$telrisk" score "$work/flipped.h5" --model "$work/run.h5" --no-verify --quiet --out "$work/s.h5"
expect 0 "--no-verify" mpiexec -n 2 "$telrisk" stress --run "$work/flipped.h5" --scenarios "$scenarios" --scenario adverse --no-verify --quiet --out "$work/p.h5"
expect 0 "--no-verify" mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/flipped_part.h5" --no-verify --quiet --out "$work/m.h5"
mpiexec -n 2 "$telrisk" inspect "$work/flipped.h5" --no-verify --quiet >"$work/inspect.out" 2>"$work/err" ||
    fail "inspect --no-verify"
grep -q "^national" "$work/inspect.out" || fail "inspect --no-verify printed no table"
/usr/bin/python3 - "$work" <<'PY'
import sys, h5py
w = sys.argv[1]
for name, obj, want in [("t", "provenance", "flipped.h5"), ("s", "provenance", "flipped.h5"),
                        ("p", "/", "flipped.h5"), ("m", "provenance", "flipped_part.h5")]:
    with h5py.File(f"{w}/{name}.h5", "r") as f:
        got = f[obj].attrs.get("unverified_inputs", "")
        assert want in got, (name, got)
with h5py.File(f"{w}/run.h5", "r") as f:
    assert "unverified_inputs" not in f["provenance"].attrs
print("read checks: --no-verify works for train, score, stress, merge and inspect; each file written names its unverified input")
PY

# A records checkpoint with a flipped bit is refused by --resume: exit 2, named, no run file.
ck=(--set output.path="$work/ck.h5")
TELRISK_TEST_KILL=model mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" 2>/dev/null &&
    fail "the killed run exited 0"
records=$(ls "$work"/ck.h5.ckpt-*-records.h5)
flip "$records" subscribers/features "$work/ckpt_flipped.h5"
mv "$work/ckpt_flipped.h5" "$records"
expect 2 "checkpoint $records is damaged or altered: dataset subscribers/features differs" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" --resume
[ ! -e "$work/ck.h5" ] || fail "a run file was sealed from a damaged checkpoint"
# A model checkpoint too (the chain is verified, not only its first link).
rm -f "$work"/ck.h5.ckpt-*
TELRISK_TEST_KILL=stress mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" 2>/dev/null &&
    fail "the killed run exited 0"
model=$(ls "$work"/ck.h5.ckpt-*-model.h5)
flip "$model" portfolio/loans "$work/ckpt_flipped.h5"
mv "$work/ckpt_flipped.h5" "$model"
expect 2 "checkpoint $model is damaged or altered: dataset portfolio/loans differs" \
    mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" --resume
[ ! -e "$work/ck.h5" ] || fail "a run file was sealed from a damaged model checkpoint"
echo "read checks: a bit-flipped records or model checkpoint is refused by --resume (exit 2, named); no run file"

# Another loan book, the same seed and created_utc: its part is refused by merge.
mkdir -p "$work/other"
cp -r "$data"/. "$work/other/"
# every open loan owes 1.5 times as much (the EAD /stress/adverse is computed on; still within
# inputs.max_outstanding_ratio of its amount)
awk -F, -v OFS=, 'NR > 1 && $8 == "open" { $7 = sprintf("%.2f", 1.5 * $7) } { print }' \
    "$data/loans.csv" >"$work/other/loans.csv"
mpiexec -n 2 "$telrisk" run "${common[@]}" --set inputs.dir="$work/other" \
    --set output.path="$work/other.h5" 2>/dev/null || fail "the other run"
mpiexec -n 2 "$telrisk" stress --run "$work/other.h5" --scenarios "$scenarios" --scenario adverse \
    --quiet --out "$work/other_part.h5" || fail "the other run's part"
/usr/bin/python3 - "$work" <<'PY'
import sys, h5py
w = sys.argv[1]
with h5py.File(f"{w}/run.h5") as a, h5py.File(f"{w}/other.h5") as b:
    assert a.attrs["created_utc"] == b.attrs["created_utc"] and a.attrs["seed"] == b.attrs["seed"]
    ea, eb = a["portfolio/loans"]["ead"].sum(), b["portfolio/loans"]["ead"].sum()
    assert eb > 1.4 * ea > 0, (ea, eb)
PY
expect 2 "other_part.h5: made from another run" \
    mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/other_part.h5" --quiet --out "$work/m2.h5"
[ ! -e "$work/m2.h5" ] && [ ! -e "$work/m2.h5.merge-tmp" ] || fail "merge left a file"
mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/part.h5" --quiet --out "$work/m2.h5" ||
    fail "merge of the run's own part"
echo "read checks: merge refuses a part of another loan book (same seed, same created_utc), takes the run's own"

# A run with another config never touches a previous run's checkpoints.
rm -f "$work"/ck.h5.ckpt-*
TELRISK_TEST_KILL=stress mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" 2>/dev/null &&
    fail "the killed run exited 0"
sha256sum "$work"/ck.h5.ckpt-* >"$work/ckpt.sha"
[ "$(wc -l <"$work/ckpt.sha")" -eq 2 ] || fail "the killed run left $(cat "$work/ckpt.sha")"
mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" --set model.lambda=5 2>"$work/err" ||
    { cat "$work/err"; fail "the run with another config"; }
grep -q "2 file(s) beside output.path are another run's checkpoints" "$work/err" ||
    { cat "$work/err"; fail "the other config's run did not say it left the checkpoints"; }
sha256sum -c --quiet "$work/ckpt.sha" || fail "another config's run changed or removed the checkpoints"
# --resume with another config takes none of them: it starts from the inputs, saying why
mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" --set model.lambda=7 --resume --force 2>"$work/err" ||
    { cat "$work/err"; fail "--resume with another config"; }
grep -q "no checkpoint of this run.*starting from the inputs" "$work/err" ||
    { cat "$work/err"; fail "--resume with another config did not say why it started over"; }
sha256sum -c --quiet "$work/ckpt.sha" || fail "--resume with another config changed or removed the checkpoints"
mpiexec -n 2 "$telrisk" run "${common[@]}" "${ck[@]}" --resume --force 2>/dev/null || fail "the first run's resume"
ls "$work"/ck.h5.ckpt-* >/dev/null 2>&1 && fail "its resume left checkpoints"
"$telrisk" verify "$work/ck.h5" >/dev/null || fail "the resumed file is not intact"
echo "read checks: another config's run (fresh or --resume) leaves a run's checkpoints byte for byte; they still resume"

# A full disk (a 2 MiB tmpfs) while a checkpoint, a run file or a copy is written.
full="$work/full"
mkdir -p "$full"
if ! mount -t tmpfs -o size=2M tmpfs "$full" 2>/dev/null; then
    echo "SKIP: cannot mount a tmpfs (not root): the full-disk cases are not run"
    exit 77
fi
trap 'umount "$full" 2>/dev/null || true' EXIT
expect_full() { # PATH CMD...: exit 2, the path and the reason, no HDF5 trace, no temporary file
    local path=$1
    shift
    expect 2 "cannot .*$path.*No space left on device" "$@"
    grep -q "HDF5-DIAG\|H5Dwrite\|#0[0-9][0-9]:" "$work/err" && { cat "$work/err"; fail "an HDF5 trace: $*"; }
    ls "$full" | grep -q "tmp" && { ls -la "$full"; fail "a temporary file left: $*"; }
    return 0
}
expect_full "$full/r.h5.ckpt-" mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$full/r.h5"
expect_full "$full/t.h5" mpiexec -n 2 "$telrisk" train "$work/run.h5" --quiet --out "$full/t.h5"
expect_full "$full/m.h5" mpiexec -n 1 "$telrisk" merge "$work/run.h5" "$work/part.h5" --quiet --out "$full/m.h5"
# The part file (64 KiB) fits only when nearly nothing is free: HDF5 fails inside its writes.
dd if=/dev/zero of="$full/filler" bs=4k count=500 2>/dev/null || true
expect_full "$full/p.h5" mpiexec -n 2 "$telrisk" stress --run "$work/run.h5" --scenarios "$scenarios" \
    --quiet --out "$full/p.h5"
echo "read checks: a full disk while a checkpoint, a copy or a part is written: exit 2, path and reason, no trace, no temporary file"
