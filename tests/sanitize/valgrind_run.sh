#!/usr/bin/env bash
# A whole telrisk run on 1 rank under valgrind's memcheck, on a small generated country: no
# invalid read or write, no use of uninitialised memory, no definite leak at exit, on the success
# path and on the documented error paths (exit 1: a config error; exit 2: no input folder, an input
# that matches no file, a reject rate that stops the run after every table was read). The only
# suppressions (tests/sanitize/valgrind.supp) are for what Open MPI's MPI_Init and MPI_Finalize
# allocate and keep. Each run's valgrind log is left in WORKDIR.
# usage: valgrind_run.sh TELRISK CONFIG WORKDIR
set -uo pipefail
telrisk=$1 config=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
# 400 subscribers (the suite's country has 4,000): every stage runs, in under a minute.
"$telrisk" generate --config "$config" --quiet --set generate.subscribers=400 \
    --out "$work/data" >"$work/generate.log" 2>&1 || { cat "$work/generate.log"; exit 1; }
# hwloc's x86 backend reads the CPUID instruction, which valgrind does not model: hwloc says so
# and falls back to Linux's own description of the machine; ask for that directly.
export HWLOC_COMPONENTS=-x86
status=0
# vg NAME WANT ARGS...: telrisk ARGS on 1 rank under memcheck exits with WANT (valgrind's own 97
# on any error or definite leak), its log in $work/NAME.<pid>.log.
vg() {
    local name=$1 want=$2 got=0
    shift 2
    mpiexec -n 1 valgrind --error-exitcode=97 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --num-callers=40 --keep-debuginfo=yes \
        --suppressions="$here/valgrind.supp" --log-file="$work/$name.%p.log" \
        "$telrisk" "$@" >"$work/$name.out" 2>&1 || got=$?
    local summary
    summary=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: //p' "$work/$name".*.log)
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $name: exit $got (want $want); valgrind: $summary"
        cat "$work/$name.out" "$work/$name".*.log
        status=1
    else
        echo "ok: $name: exit $got; valgrind: $summary;" \
            "$(sed -n 's/^==[0-9]*== *definitely lost: //p' "$work/$name".*.log) definitely lost"
    fi
}
run=(run --config "$config" --quiet --set stress.scenarios="$scenarios"
     --set output.path="$work/run.h5")
vg success 0 "${run[@]}" --set inputs.dir="$work/data"
[ -s "$work/run.h5" ] || { echo "FAIL: the run wrote no run file"; status=1; }
vg config_error 1 "${run[@]}" --set inputs.dir="$work/data" --set inputs.cdrs=x
vg missing_input 2 "${run[@]}" --set inputs.dir="$work/nothing-here"
# An input that matches no file, found after the other tables' files were listed.
vg no_match 2 "${run[@]}" --set inputs.dir="$work/data" --set "inputs.mobiledata=$work/none/*.csv"
vg rejects 2 "${run[@]}" --set inputs.dir="$work/data" --set inputs.max_reject_rate=0.0001
exit $status
