#!/usr/bin/env bash
# Generates the same country at 1, 2, 3 and 4 ranks and requires byte-identical files.
# usage: generate_identical.sh TELRISK CONFIG WORKDIR   (leaves WORKDIR/np1 for the truth check)
set -euo pipefail
telrisk=$1 config=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
for np in 1 2 3 4; do
    mpiexec -n "$np" "$telrisk" generate --config "$config" --out "$work/np$np" --quiet
done
status=0
files=$(cd "$work/np1" && find . -type f | sort)
[ "$(echo "$files" | wc -l)" -ge 15 ] || { echo "too few files: $files"; exit 1; }
for np in 2 3 4; do
    [ "$(cd "$work/np$np" && find . -type f | sort)" = "$files" ] || { echo "np=$np: different file set"; status=1; }
    for f in $files; do
        cmp "$work/np1/$f" "$work/np$np/$f" || status=1
    done
done
[ $status -eq 0 ] && echo "generate: $(echo "$files" | wc -l) files identical at 1, 2, 3 and 4 ranks ($(du -sh "$work/np1" | cut -f1))"
exit $status
