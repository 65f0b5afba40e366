#!/usr/bin/env bash
# Speed and memory figures (not a test). The benchmark country (inputs/nation.ini: 500,000
# subscribers, about 20 M CDRs and 2 M payments) is generated once into $TELRISK_BENCH_DIR
# (default /tmp/telrisk-bench, outside the repository), then each measured step runs at 1 and 2
# ranks, twice, to show the machine's noise.
#   scripts/bench.sh            generation and every stage of telrisk run
#   scripts/bench.sh --no-gen   skip timing the generator (reuse the data)
# The stress stage is timed on its own (telrisk stress on the run file's loan book): one scenario,
# 1 M Monte Carlo paths, its figure of merit paths per second per rank.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
source "$root/scripts/env.sh"
bench=${TELRISK_BENCH_DIR:-/tmp/telrisk-bench}
data="$bench/nation"
mkdir -p "$bench"
time_generation=1
[ "${1:-}" = "--no-gen" ] && time_generation=0

row() { printf "%-11s %5s %12s %9s %12s %15s %14s\n" "$@"; }
echo "telrisk bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
row stage ranks records seconds records/s "records/s/rank" "peak MiB/rank"

if [ $time_generation -eq 1 ] || [ ! -f "$data/truth/summary.csv" ]; then
    for np in 1 2; do
        for run in 1 2; do
            line=$(mpiexec -n "$np" "$root/build/telrisk" generate --config "$root/inputs/nation.ini" \
                   --out "$data" 2>&1 | grep "generated")
            read -r records seconds rate per_rank peak < <(echo "$line" | sed -E \
                's/.*generated ([0-9]+) records.* in ([0-9.]+) s: ([0-9.e+]+) records\/s, ([0-9.e+]+) per rank; peak memory ([0-9]+) MiB.*/\1 \2 \3 \4 \5/')
            row generate "$np" "$records" "$seconds" "$rate" "$per_rank" "$peak"
        done
    done
fi

# telrisk run: one line per stage, as the run logs them.
for np in 1 2; do
    for run in 1 2; do
        mpiexec -n "$np" "$root/build/telrisk" run --config "$root/inputs/nation.ini" \
            --set inputs.dir="$data" --set output.path="$bench/nation.h5" 2>&1 |
            awk -v np="$np" '$1 == "telrisk:" && $4 == "s" {
                printf "%-11s %5d %12d %9.2f %12.3g %15.3g %14d\n", $2, np, $5, $3, $7, $7 / np, $(NF-1) + 0 }' |
            sed 's/MiB\/rank//'
    done
done

# telrisk train: the model stage alone, from the run file's stored features (model.newton and
# train.newton: Newton iterations, national and 12 regional fits, per second): with the default
# screening, then with (almost) none, so that about 100 features enter the models.
for screening in default none; do
    [ $screening = default ] && relax=() ||
        relax=(--set model.min_iv=0 --set model.max_correlation=0.999 --set model.defaults_per_feature=1)
    for np in 1 2; do
        log=$(mpiexec -n "$np" "$root/build/telrisk" train "$bench/nation.h5" \
              --config "$root/inputs/nation.ini" "${relax[@]}" --out "$bench/train.h5" 2>&1)
        echo "$log" | sed -nE "s/.*train: ([0-9]+) of ([0-9]+) features.*/# $screening screening: \1 of \2 features/p"
        echo "$log" | awk -v np="$np" '$1 == "telrisk:" && $4 == "s" {
                printf "%-11s %5d %12d %9.2f %12.3g %15.3g %14d\n", $2, np, $5, $3, $7, $7 / np, $(NF-1) + 0 }' |
            sed 's/MiB\/rank//'
    done
done

# telrisk stress: the benchmark loan book (/portfolio of the run above) under the severely adverse
# scenario, 1 M paths (stress.montecarlo: paths per second).
for np in 1 2; do
    for run in 1 2; do
        mpiexec -n "$np" "$root/build/telrisk" stress --run "$bench/nation.h5" \
            --scenarios "$root/inputs/scenarios/regulatory.ini" --scenario severely_adverse \
            --set stress.paths=1000000 --out "$bench/stress_part.h5" 2>&1 |
            awk -v np="$np" '$1 == "telrisk:" && $4 == "s" {
                printf "%-11s %5d %12d %9.2f %12.3g %15.3g %14d\n", $2, np, $5, $3, $7, $7 / np, $(NF-1) + 0 }' |
            sed 's/MiB\/rank//'
    done
done

# A run in passes: partition.max_memory_per_rank = 2G at 2 ranks, less than each rank's share of
# the input needs in one pass (the stage rows add up the passes; peak memory per rank).
mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/nation.ini" --set inputs.dir="$data" \
    --set output.path="$bench/passes.h5" --set partition.max_memory_per_rank=2G 2>&1 |
    awk '/passes over key ranges/ { sub(/^telrisk: /, "# "); print }
         $1 == "telrisk:" && $4 == "s" && ($2 == "read" || $2 == "partition") {
             printf "%-11s %5d %12d %9.2f %12.3g %15.3g %14d\n", $2 "/pass", 2, $5, $3, $7, $7 / 2, $(NF-1) + 0 }' |
    sed 's/MiB\/rank//'
