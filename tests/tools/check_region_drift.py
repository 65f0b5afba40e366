#!/usr/bin/python3
"""Checks the drift per region of a run scored by a champion (/monitoring/region_drift) and the
champion's population per region (/models/region_reference), recounted from the two files.

usage: check_region_drift.py CHAMPION.h5 SCORED.h5

  - every published reference cell (region or the unknown region x score band, grade, bin of a
    used feature) equals the champion's subscribers counted here; hidden cells follow the
    small-cell rule along each region's line and down each column (whose national total is
    published in /models/bins, grades and score_bands);
  - every region's PSI equals the one recomputed here over today's rows counted the same way,
    hidden reference cells pooled (their reference: the region's total less the published);
  - a region of fewer than k_min subscribers shows no PSI."""
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import suppression  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def cells_of(f, models):
    """Every subscriber's cell index in each part: {part name: (cells, index [N])}."""
    feats = models["models/features"][()]
    bins = models["models/bins"][()]
    bands = models["models/score_bands"][()]
    grades = len(models["models/grades"])
    names = [text(n) for n in f["subscribers/features"].attrs["names"]]
    out = {"score": (len(bands), np.clip(np.searchsorted(bands["lower"], f["subscribers/score"][()],
                                                          side="right") - 1, 0, None)),
           "grade": (grades, f["subscribers/grade"][()].astype(int) - 1)}
    order = [j for j in np.argsort(-feats["iv"], kind="stable") if feats["used"][j]]
    for j in order:
        name = text(feats["name"][j])
        rows = bins[bins["feature"] == j]
        numeric = rows[(rows["missing"] == 0) & (rows["special"] == 0)]
        x = f["subscribers/features"][:, names.index(name)]
        at = np.clip(np.searchsorted(numeric["lower"], x, side="right") - 1, 0, None)
        at = np.where(np.isnan(x), len(numeric), at)
        for k, s in enumerate(rows[rows["special"] == 1]["lower"]):
            at = np.where(x == s, len(numeric) + 1 + k, at)
        out[name] = (len(rows), at)
    return out


def psi_pooled(ref, now, total):
    shown = ref >= 0
    r = np.append(ref[shown], total - ref[shown].sum()) if (~shown).any() else ref.astype(float)
    n = np.append(now[shown], now[~shown].sum()) if (~shown).any() else now.astype(float)
    p, q = np.maximum(r / r.sum(), 1e-4), np.maximum(n / n.sum(), 1e-4)
    return float(((q - p) * np.log(q / p)).sum())


def check_part(ref, then, region_then, name, size, at, rows, k):
    """One part (score bands, grades or a feature's bins) of the reference: published cells equal
    the champion's subscribers counted here; the small-cell rule holds both ways (each region's
    line against its total, each column against the nation's, published elsewhere)."""
    cells = {}
    for r in range(rows):
        code = r if r < rows - 1 else -1
        mine = ref[ref["region"] == code]
        members = region_then == code if code >= 0 else \
            ~np.isin(region_then, np.arange(rows - 1))
        line = mine[at:at + size]
        check(all(text(x) == name for x in line["name"]), f"region {code} {name}: cells in order")
        counted = np.bincount(then[name][1][members], minlength=size)[:size]
        for b in range(size):
            cells[(r, b)] = (int(counted[b]), int(line["suppressed"][b]))
            if line["suppressed"][b] == 0:
                check(line["population"][b] == counted[b], f"reference {code} {name} bin {b}")
        cells[(r, "T")] = (int(members.sum()), int(mine[0]["suppressed"]))
    for b in range(size):
        cells[("N", b)] = (sum(cells[(r, b)][0] for r in range(rows)), 0)
    lines = [((r, "T"), [(r, b) for b in range(size)]) for r in range(rows)]
    lines += [(("N", b), [(r, b) for r in range(rows)]) for b in range(size)]
    suppression.check_cells(check, f"reference {name}", cells, k, lines)


def main():
    champion, scored = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    k = suppression.k_min(champion)
    ref = champion["models/region_reference"][()]
    drift = scored["monitoring/region_drift"][()]
    then = cells_of(champion, champion)
    now = cells_of(scored, champion)
    regions = len(champion["regions/names"])
    region_then, region_now = champion["subscribers/region"][()], scored["subscribers/region"][()]
    order = ["score", "grade"] + [n for n in then if n not in ("score", "grade")]
    at = 1
    for name in order:
        check_part(ref, then, region_then, name, then[name][0], at, regions + 1, k)
        at += then[name][0]
    check(len(ref) == (regions + 1) * at, f"region_reference: {len(ref)} rows")
    d = 0
    for r in range(regions):
        mine = ref[ref["region"] == r]
        total = int(np.count_nonzero(region_then == r))
        check(mine[0]["population"] in (total, -1), f"region {r}: its subscribers {total}")
        at = 1
        for name in order:
            size = then[name][0]
            line = mine[at:at + size]
            row = drift[d]
            check(text(row["name"]) == name and row["region"] == r, f"drift row {d}: {name}")
            today = np.bincount(now[name][1][region_now == r], minlength=size)[:size]
            small = mine[0]["population"] < 0 or total < k or \
                np.count_nonzero(region_now == r) < k
            if small:
                check(row["suppressed"] == 1 and np.isnan(row["psi"]), f"drift {r} {name} hidden")
            else:
                value = psi_pooled(line["population"].astype(float), today.astype(float), total)
                check(abs(row["psi"] - value) <= 1e-12, f"drift {r} {name}: {row['psi']} = {value}")
            at += size
            d += 1
    check(d == len(drift), f"region_drift: {len(drift)} rows, {d} expected")
    print(f"check_region_drift: {regions} regions, {d} PSI rows, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
