#!/usr/bin/env bash
# Fuzzes telrisk's parsers with libFuzzer (docs/hardening.md, "Fuzzing").
#   scripts/fuzz.sh [--seconds N] [--target NAME] [--work DIR] [--fresh]
# Configures and builds build-fuzz/ with clang (-DTELRISK_FUZZ=ON: ASan, UBSan, coverage;
# incremental), then for each harness (or NAME alone): replays every reproducer of
# tests/fuzz/regressions/NAME/ and the seed corpus tests/fuzz/corpus/NAME/, and fuzzes for N
# seconds (default 300) from them into a scratch corpus DIR/NAME (default
# ${TMPDIR:-/tmp}/telrisk-fuzz; never in the repository; --fresh empties it first, so that a
# short run's time goes to fuzzing rather than to replaying a large corpus). On a crash, a leak, undefined behaviour
# or a broken promise, the reproducer is saved under DIR/crashes/NAME/ and the script stops with
# exit 1; once the bug is fixed, the reproducer goes into tests/fuzz/regressions/NAME/.
# One harness runs at a time (the machine is shared). A summary line per harness: executions,
# executions per second, coverage (edges) and features.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=300 only="" work="${TMPDIR:-/tmp}/telrisk-fuzz" fresh=0
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --target) only="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N] [--target NAME] [--work DIR] [--fresh]" >&2
       exit 1 ;;
    esac
done
source "$root/scripts/env.sh"

# The harnesses and the longest input each is given: a whole small CSV file (a line may reach
# 4,096 bytes: room for one longer, rejected as line_too_long), an INI file, a run file's
# description.
targets=(
    csv_antennas:8192 csv_subscribers:8192 csv_cdr:8192 csv_recharges:8192
    csv_mobilemoney:8192 csv_mobiledata:8192 csv_loans:8192 csv_sim_swaps:8192
    bandicoot:8192 config:4096 scenarios:4096 runfile:2048
)
# Fuzzed only when named (--target), their regressions replayed with every other's: the run-file
# readers on raw bytes of a real run file, which finds crashes inside libhdf5 1.10.8 that are not
# ours to fix (docs/hardening.md).
extra=(runfile_raw:16384)
list=("${targets[@]}" "${extra[@]}")

build="$root/build-fuzz"
compiler=$(command -v clang || true)
[ -n "$compiler" ] || { echo "fuzz: clang is missing (scripts/setup.sh installs it)" >&2; exit 1; }
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC="$compiler" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTELRISK_FUZZ=ON >/dev/null
fi
mkdir -p "$work"
if ! cmake --build "$build" --target fuzz_all -j "$(nproc)" >"$work/build.log" 2>&1; then
    grep -E "error|Error" "$work/build.log" | head -n 20 >&2
    echo "fuzz: the build failed (log: $work/build.log)" >&2
    exit 1
fi

# Leaks are checked (libFuzzer's -detect_leaks); Open MPI's own at start-up are not ours
# (fuzz_common.c starts MPI with the leak checker off).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

found=0
printf '%-16s %10s %9s %6s %7s\n' harness executions exec/s edges features
for entry in "${list[@]}"; do
    name=${entry%%:*} max_len=${entry##*:}
    [ -z "$only" ] || [ "$only" = "$name" ] || continue
    found=1
    bin="$build/tests/fuzz/fuzz_$name"
    seeds="$root/tests/fuzz/corpus/$name" regressions="$root/tests/fuzz/regressions/$name"
    scratch="$work/$name" crashes="$work/crashes/$name"
    [ "$fresh" = 0 ] || rm -rf "$scratch"
    mkdir -p "$scratch" "$crashes"
    log="$work/$name.log"
    dirs=("$scratch" "$seeds")
    [ -d "$regressions" ] && dirs+=("$regressions")
    # Every regression first, one by one, each on its own: a failure names its file.
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        if ! "$bin" "$regressions"/* >"$log" 2>&1; then
            echo "fuzz: $name: a regression input fails again (log: $log)" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
    fi
    if [ -z "$only" ] && [[ " ${extra[*]} " == *" $entry "* ]]; then continue; fi # replayed only
    dict=()
    # A dictionary of the format's words, if there is one: csv.dict for every csv_* harness.
    [ -f "$root/tests/fuzz/${name%%_*}.dict" ] && dict=(-dict="$root/tests/fuzz/${name%%_*}.dict")
    # -use_value_profile: comparisons guide the search too (a number just past a limit).
    if ! "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
        -use_value_profile=1 -artifact_prefix="$crashes/" -print_final_stats=1 "${dict[@]}" \
        "${dirs[@]}" \
        >"$log" 2>&1; then
        echo "fuzz: $name: a finding; reproducer in $crashes/ (log: $log)" >&2
        grep -E "ERROR|error|broken promise|SUMMARY|Test unit written" "$log" | head -n 20 >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
    printf '%-16s %10s %9s %6s %7s\n' "$name" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
done
[ "$found" = 1 ] || { echo "fuzz: no harness called '$only'" >&2; exit 1; }
