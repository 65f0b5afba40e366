#!/usr/bin/env bash
# Speed and memory figures (not a test): generation of the benchmark country (inputs/nation.ini:
# 500,000 subscribers, about 20 M CDRs) at 1 and 2 ranks, each twice to show the noise.
# Data go to $TELRISK_BENCH_DIR (default /tmp/telrisk-bench), outside the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
source "$root/scripts/env.sh"
bench=${TELRISK_BENCH_DIR:-/tmp/telrisk-bench}
mkdir -p "$bench"
echo "telrisk bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
printf "%-10s %5s %12s %9s %14s %16s %14s\n" stage ranks records seconds records/s records/s/rank "peak MiB/rank"
for np in 1 2; do
    for run in 1 2; do
        log=$(mpiexec -n "$np" "$root/build/telrisk" generate --config "$root/inputs/nation.ini" \
              --out "$bench/nation" 2>&1 | grep "generated")
        echo "$log" | sed -E 's/.*generated ([0-9]+) records.* in ([0-9.]+) s: ([0-9.e+]+) records\/s, ([0-9.e+]+) per rank; peak memory ([0-9]+) MiB.*/\1 \2 \3 \4 \5/' |
            awk -v np="$np" '{ printf "%-10s %5d %12d %9.2f %14.3g %16.3g %14d\n", "generate", np, $1, $2, $3, $4, $5 }'
    done
done
