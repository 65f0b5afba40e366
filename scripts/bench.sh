#!/usr/bin/env bash
# Speed and memory figures (not a test). The benchmark country (inputs/nation.ini: 500,000
# subscribers, about 20 M CDRs and 2 M payments) is generated once into $TELRISK_BENCH_DIR
# (default /tmp/telrisk-bench, outside the repository), then each measured step runs at 1 and 2
# ranks, twice, to show the machine's noise.
#   scripts/bench.sh              generation and every stage of telrisk run
#   scripts/bench.sh --no-gen     skip timing the generator (reuse the data)
#   scripts/bench.sh --vs-duckdb  telrisk against DuckDB on the same per-subscriber CDR features
#                                 (see vs_duckdb below)
#   scripts/bench.sh --scaling    the CDR path (read, partition, basic indicators) at 1 and 2 ranks
#                                 on countries of about 2 M, 20 M and 100 M CDRs (see scaling below)
#   scripts/bench.sh --compression  the run file compressed (output.compression = 1) against not
#                                 (0) on the demo country (see compression below)
#   scripts/bench.sh --ledger     the benchmark country with its loan ledger (repayments: default,
#                                 12-month labels, calibration) against without (see ledger below)
#   scripts/bench.sh --report     telrisk report of the benchmark country, alone and as the next
#                                 month's report with the PD walk and trends (see report below)
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

