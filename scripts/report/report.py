#!/usr/bin/python3
"""telrisk's validation and monitoring report: one self-contained HTML page (plots as inline SVG)
with the plots as PNG and the tables as CSV beside it. Launched by `telrisk report`, which has
verified every run file's seal first; it can be run on its own the same way:

    report.py RUN.h5 [--previous OLDER.h5 ...] --out DIR [--k-min K]

Exit codes as telrisk's: 0 written, 1 usage, 2 a file cannot be read, 3 internal."""
import argparse
import os
import sys
import time
import traceback

import jinja2
import numpy as np

import rf
import sec_checks
import sec_data
import sec_features
import sec_models
import sec_monitor
import sec_provenance
import sec_stress
import sec_walk
import workers
from figs import Figures
from tables import Tables

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = [sec_data, sec_models, sec_features, sec_checks, sec_stress, sec_monitor, sec_walk,
            sec_provenance]


class Report:
    """What every section reads: the run, its subscribers, the previous runs, where to write."""

    def __init__(self, run_path, previous_paths, out_dir, k_min):
        self.run = rf.RunFile(run_path)
        self.previous_paths = previous_paths
        self.out_dir = out_dir
        self.k_min = max(k_min or 0, self.run.k_min())
        self.currency = self.run.attr("/", "currency", "XXX")
        self.subs = self.run.subscribers("key", "region", "label", "holdout", "pd", "score",
                                         "grade")
        if self.subs["pd"] is None:
            n = len(self.subs["key"])
            self.subs.update(pd=np.full(n, np.nan), score=np.full(n, np.nan),
                             grade=np.zeros(n, np.int8))
        grades = self.run.table("models/grades")
        self.n_grades = len(grades["grade"]) if grades is not None else 0
        self.figures = Figures(out_dir)
        self.tables = Tables(out_dir)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="telrisk report", description=__doc__.splitlines()[0])
    p.add_argument("run")
    p.add_argument("--previous", action="append", default=[],
                   help="an earlier run file, oldest first (telrisk report expands a folder)")
    p.add_argument("--out", required=True)
    p.add_argument("--k-min", type=int, default=0, help="suppress more than the run did")
    p.add_argument("--walk", help="the PD walk's folder of CSVs (written by telrisk report)")
    return p.parse_args(argv)


def render(rep, sections, seconds):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    start, end, obs = rep.run.window()
    html = env.get_template("page.html.j2").render(
        title=f"telrisk report: {os.path.basename(rep.run.path)}", sections=sections,
        window=f"{start} to {end}", observation=obs, seconds=seconds, k_min=rep.k_min,
        file_k_min=rep.run.k_min(),
        created=rep.run.attr("/", "created_utc", ""), path=rep.run.path)
    path = os.path.join(rep.out_dir, "report.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return path


def main(argv):
    args = parse_args(argv)
    started = time.time()
    os.makedirs(args.out, exist_ok=True)
    try:
        rep = Report(args.run, args.previous, args.out, args.k_min)
    except OSError as e:
        print(f"telrisk: report: {args.run}: {e}", file=sys.stderr)
        return 2
    rep.walk_dir = args.walk
    workers.start(subs=rep.subs)
    try:
        sections = [s for s in (m.build(rep) for m in SECTIONS) if s]
    finally:
        workers.stop()
    path = render(rep, sections, time.time() - started)
    blocks = [b for s in sections for b in s["blocks"]]
    print(f"telrisk: report: {path} ({sum(b['kind'] == 'figure' for b in blocks)} plots as SVG "
          f"and PNG, {sum(b['kind'] == 'table' for b in blocks)} tables as CSV, "
          f"{time.time() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except Exception:  # an internal error: say where, exit 3 as telrisk does
        traceback.print_exc()
        print("telrisk: report: internal error (above)", file=sys.stderr)
        sys.exit(3)
