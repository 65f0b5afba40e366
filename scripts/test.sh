#!/usr/bin/env bash
# Every test: installs what is missing, builds, runs the whole suite with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
source "$root/scripts/env.sh"
cd "$root/build"
ctest --output-on-failure "$@"
