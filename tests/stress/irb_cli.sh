#!/usr/bin/env bash
# telrisk irb, the validator's calculator, against the Basel figures (other retail PD 1%, LGD 45%:
# K = 0.0366182; corporate PD 1%, LGD 45%, M 2.5: risk weight 92.32% without the 1.06 factor), with
# the scaling factor, and its usage errors (exit 1, one message naming the option).
# usage: irb_cli.sh TELRISK
set -euo pipefail
telrisk=$1
out=$("$telrisk" irb --pd 0.01 --lgd 0.45 --class other_retail)
grep -q "^capital K    0.03661817" <<<"$out" || { echo "other retail K:"; echo "$out"; exit 1; }
out=$("$telrisk" irb --pd 0.01 --lgd 0.45 --class corporate --maturity 2.5)
grep -q "(92.32%" <<<"$out" || { echo "corporate risk weight:"; echo "$out"; exit 1; }
out=$("$telrisk" irb --pd 0.01 --lgd 0.45 --class corporate --maturity 2.5 --set stress.scaling=1.06)
grep -q "^risk weight  0.978558094" <<<"$out" || { echo "corporate with 1.06:"; echo "$out"; exit 1; }
for bad in "--pd 0 --lgd 0.45 --class qrre:--pd" "--pd 0.01 --lgd 2 --class qrre:--lgd" \
           "--pd 0.01 --lgd 0.45 --class sovereign:--class" "--pd 0.01 --class qrre:--lgd L is required"; do
    args=${bad%%:*} want=${bad#*:} rc=0
    # shellcheck disable=SC2086
    "$telrisk" irb $args >/dev/null 2>"${TMPDIR:-/tmp}/irb_err.$$" || rc=$?
    [ "$rc" = 1 ] && grep -q -- "$want" "${TMPDIR:-/tmp}/irb_err.$$" ||
        { echo "telrisk irb $args: exit $rc, stderr:"; cat "${TMPDIR:-/tmp}/irb_err.$$"; exit 1; }
done
rm -f "${TMPDIR:-/tmp}/irb_err.$$"
echo "irb: other retail K 0.0366182, corporate 92.32% (97.86% with 1.06), usage errors exit 1"
