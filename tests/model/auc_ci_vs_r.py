#!/usr/bin/python3
"""The AUC's 95% interval in a run file against R's pROC (ci.auc(method = "delong")).

usage: auc_ci_vs_r.py RUN.h5 WORKDIR

Every validation group of /models that shows figures (the hold-out by each row's own model and
by the national model, each region's two, the out-of-time sample): its rows' PDs and outcomes,
taken from /subscribers (the national model's PDs re-derived from /models by check_models.py),
go to R, whose pROC computes the AUC and DeLong's interval; auc, auc_lower and auc_upper must
match to 1e-9. /models/summary's auc_lower and auc_upper must be its groups' (all: validation;
a region: regions/<its name>/validation). A group with fewer than two defaults or repaid has NaN
bounds.
"""
import csv
import math
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/tools")
from check_models import rederive_pd  # noqa: E402
import region_groups  # noqa: E402

R_SCRIPT = r"""
suppressPackageStartupMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
out <- NULL
for (g in unique(d$group)) {
  x <- d[d$group == g, ]
  r <- roc(x$y, x$p, levels = c(0, 1), direction = "<", quiet = TRUE)
  ci <- as.numeric(ci.auc(r, conf.level = 0.95, method = "delong"))
  out <- rbind(out, data.frame(group = g, lower = ci[1], auc = ci[2], upper = ci[3]))
}
write.csv(out, args[2], row.names = FALSE)
"""


def groups_of(f):
    s = f["subscribers"]
    region, label, sample, pd = s["region"][:], s["label"][:], s["holdout"][:], s["pd"][:]
    _, national = rederive_pd(f, s["features"][:], region)
    hold = (label >= 0) & (sample == 1)
    yield "validation", hold, pd, label
    yield "national/validation", hold, national, label
    for r in range(len(f["regions/names"])):
        rows, g = hold & (region == r), region_groups.path(f, r)
        yield f"{g}/validation", rows, pd, label
        yield f"{g}/validation_national", rows, national, label
    yield "out_of_time", (label >= 0) & (sample == 2), pd, label


def main():
    run, work = sys.argv[1], sys.argv[2]
    f = h5py.File(run, "r")
    models, failures, stored = f["models"], [], {}
    with open(f"{work}/scores.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["group", "p", "y"])
        for name, rows, p, label in groups_of(f):
            if name not in models or models[name].attrs["suppressed"]:
                continue
            y = (label[rows] == 1).astype(int)
            a = models[name].attrs
            stored[name] = (a["auc"], a["auc_lower"], a["auc_upper"])
            if min(y.sum(), len(y) - y.sum()) < 2:  # no variance: no interval
                if not (math.isnan(a["auc_lower"]) and math.isnan(a["auc_upper"])):
                    failures.append(f"{name}: an interval from fewer than two of a class")
                del stored[name]
                continue
            for pv, yv in zip(p[rows], y):
                w.writerow([name, repr(float(pv)), int(yv)])
    with open(f"{work}/delong.R", "w") as script:
        script.write(R_SCRIPT)
    subprocess.run(["Rscript", f"{work}/delong.R", f"{work}/scores.csv", f"{work}/r.csv"], check=True)
    with open(f"{work}/r.csv") as r_out:
        for row in csv.DictReader(r_out):
            mine = stored.pop(row["group"])
            ref = (float(row["auc"]), float(row["lower"]), float(row["upper"]))
            for what, m, r in zip(("auc", "auc_lower", "auc_upper"), mine, ref):
                if not abs(m - r) <= 1e-9:
                    failures.append(f"{row['group']}: {what} {m!r}, pROC {r!r}")
            print(f"{row['group']}: AUC {mine[0]:.6f} [{mine[1]:.6f}, {mine[2]:.6f}], pROC "
                  f"{ref[0]:.6f} [{ref[1]:.6f}, {ref[2]:.6f}]")
    failures += [f"{g}: not computed by R" for g in stored]
    for row in models["summary"][:]:
        g = "validation" if row["region"] < 0 else f"{region_groups.path(f, row['region'])}/validation"
        a = models[g].attrs
        for k in ("auc_lower", "auc_upper"):
            same = row[k] == a[k] or (math.isnan(row[k]) and math.isnan(a[k]))
            if not same:
                failures.append(f"/models/summary region {row['region']}: {k} {row[k]} vs {g}'s {a[k]}")
    for m in failures:
        print("FAIL:", m)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
