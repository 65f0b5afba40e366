#!/usr/bin/env python3
"""Checks a run file's /portfolio and /stress against an independent computation.

/portfolio/loans must be exactly the open loans of loans.csv with money outstanding (borrower key,
product, EAD, LGD; the PD from the loan's own pd column or the borrower's /subscribers/pd_calibrated,
/subscribers/pd in a file without it). Every
figure of /stress/<scenario>/regions is recomputed here from those loans, the config's [stress]
keys and the scenario file, with this file's own Basel IRB and Vasicek formulas (Python's
statistics.NormalDist, not GSL). The Monte Carlo results are checked for what must hold whatever
the paths: quantiles that rise, VaR equal to the loss distribution at its level, ES beyond VaR,
regional ES contributions that add up to ES, and a mean loss within 3% of the analytic stressed
expected loss.

usage: check_stress.py DATA_DIR RUN.h5 SCENARIOS.ini --seed SEED [--set stress.KEY=VALUE]...
"""
import argparse
import configparser
import math
import sys
from collections import defaultdict
from statistics import NormalDist

import h5py
import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__file__))
from check_run import accepted_records, malformed_lines, subscriber_keys  # noqa: E402
import suppression  # noqa: E402

N = NormalDist()
PRODUCTS = ["microloan", "revolving", "mortgage"]
DEFAULTS = {  # the [stress] defaults of src/config/config.c
    "scaling": 1.0, "pd_floor": 0.0005,
    "lgd_microloan": 0.65, "lgd_revolving": 0.75, "lgd_mortgage": 0.25,
    "lgd_floor_microloan": 0.30, "lgd_floor_revolving": 0.50, "lgd_floor_mortgage": 0.05,
}


def correlation(product, pd):
    """Basel retail asset correlations: other retail (microloans), QRRE, mortgages."""
    if product == "microloan":
        w = (1 - math.exp(-35 * pd)) / (1 - math.exp(-35))
        return 0.03 * w + 0.16 * (1 - w)
    return 0.04 if product == "revolving" else 0.15


def conditional_pd(pd, r, z):
    return N.cdf((N.inv_cdf(pd) - math.sqrt(r) * z) / math.sqrt(1 - r))


def capital(product, pd, lgd):
    """K per unit of EAD at the 99.9% quantile, less the expected loss."""
    r = correlation(product, pd)
    return lgd * conditional_pd(pd, r, -N.inv_cdf(0.999)) - pd * lgd


