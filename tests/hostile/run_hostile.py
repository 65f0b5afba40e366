#!/usr/bin/python3
"""Hostile inputs: every case of manifest.ini through a real `telrisk run` at 2 ranks.

usage: run_hostile.py TELRISK CONFIG WORKDIR [CASE...]

Generates a tiny defect-free country from CONFIG (inputs/test.ini, made much smaller through
--set), writes the corpus into WORKDIR/cases (cases/*.csv and what make_cases.py writes), and for
each case runs telrisk with the case's file in place of one table, under a timeout (a hang fails).
It checks the exit code exactly; for a run that succeeds, that /rejects holds exactly the case's
rows (line and reason) and none for any other file, that /provenance/inputs counts the file's real
data lines (lines == accepted + rejected), the accepted lines, duplicates and unknown antennas the
manifest gives, and that no excerpt holds a run of 6 digits; for a folder of parts, each file read
(gzip or not) the same way, and the list of files read; /provenance/tables' rows the case names;
for a run that fails, that one error line matches the manifest's message and names the file, and
that no run file was written. A case may instead place its file or folder in a copy of the
country's folder (place, remove: the table found by inputs.dir, or left out).
Needs h5py: run it with Debian's /usr/bin/python3. Exit 0 when every case holds, else 1.
"""
import configparser
import datetime
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
RANKS = 2
TIMEOUT = 60  # seconds per run: a hang of the other ranks fails the case, it does not stall ctest
# The country: small enough for 0.5 s a run, without planted defects (the rejects are the case's).
COUNTRY = ["generate.subscribers=300", "generate.days=14", "generate.block_subscribers=100",
           "generate.malformed_rate=0", "generate.duplicate_rate=0",
           "generate.unknown_antenna_rate=0"]
DIGITS6 = re.compile(rb"[0-9]{6}")


def data_lines(data):
    """Data lines of a file, counted from its bytes as docs/formats.md defines them: lines end at
    '\\n' or at the end of the file; the first is the header; an empty file has none. A gzip file
    (by its magic bytes) counts its text's lines."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1


def run(cmd, log):
    """Runs cmd in its own process group; returns (exit code, stderr text). A run still going
    after TIMEOUT seconds is killed, group and all, and reported as exit None."""
    with open(log, "wb") as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            code = p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            code = None
    with open(log, "rb") as f:
        return code, f.read().decode("utf-8", "replace")


def expected_rejects(text):
    rows = []
    for item in text.split("\n"):
        item = item.strip()
        if item:
            line, reason = item.split()
            rows.append((int(line), reason))
    return rows


def expected_file_rejects(text, files):
    """A folder case's rejects: "FILE LINE REASON" rows, as {file: [(line, reason)]}."""
    rows = {f: [] for f in files}
    for item in text.split("\n"):
        item = item.strip()
        if item:
            name, line, reason = item.split()
            rows.setdefault(name, []).append((int(line), reason))
    return rows


def check_file(k, row, disk, rejects, want, problems):
    """One input file's row of /provenance/inputs and its rejects against the file on disk."""
    with open(disk, "rb") as fp:
        data = fp.read()
    real = data_lines(data)
    got = [(int(r["line"]), r["reason"].decode()) for r in rejects if r["file"] == k]
    if got != want:
        extra = [r for r in got if r not in want]
        missing = [r for r in want if r not in got]
        problems.append(f"{disk}: rejects differ: unexpected {extra}, missing {missing}")
    if row["lines"] != row["accepted"] + row["rejected"]:
        problems.append(f"{disk}: lines {row['lines']} != accepted {row['accepted']} + rejected "
                        f"{row['rejected']}")
    if row["lines"] != real:
        problems.append(f"/provenance/inputs counts {row['lines']} lines, {disk} has {real}")
    if row["bytes"] != len(data):
        problems.append(f"/provenance/inputs says {row['bytes']} bytes, {disk} has {len(data)}")
    if row["rejected"] != len(want):
        problems.append(f"{disk}: {row['rejected']} lines rejected, want {len(want)}")
    return real


def check_tables(case, f, problems):
    """state: "TABLE:STATE:FILES:LINES" rows /provenance/tables must hold."""
    tables = {r["table"].decode(): r for r in f["provenance/tables"][:]}
    for item in case.get("state", "").split():
        table, state, files, lines = item.split(":")
        r = tables.get(table)
        got = None if r is None else f"{r['state'].decode()}:{r['files']}:{r['lines']}"
        if got != f"{state}:{files}:{lines}":
            problems.append(f"/provenance/tables {table}: {got}, want {state}:{files}:{lines}")


