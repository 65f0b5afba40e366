#!/usr/bin/python3
"""Checks a run file's IFRS 9 (/ifrs9: loans, ecl_scenarios, summary, term_structure) against
docs/credit.md section 6 recomputed here. Independent of telrisk's C code: every loan's position
at the reporting date and its obligor's default come from the input CSV files through
check_ledger.py's day-by-day oracle, the loans' terms (limit, pd, origination_pd, lgd, rate) from
their lines, the scenarios' factors from the scenario file (its [satellite] and the regions'
overrides), the conditional PDs from scipy's normal distribution and the Basel correlations; the
run lends only what IFRS 9 takes as given: its settings (the stored config), its subscribers'
regions, calibrated PDs and fraud flags, and the grades' calibrated PDs.

usage: check_ifrs9.py DATA_DIR RUN.h5 [--seed N | --key-file FILE] [--scenarios FILE]
                      [--previous PREVIOUS.h5]
       check_ifrs9.py --selftest

Stages and triggers agree exactly, money and probabilities to 1e-9 (relative, at least 1e-9
absolute). Exit 0 when everything agrees, 1 otherwise (the first mismatches are listed).

Needs numpy, scipy and h5py (Debian's python3-h5py, hence /usr/bin/python3)."""
import argparse
import configparser
import math
import os
import sys

import numpy as np
from scipy.stats import norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ledger  # noqa: E402
from check_calibration import config_of  # noqa: E402  (the run's effective configuration)
import suppression  # noqa: E402

PRODUCTS = ("microloan", "revolving", "mortgage")
TRIGGERS = ("none", "in_default", "backstop_dpd", "sicr", "fraud")
YEARS = 40  # the term structure's years (docs/credit.md section 6)
ALL = -2  # the summary's row of every region together


# ---------------------------------------------------------------------------------------------
# Settings and scenarios.

class Settings:
    """What section 6 reads: the settings /ifrs9 records as applied (telrisk ecl may have set
    them over the run's config), T and D from /ledger."""

    def __init__(self, run, ledger):
        a = run["ifrs9"].attrs
        self.T, self.D = ledger.T, ledger.D
        if int(a["default_dpd"]) != ledger.D:
            raise SystemExit("check_ifrs9: /ifrs9 default_dpd differs from /ledger's")
        self.ccf, self.rate = float(a["ccf_revolving"]), float(a["default_rate"])
        self.backstop, self.fraud = int(a["backstop_dpd"]), int(a["fraud_trigger"]) == 1
        self.ratio, self.min_increase = float(a["sicr_ratio"]), float(a["sicr_min_increase"])
        self.lgd = [float(a[f"lgd_{p}"]) for p in PRODUCTS]
        self.pd_floor, self.min_defaults = float(a["pd_floor"]), int(a["min_defaults"])
        self.upper = [float(x) for x in a["master_scale"]]
        names = [check_ledger.text(x) for x in a["scenarios"]]
        self.weights = list(zip(names, (float(w) for w in a["weights"])))
        ini = config_of(run)
        self.scenario_file = ini.get("stress", "scenarios", fallback="")
        self.k_min = int(ini.get("privacy", "k_min", fallback="10"))


def read_scenarios(path):
    """{name: (horizon_years, {key: value})} and the satellite betas, from the INI file."""
    ini = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    ini.optionxform = str
    with open(path) as f:
        ini.read_file(f)
    sat = (float(ini.get("satellite", "gdp", fallback="0")),
           float(ini.get("satellite", "unemployment", fallback="0")))
    out = {}
    for sec in ini.sections():
        if sec.startswith("scenario "):
            keys = {k: float(v) for k, v in ini.items(sec) if k != "horizon_years"}
            out[sec[len("scenario "):].strip()] = (int(ini.get(sec, "horizon_years", fallback="1")), keys)
    return out, sat


def factor(keys, sat, region):
    """z of a scenario in a region: a direct z (the region's, else the country's) wins over the
    macro shocks mapped by the satellite betas (each the region's, else the country's)."""
    def shock(name):
        if region is not None and f"{name}.{region}" in keys:
            return keys[f"{name}.{region}"], True
        return (keys[name], True) if name in keys else (0.0, False)
    z, has_z = shock("z")
    if has_z:
        return z
    return sat[0] * shock("gdp")[0] + sat[1] * shock("unemployment")[0]


