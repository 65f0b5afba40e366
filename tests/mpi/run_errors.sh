#!/usr/bin/env bash
# Bad inputs end a 3-rank run with the documented exit code and one clear message, never a hang.
# usage: run_errors.sh TELRISK CONFIG DATA_DIR WORKDIR
set -uo pipefail
telrisk=$(readlink -f "$1") config=$(readlink -f "$2") data=$(readlink -f "$3") work=$4
rm -rf "$work"
mkdir -p "$work"
status=0

# expect CODE PATTERN -- ARGS...: the run exits with CODE within 60 s and prints PATTERN once.
expect() {
    local code=$1 pattern=$2
    shift 3
    timeout 60 mpiexec -n 3 "$telrisk" "$@" >"$work/out" 2>"$work/err"
    local got=$?
    local times
    times=$(grep -c -- "$pattern" "$work/err")
    if [ "$got" -ne "$code" ] || [ "$times" -ne 1 ]; then
        echo "FAIL: telrisk $* -> exit $got (want $code), '$pattern' printed $times times (want 1):"
        cat "$work/err"
        status=1
    else
        echo "ok: exit $code, '$pattern': $(grep -- "$pattern" "$work/err" | head -c 160)"
    fi
}

run=(run --config "$config" --set output.path="$work/run.h5")
expect 2 "no antennas table" -- "${run[@]}" --set inputs.dir="$work/nothing-here"
expect 2 "/cdr.csv: .* lines rejected .*commonest reason: " -- "${run[@]}" --set inputs.dir="$data" --set inputs.max_reject_rate=0.001
expect 2 "cannot open $work/missing.csv" -- "${run[@]}" --set inputs.dir="$data" --set inputs.recharges="$work/missing.csv"
expect 2 "matches no file" -- "${run[@]}" --set inputs.dir="$data" --set "inputs.mobiledata=$work/none/*.csv"
# A header without a required column.
sed '1s/duration/length/' "$data/cdr.csv" >"$work/cdr_bad_header.csv"
expect 2 "lacks the column 'duration'" -- "${run[@]}" --set inputs.dir="$data" --set inputs.cdr="$work/cdr_bad_header.csv"
# Binary garbage where a table should be: every line rejected, the run stops.
{ head -1 "$data/sim_swaps.csv"; python3 -c "import random, sys; random.seed(7); sys.stdout.buffer.write(random.randbytes(200000))"; } >"$work/garbage.csv"
expect 2 "garbage.csv: " -- "${run[@]}" --set inputs.dir="$data" --set inputs.sim_swaps="$work/garbage.csv"
expect 1 "unknown key 'inputs.cdrs'" -- "${run[@]}" --set inputs.cdrs=x
# An output folder that cannot be made.
expect 2 "cannot create" -- run --config "$config" --set inputs.dir="$data" --set output.path=/proc/nope/run.h5
# A config file or an input that only some ranks can see (node-local disks, relative paths from
# different folders): the ranks that cannot say so, every rank stops, nobody waits forever.
mkdir -p "$work/a" "$work/b"
cp "$config" "$work/a/local.ini"
ln -s "$(cd "$data" && pwd)" "$work/a/data"
timeout 60 mpiexec -n 1 --wdir "$work/a" "$telrisk" run --config local.ini --quiet --set output.path="$work/r.h5" \
    : -n 2 --wdir "$work/b" "$telrisk" run --config local.ini --quiet --set output.path="$work/r.h5" \
    >"$work/out" 2>"$work/err"
code=$?
if [ $code -eq 1 ] && [ "$(grep -c 'local.ini.*(on 2 of 3 ranks)' "$work/err")" -eq 2 ]; then
    echo "ok: a config file two of three ranks cannot read: exit 1, said by those two"
else
    echo "FAIL: config on one rank only: exit $code"; cat "$work/err"; status=1
fi
cp "$config" "$work/b/local.ini"
timeout 60 mpiexec -n 1 --wdir "$work/a" "$telrisk" run --config local.ini --quiet --set inputs.dir=data --set output.path="$work/r.h5" \
    : -n 2 --wdir "$work/b" "$telrisk" run --config local.ini --quiet --set inputs.dir=data --set output.path="$work/r.h5" \
    >"$work/out" 2>"$work/err"
