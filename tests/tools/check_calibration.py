#!/usr/bin/python3
"""Checks a run file's calibration (/models/calibration, /subscribers/pd_calibrated and the
model-sourced PDs of /portfolio/loans) against docs/credit.md section 4 recomputed here from the
run's labels, model PDs and grades. Independent of telrisk's C code: the long-run average comes
from the yearly cohorts (the run's /ledger/cohorts, or with --data those check_ledger.py
recomputes from the input CSVs), the shift from scipy's brentq, the Jeffreys p-values from
scipy's beta distribution.

usage: check_calibration.py RUN.h5 [--data DATA_DIR --seed N | --key-file FILE] [--model CHAMPION.h5]
       check_calibration.py --selftest

A file `telrisk score --model` wrote carries the champion's calibration, not one of its own: its
table is checked against the champion's file (--model) or, without it, against its own
attributes, and the PDs it assigns against the table.

Exit 0 when everything agrees, 1 when something differs (the first mismatches are listed). The
Jeffreys intervals printed per grade are information only.

Needs numpy, scipy and h5py (Debian's python3-h5py, hence /usr/bin/python3)."""
import argparse
import configparser
import math
import os
import sys
from collections import namedtuple

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import beta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ledger  # noqa: E402  (the ledger oracle: its cohorts, its Report)
import suppression  # noqa: E402

# The run's settings that section 4 uses, from the effective configuration the run stores.
Settings = namedtuple("Settings", "k_min pd_floor moc reasons")
MARGINS = ("moc_a", "moc_b", "moc_c")
# One grade's recomputed calibration: the table's row as the oracle sees it.
Grade = namedtuple("Grade", "grade upper obligors defaults default_rate model_pd m_source best_estimate pd "
                            "jeffreys_p")


# ---------------------------------------------------------------------------------------------
# The run's settings and inputs.

def config_of(run):
    """The run's effective configuration (the root attribute `config`, an INI text)."""
    raw = run.attrs["config"]
    ini = configparser.ConfigParser(interpolation=None)
    ini.optionxform = str
    ini.read_string(raw.decode() if isinstance(raw, bytes) else str(raw))
    return ini


def settings_of(run):
    """k_min, the PD floor and the margins with their reasons; the stored config always holds
    every key, so a missing one falls back to docs/config.md's default."""
    ini = config_of(run)
    get = lambda sec, key, default: ini.get(sec, key, fallback=default)  # noqa: E731
    return Settings(k_min=suppression.k_min(run), pd_floor=float(get("stress", "pd_floor", "0.0005")),
                    moc={m: float(get("credit", m, "0") or 0) for m in MARGINS},
                    reasons={m: get("credit", f"{m}_reason", "") for m in MARGINS})


def master_scale(run):
    """The grades' upper bounds: /models/grades `upper`, else model.master_scale."""
    if "models/grades" in run:
        return [float(u) for u in run["models/grades"]["upper"]]
    return [float(x) for x in config_of(run).get("model", "master_scale").split(",")]


def cohorts_from_run(run):
    """The run's own /ledger/cohorts as [{cohort, day, obligors, defaults, default_rate}], or None."""
    if "ledger/cohorts" not in run:
        return None
    return check_ledger.rows_of(run["ledger/cohorts"])


def cohorts_from_inputs(run, data_dir, seed, key_file, report):
    """The cohorts check_ledger.py recomputes from the input CSVs (so that the long-run average
    owes nothing to the run's table); where they differ from the run's table it is a mismatch."""
    lr = check_ledger.Report()
    s, _, _, obligors = check_ledger.oracle(data_dir, run, seed, key_file, lr)
    for line in lr.first:
        print("check_calibration: note from the ledger oracle:", line)
    want = check_ledger.expected_cohorts(obligors, s)
    if "ledger/cohorts" in run:
        check_ledger.compare_cohorts(report, run, want)
    print(f"check_calibration: from the inputs, {check_ledger.cohort_summary(want)}")
    return want


