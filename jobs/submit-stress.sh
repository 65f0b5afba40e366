#!/usr/bin/env bash
# Submits the stress analysis of a run file as a Slurm job array, one scenario per task, and the
# merge job that depends on it. Extra arguments go to the merge job's sbatch (--wait, say).
#   jobs/submit-stress.sh CONFIG RUN.h5 SCENARIOS.ini [SBATCH OPTIONS...]
set -euo pipefail
jobs=$(cd "$(dirname "$0")" && pwd)
config=${1:?usage: jobs/submit-stress.sh CONFIG RUN.h5 SCENARIOS.ini [SBATCH OPTIONS...]}
run=${2:?usage} scenarios=${3:?usage}
shift 3
n=$(grep -c '^\[scenario ' "$scenarios" || true)
[ "$n" -gt 0 ] || { echo "submit-stress: no [scenario NAME] in $scenarios" >&2; exit 1; }
export TELRISK_JOBS="$jobs"
array=$(sbatch --parsable --array="0-$((n - 1))" "$jobs/stress.sbatch" "$config" "$run" "$scenarios")
echo "submit-stress: array job $array ($n scenarios)" >&2
sbatch --parsable --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes "$@" \
    "$jobs/merge.sbatch" "$run" "$scenarios"
