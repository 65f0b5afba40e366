"""Monitoring over time: given earlier run files (oldest first), per region and month the score's
PSI and each model feature's CSI against the oldest run, the hold-out AUC and Gini with their
intervals, the default rate against the mean PD, and the alerts by rule; and, for a run scored by
a champion, its stored drift (/monitoring)."""
import os

import matplotlib.colors
import numpy as np

import figs
import rf

PSI_FLOOR = 1e-4  # a share below it counts as it (crosscheck/drift.c does the same)


def psi(reference, now):
    r, n = reference.sum(), now.sum()
    if r == 0 or n == 0:
        return float("nan")
    p = np.maximum(reference / r, PSI_FLOOR)
    q = np.maximum(now / n, PSI_FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def month_labels(series):
    """Each run's observation date; a date seen before gets the file's name after it."""
    labels = []
    for run in series:
        label = run.window()[2]
        labels.append(label if label not in labels else f"{label} ({os.path.basename(run.path)})")
    return labels


def used_bins(run):
    """The latest run's used features and their numeric bins' lower bounds (missing and special
    values each a bin of their own)."""
    f, b = run.table("models/features"), run.table("models/bins")
    if f is None or b is None:
        return {}
    out = {}
    for j in np.flatnonzero(f["used"]):
        rows = b["feature"] == j
        numeric = rows & (b["missing"] == 0) & (b["special"] == 0)
        out[f["name"][j]] = (b["lower"][numeric], b["lower"][rows & (b["special"] == 1)])
    return out


def bin_counts(x, lowers, specials):
    """Counts per bin: the numeric bins, then missing, then each special value."""
    special = np.isin(x, specials)
    numeric = ~np.isnan(x) & ~special
    at = np.searchsorted(lowers, x[numeric], side="right") - 1
    counts = np.bincount(np.maximum(at, 0), minlength=len(lowers)).astype(float)
    extra = [np.count_nonzero(np.isnan(x))] + [np.count_nonzero(x == s) for s in specials]
    return np.concatenate([counts, extra])


def month_columns(run, bins, block=65536):
    """A run's region, score and used features' columns, read in blocks of rows (h5py's
    selection of scattered columns is slow; a block of whole rows is one read per chunk)."""
    names = run.feature_names()
    wanted = sorted(names.index(n) for n in bins if n in names)
    data = run.f["subscribers/features"]
    values = np.empty((data.shape[0], len(wanted)))
    for start in range(0, data.shape[0], block):
        values[start:start + block] = data[start:start + block][:, wanted]
    cols = {names[j]: values[:, k] for k, j in enumerate(wanted)}
    return run.array("subscribers/region"), run.array("subscribers/score"), cols


def stability_rows(rep, series, labels, bins):
    """PSI of the score and CSI of each feature, per month and region, against the oldest run."""
    region0, score0, cols0 = month_columns(series[0], bins)
    finite = np.isfinite(score0)
    edges = np.quantile(score0[finite], np.linspace(0.1, 0.9, 9)) if finite.any() else []
    names = rep.run.regions
    rows = []
    for run, month in zip(series[1:], labels[1:]):
        region, score, cols = month_columns(run, bins)
        for r in list(range(len(names))) + [-2]:
            was = (region0 == r) if r >= 0 else np.ones(len(region0), bool)
            now = (region == r) if r >= 0 else np.ones(len(region), bool)
            small = 0 < was.sum() < rep.k_min or 0 < now.sum() < rep.k_min
            label = names[r] if r >= 0 else "(all)"
            s0, s1 = score0[was & np.isfinite(score0)], score[now & np.isfinite(score)]
            value = psi(np.bincount(np.searchsorted(edges, s0, side="right"), minlength=10),
                        np.bincount(np.searchsorted(edges, s1, side="right"), minlength=10))
            rows.append([month, label, "score", value, int(small)])
            for name, (lowers, specials) in bins.items():
                if name not in cols or name not in cols0:
                    continue
                value = psi(bin_counts(cols0[name][was], lowers, specials),
                            bin_counts(cols[name][now], lowers, specials))
                rows.append([month, label, name, value, int(small)])
    return rows


def band(value):
    return "stable" if value < 0.1 else "moderate" if value <= 0.25 else "significant"


def stability(rep, series, labels):
    if any(not run.has("subscribers/score") for run in series):
        return [{"kind": "text", "text": "No PSI over months: a run of the series has no scores "
                 "(no models)."}]
    bins = used_bins(rep.run)
    rows = stability_rows(rep, series, labels, bins)
    for row in rows:
        row.insert(4, band(row[3]) if np.isfinite(row[3]) else "undefined")
    hidden = [{3, 4} if row[5] else set() for row in rows]
    blocks = [rep.tables.keep("stability", ["month", "region", "name", "psi", "band",
                                            "suppressed"], rows,
                              f"PSI of the score and CSI of each model feature against "
                              f"{labels[0]} (the oldest run), per month and region.",
                              formats={"psi": ".4f"}, hidden=hidden)]
    months = labels[1:]
    regions = list(dict.fromkeys(row[1] for row in rows))
    fig, axes = figs.new(11, 3.6, 2, 1)
    for label in regions:
        y = [next((row[3] for row in rows if row[0] == m and row[1] == label and
                   row[2] == "score" and not row[5]), np.nan) for m in months]
        axes[0][0].plot(months, y, marker="o", ms=3, label=label,
                        lw=2.5 if label == "(all)" else 1)
    national = [row for row in rows if row[1] == "(all)" and row[2] != "score"]
    worst = sorted({row[2] for row in national},
                   key=lambda n: -max(r[3] for r in national if r[2] == n))[:8]
    for name in worst:
        axes[0][1].plot(months, [next(r[3] for r in national if r[0] == m and r[2] == name)
                                 for m in months], marker="o", ms=3, label=figs.short(name))
    for ax, title in ((axes[0][0], "Score PSI per region"),
                      (axes[0][1], "CSI, the 8 most moved features")):
        ax.axhline(0.1, color="#f2c230", ls="--", lw=1)
        ax.axhline(0.25, color="#d1372c", ls="--", lw=1)
        ax.set_ylabel("PSI against the oldest run")
        ax.set_xlabel("observation date")
        ax.set_title(title + " (lines: 0.1, 0.25)")
        ax.legend(fontsize=6, ncol=2)
    blocks.append(rep.figures.keep(fig, "stability", "Population and characteristic stability "
                                   "over months, with the 0.1 and 0.25 thresholds."))
    return blocks


def metric_rows(series, labels):
    rows = []
    for run, month in zip(series, labels):
        t = run.table("models/summary")
        if t is None:
            continue
        for i in range(len(t["region"])):
            rows.append([month, t["region_name"][i], t["holdout_rows"][i], t["auc"][i],
                         t["auc_lower"][i], t["auc_upper"][i], t["gini"][i], t["mean_pd"][i],
                         t["default_rate"][i], int(t["suppressed"][i]),
                         2 * t["auc_lower"][i] - 1, 2 * t["auc_upper"][i] - 1])
    return rows


def performance(rep, series, labels):
    rows = metric_rows(series, labels)
    if not rows:
        return []
    cols = ["month", "region", "holdout_rows", "auc", "auc_lower", "auc_upper", "gini",
            "mean_pd", "default_rate", "suppressed", "gini_lower", "gini_upper"]
    hidden = [set(range(2, 9)) | {10, 11} if row[9] else set() for row in rows]
    months = list(dict.fromkeys(row[0] for row in rows))
    regions = list(dict.fromkeys(row[1] for row in rows))
    fig, axes = figs.new(11, 3.8, 2, 1)
    for k, label in enumerate(regions):
        pick = [next((row for row in rows if row[0] == m and row[1] == label and not row[9]),
                     None) for m in months]
        x = np.arange(len(months)) + (k - len(regions) / 2) * 0.02
        auc = np.array([p[3] if p else np.nan for p in pick])
        lo = np.array([p[4] if p else np.nan for p in pick])
        hi = np.array([p[5] if p else np.nan for p in pick])
        axes[0][0].errorbar(x, auc, yerr=[auc - lo, hi - auc], marker="o", ms=3, capsize=2,
                            label=label, lw=2.5 if label == "(all)" else 0.8)
        if label == "(all)":
            axes[0][1].plot(months, [100 * p[7] if p else np.nan for p in pick], marker="o",
                            label="mean PD")
            axes[0][1].plot(months, [100 * p[8] if p else np.nan for p in pick], marker="s",
                            label="default rate")
    axes[0][0].set_xticks(range(len(months)), months)
    axes[0][0].set_ylabel("hold-out AUC (95% DeLong interval)")
    axes[0][0].set_title("AUC per region and month, Gini on the right")
    gini = axes[0][0].secondary_yaxis("right", functions=(lambda a: 2 * a - 1,
                                                           lambda g: (g + 1) / 2))
    gini.set_ylabel("Gini = 2 AUC - 1")
    axes[0][0].legend(fontsize=6, ncol=2)
    axes[0][1].set_ylabel("percent of the hold-out")
    axes[0][1].set_title("Default rate against mean PD, all regions")
    axes[0][1].legend(fontsize=7)
    return [rep.figures.keep(fig, "performance_trend", "Discrimination and calibration over "
                             "months."),
            rep.tables.keep("performance_trend", cols, rows, "Hold-out figures per month and "
                            "region (/models/summary of each run).",
                            formats={c: ".4f" for c in cols[3:9] + cols[10:]},
                            hidden=hidden)]


def alert_trend(rep, series, labels):
    rows = []
    for run, month in zip(series, labels):
        t = run.table("crosschecks/alerts")
        rules = t["rule"] if t is not None else []
        for rule in sorted(set(rules)):
            rows.append([month, rule, int(np.count_nonzero(rules == rule))])
    blocks = []
    if rows:
        fig, axes = figs.new(6.4, 3.2)
        for rule in sorted({r[1] for r in rows}):
            axes[0][0].plot(labels, [next((r[2] for r in rows if r[0] == m and r[1] == rule), 0)
                                     for m in labels], marker="o", ms=3, label=rule)
        axes[0][0].set_ylabel("alerts in the month's window")
        axes[0][0].set_xlabel("observation date")
        axes[0][0].set_title("Fraud alerts per month and rule, all regions")
        axes[0][0].legend(fontsize=7)
        blocks.append(rep.figures.keep(fig, "alerts_trend", "Fraud alerts per month and rule."))
    return blocks + [rep.tables.keep("alerts_trend", ["month", "rule", "alerts"], rows,
                                     "Fraud alerts per month and rule, all regions.")]


def stored_drift(rep):
    t = rep.run.table("monitoring/feature_psi")
    if t is None:
        return []
    rows = [[t["name"][i], t["psi"][i], t["band"][i]] for i in range(len(t["name"]))]
    return [rep.tables.keep("champion_drift", ["name", "psi", "band"], rows,
                            f"Drift against the champion's training population "
                            f"({rep.run.attr('monitoring', 'model', '')}), all regions: score "
                            f"PSI {rep.run.attr('monitoring', 'score_psi', float('nan')):.4f}, "
                            f"grade PSI {rep.run.attr('monitoring', 'grade_psi', float('nan')):.4f}.",
                            formats={"psi": ".4f"})]


def region_drift(rep):
    """The stored drift per region (telrisk score): a heat map of regions x score, grades and
    features, PSI coloured by band."""
    t = rep.run.table("monitoring/region_drift")
    if t is None or len(t["region"]) == 0:
        return []
    regions = list(dict.fromkeys(t["region_name"]))
    names = list(dict.fromkeys(t["name"]))
    grid = np.full((len(regions), len(names)), np.nan)
    for i in range(len(t["region"])):
        if not t["suppressed"][i]:
            grid[regions.index(t["region_name"][i]), names.index(t["name"][i])] = t["psi"][i]
    fig, axes = figs.new(max(6.4, 0.22 * len(names) + 2.5), 0.35 * len(regions) + 2.6)
    ax = axes[0][0]
    colours = matplotlib.colors.ListedColormap(["#2e9d4a", "#f2c230", "#d1372c"])
    norm = matplotlib.colors.BoundaryNorm([0, 0.1, 0.25, 1e9], 3)
    ax.imshow(grid, cmap=colours, norm=norm, aspect="auto")
    ax.set_xticks(range(len(names)), [figs.short(n, 32) for n in names], rotation=90, fontsize=6)
    ax.set_yticks(range(len(regions)), regions)
    ax.grid(False)
    ax.set_title("PSI per region against the champion")
    rows = [[t["region_name"][i], t["name"][i], t["psi"][i], t["band"][i], int(t["suppressed"][i])]
            for i in range(len(t["region"]))]
    hidden = [{2, 3} if row[4] else set() for row in rows]
    return [rep.figures.keep(fig, "region_drift", "Drift per region and feature against the "
                             "champion's population of the region when it was trained "
                             "(/monitoring/region_drift): green under 0.1 (stable), yellow 0.1 "
                             "to 0.25 (moderate), red above (significant); blank: hidden."),
            rep.tables.keep("region_drift", ["region", "name", "psi", "band", "suppressed"], rows,
                            "PSI per region of the score, the grades and each feature the "
                            "champion uses.", formats={"psi": ".4f"}, hidden=hidden)]


def build(rep):
    blocks = stored_drift(rep) + region_drift(rep)
    if rep.previous_paths:
        series = [rf.RunFile(p) for p in rep.previous_paths] + [rep.run]
        labels = month_labels(series)
        blocks += (stability(rep, series, labels) + performance(rep, series, labels) +
                   alert_trend(rep, series, labels))
    if not blocks:
        return None
    return {"id": "monitoring", "title": "Monitoring over time", "blocks": blocks}
