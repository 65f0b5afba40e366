#!/usr/bin/python3
"""The suite keeps its own rules: every ctest test has a TIMEOUT and at least one label of the
set below, and no label outside the set and its few extras (a misspelt label would hide a test
from `ctest -L`).

usage: check_suite.py CTEST BUILD_DIR [--labels LABEL...] [--extra LABEL...]

The labels (tests/CMakeLists.txt passes TELRISK_TEST_LABELS and TELRISK_TEST_EXTRA_LABELS) by
default:
  --labels unit mpi model stress slurm privacy hostile fuzz slow   (each test has one at least)
  --extra  truth integrity memory reference golden                 (allowed beside them)

Reads `ctest --show-only=json-v1` in BUILD_DIR. Exit 0 when every test keeps the rules, 1 naming
each test that does not. Before that it checks itself on a made-up listing (a test without a
TIMEOUT, one without a label, one with a label outside the set), which it must refuse. Also says
(without failing: times depend on the machine's load) which tests took over 30 s on average in
this build's past runs (Testing/Temporary/CTestCostData.txt) without the label `slow`.
Python 3 standard library only."""
import json
import os
import subprocess
import sys

LABELS = {"unit", "mpi", "model", "stress", "slurm", "privacy", "hostile", "fuzz", "slow"}
EXTRA = {"truth", "integrity", "memory", "reference", "golden"}
SLOW_SECONDS = 30


def problems(listing):
    """(problems, {label: [tests]}) of a json-v1 listing."""
    found, by_label = [], {}
    for test in listing.get("tests", []):
        name = test.get("name", "?")
        props = {p["name"]: p["value"] for p in test.get("properties", [])}
        timeout = props.get("TIMEOUT")
        labels = props.get("LABELS", [])
        if isinstance(labels, str):
            labels = [labels]
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            found.append(f"{name}: no TIMEOUT")
        if not set(labels) & LABELS:
            found.append(f"{name}: no label of {', '.join(sorted(LABELS))} (has {labels or 'none'})")
        unknown = sorted(set(labels) - LABELS - EXTRA)
        if unknown:
            found.append(f"{name}: label(s) {', '.join(unknown)} outside the set and its extras "
                         f"({', '.join(sorted(EXTRA))})")
        for label in labels:
            by_label.setdefault(label, []).append(name)
    return found, by_label


def self_check():
    """The rules refuse a made-up listing of three bad tests and pass its one good test."""
    ok = sorted(LABELS)[0]
    bad = ok.capitalize() + "_misspelt"
    listing = {"tests": [
        {"name": "made_up.no_timeout", "properties": [{"name": "LABELS", "value": [ok]}]},
        {"name": "made_up.no_label", "properties": [{"name": "TIMEOUT", "value": 60}]},
        {"name": "made_up.bad_label", "properties": [{"name": "TIMEOUT", "value": 60},
                                                     {"name": "LABELS", "value": [bad]}]},
        {"name": "made_up.good", "properties": [{"name": "TIMEOUT", "value": 60},
                                                {"name": "LABELS", "value": [ok]}]},
    ]}
    found, _ = problems(listing)
    want = ["made_up.no_timeout: no TIMEOUT", "made_up.no_label: no label",
            "made_up.bad_label: no label", f"made_up.bad_label: label(s) {bad} outside"]
    missed = [w for w in want if not any(f.startswith(w) for f in found)]
    if missed or len(found) != len(want):
        print(f"check_suite: the self-check failed: missed {missed}, found {found}")
        return False
    return True


def slow_notes(build, by_label):
    path = os.path.join(build, "Testing", "Temporary", "CTestCostData.txt")
    if not os.path.exists(path):
        return []
    slow = set(by_label.get("slow", []))
    notes = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[:1] == ["---"]:
                break
            if len(parts) == 3 and parts[0] not in slow:
                try:
                    seconds = float(parts[2])
                except ValueError:
                    continue
                if seconds > SLOW_SECONDS:
                    notes.append(f"note: {parts[0]} took {seconds:.0f} s on average here and is "
                                 "not labelled slow")
    return notes


def main():
    global LABELS, EXTRA
    args = sys.argv[1:]
    if len(args) < 2 or args[0].startswith("--") or args[1].startswith("--"):
        sys.exit(__doc__)
    ctest, build = args[:2]
    lists, current = {}, None
    for a in args[2:]:
        if a in ("--labels", "--extra"):
            current = lists.setdefault(a, set())
        elif current is None:
            sys.exit(__doc__)
        else:
            current.add(a)
    LABELS = lists.get("--labels") or LABELS
    EXTRA = lists.get("--extra", EXTRA)
    if not self_check():
        return 1
    res = subprocess.run([ctest, "--show-only=json-v1"], cwd=build, capture_output=True, text=True)
    if res.returncode != 0:
        print(f"check_suite: ctest --show-only=json-v1 exited {res.returncode}: {res.stderr.strip()}")
        return 1
    listing = json.loads(res.stdout)
    found, by_label = problems(listing)
    n = len(listing.get("tests", []))
    if n == 0:
        print("check_suite: ctest lists no test")
        return 1
    for note in slow_notes(build, by_label):
        print(note)
    if found:
        print("\n".join(f"FAIL {x}" for x in found))
        print(f"check_suite: {len(found)} problem(s) in {n} tests")
        return 1
    print(f"check_suite: {n} tests, each with a TIMEOUT and a label of the set; "
          + ", ".join(f"{k} {len(v)}" for k, v in sorted(by_label.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
