#!/usr/bin/env bash
# Reasons for every score (docs/models.md, "Reasons"):
#  - 1,000 random subscribers' points, scores and top reasons re-derived from the points tables
#    alone (check_reasons.py), in the run's file and in train's and score's;
#  - train (3 ranks) and score by the run's own models write the run's points and reasons again;
#  - model.reasons = 2 stores two reasons, the first two of the default four;
#  - telrisk explain at 1 and 3 ranks: the file's score, grade and PD, its reasons, improvements
#    that raise the score (check_explain.py); --id with the key file the same as --key; an
#    unknown key exit 2 with a message; --id without --key-file and no key refused (exit 1).
# usage: reasons.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
run() { mpiexec -n "$1" "$telrisk" "${@:2}" 2>>"$work/log" || { cat "$work/log"; exit 1; }; }
tools=$(cd "$(dirname "$0")/../tools" && pwd)
py=/usr/bin/python3
printf '00112233445566778899aabbccddeeff\n' >"$work/key"
chmod 600 "$work/key"
run 2 run --config "$config" --quiet --set inputs.dir="$data" --set privacy.key_file="$work/key" \
    --set output.path="$work/run.h5"
$py "$tools/check_reasons.py" "$work/run.h5" 1000

run 3 train "$work/run.h5" --quiet --out "$work/train.h5"
run 2 score "$work/run.h5" --model "$work/run.h5" --quiet --out "$work/score.h5"
for f in train score; do
    h5diff "$work/run.h5" "$work/$f.h5" /subscribers/points /subscribers/points
    h5diff "$work/run.h5" "$work/$f.h5" /subscribers/reasons /subscribers/reasons
    h5diff "$work/run.h5" "$work/$f.h5" /models/reason_codes /models/reason_codes
    h5diff "$work/run.h5" "$work/$f.h5" /models/national/points /models/national/points
done
$py "$tools/check_reasons.py" "$work/score.h5" 1000 7
echo "train and score: the run's points and reasons again"

run 1 train "$work/run.h5" --quiet --set model.reasons=2 --out "$work/two.h5"
$py "$tools/check_reasons.py" "$work/two.h5" 1000
$py - "$work/run.h5" "$work/two.h5" <<'PY'
import sys, h5py, numpy as np
four, two = (h5py.File(p, "r")["subscribers/reasons"][:] for p in sys.argv[1:])
assert two.shape[1] == 2 and np.array_equal(four[:, :2], two), "model.reasons = 2"
print("model.reasons = 2: the first two of the four")
PY

keys=$($py -c "
import h5py, numpy as np
s = h5py.File('$work/run.h5', 'r')['subscribers']
rng = np.random.default_rng(19)
print(' '.join(str(k) for k in s['key'][:][np.sort(rng.choice(s['key'].shape[0], 5, replace=False))]))")
for key in $keys; do
    for np in 1 3; do
        run "$np" explain "$work/run.h5" --key "$key" >"$work/explain$np.txt"
    done
    cmp "$work/explain1.txt" "$work/explain3.txt"
    $py "$tools/check_explain.py" "$work/run.h5" "$key" "$work/explain1.txt"
done
id=$(awk -F, 'NR == 2 { print $1 }' "$data/subscribers.csv")
key=$(run 1 lookup --key-file "$work/key" --set run.seed="$(h5dump -a /seed "$work/run.h5" | awk '/\(0\)/ { print $2 }')" "$id")
run 2 explain "$work/run.h5" --id "$id" --key-file "$work/key" >"$work/by_id.txt"
run 2 explain "$work/run.h5" --key "$key" >"$work/by_key.txt"
cmp "$work/by_id.txt" "$work/by_key.txt"
echo "explain: --id $id with the key file is --key $key"

expect() { # expect CODE MESSAGE-PATTERN ARGS...
    local want=$1 pattern=$2 rc=0
    shift 2
    mpiexec -n 2 "$telrisk" "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ "$rc" = "$want" ] || { echo "explain $*: exit $rc, not $want"; cat "$work/err"; exit 1; }
    grep -q "$pattern" "$work/err" || { echo "explain $*: no '$pattern'"; cat "$work/err"; exit 1; }
}
expect 2 "no subscriber has key 12345" explain "$work/run.h5" --key 12345
expect 1 "needs --key-file" explain "$work/run.h5" --id "$id"
expect 1 "give --key K or --id" explain "$work/run.h5"
expect 1 "is not a key" explain "$work/run.h5" --key abc
echo "explain: an unknown key exit 2, --id without --key-file and no key refused (exit 1)"