# ---------------------------------------------------------------------------------------------
# Section 4 recomputed.

def long_run_average(cohorts):
    """(LRA, cohorts used): the plain mean of the default rates of the used cohorts (with
    obligors and a year of ledger before them; each year weighs the same, EBA/GL/2017/16 5.3.5),
    NaN when none is used."""
    rates = [c["defaults"] / c["obligors"] for c in cohorts if c["obligors"] > 0 and c["used"]]
    return (math.fsum(rates) / len(rates) if rates else float("nan")), len(rates)


def grade_inputs(label, pd, grade, upper):
    """Per grade (1-based, as the table): N_g, D_g and m_g with where m_g came from. m_g is the
    mean model PD of the labelled rows, else of every scored row, else the bounds' middle (the
    lower bound of grade 1 is 0), summed with fsum (correctly rounded, as the C code's exact
    fixed-point accumulator)."""
    out = []
    for g in range(1, len(upper) + 1):
        mine = grade == g
        labelled, scored = mine & (label >= 0), mine & ~np.isnan(pd)
        n, d = int(labelled.sum()), int((mine & (label == 1)).sum())
        if n:
            m, source = math.fsum(pd[labelled]) / n, "labelled"
        elif scored.any():
            m, source = math.fsum(pd[scored]) / int(scored.sum()), "scored"
        else:
            m, source = ((upper[g - 2] if g > 1 else 0.0) + upper[g - 1]) / 2, "bounds"
        out.append((g, n, d, m, source))
    return out


def solve_shift(counts, means, lra):
    """The log-odds shift s with sum_g N_g expit(logit(m_g) + s) = LRA sum_g N_g, by brentq on
    [-40, 40] (independent of the C code's bisection); None when no root lies there."""
    n = np.asarray(counts, float)
    z = logit(np.asarray(means, float))
    f = lambda s: float(np.sum(n * expit(z + s)) - lra * n.sum())  # noqa: E731
    if not n.sum() or f(-40.0) * f(40.0) > 0:
        return None
    return brentq(f, -40.0, 40.0, xtol=1e-14)


def calibrate(inputs, upper, lra, st):
    """(shift, [Grade]): best estimates, PDs with the margins and the floor, Jeffreys p-values
    against this year's defaults (NaN for a grade without labelled rows)."""
    shift = solve_shift([x[1] for x in inputs], [x[3] for x in inputs], lra)
    grades = []
    for g, n, d, m, source in inputs:
        best = float(expit(logit(m) + shift)) if shift is not None else float("nan")
        pd = max(min(1.0, best * (1 + st.moc["moc_a"] + st.moc["moc_b"] + st.moc["moc_c"])), st.pd_floor)
        p = float(beta.cdf(pd, d + 0.5, n - d + 0.5)) if n else float("nan")
        grades.append(Grade(g, upper[g - 1], n, d, d / n if n else float("nan"), m, source, best, pd, p))
    return shift, grades


# ---------------------------------------------------------------------------------------------
# Comparisons.

def close(got, want, rel):
    """Within rel of want (relative), or both NaN; 0 must be 0."""
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return abs(got - want) <= rel * abs(want)


# The table's figures and their tolerances (relative); counts are compared exactly.
FIGURES = (("default_rate", 1e-9), ("model_pd", 1e-12), ("best_estimate", 1e-9), ("pd", 1e-9),
           ("jeffreys_p", 1e-9))