def check_success(name, case, path, h5, stderr, problems):
    with h5py.File(h5, "r") as f:
        inputs = f["provenance/inputs"][:]
        rejects = f["rejects"][:]
        check_tables(case, f, problems)
    paths = [p.decode() for p in inputs["path"]]
    if "file" not in case:  # a table left out: its state, and the log's word on it
        warning = case.get("warning")
        if warning and not any("warning" in line and re.search(warning, line)
                               for line in stderr.splitlines()):
            problems.append(f"no warning matching '{warning}'")
        return
    folder = os.path.isdir(path)
    mine = [k for k, p in enumerate(paths) if (p.startswith(path + "/") if folder else p == path)]
    if not mine:
        problems.append(f"{path} is not in /provenance/inputs")
        return
    names = [os.path.basename(paths[k]) for k in mine]
    if folder and names != case.get("files", "").split():
        problems.append(f"files read {names}, want {case.get('files', '').split()}")
    if folder:
        want = expected_file_rejects(case.get("rejects", ""), names)
    else:
        want = {names[0]: expected_rejects(case.get("rejects", ""))}
    accepted = case.getint("accepted")
    real = 0
    for k in mine:
        real += check_file(k, inputs[k], paths[k], rejects, want[os.path.basename(paths[k])],
                           problems)
    n_want = sum(len(v) for v in want.values())
    if sum(int(inputs[k]["accepted"]) for k in mine) != accepted:
        problems.append(f"{sum(int(inputs[k]['accepted']) for k in mine)} lines accepted, "
                        f"want {accepted}")
    others = [(paths[r["file"]], int(r["line"]), r["reason"].decode()) for r in rejects
              if r["file"] not in mine]
    if others:
        problems.append(f"rejects in other files (the country has none): {others[:3]}")
    if accepted + n_want != real:  # the manifest itself must account for every line
        problems.append(f"manifest: accepted {accepted} + {n_want} rejects != {real} lines")
    for key in ("duplicates", "unknown_antenna"):
        got = sum(int(inputs[k][key]) for k in mine)
        if got != case.getint(key, 0):
            problems.append(f"{key} {got}, want {case.getint(key, 0)}")
    for r in rejects:
        if DIGITS6.search(r["excerpt"]):
            problems.append(f"excerpt of line {r['line']} shows 6 digits: {r['excerpt']!r}")
    # The file's path left out: a checkout folder may have "error" in its name.
    errors = [line for line in stderr.splitlines() if "error" in line.replace(path, "")]
    if errors:
        problems.append(f"a successful run printed: {errors[0]}")
    warning = case.get("warning")
    said = [line for line in stderr.splitlines() if "warning" in line and path in line]
    if warning and not any(re.search(warning, line) for line in said):
        problems.append(f"no warning matching '{warning}' naming the file")
    if not warning and said:
        problems.append(f"unexpected warning: {said[0]}")
    for ignored in case.get("ignored", "").split():
        if not any(os.path.join(path, ignored) + ": ignored" in line
                   for line in stderr.splitlines()):
            problems.append(f"the log does not say {ignored} was ignored")


def no_ledger(work):
    """A repayments table of its header alone."""
    path = os.path.join(work, "no_repayments.csv")
    with open(path, "w") as f:
        f.write("loan_id,timestamp,amount\n")
    return os.path.abspath(path)


def inputs_dir(work, country, name, case, cases_dir):
    """A case that replaces or removes a table in inputs.dir itself: a folder of links to the
    country's files, less those `remove` names, plus the case's file or folder under the name
    `place` gives. Returns (the folder, the path the case checks)."""
    d = os.path.join(work, "dirs", name)
    os.makedirs(d)
    remove = case.get("remove", "").split()
    for f in sorted(os.listdir(country)):
        if f.endswith(".csv") and f not in remove:
            os.symlink(os.path.join(os.path.abspath(country), f), os.path.join(d, f))
    if "place" not in case:
        return d, os.path.join(d, remove[0])
    src, dst = os.path.join(cases_dir, case["file"]), os.path.join(d, case["place"])
    if os.path.isdir(src):
        shutil.copytree(src, dst)
    else:
        shutil.copyfile(src, dst)
    return d, dst


