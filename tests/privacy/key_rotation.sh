#!/usr/bin/env bash
# A hold-out that survives key rotation: the test country run with one privacy.key_file at 1 and
# 3 ranks and with another at 2 and 4 ranks. Every subscriber is in the same sample in all four
# (matched through each key, and equal to the draw recomputed from the ids by
# tests/tools/check_holdout.py), the sample counts agree, and /models (coefficients, bins,
# scorecards, validation) is bit for bit the same at 1-4 ranks with one key, and the same to 1e-9
# relative across the keys: rotating the key changes no training row. Not bit for bit across
# keys: model/blocksum.c sums a block's rows in doubles in key order, and the keys order the same
# rows differently (the last bits of sums move, about 1e-15 relative; docs/models.md).
# usage: key_rotation.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$work"
mkdir -p "$work"
printf '8f14e45fceea167a5a36dedd4bea2543\n' >"$work/a.key"
printf '00112233445566778899aabbccddeeff\n' >"$work/b.key"
chmod 600 "$work/a.key" "$work/b.key"
run() { # key ranks
    mpiexec -n "$2" "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
        --set privacy.key_file="$work/$1.key" --set output.path="$work/run.h5" \
        2>"$work/$1$2.log" || { cat "$work/$1$2.log"; exit 1; }
    mv "$work/run.h5" "$work/$1$2.h5"
}
run a 1
run b 2
run a 3
run b 4
status=0
for pair in "a1 a3" "b2 b4"; do
    set -- $pair
    h5diff "$work/$1.h5" "$work/$2.h5" /models /models ||
        { echo "key_rotation: /models of $2 differs from $1's (one key)"; status=1; }
done
# Across keys: values to 1e-9 relative (the seal's checksums differ with the last bits).
beyond=$( (h5diff -p 1e-9 "$work/a1.h5" "$work/b2.h5" /models /models 2>&1 || true) |
    awk '/differences found/ && prev !~ /checksum/ { n++ } { prev = $0 } END { print n + 0 }')
[ "$beyond" -eq 0 ] ||
    { echo "key_rotation: /models of b2 differs from a1's beyond 1e-9 ($beyond objects)"; status=1; }
# ... and the check sees a difference when there is one: at 1e-17 the sums' last bits show.
close=$( (h5diff -p 1e-17 "$work/a1.h5" "$work/b2.h5" /models /models 2>&1 || true) |
    awk '/differences found/ && prev !~ /checksum/ { n++ } { prev = $0 } END { print n + 0 }')
echo "key_rotation: across keys, $close objects of /models differ in their last bits, none beyond 1e-9"
/usr/bin/python3 "$tools/check_holdout.py" "$data" "$work/a1.h5" "$work/a.key" "$work/b2.h5" \
    "$work/b.key" || status=1
/usr/bin/python3 "$tools/check_holdout.py" "$data" "$work/a3.h5" "$work/a.key" "$work/b4.h5" \
    "$work/b.key" || status=1
# The keys did change: the pseudonyms differ.
if h5diff -q "$work/a1.h5" "$work/b2.h5" /subscribers/key /subscribers/key >/dev/null; then
    echo "key_rotation: the two key files gave the same pseudonyms"
    status=1
fi
[ $status -eq 0 ] && echo "key_rotation: the same samples and models with either key, at 1-4 ranks"
exit $status
