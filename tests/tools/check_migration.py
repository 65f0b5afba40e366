#!/usr/bin/python3
"""Checks /monitoring/migration of a file scored with `telrisk score --compare PREVIOUS.h5`:
every cell recounted here from the two files' /subscribers/key, grade and region (this run's
region; grade before 0 when the key is absent from the previous run or ungraded there), the
line totals (-1) their sums, and small-cell suppression (privacy.k_min) as tests/tools/
suppression.py states it: cells of 1 to k - 1 hidden, no line with a published total hiding
exactly one cell, within a region's matrix or across the regions (the national cell the total).

usage: check_migration.py SCORED.h5 PREVIOUS.h5"""
import os
import sys
from collections import Counter

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suppression import check_cells, k_min  # noqa: E402


def counts(scored, previous):
    """{(region, before, now): subscribers}, region -2 for all regions."""
    before = dict(zip(previous["subscribers/key"][:].tolist(), previous["subscribers/grade"][:].tolist()))
    s = scored["subscribers"]
    out = Counter()
    for key, grade, region in zip(s["key"][:].tolist(), s["grade"][:].tolist(), s["region"][:].tolist()):
        if grade < 1:
            continue
        b = before.get(key, 0)
        b = b if b >= 1 else 0
        out[(-2, b, grade)] += 1
        if region >= 0:
            out[(region, b, grade)] += 1
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    f, prev = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    k = k_min(f)
    want = counts(f, prev)
    rows = f["monitoring/migration"][:]
    problems = []
    check = lambda ok, what: ok or problems.append(what)  # noqa: E731
    by_region = {}
    for r in rows:
        by_region.setdefault(int(r["region"]), []).append(r)
    grades = max(int(r["grade_now"]) for r in rows)

    def true(region, b, n):
        """A cell's count, or a line total's (-1 on an axis: the sum over it)."""
        return sum(want[(region, bb, nn)]
                   for bb in (range(grades + 1) if b < 0 else [b])
                   for nn in (range(1, grades + 1) if n < 0 else [n]))

    cells, lines = {}, []
    for region, rs in by_region.items():
        for r in rs:
            b, n = int(r["grade_before"]), int(r["grade_now"])
            t = true(region, b, n)
            cells[(region, b, n)] = (t, int(r["suppressed"]))
            check(r["subscribers"] == (-1 if r["suppressed"] else t),
                  f"region {region} ({b}, {n}): file {r['subscribers']}, recounted {t}")
        # within the region's matrix: each row and column with its total, and the margins
        lines += [((region, b, -1), [(region, b, n) for n in range(1, grades + 1)]) for b in range(grades + 1)]
        lines += [((region, -1, n), [(region, b, n) for b in range(grades + 1)]) for n in range(1, grades + 1)]
        lines += [((region, -1, -1), [(region, b, -1) for b in range(grades + 1)]),
                  ((region, -1, -1), [(region, -1, n) for n in range(1, grades + 1)])]
    # across the regions: every place's regional cells add up to (at most) the national one
    regions = sorted(r for r in by_region if r >= 0)
    for (region, b, n) in [c for c in cells if c[0] == -2]:
        lines.append(((-2, b, n), [(r, b, n) for r in regions]))
    check_cells(check, "migration", cells, k, lines)
    for p in problems[:10]:
        print("FAIL", p)
    print(f"check_migration: {len(rows)} cells in {len(by_region)} regions (k_min {k}): "
          f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
