#!/usr/bin/env bash
# Every test: installs what is missing, builds, runs the whole suite with ctest.
#   scripts/test.sh [CTEST ARGS]             build/ (RelWithDebInfo)
#   scripts/test.sh --sanitize [CTEST ARGS]  build-sanitize/: the same suite built with
#                                            AddressSanitizer (leaks included) and UBSan
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=0
if [ "${1:-}" = --sanitize ]; then
    sanitize=1
    shift
fi
"$root/scripts/setup.sh"
if [ $sanitize -eq 0 ]; then
    "$root/scripts/build.sh"
    source "$root/scripts/env.sh"
    cd "$root/build"
    ctest --output-on-failure "$@"
    exit
fi

"$root/scripts/build.sh" --sanitize
source "$root/scripts/env.sh"
# ASan's and LSan's reports also go to files of their own (the name ends in the process id), so
# a finding in a process whose failure a test expects (a refused input, a killed run) still fails
# the suite. (GCC's UBSan beside ASan ignores log_path: its reports go to stderr only.)
reports="$root/build-sanitize/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
# The first error of either kind ends the process with exit code 86, which no test expects of
# telrisk (its own codes are 0-3). Leaks are checked at every instrumented process's exit; the
# suppressions name only libraries that are not ours (tests/sanitize/lsan.supp says which and why).
export ASAN_OPTIONS="halt_on_error=1:exitcode=86:detect_leaks=1:log_path=$reports/asan:log_exe_name=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"
export LSAN_OPTIONS="suppressions=$root/tests/sanitize/lsan.supp:print_suppressions=0"
# Two tests at a time unless told otherwise (-j): the sanitized suite is about twice as slow.
export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-2}
cd "$root/build-sanitize"
status=0
ctest --output-on-failure "$@" || status=$?
if [ -n "$(ls -A "$reports")" ]; then
    for f in "$reports"/*; do
        echo "== $f"
        cat "$f"
    done
    echo "test.sh --sanitize: $(ls "$reports" | wc -l) sanitizer report(s) in $reports"
    status=1
fi
exit $status