def compare_row(report, row, want):
    """One grade's row: shown counts and figures, or a suppressed row's -1 and NaN."""
    g = want.grade
    if row["upper"] != want.upper:
        report.fail("calibration upper", f"grade {g}: run {row['upper']!r}, master scale {want.upper!r}")
    hidden = row["suppressed"] != 0
    if hidden and not suppression.hidden_values(row, ("obligors", "defaults"), ("default_rate", "jeffreys_p")):
        report.fail("calibration suppressed", f"grade {g}: suppressed ({row['suppressed']}) but shows "
                                              f"{row['obligors']}/{row['defaults']}, {row['default_rate']}, "
                                              f"{row['jeffreys_p']}")
    if not hidden:
        for name in ("obligors", "defaults"):
            if row[name] != getattr(want, name):
                report.fail("calibration counts", f"grade {g} {name}: run {row[name]}, oracle {getattr(want, name)}")
    for name, rel in FIGURES:
        if hidden and name in ("default_rate", "jeffreys_p"):
            continue
        if not close(float(row[name]), getattr(want, name), rel):
            report.fail(f"calibration {name}", f"grade {g}: run {row[name]!r}, oracle {getattr(want, name)!r} "
                                               f"(rel {rel:g})")


def compare_table(report, run, grades, k):
    """/models/calibration row by row, then its suppression against privacy.k_min: the total
    (the labelled population) is published, so no line may hide exactly one grade."""
    rows = check_ledger.rows_of(run["models/calibration"])
    if [r["grade"] for r in rows] != [w.grade for w in grades]:
        report.fail("calibration grades", f"run {[r['grade'] for r in rows]}, master scale "
                                          f"{[w.grade for w in grades]}")
        return rows
    for row, want in zip(rows, grades):
        compare_row(report, row, want)
    cells = {w.grade: (w.obligors, int(r["suppressed"])) for r, w in zip(rows, grades)}
    cells["all"] = (sum(w.obligors for w in grades), 0)
    suppression.check_cells(lambda ok, what: ok or report.fail("calibration suppression", what),
                            "calibration", cells, k, [("all", [w.grade for w in grades])])
    return rows


def compare_attrs(report, run, lra, used, shift, st):
    """The table's attributes: LRA, cohorts used, the shift, the margins, reasons and floor."""
    a = run["models/calibration"].attrs
    want = {"long_run_average": (lra, "rel", 1e-9), "shift": (shift, "abs", 1e-9),
            "cohorts_used": (used, "exact", 0), "pd_floor": (st.pd_floor, "exact", 0)}
    want.update({m: (st.moc[m], "exact", 0) for m in MARGINS})
    want.update({f"{m}_reason": (st.reasons[m], "exact", 0) for m in MARGINS})
    for name, (value, how, tol) in want.items():
        if name not in a:
            report.fail("calibration attributes", f"{name} missing (oracle {value!r})")
            continue
        got = check_ledger.text(a[name]) if isinstance(value, str) else a[name].item()
        ok = (got == value if how == "exact" else close(float(got), value, tol) if how == "rel"
              else value is not None and abs(float(got) - value) <= tol)
        if not ok:
            report.fail("calibration attributes", f"{name}: run {got!r}, oracle {value!r}")


def compare_assigned(report, run, table_pd):
    """/subscribers/pd_calibrated: every scored subscriber has their grade's PD of the table
    (table_pd: {grade: pd}; None when there is no calibration: the model's own PD), exactly; NaN
    where there is no PD. Returns the column for the portfolio's check."""
    s = run["subscribers"]
    if "pd_calibrated" not in s:
        report.fail("pd_calibrated", "/subscribers/pd_calibrated missing")
        return None
    pd, grade, cal = s["pd"][:], s["grade"][:].astype(int), s["pd_calibrated"][:]
    if table_pd is None:
        want = pd.copy()
    else:
        lookup = np.array([table_pd.get(g, np.nan) for g in range(int(grade.max(initial=0)) + 1)])
        want = np.where(grade >= 0, lookup[np.maximum(grade, 0)], np.nan)
    want[np.isnan(pd)] = np.nan
    for i in np.flatnonzero(~((cal == want) | (np.isnan(cal) & np.isnan(want)))):
        report.fail("pd_calibrated", f"row {i} (key {int(s['key'][i]):016x}, grade {grade[i]}): "
                                     f"run {cal[i]!r}, want {want[i]!r}")
    return cal


