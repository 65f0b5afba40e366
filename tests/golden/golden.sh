#!/usr/bin/env bash
# The golden digest: the test country's run file, made as tests/mpi/run_identical.sh makes it
# (inputs/test.ini, the generated country, stress.scenarios = inputs/scenarios/regulatory.ini), at
# 2 and at 3 ranks, must have the digest stored in tests/golden/test_country.sha256:
# tests/tools/golden_digest.py, every group, dataset and attribute outside /provenance but the
# root's ranks and created_utc, with the run's own paths replaced by the config keys that give
# them. On a difference it prints both digests and the groups that differ (by the per-group list
# tests/golden/test_country.groups). Then it shows it can fail: a copy of the 2-rank file with one
# value of /subscribers/pd moved by one ulp, and another with one coefficient of
# /models/national, must each get another digest, naming that group and no other.
# usage: golden.sh TELRISK CONFIG DATA_DIR WORKDIR [--renew]
#   --renew  first rewrites the stored digest and group list from a 2-rank run (on purpose, after
#            a change of the run file's content: scripts/golden.sh --renew), then checks as usual
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4 renew=${5:-}
# Absolute paths: the digest replaces the config's absolute paths (a relative one would stay in it).
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
telrisk=$(abs "$telrisk") config=$(abs "$config") data=$(cd "$data" && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
digest="$here/test_country.sha256" groups="$here/test_country.groups"
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
# The digest of a file; a path of this machine left in what it covers is an error of its own.
digest() { /usr/bin/python3 "$root/tests/tools/golden_digest.py" "$@" --no-path "$root" \
    --no-path "$data" --no-path "$work"; }
run() { # NP: the run at NP ranks, into $work/runNP.h5
    mpiexec -n "$1" "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
        --set stress.scenarios="$scenarios" --set output.path="$work/run$1.h5" 2>"$work/run$1.log" ||
        { cat "$work/run$1.log"; fail "the run at $1 ranks"; }
}

run 2
if [ "$renew" = --renew ]; then
    old=$(grep -v '^#' "$digest" 2>/dev/null || echo none)
    commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)
    version=$(/usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r').attrs['telrisk_version'])" "$work/run2.h5")
    digest "$work/run2.h5" --write "$digest" "$groups" --comment "The golden digest \
(tests/tools/golden_digest.py) of the run file of inputs/test.ini's generated country, run as \
tests/mpi/run_identical.sh runs it (stress.scenarios = inputs/scenarios/regulatory.ini) at 2 ranks; \
checked at 2 and 3 ranks by the test golden.test_country. Renewed with scripts/golden.sh --renew \
on $(date -u +%F), commit $commit, telrisk $version."
    new=$(grep -v '^#' "$digest")
    [ "$new" = "$old" ] && echo "golden: renewed: the digest is unchanged, $new" ||
        echo "golden: renewed: $old -> $new (commit tests/golden/ with the change that made it)"
elif [ -n "$renew" ]; then
    fail "unknown option $renew (want --renew)"
fi
[ -f "$digest" ] && [ -f "$groups" ] || fail "no stored digest in $digest (scripts/golden.sh --renew)"

status=0
run 3
for np in 2 3; do
    digest "$work/run$np.h5" --check "$digest" "$groups" --what "the run at $np ranks" || status=1
done

# The check can fail: one value changed in a copy. Against the 2-rank file's own digest (so that
# this part holds even when the stored one is out of date), the copy's must differ and name GROUP.
digest "$work/run2.h5" --write "$work/run2.sha256" "$work/run2.groups" >/dev/null
altered() { # GROUP WHAT PYTHON (with f the copy, open for writing)
    cp "$work/run2.h5" "$work/altered.h5"
    /usr/bin/python3 -c "import h5py, numpy as np
with h5py.File('$work/altered.h5', 'r+') as f:
    $3" || fail "self-check: cannot alter the copy"
    local out
    out=$(digest "$work/altered.h5" --check "$work/run2.sha256" "$work/run2.groups") &&
        fail "self-check: $2, and the digest is the same"
    grep -qx "  groups that differ: $1" <<<"$out" || { echo "$out"; fail "self-check: $2: not $1 alone"; }
    echo "golden: self-check: $2: the digest differs, in $1 alone"
}
altered /subscribers "/subscribers/pd[7] one ulp up" \
    "d = f['subscribers/pd']; d[7] = np.nextafter(d[7], 1.0)"
altered /models/national "/models/national/coefficients[0] estimate one ulp up" \
    "d = f['models/national/coefficients']; row = d[0]; row['estimate'] = np.nextafter(row['estimate'], np.inf); d[0] = row"
[ $status -eq 0 ] && echo "golden: the run at 2 and 3 ranks has the stored digest $(grep -v '^#' "$digest")"
exit $status
