#!/usr/bin/python3
"""Conformance of `telrisk indicators` with bandicoot's own test fixtures.

usage: check_bandicoot.py TELRISK REFERENCE_DIR

REFERENCE_DIR is bandicoot's fixtures (../shared/reference/bandicoot; see its README.md). Each
fixture's user is run through `telrisk indicators` with the options bandicoot's test used, and
every expected key is compared the way bandicoot's tests compare (testing_tools.compare_dict):
numbers pass when |expected - got| < 1.5 * 10**-decimal, anything else (null, strings) must be
equal, and a missing key fails. reporting__* keys are not compared (bandicoot's run metadata).

  manual/A.json            A, groupby None, antennas and recharges     decimal 4
  manual/B.json            B, groupby None                             decimal 3
  regressions/manual_a.json  A, weekly, extended, split week and day   decimal 7
  regressions/empty_user.json  a user without records, same options    decimal 7

Exit 0 when every key passes, 1 otherwise, and 77 (SKIPPED: ctest's SKIP_RETURN_CODE for the
test bandicoot.conformance) when REFERENCE_DIR is absent: nothing was compared, so nothing passed.
Python 3 standard library only."""
import json
import os
import subprocess
import sys
import tempfile

SKIPPED = 77  # the test's SKIP_RETURN_CODE (tests/CMakeLists.txt)
FULL = ["--groupby", "week", "--summary", "extended", "--split-week", "--split-day"]


def flatten(d, parent=""):
    """bandicoot.utils.flatten: nested keys joined with "__", in order."""
    out = {}
    for k, v in d.items():
        key = f"{parent}__{k}" if parent else k
        if isinstance(v, dict):
            out.update(flatten(v, key))
        else:
            out[key] = v
    return out


def is_number(v):
    return isinstance(v, (int, float))  # bools too, as in bandicoot's comparison


def compare(expected, got, decimal, skip):
    """(compared, failures) over expected's keys, reporting__* and skip left out."""
    compared, failures = 0, []
    tol = 1.5 * 10 ** (-decimal)
    for key, want in expected.items():
        if key.startswith("reporting__") or key in skip:
            continue
        compared += 1
        if key not in got:
            failures.append(f"{key}: missing")
            continue
        have = got[key]
        if is_number(want) and is_number(have):
            ok = abs(want - have) < tol
        else:
            ok = want == have
        if not ok:
            failures.append(f"{key}: expected {want!r}, got {have!r}")
    return compared, failures


def run(telrisk, user, args):
    cmd = [telrisk, "indicators", user] + args
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {res.returncode}: {res.stderr.strip()}")
    return json.loads(res.stdout)


def cases(ref, tmp):
    towers = os.path.join(ref, "towers.csv")
    a = os.path.join(ref, "manual", "A.csv")
    recharges_a = os.path.join(ref, "manual", "recharges", "A.csv")
    empty = os.path.join(tmp, "empty.csv")
    with open(empty, "w") as f:
        f.write("interaction,direction,correspondent_id,datetime,call_duration,antenna_id\n")

    def load(*path):
        with open(os.path.join(ref, *path)) as f:
            return json.load(f)

    yield ("manual/A.json", a, ["--antennas", towers, "--recharges", recharges_a,
                                "--groupby", "none"], flatten(load("manual", "A.json")), 4, {})
    yield ("manual/B.json", os.path.join(ref, "manual", "B.csv"),
           ["--antennas", towers, "--groupby", "none"], flatten(load("manual", "B.json")), 3, {})
    # bandicoot's test loaded A with its recharges for this regression (the fixture's
    # reporting__recharges_path is null only because bandicoot reports attributes_path there).
    yield ("regressions/manual_a.json", a, ["--antennas", towers, "--recharges", recharges_a] + FULL,
           load("regressions", "manual_a.json")["A"], 7, {})
    # The reference empty user was built in memory by bandicoot's test: no file, so no name,
    # and an attribute set by hand. Neither is an indicator; both are reported, not compared.
    yield ("regressions/empty_user.json", empty, ["--antennas", towers] + FULL,
           load("regressions", "empty_user.json")["null"], 7,
           {"name": "the reference user was built in memory, without a file name",
            "attributes__empty": "an attribute bandicoot's test set by hand, not an indicator"})


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    telrisk, ref = sys.argv[1], sys.argv[2]
    if not os.path.isdir(ref):
        print(f"check_bandicoot: skipped: no bandicoot reference fixtures at {ref}")
        return SKIPPED
    all_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, user, args, expected, decimal, skip in cases(ref, tmp):
            try:
                got = run(telrisk, user, args)
            except (RuntimeError, json.JSONDecodeError) as e:
                print(f"FAIL {name}: {e}")
                all_ok = False
                continue
            compared, failures = compare(expected, got, decimal, skip)
            passed = compared - len(failures)
            note = "".join(f"; not compared: {k} ({why})" for k, why in skip.items()
                           if k in expected)
            print(f"{name}: {passed}/{compared} keys passed (decimal {decimal}){note}")
            for f in failures[:25]:
                print(f"  FAIL {f}")
            if len(failures) > 25:
                print(f"  ... and {len(failures) - 25} more")
            all_ok = all_ok and not failures
    print("check_bandicoot: " + ("all keys passed" if all_ok else "FAILED"))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