def datasets(h5):
    """Every dataset's values outside /provenance and /rejects (what an input's place in its file
    must not change)."""
    out = {}
    with h5py.File(h5, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith(("provenance", "rejects")):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def check_same_as(other, h5, problems):
    """same_as: this case's run file holds what the other case's does, /provenance and /rejects
    aside."""
    mine, theirs = datasets(h5), datasets(other)
    if sorted(mine) != sorted(theirs):
        problems.append(f"same_as: datasets differ: {sorted(set(mine) ^ set(theirs))[:5]}")
        return
    differ = [n for n in mine if mine[n].tobytes() != theirs[n].tobytes()]
    if differ:
        problems.append(f"same_as: {len(differ)} datasets differ, e.g. {differ[:6]}")


def check_failure(case, path, h5, stderr, problems):
    pattern = case.get("message")
    lines = [line for line in stderr.splitlines() if re.search(pattern, line)]
    if len(lines) != 1:
        problems.append(f"'{pattern}' printed {len(lines)} times, want once")
    elif path not in lines[0]:
        problems.append(f"the message does not name {path}: {lines[0]}")
    if os.path.exists(h5):
        problems.append("a failed run left a run file")


def ledger_cut(config):
    """The day the tiny country's ledger ends (docs/generator.md: generate.outcome_days, 365 by
    default, after its observation date), which its runs state as credit.ledger_cut."""
    cfg = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    cfg.read(config)
    days = int(next(s for s in COUNTRY if s.startswith("generate.days=")).split("=")[1])
    start = datetime.date.fromisoformat(cfg["generate"]["start"])
    return (start + datetime.timedelta(days=days + 365)).isoformat()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    telrisk, config, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    only = set(sys.argv[4:])
    start = time.time()
    shutil.rmtree(work, ignore_errors=True)
    cases_dir, out = os.path.join(work, "cases"), os.path.join(work, "out")
    country = os.path.join(work, "country")
    os.makedirs(out)
    shutil.copytree(os.path.join(HERE, "cases"), cases_dir)
    subprocess.run([sys.executable, os.path.join(HERE, "make_cases.py"), cases_dir], check=True)
    gen = ["mpiexec", "-n", str(RANKS), telrisk, "generate", "--config", config, "--out", country,
           "--quiet"]
    for s in COUNTRY:
        gen += ["--set", s]
    code, err = run(gen, os.path.join(work, "generate.log"))
    if code != 0:
        sys.exit(f"FAIL: telrisk generate exited {code}:\n{err}")

    manifest = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    manifest.read(os.path.join(HERE, "manifest.ini"))
    status = 0
    used = {manifest[n]["file"] for n in manifest.sections() if "file" in manifest[n]}
    unused = sorted(set(os.listdir(cases_dir)) - used)
    if unused and not only:
        print(f"FAIL: case files no case uses: {unused}")
        status = 1
    ran = 0
    for name in manifest.sections():
        if only and name not in only:
            continue
        case = manifest[name]
        h5 = os.path.join(os.path.abspath(out), name + ".h5")
        if "place" in case or "remove" in case:
            data, path = inputs_dir(work, country, name, case, os.path.abspath(cases_dir))
            table = []
        else:
            data = os.path.abspath(country)
            path = os.path.join(os.path.abspath(cases_dir), case["file"])
            table = ["--set", f"inputs.{case['table']}={path}"]
        # The files a folder rule ignores are said at the info level, which --quiet hides.
        quiet = [] if "ignored" in case else ["--quiet"]
        cmd = ["mpiexec", "-n", str(RANKS), telrisk, "run", "--config", config, *quiet,
               "--set", "inputs.dir=" + os.path.abspath(data), "--set", "output.path=" + h5,
               *table,
               # Every reject is checked, so none may stop the run, unless the case says so.
               "--set", "inputs.max_reject_rate=1"]
        cmd += ["--set", "credit.ledger_cut=" + ledger_cut(config)]
        for s in case.get("set", "").split():
            cmd += ["--set", s]
        # A case that replaces the loans leaves the country's repayments without their loans
        # (unknown_loan in a file the case is not about): such a case runs without a ledger.
        if "loans" in (case.get("table", ""), case.get("place", ""), case.get("remove", "")):
            cmd += ["--set", "inputs.repayments=" + no_ledger(work)]
        t0 = time.time()
        code, stderr = run(cmd, os.path.join(out, name + ".log"))
        seconds = time.time() - t0
        ran += 1
        problems = []
        want = case.getint("exit")
        if code is None:
            problems.append(f"no exit within {TIMEOUT} s (a hang)")
        elif code != want:
            problems.append(f"exit {code}, want {want}")
        elif code == 0:
            check_success(name, case, path, h5, stderr, problems)
            if "same_as" in case:
                check_same_as(os.path.join(os.path.abspath(out), case["same_as"] + ".h5"), h5,
                              problems)
        else:
            check_failure(case, path, h5, stderr, problems)
        if problems:
            status = 1
            print(f"FAIL: {name} ({case['table']}, {case.get('file', '-')}):")
            for p in problems:
                print(f"    {p}")
            print("    stderr: " + stderr.strip().replace("\n", "\n            ")[:2000])
        elif code == 0:
            print(f"ok: {name}: exit 0, {case.get('accepted', '-')} accepted, "
                  f"{sum(1 for x in case.get('rejects', '').splitlines() if x.strip())} rejected "
                  f"({seconds:.1f} s)")
        else:
            print(f"ok: {name}: exit {code}, '{case['message']}' ({seconds:.1f} s)")
    print(f"hostile inputs: {ran} cases in {time.time() - start:.0f} s"
          + ("" if status == 0 else ": FAILED"))
    return status


if __name__ == "__main__":
    sys.exit(main())