def scenario_z(ini, name, region):
    """The scenario's z in a region: a direct z wins over macro shocks; a region's key over the
    country's."""
    s = ini[f"scenario {name}"]

    def shock(key):
        if f"{key}.{region}" in s:
            return float(s[f"{key}.{region}"])
        return float(s[key]) if key in s else None

    z = shock("z")
    if z is not None:
        return z
    gdp, unemployment = shock("gdp") or 0.0, shock("unemployment") or 0.0
    sat = ini["satellite"] if "satellite" in ini else {}
    return float(sat.get("gdp", 0)) * gdp + float(sat.get("unemployment", 0)) * unemployment


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("run")
    ap.add_argument("scenarios")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    cfg = dict(DEFAULTS)
    for kv in a.set:
        k, v = kv.split("=", 1)
        cfg[k.removeprefix("stress.")] = float(v)
    failures = []

    def expect(what, ok, detail=""):
        if not ok:
            failures.append(f"{what} {detail}")

    def close(what, got, want, rel=1e-9, absolute=1e-9):
        expect(what, abs(got - want) <= absolute + rel * abs(want), f"{got!r} != {want!r}")

    key_of = subscriber_keys(a.seed)
    f = h5py.File(a.run, "r")
    # What the run applied beyond [stress]'s defaults: the downturn add-ons and the CCF of a line's
    # undrawn limit (docs/credit.md section 7), from its stored config.
    run_ini = configparser.ConfigParser(interpolation=None)
    run_ini.read_string(f.attrs["config"].decode() if isinstance(f.attrs["config"], bytes) else f.attrs["config"])
    for p in PRODUCTS:
        cfg.setdefault(f"lgd_downturn_{p}", float(run_ini.get("stress", f"lgd_downturn_{p}", fallback="0")))
    ccf = float(run_ini.get("credit", "ccf_revolving", fallback="0.1"))
    names = [n.decode() for n in f["regions/names"][:]]
    subs = f["subscribers"]
    row_of = {int(k): i for i, k in enumerate(subs["key"][:])}
    # The book is measured with the calibrated PDs when the run has them (docs/credit.md section 4).
    sub_region = subs["region"][:]
    sub_pd = subs["pd_calibrated"][:] if "pd_calibrated" in subs else subs["pd"][:]

    # --- the loan book ---
    malformed = malformed_lines(a.data)
    header = open(f"{a.data}/loans.csv").readline().strip().split(",")
    col = {c: i for i, c in enumerate(header)}
    want = []
    for r in accepted_records(a.data, "loans", malformed):
        if r[col["status"]] != "open" or float(r[col["outstanding"]]) <= 0:
            continue
        key = key_of(r[col["subscriber_id"]])
        own_pd = r[col["pd"]] if "pd" in col and r[col["pd"]] else ""
        row = row_of.get(key)
        pd, source = (float(own_pd), "loan") if own_pd else (
            (float(sub_pd[row]), "model") if row is not None else (math.nan, "none"))
        lgd = float(r[col["lgd"]]) if r[col["lgd"]] else math.nan
        out = round(float(r[col["outstanding"]]) * 100)
        limit = round(float(r[col["limit"]]) * 100) if "limit" in col and r[col["limit"]] else -1
        undrawn = ccf * (limit - out) / 100 if r[col["product"]] == "revolving" and limit > out else 0.0
        want.append((key, r[col["product"]], out / 100 + undrawn, pd,
                     lgd, source, int(sub_region[row]) if row is not None else -1))
    book = f["portfolio/loans"][:]
    expect("portfolio: one row per open loan", len(book) == len(want), f"{len(book)} != {len(want)}")
    got = sorted((int(b["subscriber"]), b["product"].decode(), float(b["ead"]), float(b["pd"]),
                  float(b["lgd"]), b["pd_source"].decode(), int(b["region"])) for b in book)
    want.sort(key=lambda w: (w[0], w[1], w[2], w[3]))
    got.sort(key=lambda w: (w[0], w[1], w[2], w[3]))
    for g, w in zip(got, want):
        same = g[0] == w[0] and g[1] == w[1] and g[5] == w[5] and g[6] == w[6] and \
            abs(g[2] - w[2]) < 1e-9 and (g[3] == w[3] or (math.isnan(g[3]) and math.isnan(w[3]))) and \
            (g[4] == w[4] or (math.isnan(g[4]) and math.isnan(w[4])))
        if not same:
            expect("portfolio row", False, f"{g} != {w}")
            break
    keys = book["subscriber"]
    expect("portfolio: in borrower key order", bool(np.all(keys[1:] >= keys[:-1])))
    sources = defaultdict(int)
    for w in want:
        sources[w[5]] += 1

    # --- every scenario's regions, recomputed ---
    ini = configparser.ConfigParser()
    ini.optionxform = str
    ini.read(a.scenarios)
    scenarios = [s.removeprefix("scenario ") for s in ini.sections() if s.startswith("scenario ")]
    expect("stress: one group per scenario", sorted(f["stress"]) == sorted(scenarios),
           f"{sorted(f['stress'])} != {sorted(scenarios)}")
    el_stressed = {}
    hidden_regions = 0
    for name in scenarios:
        g = f[f"stress/{name}"]
        years = int(ini[f"scenario {name}"].get("horizon_years", "1"))
        expect(f"{name}: horizon", int(g.attrs["horizon_years"]) == years)
        sums = defaultdict(lambda: defaultdict(float))
        borrowers = defaultdict(set)
        for key, product, ead, pd, lgd, source, region in want:
            for where in (region, len(names)):
                s = sums[where]
                s["loans"] += 1
                borrowers[where].add(key)
                if source == "none" or region < 0:
                    s["unrated_loans"] += 1
                    s["unrated_ead"] += ead
                    continue
                pd_f = max(pd, cfg["pd_floor"])
                lgd_f = max(cfg[f"lgd_{product}"] if math.isnan(lgd) else lgd,
                            cfg[f"lgd_floor_{product}"])
                z = scenario_z(ini, name, names[region])
                stressed = max(conditional_pd(pd_f, correlation(product, pd_f), z), cfg["pd_floor"])
                horizon = 1 - (1 - stressed) ** years
                s["ead"] += ead
                s["pd"] += ead * pd_f
                s["lgd"] += ead * lgd_f
                s["el"] += ead * pd_f * lgd_f
                s["capital"] += ead * capital(product, pd_f, lgd_f) * cfg["scaling"]
                s["z"] += ead * z
                s["pd_stressed"] += ead * stressed
                s["pd_horizon"] += ead * horizon
                lgd_d = min(1.0, lgd_f + cfg[f"lgd_downturn_{product}"])  # the downturn LGD
                s["el_stressed"] += ead * horizon * lgd_d
                s["capital_stressed"] += ead * capital(product, stressed, lgd_d) * cfg["scaling"]
        table = g["regions"][:]
        expect(f"{name}: a row per region and a total", len(table) == len(names) + 1)
        # Regions of fewer than k borrowers hidden, and none derivable from the total.
        k = int(g.attrs["k_min"])
        cells = {i: (len(borrowers[i]), int(row["suppressed"])) for i, row in enumerate(table)}
        hidden = suppression.check_cells(lambda ok, what: expect(what, ok), f"{name}: regions", cells, k,
                                          [(len(names), list(range(len(names))))])
        hidden_regions += hidden
        es_c = g["es_contribution"][:]
        for i, row in enumerate(table):
            region = row["region_name"].decode()
            expect(f"{name}: row {i} region", region == (names[i] if i < len(names) else "(all)")
                   and int(row["region"]) == (i if i < len(names) else -2))
            if row["suppressed"]:
                expect(f"{name}/{region}: suppressed, no figures",
                       suppression.hidden_values(row, ("loans", "borrowers", "unrated_loans"),
                                                 ("ead", "pd", "el", "capital", "rwa", "el_stressed",
                                                  "mc_el", "es_contribution"))
                       and bool(np.all(np.isnan(es_c[:, i]))))
                if i < len(names):
                    close(f"{name}/{region}: z", row["z"], scenario_z(ini, name, region))
                continue
            expect(f"{name}/{region}: borrowers", int(row["borrowers"]) == len(borrowers[i]))
            s = sums[i]
            ead = s["ead"]
            for field in ("loans", "unrated_loans"):
                expect(f"{name}/{region}: {field}", int(row[field]) == int(s[field]),
                       f"{row[field]} != {s[field]}")
            close(f"{name}/{region}: unrated_ead", row["unrated_ead"], s["unrated_ead"])
            close(f"{name}/{region}: ead", row["ead"], ead)
            for field in ("el", "capital", "el_stressed", "capital_stressed"):
                close(f"{name}/{region}: {field}", row[field], s[field])
            close(f"{name}/{region}: rwa", row["rwa"], 12.5 * s["capital"])
            close(f"{name}/{region}: rwa_stressed", row["rwa_stressed"], 12.5 * s["capital_stressed"])
            for field in ("pd", "lgd", "pd_stressed", "pd_horizon"):
                close(f"{name}/{region}: {field}", row[field], s[field] / ead if ead else 0.0)
            if i < len(names):
                close(f"{name}/{region}: z", row["z"], scenario_z(ini, name, region))
        total = table[-1]
        el_stressed[name] = total["el_stressed"]

        # --- Monte Carlo: what must hold whatever the paths ---
        q = g["loss_distribution"][:]
        rm = g["risk_measures"][:]
        levels = list(g.attrs["levels"])
        expect(f"{name}: loss quantiles rise", bool(np.all(np.diff(q["loss"]) >= 0)))
        expect(f"{name}: 1000 quantiles", len(q) == 1000 and q["probability"][-1] == 1.0)
        for k, level in enumerate(levels):
            at = int(round(level * 1000)) - 1
            close(f"{name}: VaR {level} is the loss at that probability", rm["var"][k], q["loss"][at])
            expect(f"{name}: ES {level} beyond VaR", rm["es"][k] >= rm["var"][k])
            if not hidden:
                close(f"{name}: ES {level} contributions add up", es_c[k].sum(), rm["es"][k], rel=1e-12)
            close(f"{name}: VaR share", rm["var_share"][k], rm["var"][k] / total["ead"])
        close(f"{name}: regions' ES contributions", float(total["es_contribution"]),
              float(rm["es"][-1]))
        for i in range(len(names)):
            if not table[i]["suppressed"]:
                close(f"{name}: region {i} ES contribution", table[i]["es_contribution"], es_c[-1][i])
        close(f"{name}: Monte Carlo mean loss against the stressed EL", total["mc_el"],
              total["el_stressed"], rel=0.03)
        if not hidden:
            close(f"{name}: regional mean losses add up", sum(table[i]["mc_el"] for i in range(len(names))),
                  total["mc_el"], rel=1e-9)
        corr = g["correlation"][:]
        expect(f"{name}: correlation matrix", corr.shape == (len(names),) * 2 and
               bool(np.all(np.diag(corr) == 1)) and bool(np.all(corr == corr.T)))
    order = [s for s in ("baseline", "adverse", "severely_adverse") if s in el_stressed]
    expect("stressed EL grows with the scenario's severity",
           all(el_stressed[x] < el_stressed[y] for x, y in zip(order, order[1:])))
    if failures:
        print("\n".join(f"FAIL {x}" for x in failures[:40]))
        print(f"check_stress: {len(failures)} failures")
        return 1
    print(f"stress: /portfolio is the {len(want)} open loans ({dict(sources)}); "
          f"{len(scenarios)} scenarios' IRB and stressed figures recomputed for {len(names)} "
          f"regions ({hidden_regions} region rows suppressed by privacy.k_min); Monte Carlo consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
