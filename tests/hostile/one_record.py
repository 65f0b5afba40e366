#!/usr/bin/python3
"""What one absurd or conflicting record can do: nothing but to itself.

usage: one_record.py TELRISK CONFIG WORKDIR

Generates a small defect-free country (as run_hostile.py), runs it once as the reference, then
runs variants that each add or move one line, and checks each against the reference through a
real `telrisk run` at 2 ranks:
  - a CDR dated 2099-12-31 (a phone's clock), and one dated 1970-01-01: that line alone is
    rejected as out_of_window; every group outside /provenance and /rejects is identical, and the
    cdr file's counts grow by one line, one reject;
  - the window set in the config to the data's own window: identical; set one day shorter: every
    event line of the dropped day (counted here from the CSV files) is out_of_window, no other;
  - a subscriber listed twice with another region, the extra row first or last in the file; a
    loan id given to a second, different loan, first or last: the same row is rejected as
    conflicting_duplicate in both placements (the same bytes), and the two runs are identical
    outside /provenance and /rejects;
  - a subscriber activated after the window: only that line rejected (out_of_window).
Needs h5py: run with Debian's /usr/bin/python3. Exit 0 when every check holds.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

RANKS = 2
COUNTRY = ["generate.subscribers=300", "generate.days=14", "generate.block_subscribers=100",
           "generate.malformed_rate=0", "generate.duplicate_rate=0",
           "generate.unknown_antenna_rate=0"]
# Root attributes that differ between any two runs (or list /provenance's checksums).
ROOT_VOLATILE = {"created_utc", "ranks", "checksum", "manifest", "config"}
EVENT_TABLES = {"cdr": 3, "recharges": 2, "mobilemoney": 4, "mobiledata": 2, "sim_swaps": 1}
problems = []


def run(telrisk, config, country, out, sets=()):
    cmd = ["mpiexec", "-n", str(RANKS), telrisk, "run", "--config", config, "--quiet",
           "--set", "inputs.dir=" + country, "--set", "output.path=" + out]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
    return p.stderr


def attr_content(v):
    """An attribute's content to compare: its bytes, or, for variable-length strings (str, or an
    array of str objects, whose bytes would be pointers), its text."""
    a = np.asarray(v)
    return [str(x) for x in a.reshape(-1)] if a.dtype.kind in "OU" else a.tobytes()


def content(path):
    """Every object outside /provenance and /rejects: its attributes and, for datasets, data."""
    seen = {}
    with h5py.File(path, "r") as f:
        seen["/"] = {k: attr_content(v) for k, v in f.attrs.items()
                     if k not in ROOT_VOLATILE}

        def visit(name, obj):
            if name.split("/")[0] in ("provenance", "rejects"):
                return
            attrs = {k: attr_content(v) for k, v in obj.attrs.items()
                     if k != "checksum"}
            data = obj[()].tobytes() if isinstance(obj, h5py.Dataset) else b""
            seen[name] = (attrs, data)
        f.visititems(visit)
    return seen


def same_outside(ref, path, what, leave_out=()):
    a, b = content(ref), content(path)
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k) and k not in leave_out)
    if differ:
        problems.append(f"{what}: differs from the reference in {differ[:6]}")


def summary_moves(ref, path, table):
    """The reconciliation's rows that differ: (check, table, region) -> count's change."""
    with h5py.File(ref, "r") as f, h5py.File(path, "r") as g:
        a, b = f["crosschecks/summary"][:], g["crosschecks/summary"][:]
    if len(a) != len(b):
        return {"rows": len(b) - len(a)}
    return {(x["check"].decode(), x["table"].decode(), int(x["region"])): int(y["count"] - x["count"])
            for x, y in zip(a, b) if x != y}


def rejects_of(path):
    with h5py.File(path, "r") as f:
        rows = f["rejects"][:]
        inputs = f["provenance/inputs"][:]
    paths = [p.decode() for p in inputs["path"]]
    return ([(paths[r["file"]], int(r["line"]), r["reason"].decode()) for r in rows],
            {p: inputs[k] for k, p in enumerate(paths)})


def expect_rejects(path, want, what):
    got, _ = rejects_of(path)
    if sorted(got) != sorted(want):
        problems.append(f"{what}: rejects {sorted(got)[:8]}, want {sorted(want)[:8]}")


def variant(country, work, name):
    """A copy of the country to change (hard links: only the changed file is written)."""
    dst = os.path.join(work, name)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(country, dst, copy_function=os.link)
    return dst


def rewrite(path, lines):
    os.unlink(path)  # a hard link: the reference's file stays as it was
    with open(path, "w") as f:
        f.writelines(lines)


def read_lines(path):
    with open(path) as f:
        return f.readlines()


def check_clock(telrisk, config, country, work, ref, stamp):
    d = variant(country, work, "clock" + stamp[:4])
    cdr = os.path.join(d, "cdr.csv")
    lines = read_lines(cdr)
    fields = lines[1].rstrip("\n").split(",")
    fields[3] = stamp
    rewrite(cdr, lines + [",".join(fields) + "\n"])
    out = os.path.join(work, "clock" + stamp[:4] + ".h5")
    run(telrisk, config, d, out)
    # the reconciliation counts the line, read and rejected: the only change it may show
    same_outside(ref, out, f"one CDR at {stamp}", leave_out=("crosschecks/summary",))
    moves = summary_moves(ref, out, "cdr")
    if moves != {("lines", "cdr", -2): 1, ("rejected", "cdr", -2): 1}:
        problems.append(f"one CDR at {stamp}: /crosschecks/summary changes {moves}")
    expect_rejects(out, [(cdr, len(lines) + 1, "out_of_window")], f"one CDR at {stamp}")
    _, counts = rejects_of(out)
    row = counts[cdr]
    if (row["lines"], row["accepted"], row["rejected"]) != (len(lines), len(lines) - 1, 1):
        problems.append(f"one CDR at {stamp}: cdr counts {row['lines']} lines, "
                        f"{row['accepted']} accepted, {row['rejected']} rejected")


def day_lines(country, day):
    """(path, line) of every event line on day (YYYY-MM-DD), from the CSV files themselves."""
    found = []
    for table, col in EVENT_TABLES.items():
        path = os.path.join(country, table + ".csv")
        if not os.path.exists(path):
            continue
        for k, line in enumerate(read_lines(path)[1:], start=2):
            if line.split(",")[col].startswith(day):
                found.append((path, k, "out_of_window"))
    return found


def check_config_window(telrisk, config, country, work, ref):
    with h5py.File(ref, "r") as f:
        start = f["subscribers"].attrs["window_start"]  # str: a variable-length attribute
        end = f["subscribers"].attrs["window_end"]
    out = os.path.join(work, "window_config.h5")
    run(telrisk, config, country, out, [f"run.window_start={start}", f"run.window_end={end}"])
    a, b = content(ref), content(out)
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if differ != ["subscribers"]:  # its window_rule attribute says the config set it
        problems.append(f"the data's window set in the config: differs in {differ[:6]}")
    expect_rejects(out, [], "the data's window set in the config")
    # one day shorter: the last day's lines go, and only they
    last = np.datetime64(end) - np.timedelta64(1, "D")
    out = os.path.join(work, "window_shorter.h5")
    run(telrisk, config, country, out, [f"run.window_start={start}", f"run.window_end={last}"])
    want = day_lines(country, end)
    if not want:
        problems.append(f"the country has no event on {end}: the check checks nothing")
    expect_rejects(out, want, "the window a day shorter")


def placed(lines, extra, first):
    return [lines[0]] + ([extra] + lines[1:] if first else lines[1:] + [extra])


def rejected_bytes(path, out):
    got, _ = rejects_of(out)
    lines = read_lines(path)
    return sorted((reason, lines[line - 1]) for p, line, reason in got if p == path), got


def check_conflict(telrisk, config, country, work, table, make_extra):
    outs, seen = [], []
    for first in (True, False):
        d = variant(country, work, f"{table}_{'first' if first else 'last'}")
        path = os.path.join(d, table + ".csv")
        lines = read_lines(path)
        rewrite(path, placed(lines, make_extra(lines), first))
        out = os.path.join(work, f"{table}_{'first' if first else 'last'}.h5")
        run(telrisk, config, d, out)
        rows, every = rejected_bytes(path, out)
        if [r[0] for r in rows] != ["conflicting_duplicate"] or len(every) != 1:
            problems.append(f"{table} conflict ({'first' if first else 'last'}): rejects {every}")
        outs.append(out)
        seen.append(rows)
    if seen[0] != seen[1]:
        problems.append(f"{table} conflict: the row rejected depends on its place: {seen}")
    same_outside(outs[0], outs[1], f"{table} conflict first or last")


def other_region(lines):
    head = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    k = head.index("region")
    regions = sorted({ln.split(",")[k] for ln in lines[1:]} - {row[k], ""})
    row[k] = regions[0]
    return ",".join(row) + "\n"


def other_loan(lines):
    head = lines[0].rstrip("\n").split(",")
    a = lines[1].rstrip("\n").split(",")
    b = lines[2].rstrip("\n").split(",")
    b[head.index("loan_id")] = a[head.index("loan_id")]  # b's loan under a's id
    return ",".join(b) + "\n"


def check_activation(telrisk, config, country, work):
    d = variant(country, work, "activation")
    path = os.path.join(d, "subscribers.csv")
    lines = read_lines(path)
    head = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    row[head.index("activation_date")] = "2099-01-01"
    rewrite(path, [lines[0], ",".join(row) + "\n"] + lines[2:])
    out = os.path.join(work, "activation.h5")
    run(telrisk, config, d, out)
    expect_rejects(out, [(path, 2, "out_of_window")], "an activation after the window")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    telrisk, config, work = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    country = os.path.join(work, "country")
    gen = ["mpiexec", "-n", str(RANKS), telrisk, "generate", "--config", config, "--out", country,
           "--quiet"] + [a for s in COUNTRY for a in ("--set", s)]
    subprocess.run(gen, check=True, capture_output=True)
    ref = os.path.join(work, "reference.h5")
    run(telrisk, config, country, ref)
    expect_rejects(ref, [], "the reference")
    for stamp in ("2099-12-31 23:59:59", "1970-01-01 00:00:01"):
        check_clock(telrisk, config, country, work, ref, stamp)
    check_config_window(telrisk, config, country, work, ref)
    check_conflict(telrisk, config, country, work, "subscribers", other_region)
    check_conflict(telrisk, config, country, work, "loans", other_loan)
    check_activation(telrisk, config, country, work)
    for p in problems:
        print("FAIL: " + p)
    print(f"one record: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
