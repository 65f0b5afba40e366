#!/usr/bin/env bash
# telrisk's logistic regression against R's glm at 1-4 ranks: each within 1e-6 of R, all the
# same bits. usage: logit_vs_r.sh LOGIT_RANKS WORKDIR
set -euo pipefail
program=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
Rscript "$here/../tools/glm_reference.R" "$work"
for np in 1 2 3 4; do
    mpiexec -n "$np" "$program" "$work" >"$work/np$np.out"
    grep "logit_ranks" "$work/np$np.out"
done
for np in 2 3 4; do
    [ "$(grep '^bits' "$work/np1.out")" = "$(grep '^bits' "$work/np$np.out")" ] ||
        { echo "np=$np: coefficients differ in their bits from np=1"; exit 1; }
done
echo "logit: R's glm reproduced, the same bits at 1-4 ranks: $(grep '^bits' "$work/np1.out")"
