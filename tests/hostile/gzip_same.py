#!/usr/bin/python3
"""A gzipped country gives the run file the plain one gives (issue 18).

usage: gzip_same.py TELRISK CONFIG WORKDIR

Generates a small country from CONFIG (with its planted defects, so that /rejects has rows), runs
it at 2 ranks, gzips every table file (cdr.csv -> cdr.csv.gz, found by inputs.dir) and runs that at
2 and at 3 ranks. Outside /provenance, each gzip run file must equal the plain one object for
object, value for value and bit for bit, attributes included, but for what names the files: the
root's config (inputs.dir, output.path), created_utc, ranks, checksum and manifest, and /rejects'
path column (the same file with .gz after its name; its checksum with it). In /provenance/inputs
every row must count the same lines, accepted, rejected, duplicates and unknown antennas, with
the gzip file's path and its size on disk; /provenance/tables must be the same. Exit 0 when all
holds, else 1 with the differences. Needs h5py (Debian's /usr/bin/python3).
"""
import gzip
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

COUNTRY = ["generate.subscribers=400", "generate.days=21", "generate.block_subscribers=100"]
ROOT_VARYING = {"config", "created_utc", "ranks", "checksum", "manifest"}


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")


def attr_content(v):
    """An attribute's content to compare: its bytes, or, for variable-length strings (str, or an
    array of str objects, whose bytes would be pointers), its text."""
    a = np.asarray(v)
    return [str(x) for x in a.reshape(-1)] if a.dtype.kind in "OU" else a.tobytes()


def same_attrs(a, b, name, skip, bad):
    keys = sorted(set(a.attrs) - skip), sorted(set(b.attrs) - skip)
    if keys[0] != keys[1]:
        bad(f"{name}: attributes {keys[0]} against {keys[1]}")
        return
    for k in keys[0]:
        x, y = a.attrs[k], b.attrs[k]
        if attr_content(x) != attr_content(y) or str(x) != str(y):
            bad(f"{name}: attribute {k} differs")


def plain_rejects(rows):
    """/rejects with each path's .gz dropped and its folder left out."""
    rows = rows.copy()
    rows["path"] = [os.path.basename(p.decode().removesuffix(".gz")).encode() for p in rows["path"]]
    return rows


def compare(plain, gz, bad):
    def walk(a, b, name):
        if set(a) != set(b):
            bad(f"{name}: members {sorted(a)} against {sorted(b)}")
        for k in sorted(set(a) & set(b)):
            path = f"{name.rstrip('/')}/{k}"
            if path == "/provenance":
                continue
            x, y = a[k], b[k]
            if isinstance(x, h5py.Group):
                same_attrs(x, y, path, set(), bad)
                walk(x, y, path)
                continue
            if path == "/rejects":
                same_attrs(x, y, path, {"checksum"}, bad)
                if not np.array_equal(plain_rejects(x[()]), plain_rejects(y[()])):
                    bad("/rejects: rows differ (the paths' .gz aside)")
                continue
            same_attrs(x, y, path, set(), bad)
            if x.dtype != y.dtype or x.shape != y.shape:
                bad(f"{path}: {x.dtype}{x.shape} against {y.dtype}{y.shape}")
            elif np.asarray(x[()]).tobytes() != np.asarray(y[()]).tobytes():
                bad(f"{path}: values differ")

    same_attrs(plain, gz, "/", ROOT_VARYING, bad)
    walk(plain, gz, "/")
    a, b = plain["provenance/inputs"][()], gz["provenance/inputs"][()]
    for col in ("table", "lines", "accepted", "rejected", "duplicates", "unknown_antenna"):
        if not np.array_equal(a[col], b[col]):
            bad(f"/provenance/inputs: {col} differs")
    for pa, pb, size in zip(a["path"], b["path"], b["bytes"]):
        if pb.decode() != pa.decode().replace("/plain/", "/gz/") + ".gz":
            bad(f"/provenance/inputs: {pb.decode()} for {pa.decode()}")
        elif os.path.getsize(pb.decode()) != size:
            bad(f"/provenance/inputs: {pb.decode()} of {size} bytes, on disk not")
    if not np.array_equal(plain["provenance/tables"][()], gz["provenance/tables"][()]):
        bad("/provenance/tables differs")
    if int(a["rejected"].sum()) == 0:
        bad("the country has no rejected line: /rejects is not put to the test")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    telrisk, config, work = (os.path.abspath(x) for x in sys.argv[1:])
    shutil.rmtree(work, ignore_errors=True)
    plain, gzd = os.path.join(work, "plain"), os.path.join(work, "gz")
    gen = ["mpiexec", "-n", "2", telrisk, "generate", "--config", config, "--out", plain, "--quiet"]
    run(gen + [x for s in COUNTRY for x in ("--set", s)])
    os.makedirs(gzd)
    for f in sorted(os.listdir(plain)):
        if f.endswith(".csv"):
            with open(os.path.join(plain, f), "rb") as src:
                with gzip.open(os.path.join(gzd, f + ".gz"), "wb", compresslevel=6) as dst:
                    shutil.copyfileobj(src, dst)
    files = {}
    for name, data, ranks in (("plain", plain, 2), ("gz2", gzd, 2), ("gz3", gzd, 3)):
        files[name] = os.path.join(work, name + ".h5")
        run(["mpiexec", "-n", str(ranks), telrisk, "run", "--config", config, "--quiet",
             "--set", "inputs.dir=" + data, "--set", "output.path=" + files[name]])
    problems = []
    with h5py.File(files["plain"], "r") as p:
        for name in ("gz2", "gz3"):
            with h5py.File(files[name], "r") as g:
                compare(p, g, lambda m, n=name: problems.append(f"{n}: {m}"))
    for m in problems:
        print("FAIL: " + m)
    print("gzip country: " + ("the same run file as the plain one at 2 and 3 ranks" if not problems
                              else f"{len(problems)} differences"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
