#!/usr/bin/env python3
"""A run file reads into pandas as docs/output.md ("pandas") shows, one line per object, and
speaks one vocabulary:

- every compound dataset (a table) loads with `table(d)` and every 1-D or 2-D dataset with
  `series(d)` / `matrix(f, d)` (the idioms of docs/output.md, copied here verbatim), and their
  string columns and labels come back as str;
- every dataset has a `unit` attribute or (a table, /subscribers/features) a `units` attribute
  with one string per member or column;
- every 2-D dataset names its axes (`axes`) and has a label per row and per column;
- region codes mean one thing everywhere: a row of /regions/names, -1 unknown, -2 all regions,
  and the name beside a code is that region's name ("(unknown)", "(all)" for the sentinels);
- each region's model group is /models/regions/<name> (escaped: tests/tools/region_groups.py),
  one per row of /regions/names, its region_name the link unescaped and its region that row;
- the root says the currency of every amount (`currency`, three capital letters);
- a PD's unit is `probability` in every table;
- every text attribute, of every object and the root, comes back from h5py as str, never bytes
  (telrisk writes them variable-length; datasets keep fixed-length strings, read with `.asstr()`).
usage: check_pandas.py RUN.h5   (exit 0 when all holds, 1 otherwise)
"""
import re
import sys

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import region_groups  # noqa: E402

# --- the idioms of docs/output.md, "pandas" ---------------------------------------------------
def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def table(d):
    return pd.DataFrame(d[:]).apply(lambda c: c.str.decode("utf-8") if c.dtype == object else c)


def series(d):
    return pd.Series(d.asstr()[:] if d.dtype.kind == "S" else d[:], name=d.name)


def labels(f, d, axis):
    name = text(d.attrs["axes"][axis])
    if ":" in name:  # a table's member: TABLE:MEMBER
        table, member = name.split(":")
        return [text(x) for x in f[table][member]]
    return [text(x) for x in (d.attrs[name] if name in d.attrs else f["subscribers"][name][:])]


def matrix(f, d):
    return pd.DataFrame(d[:], index=labels(f, d, 0), columns=labels(f, d, 1))
# -----------------------------------------------------------------------------------------------

PD_MEMBERS = {"pd", "mean_pd", "national_mean_pd", "pd_stressed", "pd_horizon"}


def text_attributes(f):
    """(how many text attributes the file has, those h5py gives as bytes rather than str)."""
    count, as_bytes = 0, []

    def look(name, obj):
        nonlocal count
        for k, v in obj.attrs.items():
            a = np.asarray(v)
            if a.dtype.kind in "SOU":
                count += 1
                if not all(isinstance(x, str) for x in a.reshape(-1)):
                    as_bytes.append(f"{name} attribute {k}")
    look("/", f)
    f.visititems(lambda name, obj: look("/" + name, obj))
    return count, as_bytes
UNKNOWN, ALL = -1, -2


def main(path):
    problems = []

    def check(ok, what):
        if not ok:
            problems.append(what)

    with h5py.File(path, "r") as f:
        regions = series(f["regions/names"]).tolist()
        check(all(isinstance(r, str) for r in regions), "/regions/names: not str")
        named = {i: r for i, r in enumerate(regions)}
        named.update({UNKNOWN: "(unknown)", ALL: "(all)"})
        n_text, as_bytes = text_attributes(f)
        check(n_text > 0 and not as_bytes, f"text attributes given as bytes: {as_bytes[:5]}")
        check(isinstance(f.attrs.get("currency"), str), "root currency is not str")
        currency = text(f.attrs.get("currency", ""))
        check(re.fullmatch(r"[A-Z]{3}", currency) is not None, f"root currency {currency!r}")
        objects = []
        f.visititems(lambda name, o: objects.append(o) if isinstance(o, h5py.Dataset) else None)
        tables = matrices = 0
        for d in objects:
            where = d.name
            if d.dtype.names:
                df = table(d)  # the one line of the docs
                tables += 1
                units = [text(u) for u in d.attrs.get("units", [])]
                check(len(units) == len(df.columns), f"{where}: units {len(units)} for {len(df.columns)} members")
                for c in df.columns[df.dtypes == object]:
                    check(all(isinstance(v, str) for v in df[c]), f"{where}.{c}: not str")
                for c, u in zip(df.columns, units):
                    if c in PD_MEMBERS:
                        check(u == "probability", f"{where}.{c}: PD in {u!r}")
                if "region" in df.columns and df["region"].dtype.kind == "i":
                    codes = set(df["region"].tolist())
                    check(codes <= set(named), f"{where}: region codes {sorted(codes - set(named))}")
                    name_col = "region_name" if "region_name" in df.columns else None
                    # Unit-level tables (a loan, an obligor a row) name regions as /subscribers does.
                    check(name_col is not None or where.endswith(("/loans", "/obligors")),
                          f"{where}: codes without names")
                    if name_col:
                        bad = df[[named.get(c) != n for c, n in zip(df["region"], df[name_col])]]
                        check(bad.empty, f"{where}: region code and name disagree: {bad[['region', name_col]].head(3).values.tolist()}")
                continue
            check("unit" in d.attrs or "units" in d.attrs, f"{where}: no unit")
            if d.ndim == 1:
                s = series(d)  # the one line of the docs
                check(len(s) == d.shape[0], f"{where}: {len(s)} rows")
            else:
                check("axes" in d.attrs and len(d.attrs["axes"]) == 2, f"{where}: no axes")
                if "axes" not in d.attrs:
                    continue
                m = matrix(f, d)  # the one line of the docs
                matrices += 1
                check(m.shape == d.shape, f"{where}: labels for {m.shape}, data {d.shape}")
                check(all(isinstance(c, str) for c in m.columns), f"{where}: column labels not str")
        for d in objects:
            if d.name.endswith("/pd") and not d.dtype.names:
                check(text(d.attrs.get("unit", "")) == "probability", f"{d.name}: unit")
        sub = series(f["subscribers/region"])
        check(set(sub.unique()) <= set(range(len(regions))) | {UNKNOWN}, "/subscribers/region: codes")
        for name in ("models/national",):
            g = f[name]
            check(int(g.attrs["region"]) == ALL and text(g.attrs["region_name"]) == "(all)", f"/{name}: region")
        region_groups.check_groups(f, check)
    for p in problems:
        print(f"FAIL {p}")
    print(f"check_pandas: {path}: {tables} tables, {matrices} matrices, {len(objects)} datasets, "
          f"{n_text} text attributes, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
