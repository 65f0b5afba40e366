"""The backtest's traffic lights per region and grade, and the cross-checks' alerts by rule,
region and day."""
import datetime

import numpy as np
from matplotlib.patches import Rectangle

import cells
import figs

BACKTEST = ["region_name", "grade", "suppressed", "n", "defaults", "mean_pd", "default_rate",
            "p_value", "zone", "jeffreys_p"]


def backtest(rep):
    t = rep.run.table("crosschecks/backtest")
    if t is None or len(t["region"]) == 0:
        return []
    names = list(dict.fromkeys(t["region_name"]))
    grades = sorted(set(int(g) for g in t["grade"]))
    fig, axes = figs.new(1.0 + 0.75 * len(grades), 0.42 * len(names) + 1.4)
    ax = axes[0][0]
    for i in range(len(t["region"])):
        y, x = names.index(t["region_name"][i]), grades.index(int(t["grade"][i]))
        hidden = t["suppressed"][i] != 0 or t["n"][i] <= 0
        colour = figs.HIDDEN_COLOUR if hidden else figs.ZONE_COLOURS.get(t["zone"][i], "white")
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, color=colour, ec="white"))
        if not hidden:
            ax.text(x, y, f"{100 * t['default_rate'][i]:.1f}\n{100 * t['mean_pd'][i]:.1f}",
                    ha="center", va="center", fontsize=6)
    ax.set_xlim(-0.5, len(grades) - 0.5), ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xticks(range(len(grades)), ["all" if g == 0 else str(g) for g in grades])
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("grade")
    ax.grid(False)
    ax.set_title("Backtest: default rate % over mean PD % (green, yellow, red zones; grey hidden)")
    blocks = [rep.figures.keep(fig, "backtest_traffic_lights",
                               "The PDs against outcomes per region and grade (binomial test "
                               "zones; docs/crosschecks.md).")]
    rows = [[t[c][i] for c in BACKTEST] for i in range(len(t["region"]))]
    hidden = [{3, 4, 5, 6, 7, 8, 9} if t["suppressed"][i] else set()
              for i in range(len(t["region"]))]
    blocks.append(rep.tables.keep("backtest", BACKTEST, rows, "The backtest, as plotted.",
                                  formats={"mean_pd": ".4f", "default_rate": ".4f",
                                           "p_value": ".4f", "jeffreys_p": ".4f"},
                                  hidden=hidden))
    return blocks


def alert_regions(rep, keys):
    """Each alert's region, by its subscriber's key (-1: not a scored subscriber)."""
    sub_keys = rep.subs["key"]
    at = np.searchsorted(sub_keys, keys)
    at = np.minimum(at, len(sub_keys) - 1)
    found = sub_keys[at] == keys
    return np.where(found, rep.subs["region"][at], -1)


def alerts_grid(rep, rules, region, names):
    """Alerts per rule x region, small cells hidden against the published totals."""
    rule_names = sorted(set(rules))
    grid = np.zeros((len(rule_names), len(names) + 1), np.int64)
    for r, g in zip(rules, region):
        grid[rule_names.index(r), g if g >= 0 else len(names)] += 1
    state = cells.suppress_grid(grid, rep.k_min)
    rows, hidden = [], []
    for i, rule in enumerate(rule_names):
        for j, name in enumerate(names + ["(unknown)"]):
            rows.append([rule, name, grid[i, j], int(state[i, j])])
            hidden.append({2} if state[i, j] else set())
    return rule_names, grid, state, rows, hidden


def alerts(rep):
    t = rep.run.table("crosschecks/alerts")
    if t is None or len(t["rule"]) == 0:
        return [{"kind": "text", "text": "No fraud alert in this run."}]
    names = rep.run.regions
    region = alert_regions(rep, t["key"])
    rule_names, grid, state, rows, hidden = alerts_grid(rep, t["rule"], region, names)
    days = np.array([datetime.datetime.utcfromtimestamp(int(s)).date() for s in t["t"]])
    day_list = sorted(set(days))
    fig, axes = figs.new(11, 3.6, 2, 1)
    for rule in rule_names:
        per_day = [np.count_nonzero((t["rule"] == rule) & (days == d)) for d in day_list]
        axes[0][0].plot(day_list, per_day, marker="o", ms=3, label=rule)
    axes[0][0].set_ylabel("alerts per day")
    axes[0][0].set_title("Alerts by rule and day")
    axes[0][0].legend(fontsize=7)
    axes[0][0].tick_params(axis="x", rotation=30)
    shown = np.where(cells.hidden(state), 0, grid)
    bottom = np.zeros(grid.shape[1])
    for i, rule in enumerate(rule_names):
        axes[0][1].bar(np.arange(grid.shape[1]), shown[i], bottom=bottom, label=rule)
        bottom += shown[i]
    axes[0][1].set_xticks(np.arange(grid.shape[1]), names + ["(unknown)"], rotation=45,
                          ha="right")
    axes[0][1].set_ylabel("alerts")
    axes[0][1].set_title("Alerts by rule and region (cells under k_min hidden)")
    day_rows = [[str(d), rule, int(np.count_nonzero((t["rule"] == rule) & (days == d)))]
                for d in day_list for rule in rule_names]
    return [rep.figures.keep(fig, "alerts", "The fraud rules' alerts by day and by region."),
            rep.tables.keep("alerts_by_rule_region", ["rule", "region", "alerts", "suppressed"],
                            rows, "Alerts per rule and region.", hidden=hidden),
            rep.tables.keep("alerts_by_day", ["day", "rule", "alerts"], day_rows,
                            "Alerts per day and rule, all regions (not people: a count of "
                            "events nationally).")]


def build(rep):
    blocks = backtest(rep) + alerts(rep)
    return {"id": "checks", "title": "Backtest and cross-checks", "blocks": blocks}