code=$?
if [ $code -eq 2 ] && [ "$(grep -c 'cannot open data/.*(on 2 of 3 ranks)' "$work/err")" -eq 2 ]; then
    echo "ok: inputs two of three ranks cannot read: exit 2, said by those two"
else
    echo "FAIL: inputs on one rank only: exit $code"; cat "$work/err"; status=1
fi
# One run per output (io/lock.h): a second run on an output.path a live run holds exits 2 naming
# the holder, and the first one publishes its file and leaves no lock.
# (--force: the later runs write over the file the first one published)
lock_run=(run --config "$config" --quiet --set inputs.dir="$data" --set output.path="$work/locked.h5"
    --force)
# The first run made slow (2 M Monte Carlo paths a scenario: about 8 s) so that the second starts
# while it holds the output.
scenarios=$(dirname "$config")/scenarios/regulatory.ini
timeout 120 mpiexec -n 2 "$telrisk" "${lock_run[@]}" --set stress.scenarios="$scenarios" \
    --set stress.paths=2000000 >"$work/first.out" 2>"$work/first.err" &
first=$!
for _ in $(seq 200); do [ -e "$work/locked.h5.lock" ] && break; sleep 0.05; done
expect 2 "locked.h5 is in use by another run (host=$(hostname) pid=" -- "${lock_run[@]}"
wait $first
code=$?
if [ $code -eq 0 ] && "$telrisk" verify "$work/locked.h5" >/dev/null && [ ! -e "$work/locked.h5.lock" ]; then
    echo "ok: two runs on one output path: the first published an intact file, the second refused"
else
    echo "FAIL: the first of two runs on one output path: exit $code"; cat "$work/first.err"; status=1
fi
# A lock a live process holds (another job's, on any node: here a Python process holding the
# same fcntl lock) is refused, naming its holder; one left by a run that is gone is taken over.
/usr/bin/python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
f.truncate(0); f.write("host=elsewhere-node pid=12 job=777 started=0\n"); f.flush()
print("held", flush=True); time.sleep(60)' "$work/locked.h5.lock" >"$work/holder.out" &
holder=$!
for _ in $(seq 200); do grep -q held "$work/holder.out" 2>/dev/null && break; sleep 0.05; done
expect 2 "locked.h5 is in use by another run (host=elsewhere-node pid=12 job=777" -- "${lock_run[@]}"
kill $holder; wait $holder 2>/dev/null
expect 0 "the lock of a run that is gone taken over" -- "${lock_run[@]}"
[ -e "$work/locked.h5.lock" ] && { echo "FAIL: a finished run left its lock"; status=1; }

# run --check: what the run would stop on, found in seconds (exit 2 or 1 and one message), and
# a clean bill on the good data (one line per input file, exit 0).
check=(run --config "$config" --check --set inputs.dir="$data" --set output.path="$work/run.h5")
expect 2 "lacks the column 'duration'" -- "${check[@]}" --set inputs.cdr="$work/cdr_bad_header.csv"
expect 2 "matches no file" -- "${check[@]}" --set "inputs.mobiledata=$work/none/*.csv"
expect 2 "garbage.csv: 100.0% of its first lines rejected" -- "${check[@]}" --set inputs.sim_swaps="$work/garbage.csv"
printf '[scenario local]\nz.Atlantis = -2\n' >"$work/atlantis.ini"
expect 1 "names the region 'Atlantis'" -- "${check[@]}" --set stress.scenarios="$work/atlantis.ini"
expect 2 "its folder cannot be written" -- "${check[@]}" --set output.path="$config/run.h5"
start=$(date +%s.%N)
timeout 60 mpiexec -n 3 "$telrisk" "${check[@]}" >"$work/out" 2>"$work/err"
code=$?
seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
files=$(grep -c "lines checked" "$work/out")
if [ $code -eq 0 ] && grep -q "^check: ok" "$work/out" && [ "$files" -eq "$(ls "$data"/*.csv | wc -l)" ] && [ ! -e "$work/run.h5" ]; then
    echo "ok: run --check on the good data: exit 0, $files files checked in $seconds s, nothing written"
else
    echo "FAIL: run --check on the good data: exit $code, $files files"; cat "$work/out" "$work/err"; status=1
fi
exit $status