def scenario_table(s, regions, scenario_path):
    """[(name, weight, horizon, [z per region + z without one])], the factors from the scenario
    file itself."""
    if [n for n, _ in s.weights] == ["through_the_cycle"]:
        return [("through_the_cycle", s.weights[0][1], 0, [0.0] * (len(regions) + 1))]
    scenarios, sat = read_scenarios(scenario_path)
    rows = []
    for name, w in s.weights:
        horizon, keys = scenarios[name]
        zs = [factor(keys, sat, r) for r in regions] + [factor(keys, sat, None)]
        rows.append((name, w, horizon, zs))
    return rows


# ---------------------------------------------------------------------------------------------
# The formulas of section 6.

def correlation(product, pd):
    """Basel's asset correlation of the product's retail class (CRR art. 154)."""
    if product == "revolving":
        return 0.04
    if product == "mortgage":
        return 0.15
    w = (1 - math.exp(-35 * pd)) / (1 - math.exp(-35))
    return 0.03 * w + 0.16 * (1 - w)


def pd_year(pd, product, z, horizon, y):
    """The 12-month PD in year y from T: Vasicek's conditional PD at z within the horizon."""
    if y >= horizon or pd >= 1:
        return pd
    r = correlation(product, pd)
    return float(norm.cdf((norm.ppf(pd) - math.sqrt(r) * z) / math.sqrt(1 - r)))


def grade_of(upper, pd):
    """1-based: the first grade whose upper bound is at least pd."""
    return next((g for g, u in enumerate(upper, start=1) if pd <= u), len(upper))


def reach(loan, s):
    """(K, defaulted) of a history loan at T, or None: the installment its default before T fell
    on (the oldest then unpaid), else the installments due D days or more before T - 1."""
    n = loan["installments"]
    if loan["issued"] >= s.T or n < 1:
        return None
    dd, k = loan["default_day"], loan["default_installment"]
    if 0 <= dd <= s.T - 1 and 1 <= k <= n:
        return k, True
    sched = check_ledger.schedule(loan["issued"], loan["due"], n, 0)
    k = sum(1 for u, _, _ in sched if u <= s.T - 1 - s.D)
    return (k, False) if k > 0 else None


class Hazards:
    """The survival curves, EAD factors and grade factors of the history (docs/credit.md s. 6)."""

    def __init__(self, loans, s, pd_of, upper):
        self.s, self.upper = s, upper
        counts = {}  # (product, n) -> {K: [loans, defaults]}
        owed = {p: [0, 0] for p in PRODUCTS}
        reached = []
        for loan in loans.values():
            r = reach(loan, s)
            if r is None:
                continue
            K, d = r
            c = counts.setdefault((loan["product"], loan["installments"]), {}).setdefault(K, [0, 0])
            c[0] += 1
            c[1] += d
            if d:
                part = loan["amount"] // loan["installments"]
                before = loan["amount"] if K - 1 >= loan["installments"] else (K - 1) * part
                owed[loan["product"]][0] += loan["default_outstanding"]
                owed[loan["product"]][1] += loan["amount"] - before
            reached.append((loan, K, d))
        self.cells = {}
        for key, by_k in counts.items():
            top = max(by_k)
            at, de = [0] * (top + 2), [0] * (top + 2)
            run = 0
            for k in range(top, 0, -1):
                run += by_k.get(k, [0, 0])[0]
                at[k], de[k] = run, by_k.get(k, [0, 0])[1]
            self.cells[key] = (top, at, de, [self.band(at, de, top, k) for k in range(top + 1)])
        self.ead = {p: (o[0] / o[1] if o[1] > 0 else 1.0) for p, o in owed.items()}
        self.grade_counts(reached, pd_of)

    def band(self, at, de, top, k):
        """(hazard, half-width) of installment k: its own with min_defaults, else the narrowest
        band around it with that many; k = 0: the schedule's totals."""
        if k == 0:
            a, d = sum(at[1:top + 1]), sum(de[1:top + 1])
            return (d / a if a else 0.0), -1
        lo = hi = k
        while sum(de[lo:hi + 1]) < self.s.min_defaults and (lo > 1 or hi < top):
            lo, hi = max(1, lo - 1), min(top, hi + 1)
        a, d = sum(at[lo:hi + 1]), sum(de[lo:hi + 1])
        return (d / a if a else 0.0), max(k - lo, hi - k)

    def hazard(self, product, n, k, exact=False):
        """The hazard that gives installment k its chance, or None (no history of the schedule)."""
        cell = self.cells.get((product, n))
        if cell is None:
            return None
        top = cell[0]
        if k > top:
            return None if exact else cell[3][top][0]
        return cell[3][k][0]

    def grade_counts(self, reached, pd_of):
        G = len(self.upper)
        self.loans = {(p, g): 0 for p in PRODUCTS for g in range(1, G + 1)}
        self.defaults = dict(self.loans)
        self.expected = {k: 0.0 for k in self.loans}
        for loan, K, d in reached:
            pd = pd_of(loan["sub"])
            if pd is None or math.isnan(pd):
                continue
            key = (loan["product"], grade_of(self.upper, pd))
            self.loans[key] += 1
            self.defaults[key] += d
            self.expected[key] += sum(-math.log1p(-min(self.hazard(loan["product"], loan["installments"], k,
                                                                    exact=True), 1 - 1e-12))
                                      for k in range(1, K + 1))
        self.factor, self.source = {}, {}
        for g in range(1, G + 1):
            all_d = sum(self.defaults[(p, g)] for p in PRODUCTS)
            all_e = sum(self.expected[(p, g)] for p in PRODUCTS)
            for p in PRODUCTS:
                d, e = self.defaults[(p, g)], self.expected[(p, g)]
                if d >= self.s.min_defaults and e > 0:
                    self.factor[(p, g)], self.source[(p, g)] = d / e, "own"
                elif all_d >= self.s.min_defaults and all_e > 0:
                    self.factor[(p, g)], self.source[(p, g)] = all_d / all_e, "all"
                else:
                    self.factor[(p, g)], self.source[(p, g)] = 1.0, "none"