# The side-by-side of issue 9, in one run: the thirteen per-subscriber CDR features of
# scripts/duckdb/features.sql computed by DuckDB for Node (@duckdb/node-api, installed once with
# npm into $bench/duckdb, outside the repository) and by telrisk (features.set = basic), at 1 and
# 2 threads/ranks, twice each, on a copy of the benchmark country generated without defects (both
# engines then read the same records: no duplicates, malformed lines or unknown antennas to treat
# differently). Times: DuckDB's query (CSV to features in memory, node's start-up excluded) and
# telrisk's read + partition + indicators stages (CSV to features in memory; its run file is
# written after). Memory: peak resident, DuckDB's process, telrisk's ranks summed. Then the two
# results are compared subscriber by subscriber (scripts/duckdb/compare.py), and the whole
# telrisk run (all tables, all stages, the run file written) is timed on the same country.
calc() { awk "BEGIN { print $* }"; }
vs_duckdb() {
    local clean="$bench/clean" duck="$bench/duckdb" cdr_only="$bench/clean-cdr"
    command -v node >/dev/null && command -v npm >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
    command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
    mkdir -p "$duck"
    [ -d "$duck/node_modules/@duckdb/node-api" ] ||
        (cd "$duck" && npm install --silent --no-audit --no-fund @duckdb/node-api@1.5 >/dev/null)
    cp "$root/scripts/duckdb/run.mjs" "$root/scripts/duckdb/features.sql" "$duck/"
    if [ ! -f "$clean/truth/summary.csv" ]; then
        mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/nation.ini" --out "$clean" \
            --set generate.duplicate_rate=0 --set generate.malformed_rate=0 \
            --set generate.unknown_antenna_rate=0 2>&1 | grep "generated"
    fi
    mkdir -p "$cdr_only"
    for t in cdr antennas subscribers; do ln -sf "$clean/$t.csv" "$cdr_only/$t.csv"; done
    lines=$(awk -F, '$1 == "cdr" { print $2 }' "$clean/truth/summary.csv")
    echo "telrisk vs DuckDB $(cd "$duck" && node -e "console.log(require('@duckdb/node-api/package.json').version)" 2>/dev/null || echo 1.5):" \
         "$lines CDRs ($(du -BM "$clean/cdr.csv" | cut -f1)B), 500,000 subscribers, $(date -u +%Y-%m-%d), $(nproc) cores"
    printf "%-8s %5s %9s %14s %14s\n" engine ranks seconds "CDRs/s/rank" "peak MiB, all"
    for np in 1 2; do
        # Each engine three times in a row (the first run after the other engine pays for the
        # memory the other just gave back: this VM backs fresh memory slowly); compared by
        # medians, every run shown.
        local duck_s=() tel_s=() duck_m=() tel_m=()
        for run in 1 2 3; do
            local out=/dev/null
            [ $np = 2 ] && [ $run = 1 ] && out="$bench/duckdb_features.csv"
            duckdb_once "$np" "$out"
            duck_s+=("$secs") && duck_m+=("$mib")
        done
        for run in 1 2 3; do
            telrisk_once "$np" --set inputs.dir="$cdr_only"
            tel_s+=("$secs") && tel_m+=("$mib")
        done
        local d t
        d=$(printf "%s\n" "${duck_s[@]}" | sort -g | sed -n 2p)
        t=$(printf "%s\n" "${tel_s[@]}" | sort -g | sed -n 2p)
        printf "%d ranks/threads, medians: telrisk %.2f s, DuckDB %.2f s: %.1fx DuckDB's speed (each run against each: %.1fx to %.1fx), at %.0f%% of its memory\n" \
            "$np" "$t" "$d" "$(calc "$d / $t")" \
            "$(calc "$(printf "%s\n" "${duck_s[@]}" | sort -g | head -1) / $(printf "%s\n" "${tel_s[@]}" | sort -g | tail -1)")" \
            "$(calc "$(printf "%s\n" "${duck_s[@]}" | sort -g | tail -1) / $(printf "%s\n" "${tel_s[@]}" | sort -g | head -1)")" \
            "$(calc "100 * ${tel_m[0]} / ${duck_m[0]}")"
    done
    /usr/bin/python3 "$root/scripts/duckdb/compare.py" "$bench/basic.h5" "$bench/duckdb_features.csv"
    # Columnar inputs: the same CDRs converted once, then read instead of parsed.
    /usr/bin/time -f "%e" -o "$bench/convert.time" mpiexec -n 2 "$root/build/telrisk" convert \
        --config "$root/inputs/nation.ini" --set inputs.dir="$cdr_only" --out "$bench/clean-cdr.h5" \
        >/dev/null 2>&1
    echo "convert, 2 ranks: $(cat "$bench/convert.time") s, $(du -BM "$bench/clean-cdr.h5" | cut -f1)B of columns"
    for run in 1 2; do
        telrisk_once 2 --set inputs.columnar="$bench/clean-cdr.h5" | sed 's/^telrisk /columnar/'
    done
    for run in 1 2; do
        /usr/bin/time -f "%e" -o "$bench/whole.time" mpiexec -n 2 "$root/build/telrisk" run \
            --config "$root/inputs/nation.ini" --set inputs.dir="$clean" --set output.path="$bench/clean.h5" \
            >/dev/null 2>&1
        echo "whole telrisk run (every table, every stage, run file written), 2 ranks: $(cat "$bench/whole.time") s"
    done
}
# One DuckDB run at $1 threads (features to $2 unless /dev/null): a row; secs and mib set.
duckdb_once() {
    local log
    log=$( { /usr/bin/time -f "time %e %M" node "$bench/duckdb/run.mjs" "$bench/clean/cdr.csv" \
             "$bench/clean/subscribers.csv" "$1" $([ "$2" = /dev/null ] || echo "$2"); } 2>&1)
    secs=$(echo "$log" | sed -nE 's/.*"seconds":([0-9.]+).*/\1/p')
    mib=$(echo "$log" | awk '$1 == "time" { printf "%.0f", $3 / 1024 }')
    printf "%-8s %5d %9.2f %14.3g %14d\n" duckdb "$1" "$secs" "$(calc "$lines / $secs / $1")" "$mib"
}
# One telrisk run at $1 ranks (more settings after it), basic features: a row; secs and mib set
# (read + partition + indicators; the ranks' peaks summed).
telrisk_once() {
    local np=$1 log
    shift
    log=$(mpiexec -n "$np" "$root/build/telrisk" run --config "$root/inputs/nation.ini" "$@" \
          --set features.set=basic --set output.path="$bench/basic.h5" 2>&1)
    secs=$(echo "$log" | awk '$1 == "telrisk:" && ($2 == "read" || $2 == "partition" || $2 == "indicators") && $4 == "s" { t += $3 } END { printf "%.2f", t }')
    mib=$(echo "$log" | awk '$1 == "telrisk:" && $2 == "indicators" && $4 == "s" { for (k = 1; k <= NF; k++) if ($k == "in" && $(k+1) == "all") print $(k-2) }')
    printf "%-8s %5d %9.2f %14.3g %14d\n" telrisk "$np" "$secs" "$(calc "$lines / $secs / $np")" "$mib"
}
# The model of docs/performance.md checked: countries of 50,000, 500,000 and 2,400,000
# subscribers (about 2 M, 20 M and 100 M CDRs; generated once, without defects, into
# $bench/scale), their CDRs, antennas and register only, features.set = basic, each at 1 and 2
# ranks: per stage seconds and CDRs per second per rank, and the ranks' peak memory summed.
scaling() {
    printf "%-10s %5s %11s %8s %10s %12s %8s %14s\n" CDRs ranks read partition indicators \
        "CDRs/s/rank" "B/CDR" "peak MiB, all"
    for subs in 50000 500000 2400000; do
        local dir="$bench/scale/s$subs" only="$bench/scale/s$subs-cdr"
        if [ ! -f "$dir/truth/summary.csv" ]; then
            mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/nation.ini" \
                --set generate.subscribers=$subs --set generate.duplicate_rate=0 \
                --set generate.malformed_rate=0 --set generate.unknown_antenna_rate=0 \
                --out "$dir" >/dev/null 2>&1
        fi
        mkdir -p "$only"
        for t in cdr antennas subscribers; do ln -sf "$dir/$t.csv" "$only/$t.csv"; done
        lines=$(awk -F, '$1 == "cdr" { print $2 }' "$dir/truth/summary.csv")
        for np in 1 2; do
            for run in 1 2; do
                mpiexec -n "$np" "$root/build/telrisk" run --config "$root/inputs/nation.ini" \
                    --set inputs.dir="$only" --set features.set=basic \
                    --set output.path="$bench/scale.h5" 2>&1 |
                    awk -v np="$np" -v lines="$lines" '$1 == "telrisk:" && $4 == "s" {
                        t[$2] = $3; for (k = 1; k <= NF; k++) if ($k == "in" && $(k+1) == "all") m = $(k-2) }
                        END { s = t["read"] + t["partition"] + t["indicators"]
                              printf "%-10d %5d %11.2f %8.2f %10.2f %12.3g %8.0f %14d\n", lines, np,
                                  t["read"], t["partition"], t["indicators"], lines / s / np,
                                  m * 1048576 / lines, m }'
            done
        done
    done
}
# The run file's compression (issue 19), on the demo country (inputs/demo.ini, 50,000
# subscribers, 3 stress scenarios) at 2 ranks: output.compression = 1 (the default) against 0
# (every dataset contiguous, as before), five runs of each, alternated. Targets: the compressed
# file at most half the size; the write stage (the run file assembled from the checkpoints,
# repacked and sealed) at most 20 % slower by the medians. The checkpoint stages, where each
# dataset is first written and so compressed, are shown beside it, and the whole run's wall time.
compression() {
    local demo="$bench/demo" out="$bench/compression"
    mkdir -p "$out"
    [ -f "$demo/truth/summary.csv" ] ||
        mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/demo.ini" --out "$demo" >/dev/null 2>&1
    declare -A write ckpt wall
    for run in 1 2 3 4 5; do
        for level in 0 1; do
            local t0 t1 log
            t0=$(date +%s.%N)
            log=$(mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/demo.ini" --force \
                  --set inputs.dir="$demo" --set output.compression=$level \
                  --set output.path="$out/level$level.h5" 2>&1)
            t1=$(date +%s.%N)
            write[$level]+="$(echo "$log" | awk '$2 == "write" { print $3 }') "
            ckpt[$level]+="$(echo "$log" | awk '$2 ~ /^checkpoint\./ { s += $3 } END { print s }') "
            wall[$level]+="$(calc "$t1 - $t0") "
        done
    done
    median() { printf "%s\n" $1 | sort -g | sed -n 3p; }
    local s0 s1 w0 w1
    s0=$(stat -c %s "$out/level0.h5") s1=$(stat -c %s "$out/level1.h5")
    w0=$(median "${write[0]}") w1=$(median "${write[1]}")
    echo "run file compression, demo country, 2 ranks, $(date -u +%Y-%m-%d), five runs each (seconds):"
    printf "%-28s %14s %14s\n" "" "compression=0" "compression=1"
    printf "%-28s %14d %14d (%.1f%%)\n" "run file, bytes" "$s0" "$s1" "$(calc "100 * $s1 / $s0")"
    printf "%-28s %14s %14s\n" "write stage, median" "$w0" "$w1"
    printf "%-28s %14s %14s\n" "checkpoint stages, median" "$(median "${ckpt[0]}")" "$(median "${ckpt[1]}")"
    printf "%-28s %14.2f %14.2f\n" "whole run (wall), median" "$(median "${wall[0]}")" "$(median "${wall[1]}")"
    for level in 0 1; do echo "write stage, compression=$level: ${write[$level]}"; done
    for level in 0 1; do echo "checkpoint stages, compression=$level: ${ckpt[$level]}"; done
    awk -v s0="$s0" -v s1="$s1" -v w0="$w0" -v w1="$w1" 'BEGIN {
        printf "target: file <= 50%%: %s; write stage <= 120%%: %s (%.0f%%)\n",
            (s1 <= 0.5 * s0 ? "met" : "MISSED"), (w1 <= 1.2 * w0 ? "met" : "MISSED"), 100 * w1 / w0 }'
}

