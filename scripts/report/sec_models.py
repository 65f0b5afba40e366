"""The models: hold-out validation per region and nationally (ROC with KS, calibration with
confidence bands, score distributions of defaults and non-defaults, grades)."""
import numpy as np
from scipy import stats

import cells
import figs
import workers

SUMMARY_COLUMNS = ["region_name", "own_model", "suppressed", "train_rows", "train_defaults",
                   "holdout_rows", "holdout_defaults", "auc", "auc_lower", "auc_upper", "gini",
                   "ks", "brier", "mean_pd", "default_rate", "hl_p"]
FIGURES = ["auc", "auc_lower", "auc_upper", "gini", "ks", "brier", "mean_pd", "default_rate",
           "hl_p", "holdout_rows", "holdout_defaults", "train_rows", "train_defaults"]


def summary_table(rep):
    t = rep.run.table("models/summary")
    rows, hidden = [], []
    for i in range(len(t["region"])):
        rows.append([t[c][i] for c in SUMMARY_COLUMNS])
        hide = {SUMMARY_COLUMNS.index(c) for c in FIGURES} if t["suppressed"][i] else set()
        hidden.append(hide)
    fmt = {c: ".4f" for c in ["auc", "auc_lower", "auc_upper", "gini", "ks", "brier", "mean_pd",
                              "default_rate", "hl_p"]}
    return rep.tables.keep("validation_summary", SUMMARY_COLUMNS, rows,
                           "Hold-out validation at a glance (/models/summary): AUC with its 95% "
                           "DeLong interval, Gini, KS, Brier, mean PD against the default rate, "
                           "Hosmer-Lemeshow p.", formats=fmt, hidden=hidden)


def roc_points(pd, label, limit=400):
    """The ROC curve (false and true positive rates), at most `limit` points, and KS's place."""
    order = np.argsort(-pd, kind="stable")
    y = label[order]
    tp = np.concatenate([[0], np.cumsum(y)])
    fp = np.concatenate([[0], np.cumsum(1 - y)])
    tpr, fpr = tp / max(tp[-1], 1), fp / max(fp[-1], 1)
    ks_at = int(np.argmax(tpr - fpr))
    keep = np.unique(np.concatenate([np.linspace(0, len(tpr) - 1, limit).astype(int), [ks_at]]))
    return fpr[keep], tpr[keep], fpr[ks_at], tpr[ks_at]


def draw_roc(ax, pd, label, row):
    fpr, tpr, ks_x, ks_y = roc_points(pd, label)
    ax.plot(fpr, tpr, color="#1f4e79", lw=1.5,
            label=f"AUC {row['auc']:.3f} [{row['auc_lower']:.3f}, {row['auc_upper']:.3f}]")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls=":")
    ax.vlines(ks_x, ks_x, ks_y, color="#c0392b", lw=1.2, label=f"KS {ks_y - ks_x:.3f}")
    ax.set_xlabel("false positive rate (repaid flagged)")
    ax.set_ylabel("true positive rate (defaults flagged)")
    ax.set_title("ROC and KS (hold-out)")
    ax.legend(loc="lower right", fontsize=8)


def draw_calibration(ax, calib):
    shown = (calib["suppressed"] == 0) & (calib["n"] > 0)
    n, d = calib["n"][shown], calib["defaults"][shown]
    # Jeffreys: the beta(d + 1/2, n - d + 1/2) quantiles, 0 when no default and 1 when all
    lower = np.where(d == 0, 0.0, stats.beta.ppf(0.025, d + 0.5, n - d + 0.5))
    upper = np.where(d == n, 1.0, stats.beta.ppf(0.975, d + 0.5, n - d + 0.5))
    x, rate = calib["mean_pd"][shown], calib["default_rate"][shown]
    ax.errorbar(x, rate, yerr=[rate - lower, upper - rate], fmt="o", color="#1f4e79", ms=4,
                capsize=2, label="default rate, 95% Jeffreys interval")
    top = float(max(np.max(upper, initial=0), np.max(x, initial=0), 0.01)) * 1.05
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls=":", label="PD = default rate")
    ax.set_xlim(0, top), ax.set_ylim(0, top)
    ax.set_xlabel("mean PD of the decile")
    ax.set_ylabel("default rate of the decile")
    ax.set_title("Calibration by PD decile (hold-out)")
    ax.legend(loc="upper left", fontsize=8)


def draw_scores(ax, score, label, edges, hidden):
    """Score histograms of defaults and repaid; hidden: per label, the bins not shown."""
    width = edges[1] - edges[0]
    for value, colour, name in ((1, figs.DEFAULT_COLOUR, "defaults"),
                                (0, figs.REPAID_COLOUR, "repaid")):
        counts, _ = np.histogram(score[label == value], bins=edges)
        hide = hidden[value]
        counts = np.where(hide, 0, counts)
        share = counts / max(counts.sum(), 1)
        ax.bar(edges[:-1], share, width=width, align="edge", alpha=0.55, color=colour, label=name)
        ax.plot(edges[:-1][hide] + width / 2, np.zeros(hide.sum()), "x", color=figs.HIDDEN_COLOUR)
    ax.set_xlabel("score (points; higher is safer)")
    ax.set_ylabel("share of the group")
    ax.set_title("Score distributions (labelled rows; x: hidden bin)")
    ax.legend(fontsize=8)


