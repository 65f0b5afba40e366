#!/usr/bin/env bash
# The golden digest of the test country's run file (tests/golden/golden.sh, the test
# golden.test_country), outside ctest:
#   scripts/golden.sh           builds, generates the test country and checks the stored digest
#   scripts/golden.sh --renew   the same, but first rewrites tests/golden/test_country.sha256 and
#                               test_country.groups from a 2-rank run: only on purpose, when a
#                               change is meant to change the run file; commit them with it
# The country and the runs go to ${TMPDIR:-/tmp}/telrisk-golden (outside the repository).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
"" | --renew) ;;
*) echo "usage: scripts/golden.sh [--renew]" >&2; exit 1 ;;
esac
"$root/scripts/build.sh"
source "$root/scripts/env.sh"
work="${TMPDIR:-/tmp}/telrisk-golden"
rm -rf "$work"
mkdir -p "$work"
mpiexec -n 2 "$root/build/telrisk" generate --config "$root/inputs/test.ini" --out "$work/data" --quiet
"$root/tests/golden/golden.sh" "$root/build/telrisk" "$root/inputs/test.ini" "$work/data" "$work/run" "$@"
