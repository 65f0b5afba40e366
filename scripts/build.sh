#!/usr/bin/env bash
# Configures and builds telrisk into build/ (Release with debug info). Used by demo.sh, test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j "$(nproc)" >/dev/null