def compare_portfolio(report, run, cal):
    """/portfolio/loans: a loan whose PD is the model's carries its borrower's calibrated PD,
    exactly (the stress stage uses the calibrated PD; a loan's own pd column still wins)."""
    if "portfolio/loans" not in run or cal is None:
        return 0
    of = dict(zip((int(k) for k in run["subscribers/key"][:]), cal))
    checked = 0
    for r in run["portfolio/loans"][:]:
        if check_ledger.text(r["pd_source"]) != "model":
            continue
        checked += 1
        want = of.get(int(r["subscriber"]), float("nan"))
        if not r["pd"] == want:
            report.fail("portfolio pd", f"loan {int(r['loan']):016x} of {int(r['subscriber']):016x}: "
                                        f"run {r['pd']!r}, borrower's pd_calibrated {want!r}")
    return checked


# ---------------------------------------------------------------------------------------------
# Information: this year's defaults against the calibrated PDs.

def jeffreys_interval(n, d):
    """The two-sided 95% Jeffreys interval of a default rate d / n: the Beta(d + 1/2, n - d + 1/2)
    quantiles, 0 below when d = 0 and 1 above when d = n (Brown, Cai and DasGupta 2001)."""
    lo = 0.0 if d == 0 else float(beta.ppf(0.025, d + 0.5, n - d + 0.5))
    hi = 1.0 if d == n else float(beta.ppf(0.975, d + 0.5, n - d + 0.5))
    return lo, hi


def print_information(grades, hidden, cohorts, lra):
    """Per grade whether its PD lies in the Jeffreys interval of this year's realised rate (the
    counts and interval of a grade the table suppresses are not printed, lest this output give
    away what the file hides), and the LRA beside cohort 0's rate."""
    inside = tested = 0
    for w in grades:
        if not w.obligors:
            print(f"  grade {w.grade}: pd {w.pd:.6g} ({w.m_source} mean {w.model_pd:.6g}); no labelled rows")
            continue
        lo, hi = jeffreys_interval(w.obligors, w.defaults)
        ok = lo <= w.pd <= hi
        inside, tested = inside + ok, tested + 1
        counts = ("suppressed (counts not shown)" if hidden.get(w.grade)
                  else f"{w.defaults}/{w.obligors}, 95% [{lo:.4g}, {hi:.4g}]")
        print(f"  grade {w.grade}: pd {w.pd:.6g} (model {w.model_pd:.6g}, best {w.best_estimate:.6g}); "
              f"this year {counts}: {'inside' if ok else 'OUTSIDE'}")
    print(f"check_calibration: {inside} of {tested} grades' PDs inside this year's 95% Jeffreys interval "
          f"(information)")
    c0 = next((c for c in cohorts if c["cohort"] == 0), None)
    rate0 = c0["defaults"] / c0["obligors"] if c0 and c0["obligors"] else float("nan")
    print(f"check_calibration: long-run average {lra:.6g}, cohort 0's rate {rate0:.6g}")


# ---------------------------------------------------------------------------------------------
# A `telrisk score --model` file: the champion's calibration, applied as it is.

def last_command(run):
    """The command that wrote the file last (/provenance/history), '' when unknown."""
    if "provenance/history" not in run:
        return ""
    history = run["provenance/history"][:]
    return check_ledger.text(history[-1]["command"]) if len(history) else ""


def plain(v):
    """An attribute or member as a plain Python value (arrays as lists, strings decoded)."""
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()]
    if isinstance(v, (bytes, str)):
        return check_ledger.text(v)
    return v.item() if isinstance(v, np.generic) else v


