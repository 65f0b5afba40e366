#!/usr/bin/env bash
# telrisk lookup reads ids from standard input, normalises them as documented and checks them
# against a run: the test country run with a key file, then
#  - 1,000 subscriber ids on standard input give the keys the same ids give as arguments (in
#    64s) and, for every 50th, one by one; each key is at the row of its subscriber's region;
#  - "+ID", " ID " and "ID" give one key; each normalised id is warned of by its place, and no
#    id's digits appear on standard error; "-" reads standard input among arguments;
#  - with --run, an id the run does not hold is reported (its place and key), the others not;
#  - an empty id is exit 1.
# usage: lookup.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$(cd "$3" && pwd) work=$4
rm -rf "$work"
mkdir -p "$work"
key=$work/secret.key
printf '8f14e45fceea167a5a36dedd4bea2543\n' >"$key"
chmod 600 "$key"
fail() { echo "FAIL: $*"; exit 1; }
mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set privacy.key_file="$key" --set output.path="$work/run.h5" 2>"$work/run.log" ||
    { cat "$work/run.log"; fail "the run"; }
look() { "$telrisk" lookup --key-file "$key" --run "$work/run.h5" "$@"; }
awk -F, 'NR > 1 && NR <= 1001 { print $1 }' "$data/subscribers.csv" >"$work/ids"
[ "$(wc -l <"$work/ids")" = 1000 ] || fail "1000 ids"
look <"$work/ids" >"$work/stdin.keys" 2>"$work/stdin.err"
xargs -n 64 "$telrisk" lookup --key-file "$key" --run "$work/run.h5" <"$work/ids" >"$work/args.keys" 2>/dev/null
cmp -s "$work/stdin.keys" "$work/args.keys" || fail "stdin and arguments give other keys"
awk 'NR % 50 == 1' "$work/ids" | while read -r id; do look "$id"; done >"$work/one.keys" 2>/dev/null
awk 'NR % 50 == 1' "$work/stdin.keys" | cmp -s - "$work/one.keys" || fail "one by one: other keys"
echo "lookup: 1000 ids on stdin give the keys of the arguments and of one by one"
# the keys are the run's, at their own subscribers' rows; the ids the run lacks are the reported
/usr/bin/python3 - "$work/run.h5" "$data/subscribers.csv" "$work/ids" "$work/stdin.keys" "$work/stdin.err" <<'PY'
import csv, re, sys
import h5py, numpy as np
run, subscribers, ids, keys, err = sys.argv[1:]
region_of = {r["subscriber_id"]: r["region"] for r in csv.DictReader(open(subscribers))}
ids = open(ids).read().split()
keys = [int(k) for k in open(keys).read().split()]
assert len(keys) == len(ids) == 1000
said = {int(m) for m in re.findall(r"lookup: id (\d+): key \d+ matches no", open(err).read())}
with h5py.File(run, "r") as f:
    stored = f["subscribers/key"][:]
    regions = [n.decode() for n in f["regions/names"][:]]
    region = f["subscribers/region"][:]
held = 0
for at, (i, k) in enumerate(zip(ids, keys), start=1):
    row = np.searchsorted(stored, np.uint64(k))
    there = row < len(stored) and stored[row] == k
    assert there != (at in said), f"id {at}: in the run {there}, reported unknown {at in said}"
    if there:
        held += 1
        # (an id without a known region in the register is placed otherwise: not compared)
        assert region_of[i] not in regions or regions[region[row]] == region_of[i], \
            f"id {at}: another subscriber's row"
assert held > 900, held
print(f"lookup: {held} of 1000 keys at their subscribers' rows, the {1000 - held} others reported")
PY
id=$(sed -n 1p "$work/ids")
want=$(look "$id" 2>/dev/null)
printf '+%s\n %s \n%s\n' "$id" "$id" "$id" | look "$id" - >"$work/forms" 2>"$work/forms.err"
[ "$(sort -u "$work/forms")" = "$want" ] && [ "$(wc -l <"$work/forms")" = 4 ] ||
    fail "+ID, ' ID ' and ID give other keys: $(cat "$work/forms")"
grep -q "lookup: id 2: normalised" "$work/forms.err" && grep -q "lookup: id 3: normalised" "$work/forms.err" ||
    { cat "$work/forms.err"; fail "the normalised ids are not said"; }
[ "$(grep -c normalised "$work/forms.err")" = 2 ] || fail "an id said normalised that was not"
if grep -q "${id:3}" "$work/forms.err" "$work/stdin.err"; then fail "an id's digits on stderr"; fi
echo "lookup: +ID, ' ID ' and ID give one key, the two normalised said by their place"
look 255999999999 2>"$work/unknown.err" >/dev/null || fail "an unknown id is not an error"
grep -q "lookup: id 1: key [0-9]* matches no /subscribers/key row of $work/run.h5" "$work/unknown.err" &&
    grep -q "1 of 1 ids match no subscriber" "$work/unknown.err" || { cat "$work/unknown.err"; fail "unknown id"; }
"$telrisk" lookup --key-file "$key" 255999999999 2>"$work/norun.err" >/dev/null
[ ! -s "$work/norun.err" ] || fail "without --run, an id reported: $(cat "$work/norun.err")"
printf '%s\n \n' "$id" | look >/dev/null 2>"$work/empty.err" && fail "an empty id accepted"
[ $? = 1 ] && grep -q "lookup: id 2 is empty" "$work/empty.err" || fail "empty id: $(cat "$work/empty.err")"
echo "lookup: an unknown id reported with --run; an empty id is exit 1"
