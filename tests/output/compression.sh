#!/usr/bin/env bash
# The run file's compression (docs/output.md, Layout; output.compression): the test country's run
# file at the default level and with output.compression = 0 holds the same objects, values and
# attributes (the checksums of compressed datasets aside: they cover the bytes as stored); the
# compressed one is at most half the size, its datasets of 64 KiB or more chunked and deflated
# and the uncompressed one's all contiguous (tests/tools/check_runfile.py); both verify intact;
# a level outside 0-9 is refused.
# usage: compression.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
export SOURCE_DATE_EPOCH=1700000000
for level in 1 0; do
    mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
        --set stress.scenarios="$scenarios" --set output.compression=$level \
        --set output.path="$work/level$level.h5" 2>"$work/run$level.log" ||
        { cat "$work/run$level.log"; fail "the run at output.compression = $level"; }
    /usr/bin/python3 "$tools/check_runfile.py" "$work/level$level.h5" >"$work/check$level.log" ||
        { cat "$work/check$level.log"; fail "layout at output.compression = $level"; }
    "$telrisk" verify "$work/level$level.h5" >/dev/null || fail "verify at output.compression = $level"
done
/usr/bin/python3 - "$work/level1.h5" "$work/level0.h5" <<'PY'
import os, sys
import h5py
import numpy as np

packed, plain = sys.argv[1:]
ratio = os.path.getsize(packed) / os.path.getsize(plain)
assert ratio <= 0.5, f"compressed file {ratio:.1%} of the uncompressed one"
SKIP = {"checksum", "manifest", "config"}  # the config differs by output.compression and path


def same_attrs(a, b, where):
    for k in set(a.attrs) | set(b.attrs):
        if k in SKIP:
            continue
        x, y = a.attrs.get(k), b.attrs.get(k)
        assert x is not None and y is not None, f"{where}: attribute {k} in one file only"
        assert np.array_equal(np.asarray(x), np.asarray(y)), f"{where}: attribute {k} differs"


with h5py.File(packed, "r") as f, h5py.File(plain, "r") as g:
    same_attrs(f, g, "/")
    names = []
    f.visit(names.append)
    other = []
    g.visit(other.append)
    assert sorted(names) == sorted(other), "not the same objects"
    chunked = 0
    for n in names:
        if n.startswith("provenance"):
            continue
        a, b = f[n], g[n]
        same_attrs(a, b, n)
        if isinstance(a, h5py.Dataset):
            assert b.chunks is None, f"{n}: chunked at output.compression = 0"
            chunked += a.chunks is not None
            x, y = a[()], b[()]
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), f"{n}: values differ"
    assert chunked >= 3, f"only {chunked} datasets compressed"
print(f"compression: {chunked} datasets deflated, the same values and attributes; the file "
      f"{os.path.getsize(packed)} B against {os.path.getsize(plain)} B ({ratio:.1%})")
PY
rc=0
"$telrisk" config --set output.compression=10 >/dev/null 2>"$work/bad.log" || rc=$?
[ $rc -eq 1 ] && grep -q "output.compression" "$work/bad.log" || { cat "$work/bad.log"; fail "level 10 not refused (exit $rc)"; }
echo "compression: output.compression = 10 refused"