def remaining(loan, s, hz, pd, year_pd, lgd, rate, undrawn):
    """(12-month ECL, lifetime ECL, 12-month PD, lifetime PD) of the installments still to pay,
    year_pd(y) the PD of year y (the scenario's, or pd itself)."""
    n, T = loan["installments"], s.T
    sched = check_ledger.schedule(loan["issued"], loan["due"], n, loan["amount"])
    f = hz.factor[(loan["product"], grade_of(hz.upper, pd))]
    alive, scheduled = 1.0, 0
    out = [0.0, 0.0, 0.0, 0.0]
    for k in range(loan["installments_paid"] + 1, n + 1):
        u, a, _ = sched[k - 1]
        prev = sched[k - 2][0] if k > 1 else loan["issued"]
        period = (u - prev) / 365
        ahead = max(0, u - T)
        now = year_pd(ahead // 365)
        h = hz.hazard(loan["product"], n, k)
        q = 1 - (1 - h) ** (f * now / pd) if h is not None else 1 - (1 - min(now, 1.0)) ** period
        q = max(q, 1 - (1 - s.pd_floor) ** period)
        dies = alive * q
        alive -= dies
        ead = hz.ead[loan["product"]] * max(0, loan["outstanding"] - scheduled) / 100 + undrawn
        loss = dies * lgd * ead * (1 + rate) ** (-ahead / 365)
        out[1] += loss
        out[3] += dies
        if u + s.D - T <= 365:
            out[0] += loss
            out[2] += dies
        scheduled += a
    return out


def number(text, cents=False):
    if text in (b"", None):
        return None
    return check_ledger.cents_of(text) if cents else float(text.decode())


def measure(loan, s, scen, hz, region, pd, flag, in_default):
    """The loan's row of /ifrs9/loans and its ECL per scenario."""
    t = loan["terms"]
    own_pd, lgd, rate = number(t.get("pd")), number(t.get("lgd")), number(t.get("rate"))
    limit, opd = number(t.get("limit"), cents=True), number(t.get("origination_pd"))
    pd = own_pd if own_pd is not None else pd
    rated = pd is not None and not math.isnan(pd)
    lgd = s.lgd[PRODUCTS.index(loan["product"])] if lgd is None else lgd
    rate = s.rate if rate is None else rate
    O = loan["outstanding"]
    undrawn = s.ccf * (limit - O) / 100 if loan["product"] == "revolving" and limit is not None and limit > O else 0.0
    row = {"ead": O / 100 + undrawn, "lgd": lgd, "rate": rate, "pd": pd if rated else math.nan,
           "origination_pd": opd if opd is not None else math.nan}
    per = []
    if rated:
        g = region if region >= 0 else len(scen[0][3]) - 1
        for name, w, horizon, zs in scen:
            year_pd = lambda y: pd_year(pd, loan["product"], zs[g], horizon, y)  # noqa: E731
            per.append((w, remaining(loan, s, hz, pd, year_pd, lgd, rate, undrawn)))
        for i, k in enumerate(("ecl_12m", "ecl_lifetime", "pd_12m", "pd_lifetime")):
            row[k] = sum(w * x[i] for w, x in per)
        row["pd_origination"] = remaining(loan, s, hz, opd, lambda y: opd, lgd, rate, undrawn)[3] \
            if opd is not None else math.nan
    else:
        for k in ("ecl_12m", "ecl_lifetime", "pd_12m", "pd_lifetime", "pd_origination"):
            row[k] = math.nan
    def trigger_of(life):
        sicr = life is not None and opd is not None and life >= s.ratio * row["pd_origination"] and \
            life - row["pd_origination"] >= s.min_increase
        return "in_default" if in_default else "backstop_dpd" if loan["dpd"] >= s.backstop else \
            "sicr" if sicr else "fraud" if s.fraud and flag else "none"
    stage_of = lambda t: 3 if t == "in_default" else 1 if t == "none" else 2  # noqa: E731
    trigger = trigger_of(row["pd_lifetime"] if rated else None)
    stage = stage_of(trigger)
    row["stage"], row["trigger"] = stage, trigger
    loss = lgd * O / 100
    row["ecl"] = loss if stage == 3 else row["ecl_lifetime"] if stage == 2 else row["ecl_12m"]
    scen_ecl = [loss if stage == 3 else x[1] if stage == 2 else x[0] for _, x in per] if rated \
        else [loss if stage == 3 else math.nan] * len(scen)
    # Each scenario alone (section 7): its own stage, the ECL of that stage.
    own = [stage_of(trigger_of(x[3])) for _, x in per] if rated else [stage_of(trigger_of(None))] * len(scen)
    row["alone"] = [(st, loss if st == 3 else (x[1] if st == 2 else x[0])) for st, (_, x) in zip(own, per)] \
        if rated else [(st, loss if st == 3 else math.nan) for st in own]
    return row, scen_ecl


# ---------------------------------------------------------------------------------------------
# The comparison.

def close(got, want):
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return abs(float(got) - want) <= 1e-9 * max(1.0, abs(want))


def subscriber_rows(run):
    """{key: row}, regions, the calibrated PDs (the model's without a calibration) and flags."""
    keys = run["subscribers/key"][:]
    at = {int(k): i for i, k in enumerate(keys)}
    region = run["subscribers/region"][:]
    pds = run["subscribers/pd_calibrated"][:] if "pd_calibrated" in run["subscribers"] else \
        (run["subscribers/pd"][:] if "pd" in run["subscribers"] else np.full(len(keys), np.nan))
    flags = run["subscribers/flags"][:] if "flags" in run["subscribers"] else np.zeros(len(keys), np.uint8)
    return at, region, pds, flags


def expected_book(run, s, scen, loans, obligors):
    """The oracle's hazards, /ifrs9/loans rows (borrower key, then file order) and ECL per
    scenario."""
    at, region, pds, flags = subscriber_rows(run)
    for (sub, key), loan in loans.items():
        loan["sub"] = sub
    pd_of = lambda sub: float(pds[at[sub]]) if sub in at else None  # noqa: E731
    hz = Hazards(loans, s, pd_of, s.upper)
    rows, per = [], []
    for (sub, key), loan in loans.items():
        if loan["outstanding"] <= 0:
            continue
        i = at.get(sub)
        g = int(region[i]) if i is not None else -1
        row, e = measure(loan, s, scen, hz, g, float(pds[i]) if i is not None else math.nan,
                         i is not None and flags[i] != 0, obligors[(sub,)]["in_default"] == 1)
        row.update(subscriber=sub, loan=key, region=g, product=loan["product"], where=loan["where"])
        rows.append(row)
        per.append(e)
    return hz, rows, per


FIELDS = ("ead", "lgd", "rate", "pd", "pd_12m", "pd_lifetime", "origination_pd", "pd_origination",
          "ecl_12m", "ecl_lifetime", "ecl")


def compare_loans(report, run, want, want_per):
    got = check_ledger.rows_of(run["ifrs9/loans"])
    if len(got) != len(want):
        report.fail("/ifrs9/loans", f"{len(got)} rows, the oracle {len(want)}")
    for g, w in zip(got, want):
        where = f"{w['where']} ({w['subscriber']}, {w['loan']})"
        for k in ("subscriber", "loan", "region", "product", "stage", "trigger"):
            if g[k] != w[k]:
                report.fail("/ifrs9/loans", f"{where} {k}: run {g[k]!r}, oracle {w[k]!r}")
        for k in FIELDS:
            if not close(g[k], w[k]):
                report.fail("/ifrs9/loans", f"{where} {k}: run {g[k]!r}, oracle {w[k]!r}")
    got_stage = run["ifrs9/stage_scenarios"][:]
    for i, (g, w) in enumerate(zip(got_stage, want)):
        if [int(x) for x in g] != [st for st, _ in w["alone"]]:
            report.fail("/ifrs9/stage_scenarios", f"row {i}: run {list(g)}, oracle {[st for st, _ in w['alone']]}")
    got_per = run["ifrs9/ecl_scenarios"][:]
    for i, (g, w) in enumerate(zip(got_per, want_per)):
        for a, b in zip(g, w):
            if not close(float(a), b):
                report.fail("/ifrs9/ecl_scenarios", f"row {i}: run {list(g)}, oracle {w}")
                break


def compare_summary(report, run, want, n_regions, k):
    """Counts, sums and suppression of /ifrs9/summary."""
    cells = {}
    for r in want:
        for g in (r["region"], ALL) if r["region"] >= 0 else (ALL,):
            c = cells.setdefault((g, r["stage"]), {"loans": 0, "borrowers": set(), "unrated": 0,
                                                   "ead": 0.0, "ecl": 0.0, "unrated_ead": 0.0})
            c["loans"] += 1
            c["borrowers"].add(r["subscriber"])
            if math.isnan(r["ecl"]):
                c["unrated"] += 1
                c["unrated_ead"] += r["ead"]
            else:
                c["ead"] += r["ead"]
                c["ecl"] += r["ecl"]
    states = {}
    for row in check_ledger.rows_of(run["ifrs9/summary"]):
        c = cells.get((row["region"], row["stage"]), {"loans": 0, "borrowers": set(), "unrated": 0, "ead": 0.0,
                                                      "ecl": 0.0, "unrated_ead": 0.0})
        states[(row["region"], row["stage"])] = (len(c["borrowers"]), row["suppressed"])
        if row["suppressed"]:
            if row["loans"] != -1 or not math.isnan(row["ecl"]):
                report.fail("/ifrs9/summary", f"{row['region']}/{row['stage']}: hidden, yet with figures")
            continue
        want_row = {"loans": c["loans"], "borrowers": len(c["borrowers"]), "unrated_loans": c["unrated"]}
        for name, v in want_row.items():
            if row[name] != v:
                report.fail("/ifrs9/summary", f"{row['region']}/{row['stage']} {name}: run {row[name]}, oracle {v}")
        for name, v in (("exposure", c["ead"]), ("ecl", c["ecl"]), ("unrated_exposure", c["unrated_ead"])):
            if abs(row[name] - v) > 1e-9 * max(1.0, abs(v)) * 10:
                report.fail("/ifrs9/summary", f"{row['region']}/{row['stage']} {name}: run {row[name]}, oracle {v}")
    lines = [((ALL, st), [(g, st) for g in range(n_regions)]) for st in (1, 2, 3)]
    suppression.check_cells(lambda ok, msg: ok or report.fail("/ifrs9/summary suppression", msg),
                            "/ifrs9/summary", states, k, lines)


def compare_scenario_summary(report, run, want, scen, n_regions, k):
    """/ifrs9/scenario_summary: each scenario alone, its stages' loans, borrowers, exposure, ECL."""
    names = [x[0] for x in scen]
    cells = {}
    for r in want:
        for si, (st, ecl) in enumerate(r["alone"]):
            if math.isnan(ecl):
                continue
            for g in (r["region"], ALL) if r["region"] >= 0 else (ALL,):
                c = cells.setdefault((si, g, st), [0, set(), 0.0, 0.0])
                c[0] += 1
                c[1].add(r["subscriber"])
                c[2] += r["ead"]
                c[3] += ecl
    states = {si: {} for si in range(len(names))}
    for row in check_ledger.rows_of(run["ifrs9/scenario_summary"]):
        si = names.index(row["scenario"])
        c = cells.get((si, row["region"], row["stage"]), [0, set(), 0.0, 0.0])
        states[si][(row["region"], row["stage"])] = (len(c[1]), row["suppressed"])
        if row["suppressed"]:
            continue
        if (row["loans"], row["borrowers"]) != (c[0], len(c[1])) or \
                abs(row["exposure"] - c[2]) > 1e-8 * max(1.0, c[2]) or abs(row["ecl"] - c[3]) > 1e-8 * max(1.0, c[3]):
            report.fail("/ifrs9/scenario_summary", f"{row['scenario']} {row['region']}/{row['stage']}: run "
                                                  f"{row['loans']} {row['borrowers']} {row['exposure']} {row['ecl']}, "
                                                  f"oracle {c[0]} {len(c[1])} {c[2]} {c[3]}")
    for si in states:
        lines = [((ALL, st), [(g, st) for g in range(n_regions)]) for st in (1, 2, 3)]
        suppression.check_cells(lambda ok, msg: ok or report.fail("/ifrs9/scenario_summary suppression", msg),
                                f"/ifrs9/scenario_summary {names[si]}", states[si], k, lines)


def compare_hazards(report, run, hz):
    """/ifrs9/hazards, /ifrs9/grade_factors and the EAD factors against the oracle's history."""
    got = check_ledger.rows_of(run["ifrs9/hazards"])
    want = [(p, n, k, cell[1][k] if k else sum(cell[1][1:cell[0] + 1]), cell[2][k] if k else
             sum(cell[2][1:cell[0] + 1]), cell[3][k][0], cell[3][k][1])
            for (p, n), cell in sorted(hz.cells.items(), key=lambda x: (PRODUCTS.index(x[0][0]), x[0][1]))
            for k in range(cell[0] + 1)]
    if len(got) != len(want):
        report.fail("/ifrs9/hazards", f"{len(got)} rows, the oracle {len(want)}")
    for g, w in zip(got, want):
        if (g["product"], g["installments"], g["installment"], g["at_risk"], g["defaults"], g["band"]) != \
                (w[0], w[1], w[2], w[3], w[4], w[6]) or not close(g["hazard"], w[5]):
            report.fail("/ifrs9/hazards", f"run {tuple(g.values())}, oracle {w}")
    ead = run["ifrs9"].attrs["ead_factor"]
    for p, x in zip(PRODUCTS, ead):
        if not close(float(x), hz.ead[p]):
            report.fail("/ifrs9 ead_factor", f"{p}: run {x}, oracle {hz.ead[p]}")
    for g in check_ledger.rows_of(run["ifrs9/grade_factors"]):
        key = (g["product"], g["grade"])
        want = (hz.loans[key], hz.defaults[key], hz.source[key])
        if (g["loans"], g["defaults"], g["source"]) != want or not close(g["expected"], hz.expected[key]) or \
                not close(g["factor"], hz.factor[key]):
            report.fail("/ifrs9/grade_factors", f"{key}: run {tuple(g.values())}, oracle {want} "
                                                 f"{hz.expected[key]} {hz.factor[key]}")


def compare_terms(report, run, scen, hz):
    """/ifrs9/term_structure from the grades' calibrated PDs."""
    if "term_structure" not in run["ifrs9"]:
        return
    grade_pd = {int(r["grade"]): float(r["pd"]) for r in run["models/calibration"][:]}
    names = [x[0] for x in scen]
    for r in check_ledger.rows_of(run["ifrs9/term_structure"]):
        si = names.index(r["scenario"])
        pd = grade_pd[r["grade"]]
        want = pd_year(pd, r["product"], scen[si][3][r["region"]], scen[si][2], r["year"] - 1)
        mult = hz.factor[(r["product"], grade_of(hz.upper, pd))] * want / pd
        if not (close(r["pd"], want) and close(r["multiplier"], mult)):
            report.fail("/ifrs9/term_structure", f"{tuple(r.values())}: oracle {want} {mult}")


def from_config(run):
    """The settings the run's own config gives (what /ifrs9 records when no telrisk ecl set
    others): [(attribute, value)]."""
    ini = config_of(run)
    g = lambda sec, key: ini.get(sec, key)  # noqa: E731
    return [("backstop_dpd", int(g("ifrs9", "backstop_dpd"))), ("sicr_ratio", float(g("ifrs9", "sicr_ratio"))),
            ("sicr_min_increase", float(g("ifrs9", "sicr_min_increase"))),
            ("fraud_trigger", int(g("ifrs9", "fraud_trigger") == "yes")),
            ("default_rate", float(g("ifrs9", "default_rate"))), ("min_defaults", int(g("ifrs9", "min_defaults"))),
            ("ccf_revolving", float(g("credit", "ccf_revolving"))), ("pd_floor", float(g("stress", "pd_floor")))] + \
        [(f"lgd_{p}", float(g("stress", f"lgd_{p}"))) for p in PRODUCTS]


def compare_attrs(report, run, s, scen):
    a = run["ifrs9"].attrs
    history = [check_ledger.text(r["command"]) for r in run["provenance/history"][:]] \
        if "history" in run["provenance"] else []
    if "ecl" not in history:  # the run's own: its config, applied
        for name, v in from_config(run):
            if not close(float(a[name]), float(v)):
                report.fail("/ifrs9 attributes", f"{name} {a[name]}, the run's config {v}")
    if abs(sum(w for _, w in s.weights) - 1) > 1e-9:
        report.fail("/ifrs9 attributes", f"the weights {s.weights} do not add up to 1")
    z = [v for x in scen for v in x[3]]
    if not all(close(float(g), w) for g, w in zip(a["z"], z)) or len(a["z"]) != len(z):
        report.fail("/ifrs9 attributes", f"z {list(a['z'])}, oracle (from the scenario file) {z}")


def compare_transfers(report, run, previous_path):
    """/ifrs9/transfers recounted from this run's and the previous run's /ifrs9/loans."""
    import h5py
    prev = h5py.File(previous_path, "r")["ifrs9/loans"][:]
    now = run["ifrs9/loans"][:]
    before = {int(r["loan"]): (int(r["stage"]), float(r["ead"])) for r in prev}
    cells = {(f, t): [0, 0.0] for f in range(4) for t in range(4)}
    seen = set()
    for r in now:
        k = int(r["loan"])
        f = before[k][0] if k in before else 0
        seen.add(k)
        cells[(f, int(r["stage"]))][0] += 1
        cells[(f, int(r["stage"]))][1] += float(r["ead"])
    for k, (st, ead) in before.items():
        if k not in seen:
            cells[(st, 0)][0] += 1
            cells[(st, 0)][1] += ead
    for f in range(-1, 4):
        for t in range(-1, 4):
            if (f, t) not in cells:
                members = [c for c in cells if (f < 0 or c[0] == f) and (t < 0 or c[1] == t)]
                cells[(f, t)] = [sum(cells[c][0] for c in members), sum(cells[c][1] for c in members)]
    k = suppression.k_min(run)
    states = {}
    for row in check_ledger.rows_of(run["ifrs9/transfers"]):
        key = (row["from_stage"], row["to_stage"])
        states[key] = (cells[key][0], row["suppressed"])
        if row["suppressed"]:
            continue
        if row["loans"] != cells[key][0] or abs(row["exposure"] - cells[key][1]) > 1e-6 * max(1, cells[key][1]):
            report.fail("/ifrs9/transfers", f"{key}: run {row['loans']} {row['exposure']}, oracle {cells[key]}")
    lines = [((f, -1), [(f, t) for t in range(4)]) for f in range(-1, 4)] + \
        [((-1, t), [(f, t) for f in range(4)]) for t in range(-1, 4)]
    suppression.check_cells(lambda ok, msg: ok or report.fail("/ifrs9/transfers suppression", msg),
                            "/ifrs9/transfers", states, k, lines)
    moved = sum(v[0] for (f, t), v in cells.items() if f >= 0 and t >= 0 and f != t and min(f, t) > 0)
    print(f"check_ifrs9: transfers against {previous_path}: {moved} loans changed stage")


def check(data_dir, run_path, seed, key_file, scenario_path, previous=None):
    import h5py
    report = check_ledger.Report()
    run = h5py.File(run_path, "r")
    if "ifrs9" not in run:
        print(f"check_ifrs9: {run_path} has no /ifrs9")
        return 1
    ls, _, loans, obligors = check_ledger.oracle(data_dir, run, seed, key_file, report)
    s = Settings(run, ls)
    regions = [check_ledger.text(x) for x in run["regions/names"][:]]
    scen = scenario_table(s, regions, scenario_path or s.scenario_file)
    hz, want, want_per = expected_book(run, s, scen, loans, obligors)
    compare_attrs(report, run, s, scen)
    compare_hazards(report, run, hz)
    compare_loans(report, run, want, want_per)
    compare_summary(report, run, want, len(regions), s.k_min)
    compare_scenario_summary(report, run, want, scen, len(regions), s.k_min)
    compare_terms(report, run, scen, hz)
    if previous:
        compare_transfers(report, run, previous)
    elif "transfers" in run["ifrs9"]:
        report.fail("/ifrs9/transfers", "present, but no --previous run to recount it against")
    stages = [sum(1 for r in want if r["stage"] == st) for st in (1, 2, 3)]
    ecl = sum(r["ecl"] for r in want if not math.isnan(r["ecl"]))
    print(f"check_ifrs9: {len(want)} loans, stages 1/2/3 {stages[0]}/{stages[1]}/{stages[2]}, ECL {ecl:.2f} "
          f"over {', '.join(f'{n}:{w}' for n, w, _, _ in scen)}")
    for line in report.first:
        print("FAIL", line)
    if report.kinds:
        print("check_ifrs9: mismatches: " + ", ".join(f"{k} {n}" for k, n in sorted(report.kinds.items())))
        return 1
    print("check_ifrs9: all checks passed")
    return 0


# ---------------------------------------------------------------------------------------------
# --selftest: docs/credit.md section 6's worked example.

def selftest():
    """docs/credit.md section 6's worked example: a microloan of 200.00 in 2 installments of
    100.00 due on days 30 and 60 after its issue on day 0, nothing paid; T = day 10, D = 90; the
    history's hazards of its schedule 0.06 and 0.04, the EAD factor 0.9, the grade factors 1.25
    (PD 0.10's grade) and 0.5 (PD 0.01's); PD 0.10 through the cycle, LGD 0.65, rate 120%."""
    class S:
        T, D, ccf, backstop, ratio, min_increase, fraud, rate, pd_floor = 10, 90, 0.1, 30, 2.0, 0.005, True, 0.0, 0.0005
        lgd = [0.65, 0.75, 0.25]
        upper = [0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 1]

    class H:
        upper = S.upper
        ead = {"microloan": 0.9, "revolving": 1.0, "mortgage": 1.0}
        factor = {(p, g): 1.0 for p in PRODUCTS for g in range(1, 10)}
        factor[("microloan", 7)], factor[("microloan", 3)] = 1.25, 0.5

        @staticmethod
        def hazard(product, n, k):
            return {1: 0.06, 2: 0.04}[k] if (product, n) == ("microloan", 2) else None

    loan = {"issued": 0, "due": 60, "installments": 2, "amount": 20000, "outstanding": 20000, "dpd": 0,
            "installments_paid": 0, "product": "microloan", "terms": {"rate": b"1.2", "origination_pd": b"0.01"}}
    scen = [("through_the_cycle", 1.0, 0, [0.0])]
    row, per = measure(loan, S, scen, H, 0, 0.10, False, False)
    q1, q2 = 1 - 0.94 ** 1.25, 1 - 0.96 ** 1.25
    want = 0.65 * (q1 * 180 * 2.2 ** (-20 / 365) + (1 - q1) * q2 * 90 * 2.2 ** (-50 / 365))
    fails = []
    if not close(row["ecl_lifetime"], want) or not close(row["ecl_12m"], want):
        fails.append(f"ECL {row['ecl_lifetime']} / {row['ecl_12m']}, by hand {want}")
    if abs(want - 10.7578) > 5e-5:
        fails.append(f"the worked example's ECL is {want}, docs/credit.md says 10.7578")
    if not close(row["pd_lifetime"], 1 - (1 - q1) * (1 - q2)) or abs(row["pd_lifetime"] - 0.12047) > 5e-6:
        fails.append(f"lifetime PD {row['pd_lifetime']}, by hand 0.12047")
    if not close(row["pd_origination"], 1 - (0.94 * 0.96) ** 0.5):  # 0.05005: a ratio of 2.41
        fails.append(f"origination lifetime PD {row['pd_origination']}")
    if row["stage"] != 2 or row["trigger"] != "sicr" or not close(row["ecl"], want):
        fails.append(f"stage {row['stage']} {row['trigger']}, by hand 2 sicr")
    r2, _ = measure(dict(loan, dpd=31, terms={"rate": b"1.2"}), S, scen, H, 0, 0.10, False, False)
    if r2["trigger"] != "backstop_dpd":
        fails.append(f"31 days past due: {r2['trigger']}")
    r3, per3 = measure(dict(loan, terms={}), S, scen, H, 0, 0.10, True, True)
    if r3["stage"] != 3 or not close(r3["ecl"], 0.65 * 200) or not close(per3[0], 130.0):
        fails.append(f"in default: stage {r3['stage']} ECL {r3['ecl']}")
    r4, _ = measure(dict(loan, terms={}), S, scen, H, 0, 0.10, True, False)
    if r4["trigger"] != "fraud" or not close(r4["ecl"], r4["ecl_lifetime"]):
        fails.append(f"a fraud alert: {r4['trigger']}")
    # Vasicek at z = -1 for PD 0.10, other retail: R = 0.03 w + 0.16 (1 - w), w = (1 - e^-3.5) / (1 - e^-35)
    w = (1 - math.exp(-3.5)) / (1 - math.exp(-35))
    R = 0.03 * w + 0.16 * (1 - w)
    want_pd = norm.cdf((norm.ppf(0.1) + math.sqrt(R)) / math.sqrt(1 - R))
    if not close(pd_year(0.1, "microloan", -1.0, 2, 1), want_pd) or abs(want_pd - 0.1321) > 5e-5 or \
            pd_year(0.1, "microloan", -1.0, 2, 2) != 0.1:
        fails.append(f"conditional PD {pd_year(0.1, 'microloan', -1.0, 2, 1)} against {want_pd}")
    for f in fails:
        print("FAIL", f)
    print("check_ifrs9 selftest:", "failed" if fails else f"passed (worked example ECL {want:.4f})")
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?")
    ap.add_argument("run", nargs="?")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--key-file")
    ap.add_argument("--scenarios")
    ap.add_argument("--previous", help="the run given to telrisk ecl --compare (/ifrs9/transfers)")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.data or not a.run:
        ap.error("DATA_DIR and RUN.h5 are required")
    return check(a.data, a.run, a.seed, a.key_file, a.scenarios, a.previous)


if __name__ == "__main__":
    sys.exit(main())