# Issue 20's target: the loan ledger's stages (the repayments' read and join, the walk through
# every obligor's ledger, the cohorts and calibration, /ledger, IFRS 9 and /ifrs9) cost under 15%
# of a whole run. Measured two ways, at 2 ranks on the benchmark country:
#  - in the run: the ledger's own clocks (read.repayments, partition.ledger, indicators.ledger,
#    checkpoint.records.ledger, checkpoint.model.ifrs9: core/stage.h) and the ifrs9 stage, summed,
#    as a share of that run's wall time; the median of the runs with the ledger;
#  - against a run without it: the same files but repayments.csv (status labels, no calibration,
#    no IFRS 9), whole runs in seven pairs after one that warms the page cache, each pair's order
#    the other way round from the one before (with-without, without-with, ...: a drift of the VM
#    does not favour either); the median of the pairs' ratios. This one also counts what the
#    ledger changes elsewhere (a larger training population, more memory), but these VMs vary by
#    10-25% from run to run, as much as the cost measured.
ledger_clocks="read.repayments|partition.ledger|indicators.ledger|checkpoint.records.ledger|checkpoint.model.ifrs9|ifrs9"
ledger() {
    [ -f "$data/repayments.csv" ] ||
        { echo "$data has no repayments.csv: generate the benchmark country again"; exit 1; }
    local without="$bench/noledger" out="$bench/ledger" pairs=7
    mkdir -p "$without" "$out"
    for f in "$data"/*.csv; do
        [ "$(basename "$f")" = repayments.csv ] || ln -sf "$f" "$without/$(basename "$f")"
    done
    declare -A wall
    local ratios="" shares=""
    for run in $(seq 0 $pairs); do
        local order="with without" pair_with pair_without
        [ $((run % 2)) -eq 0 ] && order="without with"
        for v in $order; do
            local dir=$data t0 t1 took
            [ $v = without ] && dir=$without
            t0=$(date +%s.%N)
            mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/nation.ini" --force \
                --set inputs.dir="$dir" --set output.path="$out/$v.h5" >"$out/$v.log" 2>&1
            t1=$(date +%s.%N)
            took=$(calc "$t1 - $t0")
            [ $v = with ] && pair_with=$took || pair_without=$took
            [ $run = 0 ] && continue
            wall[$v]+="$took "
            [ $v = with ] && shares+="$(grep -oE "^telrisk: ($ledger_clocks) +[0-9.]+ s" "$out/$v.log" |
                awk -v w="$took" '{ s += $3 } END { printf "%.4f", s / w }') "
        done
        [ $run = 0 ] || ratios+="$(calc "$pair_with / $pair_without") "
    done
    median() { printf "%s\n" $1 | sort -g | sed -n "$(((pairs + 1) / 2))p"; }
    local a b r sh
    a=$(median "${wall[with]}") b=$(median "${wall[without]}") r=$(median "$ratios") sh=$(median "$shares")
    echo "the loan ledger, benchmark country, 2 ranks, $(date -u +%Y-%m-%d): whole run, seconds"
    echo "with: ${wall[with]}(median $a); without: ${wall[without]}(median $b)"
    echo "in the runs with it, the ledger's clocks and ifrs9 as a share of the run: $shares(median $sh)"
    echo "the last run with it, seconds:"
    grep -E "^telrisk: ($ledger_clocks) " "$out/with.log" | awk '{ printf "  %-26s %s\n", $2, $3 }'
    echo "pairs' ratios with / without: $ratios(median $r)"
    awk -v a="$a" -v b="$b" -v r="$r" -v sh="$sh" 'BEGIN {
        printf "in the run: %.1f%%; against a run without: %.1f%% (medians), %.1f%% (pairs)\n",
            100 * sh, 100 * (a - b) / b, 100 * (r - 1)
        printf "target under 15%%: in the run %s, against a run without %s\n",
            (sh < 0.15 ? "met" : "MISSED"), (r < 1.15 ? "met" : "MISSED") }'
}

# Issue 21's targets: the benchmark country's report in under 60 s on this machine and its HTML
# under 15 MB. Two reports, each twice, whole-process wall time and peak memory (the largest of
# telrisk and the report's processes): the run alone (month 1); month 2 (the same country a month
# on, 12% fewer calls and texts in Pwani, scored by month 1's models, stressed, IFRS 9) with month
# 1 as --previous (the PD walk, PSI and CSI per region and month, the trends).
report() {
    local m1="$bench/report-m1.h5" m2="$bench/report-m2.h5" next="$bench/nation-next"
    local q=(--force --quiet) scen=(--scenarios "$root/inputs/scenarios/regulatory.ini")
    [ -f "$data/truth/summary.csv" ] ||
        mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/nation.ini" --out "$data" --quiet
    [ -f "$next/truth/summary.csv" ] ||
        mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/nation.ini" --quiet \
            --set generate.start=2020-01-31 --set generate.shift=Pwani:calls:0.88 --out "$next"
    mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/nation.ini" "${q[@]}" \
        --set inputs.dir="$data" --set output.path="$m1" --set stress.scenarios="${scen[1]}"
    mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/nation.ini" "${q[@]}" \
        --set inputs.dir="$next" --set output.path="$m2" --set credit.ledger_cut=2021-03-01
    mpiexec -n 2 "$root/build/telrisk" score "$m2" --model "$m1" "${q[@]}"
    mpiexec -n 2 "$root/build/telrisk" stress --run "$m2" "${scen[@]}" "${q[@]}"
    mpiexec -n 2 "$root/build/telrisk" ecl --run "$m2" --config "$root/inputs/nation.ini" "${scen[@]}" "${q[@]}"
    echo "telrisk report, $(date -u +%Y-%m-%d), $(nproc) cores: target under 60 s, HTML under 15 MB"
    printf "%-34s %9s %14s %12s %7s\n" report seconds "peak MiB" "HTML MB" target
    local name args
    for k in 1 2; do
        for name in alone monthly; do
            args=("$m1" --out "$bench/report-$name")
            [ $name = monthly ] && args=("$m2" --previous "$m1" --out "$bench/report-$name")
            /usr/bin/time -f "%e %M" -o "$bench/report.time" \
                "$root/build/telrisk" report "${args[@]}" --force --quiet 2>/dev/null
            read -r secs kib <"$bench/report.time"
            local mb
            mb=$(awk -v b="$(stat -c %s "$bench/report-$name/report.html")" 'BEGIN { printf "%.1f", b / 1e6 }')
            printf "%-34s %9s %14s %12s %7s\n" "$name (run $k)" "$secs" "$((kib / 1024))" "$mb" \
                "$(awk -v s="$secs" -v m="$mb" 'BEGIN { print (s < 60 && m < 15) ? "met" : "MISSED" }')"
        done
    done
}

if [ "${1:-}" = "--report" ]; then
    report
    exit 0
fi
if [ "${1:-}" = "--ledger" ]; then
    ledger
    exit 0
fi
if [ "${1:-}" = "--compression" ]; then
    compression
    exit 0
fi
if [ "${1:-}" = "--scaling" ]; then
    scaling
    exit 0
fi
if [ "${1:-}" = "--vs-duckdb" ]; then
    vs_duckdb
    exit 0
fi

row() { printf "%-18s %5s %12s %9s %12s %15s %14s %14s\n" "$@"; }
echo "telrisk bench, $(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
row stage ranks records seconds records/s "records/s/rank" "peak MiB/rank" "peak MiB, all"

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

# telrisk's stage lines (stdin, its log) as table rows at $1 ranks; $2: a suffix for the names.
stage_rows() {
    awk -v np="$1" -v suffix="${2:-}" '$1 == "telrisk:" && $4 == "s" {
        peak = all = 0
        for (k = 1; k < NF; k++) {
            if ($k == "peak") peak = $(k + 1) + 0
            if ($k == "in" && $(k + 1) == "all") all = $(k - 2) + 0
        }
        printf "%-18s %5d %12d %9.2f %12.3g %15.3g %14d %14d\n", $2 suffix, np, $5, $3, $7, $7 / np, peak, all }'
}

# telrisk run: one line per stage, as the run logs them.
for np in 1 2; do
    for run in 1 2; do
        mpiexec -n "$np" "$root/build/telrisk" run --config "$root/inputs/nation.ini" \
            --set inputs.dir="$data" --set output.path="$bench/nation.h5" 2>&1 | stage_rows "$np"
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
        echo "$log" | stage_rows "$np"
    done
done

# telrisk stress: the benchmark loan book (/portfolio of the run above) under the severely adverse
# scenario, 1 M paths (stress.montecarlo: paths per second).
for np in 1 2; do
    for run in 1 2; do
        mpiexec -n "$np" "$root/build/telrisk" stress --run "$bench/nation.h5" \
            --scenarios "$root/inputs/scenarios/regulatory.ini" --scenario severely_adverse \
            --set stress.paths=1000000 --out "$bench/stress_part.h5" 2>&1 | stage_rows "$np"
    done
done

# A run in passes: partition.max_memory_per_rank = 2G at 2 ranks, less than each rank's share of
# the input needs in one pass (the stage rows add up the passes; peak memory per rank).
mpiexec -n 2 "$root/build/telrisk" run --config "$root/inputs/nation.ini" --set inputs.dir="$data" \
    --set output.path="$bench/passes.h5" --set partition.max_memory_per_rank=2G 2>&1 |
    tee >(awk '/passes over key ranges/ { sub(/^telrisk: /, "# "); print }') |
    grep -E "^telrisk: (read|partition) " | stage_rows 2 /pass
