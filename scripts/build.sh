#!/usr/bin/env bash
# Configures and builds telrisk into build/ (Release with debug info). Used by demo.sh, test.sh.
# --sanitize: into build-sanitize/ instead, with AddressSanitizer and UBSan (TELRISK_SANITIZE).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/build" options=()
if [ "${1:-}" = --sanitize ]; then
    dir="$root/build-sanitize" options=(-DTELRISK_SANITIZE=ON)
fi
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${options[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