def draw_grades(ax, counts, state):
    x = np.arange(1, len(counts) + 1)
    ax.bar(x[state == 0], counts[state == 0], color="#5d6d7e")
    for g in x[state != 0]:
        ax.text(g, 0, "hidden", rotation=90, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x)
    ax.set_xlabel("grade (1 safest)")
    ax.set_ylabel("subscribers")
    ax.set_title("Grade distribution (all scored)")


def region_grid(sub, values, k_min, regions):
    """Counts per region (then the unknown region) and cell, with their suppression states: a
    table whose row totals (each region's) and column totals (the nation's) are published, so
    hidden both ways (cells.suppress_grid); the nation's own line alone against its total."""
    rows = np.where((sub["region"] >= 0) & (sub["region"] < regions), sub["region"], regions)
    grid = np.zeros((regions + 1, values.shape[1]), np.int64)
    np.add.at(grid, rows, values)
    national = grid.sum(axis=0)
    return grid, cells.suppress_grid(grid, k_min), national, cells.suppress_line(national, k_min)


def one_hot(index, size):
    out = np.zeros((len(index), size), np.int64)
    ok = (index >= 0) & (index < size)
    out[np.flatnonzero(ok), index[ok]] = 1
    return out


def calibration_group(rep, name):
    if name == "(all)":
        return rep.run.table("models/validation/calibration")
    return rep.run.table(f"models/regions/{name}/validation/calibration")


def region_figure(figures, index, row, calib, edges, grades, hidden):
    """One region's (or the nation's) four panels (in a worker: plain data only). grades: its
    counts per grade and their states; hidden: per label, the histogram bins not shown."""
    name = row["region_name"]
    sub = workers.shared("subs")
    member = np.ones(len(sub["region"]), bool) if index < 0 else sub["region"] == index
    held = member & (sub["holdout"] == 1) & (sub["label"] >= 0) & np.isfinite(sub["pd"])
    labelled = member & (sub["label"] >= 0) & np.isfinite(sub["score"])
    fig, axes = figs.new(11, 7.6, 2, 2)
    if row["suppressed"] or np.count_nonzero(held) == 0:
        axes[0][0].text(0.5, 0.5, "hold-out suppressed (fewer than k_min)", ha="center")
    else:
        draw_roc(axes[0][0], sub["pd"][held], sub["label"][held].astype(int), row)
        draw_calibration(axes[0][1], calib)
    draw_scores(axes[1][0], sub["score"][labelled], sub["label"][labelled], edges, hidden)
    draw_grades(axes[1][1], *grades)
    fig.suptitle(f"{name}: hold-out validation and score distributions", fontsize=12)
    slug = "national" if index < 0 else f"region_{index:02d}"
    return figures.keep(fig, "validation_" + slug, f"{name}: ROC with KS, calibration, score "
                        "distributions and grades.")


def grade_table(rep, grid, state, national, national_state):
    names = rep.run.regions + ["(unknown)"]
    rows = [["(all)", g + 1, national[g], int(national_state[g])] for g in range(len(national))]
    rows += [[names[r], g + 1, grid[r, g], int(state[r, g])] for r in range(len(names))
             for g in range(grid.shape[1])]
    return rep.tables.keep("grade_distribution", ["region", "grade", "subscribers", "suppressed"],
                           rows, "Subscribers per grade and region, as plotted (hidden both ways: "
                           "the regions' and the nation's totals are published).",
                           hidden=[{2} if r[3] else set() for r in rows])


def histogram_states(rep, edges):
    """Per label, the score histogram's hidden bins of each region and of the nation."""
    sub, regions = rep.subs, len(rep.run.regions)
    out = {}
    for value in (0, 1):
        pick = (sub["label"] == value) & np.isfinite(sub["score"])
        at = np.clip(np.searchsorted(edges, sub["score"], side="right") - 1, 0, len(edges) - 2)
        onehot = one_hot(np.where(pick, at, -1), len(edges) - 1)
        _, state, _, national_state = region_grid(sub, onehot, rep.k_min, regions)
        out[value] = (state != 0, national_state != 0)
    return out


def build(rep):
    t = rep.run.table("models/summary")
    if t is None:
        return {"id": "models", "title": "Models", "blocks": [
            {"kind": "text", "text": "This run has no models (no labels to learn from)."}]}
    blocks = [summary_table(rep)]
    score = rep.subs["score"][np.isfinite(rep.subs["score"])]
    edges = np.linspace(np.floor(score.min()), np.ceil(score.max()) + 1e-9, 31)
    onehot = one_hot(rep.subs["grade"].astype(int) - 1, rep.n_grades)
    grid, state, national, national_state = region_grid(rep.subs, onehot, rep.k_min,
                                                        len(rep.run.regions))
    hist = histogram_states(rep, edges)
    jobs = []
    for i in range(len(t["region"])):
        row = {k: t[k][i] for k in t}
        r = int(t["region"][i]) if t["region"][i] >= 0 else -1
        grades = (national, national_state) if r < 0 else (grid[r], state[r])
        hidden = {v: hist[v][1] if r < 0 else hist[v][0][r] for v in (0, 1)}
        jobs.append((rep.figures, r, row, calibration_group(rep, row["region_name"]), edges,
                     grades, hidden))
    blocks += workers.starmap(region_figure, jobs)
    blocks.append(grade_table(rep, grid, state, national, national_state))
    return {"id": "models", "title": "Models: hold-out validation", "blocks": blocks}