def same_value(a, b):
    """Equal, or both NaN."""
    a, b = plain(a), plain(b)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def compare_with_champion(report, run, model_path):
    """The table and its attributes as the champion's file has them, value for value."""
    import h5py
    champion = h5py.File(model_path, "r")
    if ("models/calibration" in champion) != ("models/calibration" in run):
        where = "the champion" if "models/calibration" in champion else "the run"
        report.fail("champion", f"/models/calibration in {where} only")
    if "models/calibration" not in champion or "models/calibration" not in run:
        return
    got, want = (check_ledger.rows_of(f["models/calibration"]) for f in (run, champion))
    if len(got) != len(want):
        report.fail("champion", f"{len(got)} rows, the champion's {len(want)}")
    for g, w in zip(got, want):
        for name in w:
            if not same_value(g.get(name), w[name]):
                report.fail("champion", f"grade {w['grade']} {name}: run {g.get(name)!r}, champion {w[name]!r}")
    ga, wa = run["models/calibration"].attrs, champion["models/calibration"].attrs
    for name in wa:
        if name not in ("checksum",) and not same_value(ga.get(name), wa[name]):
            report.fail("champion", f"attribute {name}: run {ga.get(name)!r}, champion {wa[name]!r}")


def check_presentation(report, rows):
    """A table read back and written again must still say what it hides: a row with hidden
    counts (-1) is marked suppressed (1 or 2), and a suppressed row shows no count, rate or test."""
    for r in rows:
        marked, hidden = r["suppressed"] != 0, r["obligors"] == -1 or r["defaults"] == -1
        if marked != hidden or (marked and not suppression.hidden_values(r, ("obligors", "defaults"),
                                                                         ("default_rate", "jeffreys_p"))):
            report.fail("calibration suppressed", f"grade {r['grade']}: suppressed {r['suppressed']}, "
                                                  f"counts {r['obligors']}/{r['defaults']}, rate "
                                                  f"{r['default_rate']!r}, jeffreys_p {r['jeffreys_p']!r}")


def check_formulas(report, run, rows):
    """Each row's best estimate and PD from its own model PD and the table's own attributes (the
    champion's shift, margins and floor), to 1e-9."""
    a = run["models/calibration"].attrs
    total = 1 + float(a["moc_a"]) + float(a["moc_b"]) + float(a["moc_c"])
    for r in rows:
        best = float(expit(logit(r["model_pd"]) + float(a["shift"])))
        pd = max(min(1.0, best * total), float(a["pd_floor"]))
        for name, want in (("best_estimate", best), ("pd", pd)):
            if not close(float(r[name]), want, 1e-9):
                report.fail(f"calibration {name}", f"grade {r['grade']}: run {r[name]!r}, from the "
                                                   f"attributes {want!r}")


def check_scored(report, run, model_path):
    """A score file applies the champion's calibration (docs/credit.md section 4), whose
    population and margins are not this file's: the table against the champion's when given,
    else against its own attributes; then every subscriber's and loan's PD (the model's own when
    the champion has no calibration)."""
    print("check_calibration: a `telrisk score` file: the calibration is the champion's" +
          (f" ({model_path})" if model_path else " (give --model to compare it with the champion's file)"))
    if model_path:
        compare_with_champion(report, run, model_path)
    if "models/calibration" not in run:
        cal = compare_assigned(report, run, None)
        print(f"check_calibration: no calibration; {compare_portfolio(report, run, cal)} model-PD loans")
        return finish(report, "the PDs are the model's")
    rows = check_ledger.rows_of(run["models/calibration"])
    check_presentation(report, rows)
    check_formulas(report, run, rows)
    cal = compare_assigned(report, run, {int(r["grade"]): float(r["pd"]) for r in rows})
    loans = compare_portfolio(report, run, cal)
    print(f"check_calibration: {len(rows)} grades, {loans} model-PD loans in the portfolio")
    return finish(report, "all checks passed")


# ---------------------------------------------------------------------------------------------
# The whole check.

def finish(report, what):
    """The verdict: 0 when nothing differs, 1 with the first mismatches."""
    for line in report.first:
        print("FAIL", line)
    if report.kinds:
        print("check_calibration: mismatches: " + ", ".join(f"{k} {n}" for k, n in sorted(report.kinds.items())))
        return 1
    print(f"check_calibration: {what}")
    return 0


