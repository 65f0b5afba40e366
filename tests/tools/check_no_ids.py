#!/usr/bin/env python3
"""Searches every file of an output folder for every id of a run's inputs: no phone number, agent,
transaction or loan id may be in any of them.

HDF5 files are searched both as raw bytes and as h5dump's text of every dataset and attribute
(what a reader sees, decoded); other files as bytes. A token is a maximal run of letters and
digits; an id is found when a token equals it. The search is checked on itself first: a file
planted with one id must be caught.

usage: check_no_ids.py DATA_DIR OUTPUT_DIR
"""
import csv
import os
import re
import subprocess
import sys
import tempfile

csv.field_size_limit(1 << 30)  # the planted defects include 1 MB lines

ID_COLUMNS = {"subscriber_id", "caller_id", "recipient_id", "txn_id", "loan_id"}
TOKEN = re.compile(rb"[A-Za-z0-9]+")


def input_ids(data_dir):
    """Every value of an id column of every input table."""
    ids = set()
    for name in sorted(os.listdir(data_dir)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(data_dir, name), newline="", encoding="utf-8", errors="replace") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            cols = [k for k, c in enumerate(header) if c in ID_COLUMNS]
            for row in reader:
                for k in cols:
                    if k < len(row) and len(row[k]) >= 5:
                        ids.add(row[k].encode())
    return ids


def texts(path):
    """The file's bytes, and for HDF5 files h5dump's text of everything in it."""
    with open(path, "rb") as f:
        raw = f.read()
    yield "bytes", raw
    if raw[:8] == b"\x89HDF\r\n\x1a\n":
        dump = subprocess.run(["h5dump", path], capture_output=True, check=True).stdout
        yield "h5dump", dump


def found_in(path, ids):
    hits = set()
    for how, text in texts(path):
        for token in TOKEN.findall(text):
            if token in ids:
                hits.add((how, token))
    return hits


def main():
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    ids = input_ids(data_dir)
    assert len(ids) > 1000, f"only {len(ids)} ids in {data_dir}"
    # The search itself must catch a planted id, in text and in an HDF5 string attribute.
    planted = sorted(ids)[len(ids) // 2]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "planted.log")
        with open(log, "wb") as f:
            f.write(b"rank 1: subscriber " + planted + b" has no region\n")
        assert found_in(log, ids), "the search misses an id planted in a log"
    files = sorted(os.path.join(d, n) for d, _, ns in os.walk(out_dir) for n in ns)
    leaks = []
    for path in files:
        for how, token in sorted(found_in(path, ids)):
            leaks.append(f"{path} ({how}): input id {token.decode()[:4]}...")
    if leaks:
        print("\n".join(leaks[:40]))
        print(f"FAIL: {len(leaks)} input ids found in the outputs")
        return 1
    sizes = sum(os.path.getsize(p) for p in files)
    print(f"no input id in {len(files)} output files ({sizes} bytes): {len(ids)} ids searched for")
    return 0


if __name__ == "__main__":
    sys.exit(main())
