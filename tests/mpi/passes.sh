#!/usr/bin/env bash
# Bounded memory: with partition.max_memory_per_rank below what the input needs, a run reads and
# processes its records in passes over key ranges, and writes the same run file as one pass (h5diff
# finds nothing outside /provenance), at 1 and 3 ranks; the passes are recorded in /provenance.
# usage: passes.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
common=(--config "$config" --quiet --set inputs.dir="$data" --set stress.scenarios="$scenarios")
fail() { echo "FAIL: $*"; exit 1; }
mpiexec -n 2 "$telrisk" run "${common[@]}" --set output.path="$work/one.h5" 2>/dev/null ||
    fail "the one-pass run"
input=$(du -cb "$data"/*.csv | tail -1 | cut -f1)
# 310 MB: the model of src/partition/passes.c (300 MB of base) leaves room for a few MB of records
# per pass, so this small country takes several passes.
limit=310000000
for np in 1 3; do
    mpiexec -n $np "$telrisk" run "${common[@]}" --set output.path="$work/passes$np.h5" \
        --set partition.max_memory_per_rank=$limit 2>/dev/null || fail "the run in passes at $np ranks"
    passes=$(h5dump -a /provenance/passes "$work/passes$np.h5" | sed -n 's/.*(0): \([0-9]*\).*/\1/p')
    [ "${passes:-0}" -gt 1 ] || fail "$np ranks: /provenance/passes is '$passes'"
    for object in /subscribers /rejects /regions /models /crosschecks /portfolio /stress \
        /provenance/inputs; do
        h5diff "$work/one.h5" "$work/passes$np.h5" $object $object ||
            fail "$np ranks, $passes passes: $object differs from one pass"
    done
    echo "passes: $np ranks, limit $limit bytes per rank for $input bytes of input: $passes passes, the same run file"
done