def check_absent(report, run, cohorts, labelled):
    """No /models/calibration: right only without a cohort of obligors or without labelled
    rows, and then every PD stays the model's."""
    used = sum(1 for c in cohorts or () if c["obligors"] > 0 and c["used"])
    if used and labelled:
        report.fail("calibration", f"/models/calibration missing with {used} cohorts of obligors and "
                                   f"{labelled} labelled rows")
    else:
        print("check_calibration: no calibration, rightly: " +
              ("no /ledger/cohorts" if cohorts is None else "no used cohort" if not used
               else "no labelled rows"))
    cal = compare_assigned(report, run, None)
    compare_portfolio(report, run, cal)
    return finish(report, "no calibration; the PDs are the model's")


def check_unscored(report, run):
    """A run without a model (no /subscribers/pd): nothing to calibrate, so no table and no
    calibrated PD either."""
    for path in ("models/calibration", "subscribers/pd_calibrated"):
        if path in run:
            report.fail("calibration", f"/{path} in a run without model PDs")
    print("check_calibration: no model PDs (no credit model), so no calibration")
    return finish(report, "no calibration, rightly")


def check_labels_cohort0(report, run, cohorts, labelled):
    """Cohort 0 is the label's (ledger rule): its obligors are the labelled rows."""
    rule = check_ledger.text(run["ledger"].attrs.get("label_rule", "")) if "ledger" in run else ""
    c0 = next((c for c in cohorts if c["cohort"] == 0), None)
    if rule == "ledger" and c0 is not None and c0["obligors"] != labelled:
        report.fail("cohort 0", f"{c0['obligors']} obligors, {labelled} labelled rows in /subscribers/label")


def check_calibrated(report, run, label, pd, grade, cohorts):
    """Section 4 recomputed and compared: the table, its attributes, every subscriber's
    calibrated PD and the portfolio's model PDs; then the information lines."""
    labelled = int((label >= 0).sum())
    check_labels_cohort0(report, run, cohorts, labelled)
    st, upper = settings_of(run), master_scale(run)
    lra, used = long_run_average(cohorts)
    inputs = grade_inputs(label, pd, grade, upper)
    if not used or not sum(x[1] for x in inputs):
        report.fail("calibration", f"present, but {used} cohorts with obligors and "
                                   f"{sum(x[1] for x in inputs)} labelled rows with a grade")
        return finish(report, "")
    shift, grades = calibrate(inputs, upper, lra, st)
    if shift is None:
        report.fail("shift", f"no root in [-40, 40] for the long-run average {lra!r}")
        return finish(report, "")
    rows = compare_table(report, run, grades, st.k_min)
    compare_attrs(report, run, lra, used, shift, st)
    cal = compare_assigned(report, run, {int(r["grade"]): float(r["pd"]) for r in rows})
    loans = compare_portfolio(report, run, cal)
    print(f"check_calibration: {used} cohorts, LRA {lra:.10g}, shift {shift:.10g}, margins "
          + ", ".join(f"{m} {st.moc[m]:g}" for m in MARGINS) + f", floor {st.pd_floor:g}; "
          f"{labelled} labelled rows, {loans} model-PD loans in the portfolio")
    print_information(grades, {int(r["grade"]): int(r["suppressed"]) for r in rows}, cohorts, lra)
    return finish(report, "all checks passed")


def check(run_path, data_dir, seed, key_file, model_path=None):
    """Which case the file is (no model, a score file, no calibration, a calibration) and its
    checks; exit status 0 (all agree) or 1."""
    import h5py
    report = check_ledger.Report()
    run = h5py.File(run_path, "r")
    s = run["subscribers"]
    if "pd" not in s:
        return check_unscored(report, run)
    if last_command(run) == "score":
        return check_scored(report, run, model_path)
    label, pd, grade = s["label"][:].astype(int), s["pd"][:], s["grade"][:].astype(int)
    cohorts = (cohorts_from_inputs(run, data_dir, seed, key_file, report) if data_dir
               else cohorts_from_run(run))
    if "models/calibration" not in run:
        return check_absent(report, run, cohorts, int((label >= 0).sum()))
    if cohorts is None:
        report.fail("cohorts", "/models/calibration without /ledger/cohorts")
        return finish(report, "")
    return check_calibrated(report, run, label, pd, grade, cohorts)


