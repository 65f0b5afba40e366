#!/usr/bin/python3
"""The calibration against planted truth (docs/credit.md section 4, "Planted truth"): in a
generated country without a credit cycle whose borrowers come and go all the time
(generate.career_days), every year's expected default rate is the same, so the long-run average
the calibration carries is this year's, and the calibrated PD of each grade must lie within the
two-sided 95% Jeffreys interval of the grade's realised 12-month default rate (the Beta(D + 1/2,
N - D + 1/2) quantiles, scipy) in at least 80% of the grades (8 of 10) with obligors.

Recomputed from the run file's rows, not from its tables: per grade of /subscribers/grade, the
labelled subscribers N (all of them, and the validation hold-out alone), their defaults D from
/subscribers/label, and the grade's PD from /subscribers/pd_calibrated (one value per grade).
The population tested is the hold-out (what the model did not learn from); the whole labelled
population is printed beside it.

usage: check_planted_calibration.py RUN.h5 [--share 0.8] [--population holdout|labelled]
       check_planted_calibration.py --selftest
A control must fail: the same PDs times 1.25 (so that the test can tell a calibration from a
wrong one). Exit 0 when the share holds and the control fails, 1 otherwise. Needs numpy, scipy and h5py (/usr/bin/python3)."""
import argparse
import math
import os
import sys

import numpy as np
from scipy.stats import beta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_calibration import jeffreys_interval  # noqa: E402  (one interval for both checks)

CONTROL = 1.25  # the factor of the control's PDs, which must fail


def grade_rows(label, grade, pd, chosen):
    """Per grade with chosen labelled rows: (grade, N, D, PD, lower, upper, inside)."""
    rows = []
    for g in sorted(set(int(x) for x in grade[chosen])):
        members = chosen & (grade == g)
        pds = np.unique(pd[grade == g])
        if len(pds) != 1:
            raise ValueError(f"grade {g} carries {len(pds)} calibrated PDs, not one")
        n, d = int(members.sum()), int((label[members] == 1).sum())
        lo, hi = jeffreys_interval(n, d)
        rows.append((g, n, d, float(pds[0]), lo, hi, lo <= pds[0] <= hi))
    return rows


def needed(n_grades, share):
    """The grades that must hold: the share of those with obligors, rounded up."""
    return math.ceil(share * n_grades - 1e-9)


def report(name, rows, share):
    inside = sum(r[6] for r in rows)
    print(f"check_planted_calibration: {name}: grade, obligors, defaults, rate, calibrated PD, "
          "Jeffreys 95% interval")
    for g, n, d, p, lo, hi, ok in rows:
        print(f"  {g:2d} {n:7d} {d:6d} {d / n:8.4f} {p:8.4f} [{lo:.4f}, {hi:.4f}] "
              f"{'inside' if ok else 'OUTSIDE'}")
    print(f"check_planted_calibration: {name}: {inside} of {len(rows)} grades inside "
          f"(at least {needed(len(rows), share)} wanted)")
    return inside >= needed(len(rows), share)


def check(path, share, population):
    import h5py
    with h5py.File(path, "r") as f:
        if "models/calibration" not in f:
            print(f"check_planted_calibration: {path} has no /models/calibration")
            return 1
        s = f["subscribers"]
        label, grade = s["label"][:], s["grade"][:]
        pd, holdout = s["pd_calibrated"][:], s["holdout"][:]
        lra = float(f["models/calibration"].attrs["long_run_average"])
        cohorts = f["ledger/cohorts"][:]
    rates = ", ".join(f"{r['default_rate']:.4f}" for r in cohorts if r["used"])
    print(f"check_planted_calibration: long-run average {lra:.4f} of the used cohorts' rates {rates}")
    labelled = (label >= 0) & (grade > 0)
    chosen = {"labelled": labelled, "holdout": labelled & (holdout == 1)}
    ok = {"labelled": report("all labelled", grade_rows(label, grade, pd, labelled), share),
          "holdout": report("hold-out", grade_rows(label, grade, pd, chosen["holdout"]), share)}
    print(f"check_planted_calibration: the {population} population decides: "
          f"{'passed' if ok[population] else 'FAILED'}")
    # The control: PDs a quarter too high (a long-run average taken from a riskier world) must
    # fail, or the test could not tell a calibration from a wrong one.
    control = report(f"control, every PD x {CONTROL}",
                     grade_rows(label, grade, np.minimum(1, pd * CONTROL), chosen[population]), share)
    if control:
        print("check_planted_calibration: the control passed too: the test cannot tell")
    return 0 if ok[population] and not control else 1


def selftest():
    """Hand-checked cases: the interval's edges, the counting rule."""
    failures = 0

    def expect(what, got, want, tol=0):
        nonlocal failures
        good = abs(got - want) <= tol if isinstance(want, float) else got == want
        print(f"{'ok  ' if good else 'FAIL'} {what}: {got!r} (want {want!r})")
        failures += not good

    lo, hi = jeffreys_interval(100, 10)
    # Beta(10.5, 90.5): the same quantiles from scipy's interval (a different code path)
    ilo, ihi = beta.interval(0.95, 10.5, 90.5)
    expect("10 of 100: lower bound", lo, float(ilo), 1e-15)
    expect("10 of 100: upper bound", hi, float(ihi), 1e-15)
    expect("10 of 100: the interval holds 0.1", lo < 0.1 < hi, True)
    expect("0 of 50: lower bound 0", jeffreys_interval(50, 0)[0], 0.0)
    expect("50 of 50: upper bound 1", jeffreys_interval(50, 50)[1], 1.0)
    expect("9 grades at 80%: 8 must hold", needed(9, 0.8), 8)
    expect("10 grades at 80%: 8 must hold", needed(10, 0.8), 8)
    expect("5 grades at 80%: 4 must hold", needed(5, 0.8), 4)
    label = np.array([1, 0, 0, 0, 1, 1, -1])
    grade = np.array([1, 1, 1, 1, 2, 2, 2])
    pd = np.array([0.25, 0.25, 0.25, 0.25, 0.9, 0.9, 0.9])
    rows = grade_rows(label, grade, pd, label >= 0)
    expect("grade 1: 4 obligors, 1 default", rows[0][1:3], (4, 1))
    expect("grade 2: 2 obligors, 2 defaults, PD 0.9 inside", (rows[1][1:3], rows[1][6]), ((2, 2), True))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", nargs="?")
    ap.add_argument("--share", type=float, default=0.8)
    ap.add_argument("--population", choices=("holdout", "labelled"), default="holdout")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.run:
        ap.error("RUN.h5 is needed")
    return check(a.run, a.share, a.population)


if __name__ == "__main__":
    sys.exit(main())
