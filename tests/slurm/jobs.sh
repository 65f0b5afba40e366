#!/usr/bin/env bash
# The jobs/ scripts under a real Slurm: a one-node cluster of its own (scripts/slurm-local.sh,
# state under WORKDIR, its own ports), each job submitted with sbatch --wait on the test country:
# - score.sbatch: the run file equals one made by mpiexec (h5diff), and its provenance names the
#   Slurm job and its 2 ranks; killed as its model stage begins and submitted again, it resumes
#   from its checkpoint to the same file;
# - retrain.sbatch: the retrained /models equal the run's (same settings, same bits);
# - score.sbatch with a champion: the champion's scores and /monitoring, and with REPORT_DIR the
#   month's report (its page with the trends and the PD walk against REPORT_PREVIOUS);
# - submit-stress.sh: a job array (one scenario per task) and a dependent merge job; the merged
#   /stress equals telrisk stress of every scenario in one process group, and the parts are gone;
#   the batch logs carry progress lines (stage, done, rate, ETA).
# usage: jobs.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
scenarios="$root/inputs/scenarios/regulatory.ini"
rm -rf "$work"
mkdir -p "$work"
export TELRISK_SLURM_DIR="$work/slurm" TELRISK_SLURM_PORT=16837
"$root/scripts/slurm-local.sh" start
trap '"$root/scripts/slurm-local.sh" stop' EXIT
eval "$("$root/scripts/slurm-local.sh" env)"
export TELRISK="$telrisk" TELRISK_JOBS="$root/jobs"
cd "$work" # the jobs' logs land here
fail() { echo "FAIL: $*"; tail -n 20 "$work"/telrisk-*.log 2>/dev/null; exit 1; }
{ cat "$config"; printf '\n[inputs]\ndir = %s\n\n[output]\npath = %s\n' "$data" "$work/score.h5"; } >job.ini

# The reference: the same run by mpiexec.
mpiexec -n 2 "$telrisk" run --config job.ini --quiet --set output.path="$work/reference.h5"

job=$(sbatch --parsable --wait "$root/jobs/score.sbatch" "$work/job.ini") || fail "score job"
for object in /subscribers /models /crosschecks /portfolio; do
    h5diff "$work/reference.h5" "$work/score.h5" $object $object || fail "score job: $object differs"
done
attr() { h5dump -a "/provenance/$1" "$2" | sed -n 's/.*(0): *"*\([^"]*\)"*$/\1/p'; }
[ "$(attr slurm_job_id "$work/score.h5")" = "$job" ] || fail "provenance: slurm_job_id is not $job"
[ "$(attr ranks "$work/score.h5")" = 2 ] || fail "provenance: ranks is not 2"
echo "slurm: score job $job, its run file equals mpiexec's"

# A score job killed as its model stage begins (a preemption), submitted again: it goes on from
# the records checkpoint (--resume) and writes the same run file.
rm -f "$work/score.h5"
rc=0
TELRISK_TEST_KILL=model sbatch --wait "$root/jobs/score.sbatch" "$work/job.ini" >/dev/null || rc=$?
[ $rc -ne 0 ] && [ ! -e "$work/score.h5" ] && ls "$work"/score.h5.ckpt-*-records.h5 >/dev/null 2>&1 ||
    fail "a killed score job: exit $rc, or a run file or no checkpoint"
job=$(sbatch --parsable --wait "$root/jobs/score.sbatch" "$work/job.ini") || fail "the resubmitted job"
grep -q "going on from it" "$work/telrisk-score-$job.log" || fail "the resubmitted job did not resume"
[ "$(attr slurm_job_id "$work/score.h5")" = "$job" ] ||
    fail "resumed job: provenance names job $(attr slurm_job_id "$work/score.h5"), not $job"
for object in /subscribers /models /crosschecks /portfolio; do
    h5diff "$work/reference.h5" "$work/score.h5" $object $object || fail "resumed job: $object differs"
done
echo "slurm: a score job killed at its model stage, submitted again ($job), resumed to the same run file"

job=$(sbatch --parsable --wait "$root/jobs/retrain.sbatch" "$work/job.ini" "$work/score.h5" \
      "$work/retrained.h5") || fail "retrain job"
h5diff "$work/score.h5" "$work/retrained.h5" /models /models || fail "retrain job: /models differ"
echo "slurm: retrain job $job, the same models"

job=$(REPORT_DIR="$work/report" REPORT_PREVIOUS="$work/retrained.h5" \
      sbatch --parsable --wait "$root/jobs/score.sbatch" "$work/job.ini" "$work/retrained.h5") ||
    fail "score job with a champion"
h5ls "$work/score.h5/monitoring" >/dev/null || fail "score job with a champion: no /monitoring"
grep -q 'id="walk"' "$work/report/report.html" && grep -q 'id="monitoring"' "$work/report/report.html" ||
    fail "score job with REPORT_DIR: no report with its walk and trends"
echo "slurm: score job $job with a champion, /monitoring written, the month's report"

cp "$work/score.h5" "$work/stress_reference.h5"
mpiexec -n 2 "$telrisk" stress --config job.ini --run "$work/stress_reference.h5" --force \
    --scenarios "$scenarios" --quiet
job=$(TELRISK_PROGRESS_SECONDS=0.01 "$root/jobs/submit-stress.sh" "$work/job.ini" "$work/score.h5" \
      "$scenarios" --wait) || fail "stress array and merge"
h5diff "$work/stress_reference.h5" "$work/score.h5" /stress /stress ||
    fail "stress array: the merged /stress differs from one telrisk stress"
ls "$work"/score.h5.stress-* >/dev/null 2>&1 && fail "stress array: part files left"
tasks=$(ls "$work"/telrisk-stress-*.log | wc -l)
[ "$tasks" = 3 ] || fail "stress array: $tasks task logs, want 3"
grep -q "telrisk: montecarlo .*% .* paths/s, ETA" "$work"/telrisk-stress-*.log ||
    fail "stress array: no progress line (stage, done, rate, ETA) in the batch logs"
echo "slurm: stress array of $tasks tasks and merge job $job, the same /stress as one run"
echo "slurm: a progress line from the batch log: $(grep -h "ETA" "$work"/telrisk-stress-*.log | head -1)"
