#!/usr/bin/env bash
# No subscriber id leaves a run: every output a run and the commands after it make (run files,
# stress parts, checkpoints left by a killed run, logs at --verbose, inspect, verify, --check)
# is searched for every id of the inputs, and none is found. telrisk lookup gives the key that
# the run file holds for a subscriber, and only with the run's key file; a key file others may
# read is refused.
# usage: outputs.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work/out"
out=$work/out
key=$work/secret.key other=$work/other.key
printf '8f14e45fceea167a5a36dedd4bea2543\n' >"$key"
printf '00112233445566778899aabbccddeeff\n' >"$other"
chmod 600 "$key" "$other"
set_all=(--set inputs.dir="$data" --set privacy.key_file="$key" --set stress.scenarios="$scenarios")
# Every command's stdout and stderr, at --verbose, go to one log each.
run() {
    local name=$1 np=$2
    shift 2
    mpiexec -n "$np" "$telrisk" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" ||
        { echo "FAIL: telrisk $* exited $?"; cat "$out/$name.stderr"; exit 1; }
}
run check 2 run --config "$config" --check --verbose "${set_all[@]}" --set output.path="$out/run.h5"
run run 2 run --config "$config" --verbose "${set_all[@]}" --set output.path="$out/run.h5"
run inspect 1 inspect "$out/run.h5" --verbose
run verify 1 verify "$out/run.h5" --verbose
run train 2 train "$out/run.h5" --verbose --out "$out/train.h5"
run stress 2 stress --run "$out/run.h5" --scenarios "$scenarios" --scenario adverse --verbose --out "$out/part.h5"
run merge 1 merge "$out/run.h5" "$out/part.h5" --verbose --out "$out/merged.h5"
run convert 2 convert --config "$config" --verbose "${set_all[@]}" --out "$out/inputs.h5"
# A run killed as it begins to write (TELRISK_TEST_KILL, as in resume.sh) leaves every checkpoint.
TELRISK_TEST_KILL=write mpiexec -n 2 "$telrisk" run --config "$config" --verbose "${set_all[@]}" \
    --set output.path="$out/killed.h5" >"$out/killed.stdout" 2>"$out/killed.stderr" || true
ls "$out"/killed.h5.ckpt-* >/dev/null || { echo "FAIL: the killed run left no checkpoint"; exit 1; }
/usr/bin/python3 "$tools/check_no_ids.py" "$data" "$out"
# Nor the secret itself (the config they store names the key file, not its content).
if grep -rl "$(cat "$key")" "$out"; then echo "FAIL: the secret key is in an output"; exit 1; fi

# lookup: the run file's key for three subscribers, at the row whose region is theirs.
ids=$(awk -F, 'NR > 1 && NR % 997 == 2 { print $1 }' "$data/subscribers.csv" | head -3)
# shellcheck disable=SC2086
"$telrisk" lookup --key-file "$key" $ids >"$work/keys"
# shellcheck disable=SC2086
"$telrisk" lookup --key-file "$other" $ids >"$work/other_keys"
/usr/bin/python3 - "$out/run.h5" "$data/subscribers.csv" "$work/keys" "$work/other_keys" $ids <<'PY'
import csv, sys
import h5py, numpy as np
run, subscribers, keys, other_keys, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
region_of = {row["subscriber_id"]: row["region"] for row in csv.DictReader(open(subscribers))}
keys = [int(k) for k in open(keys).read().split()]
other = [int(k) for k in open(other_keys).read().split()]
assert len(keys) == len(ids) == 3, (keys, ids)
with h5py.File(run, "r") as f:
    stored = f["subscribers/key"][:]
    regions = [n.decode() for n in f["regions/names"][:]]
    region = f["subscribers/region"][:]
    for i, k in zip(ids, keys):
        row = np.searchsorted(stored, np.uint64(k))
        assert row < len(stored) and stored[row] == k, f"lookup's key for {i[:3]}... is not in the run"
        assert regions[region[row]] == region_of[i], "lookup's key is another subscriber's row"
    assert not set(other) & set(int(k) for k in stored), "another key file's keys are in the run"
print(f"lookup: {len(keys)} subscribers' keys found at their own rows; another key file's are not")
PY
chmod 644 "$other"
if "$telrisk" lookup --key-file "$other" 255000000000 >/dev/null 2>"$work/err"; then
    echo "FAIL: a world-readable key file was accepted"; exit 1
fi
grep -q "readable or writable by others" "$work/err" || { cat "$work/err"; exit 1; }
echo "lookup: a key file others may read is refused"
