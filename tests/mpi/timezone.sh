#!/usr/bin/env bash
# run.timezone: the local clock of night and days. The test country run with the basic set at
# Africa/Dar_es_Salaam (UTC+3 all year) has every subscriber's percent_nocturnal and active_days
# as tests/tools/check_basic.py recomputes them from the CSV on that clock (Python's zoneinfo),
# and not as on UTC's (night moved by the offset); the same at 1 and 3 ranks. An unknown zone is
# a config error (exit 1) naming run.timezone.
# usage: timezone.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
rm -rf "$work"
mkdir -p "$work"
seed=$(awk -F= '/^seed/ { gsub(/ /, "", $2); print $2 }' "$config")
zone=Africa/Dar_es_Salaam
for np in 1 3; do
    mpiexec -n "$np" "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
        --set features.set=basic --set run.timezone="$zone" --set output.path="$work/run.h5" \
        2>"$work/run$np.log" || { cat "$work/run$np.log"; exit 1; }
    mv "$work/run.h5" "$work/tz$np.h5"
done
status=0
h5diff "$work/tz1.h5" "$work/tz3.h5" /subscribers /subscribers ||
    { echo "timezone: /subscribers differs between 1 and 3 ranks"; status=1; }
/usr/bin/python3 "$tools/check_basic.py" "$data" "$work/tz3.h5" --seed "$seed" --timezone "$zone" ||
    status=1
# The same file read on UTC's clock must disagree: the zone is not ignored.
if /usr/bin/python3 "$tools/check_basic.py" "$data" "$work/tz3.h5" --seed "$seed" >"$work/utc.txt"; then
    echo "timezone: the $zone run agrees with UTC's night: the zone was ignored"
    status=1
else
    grep -q "percent_nocturnal" "$work/utc.txt" ||
        { echo "timezone: UTC's recomputation differs, but not in percent_nocturnal"; status=1; }
fi
# An unknown zone: exit 1, one message naming the key.
set +e
mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set run.timezone=Mars/Olympus_Mons --set output.path="$work/bad.h5" 2>"$work/bad.log"
rc=$?
set -e
if [ $rc -ne 1 ] || ! grep -q "run.timezone" "$work/bad.log" || [ -e "$work/bad.h5" ]; then
    echo "timezone: an unknown zone gave exit $rc:"
    cat "$work/bad.log"
    status=1
fi
[ $status -eq 0 ] && echo "timezone: night on $zone's clock, the same at 1 and 3 ranks"
exit $status
