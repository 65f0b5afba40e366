#!/usr/bin/env bash
# The run file in pandas (docs/output.md, "pandas"): the test country's run file, with stress
# scenarios and run.currency = TZS, loads table by table and matrix by matrix in one line each
# (tests/tools/check_pandas.py: strings as str, text attributes as str without decoding, a unit on
# every dataset, labels on every matrix, one region vocabulary, the currency, PDs in probability).
# Then it shows it can fail: a copy whose /models/summary all-regions row says -1 (the old "all"),
# one with a fixed-length (bytes) text attribute, and one whose first two /models/regions/<name>
# groups are swapped (each then under the other's name) must be refused. Last, regions named ".",
# "North/East", "100%", "%2F", "..": each its own group, read back by name.
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
cp "$work/run.h5" "$work/swapped.h5"
/usr/bin/python3 - "$work/swapped.h5" <<'PY'
import h5py, sys
with h5py.File(sys.argv[1], "r+") as f:
    g = f["models/regions"]
    a, b = sorted(g)[:2]
    g.move(a, "tmp"), g.move(b, a), g.move("tmp", b)
PY
if /usr/bin/python3 "$tools/check_pandas.py" "$work/swapped.h5" >"$work/swapped.log"; then
    cat "$work/swapped.log"; echo "FAIL: two regions' model groups swapped passed"; exit 1
fi
grep -q "is not its name unescaped" "$work/swapped.log" ||
    { cat "$work/swapped.log"; echo "FAIL: not the swapped groups named"; exit 1; }
echo "pandas: the run file loads in one line per object, its text attributes as str; a wrong region" \
    "code, a bytes attribute and swapped region groups are found"

# Region names that HDF5 paths cannot hold as they are ('/', '.') or that look like an escape
# ('%', "%2F"): the test country with its regions renamed, run, scored with its own models (read
# back by name) and explained. Each region's group is the name escaped (check_pandas.py), and
# explain names the model by the region's name.
odd="$work/odd_country"
mkdir -p "$odd"
for f in "$data"/*.csv; do ln -s "$f" "$odd/"; done
/usr/bin/python3 - "$data" "$odd" <<'PY'
import csv, os, sys
data, odd = sys.argv[1:3]
names = sorted({r["region"] for r in csv.DictReader(open(f"{data}/antennas.csv"))})
new = dict(zip(names, [".", "North/East", "100%", "%2F", "..", "Zi wani ë"]))
for table in ("antennas.csv", "subscribers.csv"):
    with open(f"{data}/{table}", newline="") as src:
        rows = list(csv.DictReader(src))
    os.unlink(f"{odd}/{table}")
    with open(f"{odd}/{table}", "w", newline="") as out:
        w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            r["region"] = new.get(r["region"], r["region"])
            w.writerow(r)
PY
mpiexec -n 2 "$telrisk" run --config "$config" --quiet --set inputs.dir="$odd" \
    --set output.path="$work/odd.h5" 2>"$work/odd.log" ||
    { cat "$work/odd.log"; echo "FAIL: the run with odd region names"; exit 1; }
/usr/bin/python3 "$tools/check_pandas.py" "$work/odd.h5"
mpiexec -n 2 "$telrisk" score "$work/odd.h5" --model "$work/odd.h5" --quiet \
    --out "$work/odd_scored.h5" 2>"$work/odd.log" ||
    { cat "$work/odd.log"; echo "FAIL: score with odd region names"; exit 1; }
cmp <(h5dump -d /subscribers/pd "$work/odd.h5" | tail -n +3) \
    <(h5dump -d /subscribers/pd "$work/odd_scored.h5" | tail -n +3) ||
    { echo "FAIL: scored by its own models (read back by name), other PDs"; exit 1; }
/usr/bin/python3 - "$telrisk" "$work/odd.h5" "$tools" <<'PY'
import subprocess, sys
import h5py, numpy as np
telrisk, run, tools = sys.argv[1:4]
sys.path.insert(0, tools)
import region_groups
with h5py.File(run, "r") as f:
    names, region, key = region_groups.names(f), f["subscribers/region"][:], f["subscribers/key"][:]
    assert sorted(f["models/regions"]) == sorted(["%2E", "North%2FEast", "100%25", "%252F", "..",
                                                   "Zi wani ë"]), list(f["models/regions"])
    own = [bool(region_groups.group(f, r).attrs["own_model"]) for r in range(len(names))]
    groups = f["models/regions"]
    utf8 = [groups.id.links.get_info(k.encode()).cset for k in groups]  # the links' own tags
    assert set(utf8) == {h5py.h5t.CSET_UTF8}, utf8
for r, name in enumerate(names):
    k = int(key[np.flatnonzero(region == r)[0]])
    out = subprocess.run([telrisk, "explain", run, "--key", str(k)], capture_output=True,
                         text=True, check=True).stdout
    want = f"model: region {name}" if own[r] else "model: national"
    assert want in out.splitlines(), (name, want, out)
print(f"odd names: {names} each its own group, read back by score, named by explain")
PY
# A file of the layout before (/models/region_<r>) is refused, saying so, not read by row.
cp "$work/odd.h5" "$work/old_layout.h5"
/usr/bin/python3 - "$work/old_layout.h5" "$tools" <<'PY'
import sys
import h5py
sys.path.insert(0, sys.argv[2])
import region_groups
with h5py.File(sys.argv[1], "r+") as f:
    for r, name in enumerate(region_groups.names(f)):
        f.move(f"models/regions/{region_groups.link(name)}", f"models/region_{r}")
    del f["models/regions"]
PY
key=$(/usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r')['subscribers/key'][0])" \
    "$work/old_layout.h5")
rc=0
"$telrisk" explain "$work/old_layout.h5" --key "$key" --no-verify >/dev/null 2>"$work/old.log" || rc=$?
[ $rc -eq 2 ] && grep -q "it has no /models/regions" "$work/old.log" ||
    { cat "$work/old.log"; echo "FAIL: a file of /models/region_<r> groups: exit $rc"; exit 1; }
echo "old layout: refused (exit 2): $(grep "no /models/regions" "$work/old.log")"
