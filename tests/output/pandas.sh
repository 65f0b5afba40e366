#!/usr/bin/env bash
# The run file in pandas (docs/output.md, "pandas"): the test country's run file, with stress
# scenarios and run.currency = TZS, loads table by table and matrix by matrix in one line each
# (tests/tools/check_pandas.py: strings as str, text attributes as str without decoding, a unit on
# every dataset, labels on every matrix, one region vocabulary, the currency, PDs in probability).
# Then it shows it can fail: a copy whose /models/summary all-regions row says -1 (the old "all"),
# and one with a fixed-length (bytes) text attribute, must be refused.
# usage: pandas.sh TELRISK CONFIG DATA_DIR WORKDIR
set -euo pipefail
telrisk=$1 config=$2 data=$3 work=$4
tools=$(cd "$(dirname "$0")/../tools" && pwd)
scenarios=$(cd "$(dirname "$config")" && pwd)/scenarios/regulatory.ini
rm -rf "$work"
mkdir -p "$work"
mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$data" \
    --set stress.scenarios="$scenarios" --set run.currency=TZS --set output.path="$work/run.h5" \
    2>"$work/run.log" || { cat "$work/run.log"; echo "FAIL: the run"; exit 1; }
/usr/bin/python3 "$tools/check_pandas.py" "$work/run.h5"
/usr/bin/python3 - "$work/run.h5" <<'PY'
import h5py, sys
with h5py.File(sys.argv[1], "r") as f:
    assert f.attrs["currency"] == "TZS", f.attrs["currency"]  # str: a variable-length attribute
PY
cp "$work/run.h5" "$work/old_all.h5"
/usr/bin/python3 - "$work/old_all.h5" <<'PY'
import h5py, sys
with h5py.File(sys.argv[1], "r+") as f:
    d = f["models/summary"]
    row = d[0]
    row["region"] = -1
    d[0] = row
PY
if /usr/bin/python3 "$tools/check_pandas.py" "$work/old_all.h5" >"$work/old_all.log"; then
    cat "$work/old_all.log"; echo "FAIL: a summary whose all row says -1 passed"; exit 1
fi
grep -q "models/summary: region code and name disagree" "$work/old_all.log" ||
    { cat "$work/old_all.log"; echo "FAIL: not the summary's region named"; exit 1; }
# A text attribute stored fixed-length, as telrisk wrote them before: h5py gives it as bytes.
cp "$work/run.h5" "$work/bytes.h5"
/usr/bin/python3 - "$work/bytes.h5" <<'PY'
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "r+") as f:
    f["models"].attrs["transform"] = np.bytes_(f["models"].attrs["transform"].encode())
PY
if /usr/bin/python3 "$tools/check_pandas.py" "$work/bytes.h5" >"$work/bytes.log"; then
    cat "$work/bytes.log"; echo "FAIL: a fixed-length (bytes) text attribute passed"; exit 1
fi
grep -q "text attributes given as bytes: \['/models attribute transform'\]" "$work/bytes.log" ||
    { cat "$work/bytes.log"; echo "FAIL: not the bytes attribute named"; exit 1; }
echo "pandas: the run file loads in one line per object, its text attributes as str; a wrong region code and a bytes attribute are found"
