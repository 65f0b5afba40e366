"""The scorecard: WoE and default rate per bin of every feature the models use, with its
information value, and the points table."""
import numpy as np

import cells
import figs
import workers


def bin_label(b, i):
    if b["missing"][i]:
        return "missing"
    if b["special"][i]:
        return f"= {b['lower'][i]:g}"
    lo, hi = b["lower"][i], b["upper"][i]
    if not np.isfinite(lo):
        return f"< {hi:.4g}"
    if not np.isfinite(hi):
        return f"≥ {lo:.4g}"
    return f"[{lo:.4g}, {hi:.4g})"


def feature_figure(figures, k_min, name, iv, b, unit):
    """WoE bars and the default rate per bin; a bin of 1 to k - 1 training rows is hidden.
    b: the feature's rows of /models/bins (in a worker: plain data only)."""
    rows = np.arange(len(b["bin"]))
    counts = b["count"]
    state = cells.suppress_line(counts, k_min)
    hide = cells.hidden(state)
    labels = [bin_label(b, i) for i in rows]
    x = np.arange(len(rows))
    fig, axes = figs.new(6.4, 3.2)
    ax = axes[0][0]
    woe = np.where(hide, 0.0, b["woe"])
    ax.bar(x, woe, color=np.where(woe >= 0, "#2471a3", "#c0392b"))
    ax.set_ylabel("WoE (ln good/bad share)")
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=7)
    twin = ax.twinx()
    rate = np.where(hide, np.nan, b["default_rate"])
    numeric = (b["missing"] == 0) & (b["special"] == 0)
    twin.plot(x[numeric], 100 * rate[numeric], "o-", color="black", ms=3, lw=1)
    twin.plot(x[~numeric], 100 * rate[~numeric], "o", color="black", ms=3)
    twin.set_ylabel("default rate (%)")
    twin.grid(False)
    for xi in x[hide]:
        ax.text(xi, 0, "hidden", rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_title(f"{name} ({unit}), IV {iv:.3f}", fontsize=9)
    block = figures.keep(fig, "woe_" + name[:80], f"{name}: WoE and default rate per bin "
                             f"(training rows), IV {iv:.3f}.")
    table_rows = [[name, labels[j], int(b["bin"][i]), int(counts[j]), int(b["defaults"][i]),
                   b["default_rate"][i], b["woe"][i], int(state[j])]
                  for j, i in enumerate(rows)]
    hidden = [{3, 4, 5, 6} if s else set() for s in state]
    return block, table_rows, hidden


def points_table(rep):
    p = rep.run.table("models/national/points")
    if p is None:
        return []
    cols = ["name", "bin", "lower", "upper", "count", "woe", "coefficient", "points", "best"]
    state = cells.suppress_line(np.maximum(p["count"], 0), rep.k_min)
    rows = [[p[c][i] for c in cols] for i in range(len(p["name"]))]
    hidden = [{4, 5} if s else set() for s in state]
    return [rep.tables.keep("points_national", cols, rows,
                            "The national scorecard: points per bin (the first row is the base); "
                            "each region's is /models/regions/<name>/points.",
                            formats={"woe": ".4f", "coefficient": ".4f", "points": ".2f",
                                     "lower": ".4g", "upper": ".4g"}, hidden=hidden)]


def build(rep):
    f = rep.run.table("models/features")
    b = rep.run.table("models/bins")
    if f is None or b is None:
        return None
    units = dict(zip(rep.run.feature_names(), rep.run.attr("subscribers/features", "units", [])))
    used = [i for i in np.argsort(-f["iv"], kind="stable") if f["used"][i]]
    iv_rows = [[f["name"][i], f["iv"][i], int(f["bins"][i])] for i in used]
    blocks = [rep.tables.keep("information_value", ["feature", "iv", "bins"], iv_rows,
                              "The features the models use, by decreasing information value.",
                              formats={"iv": ".4f"})]
    jobs = []
    for i in used:
        rows = np.flatnonzero(b["feature"] == i)
        jobs.append((rep.figures, rep.k_min, f["name"][i], f["iv"][i],
                     {k: v[rows] for k, v in b.items()}, units.get(f["name"][i], "")))
    all_rows, all_hidden = [], []
    for block, table_rows, hidden in workers.starmap(feature_figure, jobs):
        blocks.append(block)
        all_rows += table_rows
        all_hidden += hidden
    blocks.append(rep.tables.keep("woe_bins", ["feature", "bin_label", "bin", "count", "defaults",
                                               "default_rate", "woe", "suppressed"], all_rows,
                                  "Every bin of every used feature (training rows).",
                                  formats={"default_rate": ".4f", "woe": ".4f"},
                                  hidden=all_hidden))
    blocks += points_table(rep)
    return {"id": "scorecard", "title": "Scorecard: WoE per bin, IV, points", "blocks": blocks}