# ---------------------------------------------------------------------------------------------
# --selftest: hand-derived cases of section 4's arithmetic.

def expect(what, got, want, tol=0.0):
    """One hand-derived value: said when right, an AssertionError when not."""
    ok = abs(got - want) <= tol if tol else got == want
    assert ok, f"{what}: got {got!r}, expected {want!r}"
    print(f"  ok {what} = {want!r}")


def selftest():
    """Section 4 by hand: the LRA weighs years, not obligors; one grade's shift is the log-odds
    gap; symmetric grades need none; m_g's fallbacks; the cap, the margins and the floor."""
    cohorts = [{"cohort": 0, "obligors": 100, "defaults": 10, "used": 1},
               {"cohort": 1, "obligors": 50, "defaults": 30, "used": 1},
               {"cohort": 2, "obligors": 0, "defaults": 0, "used": 0},
               {"cohort": 3, "obligors": 40, "defaults": 40, "used": 0}]
    expect("LRA of 10/100 and 30/50 (not the pooled 40/150), empty and short-ledger cohorts unused",
           long_run_average(cohorts), (0.35, 2))
    expect("one grade, m 0.1, LRA 0.2: s = ln(9/4)", solve_shift([5], [0.1], 0.2), math.log(9 / 4), 1e-13)
    expect("grades 0.2 and 0.8 equally weighted, LRA 0.5: s = 0", solve_shift([3, 3], [0.2, 0.8], 0.5), 0.0, 1e-13)
    expect("an LRA of 0: no shift in [-40, 40]", solve_shift([3], [0.2], 0.0), None)
    label = np.array([1, 0, -1, -1, -1])
    pd = np.array([0.002, 0.004, 0.03, 0.05, np.nan])
    grade = np.array([1, 1, 2, 2, 3])
    upper = [0.01, 0.1, 0.5]
    got = [(g, n, d, round(m, 12), src) for g, n, d, m, src in grade_inputs(label, pd, grade, upper)]
    expect("m_g: labelled mean, else scored mean, else the bounds' middle", got,
           [(1, 2, 1, 0.003, "labelled"), (2, 0, 0, 0.04, "scored"), (3, 0, 0, 0.3, "bounds")])
    st = Settings(k_min=10, pd_floor=0.0005, moc={"moc_a": 0.5, "moc_b": 0.25, "moc_c": 0.25}, reasons={})
    shift, grades = calibrate([(1, 2, 1, 0.0001, "labelled"), (2, 2, 0, 0.9, "labelled")], [0.5, 1.0], 0.45005, st)
    expect("shift 0 (the mean already is the LRA)", shift, 0.0, 1e-12)
    expect("grade 1: best 0.0001 x 2 below the floor", grades[0].pd, 0.0005)
    expect("grade 2: best 0.9 x 2 capped at 1", grades[1].pd, 1.0)
    expect("Jeffreys p of grade 1 (1 of 2 at PD 0.0005)", grades[0].jeffreys_p,
           float(beta.cdf(0.0005, 1.5, 1.5)), 1e-15)
    print("check_calibration: selftest passed")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run", nargs="?")
    p.add_argument("--data", help="the input folder: the cohorts recomputed from its CSVs")
    p.add_argument("--seed", type=int, default=42, help="the run's seed (its demo key), with --data")
    p.add_argument("--key-file", help="the run's key file, with --data")
    p.add_argument("--model", help="for a `telrisk score` file: the champion whose calibration it applies")
    p.add_argument("--selftest", action="store_true", help="hand-derived cases, no run file")
    a = p.parse_args()
    if a.selftest:
        return selftest()
    if not a.run:
        p.error("RUN.h5 is needed (or --selftest)")
    return check(a.run, a.data, a.seed, a.key_file, a.model)


if __name__ == "__main__":
    sys.exit(main())
