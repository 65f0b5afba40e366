"""The PD walk from the last previous run to this one (telrisk's own computation, model/walk.h,
read from the CSVs `telrisk report` wrote): a table and a waterfall per region."""
import csv
import os

import figs
import rf

PARTS = ["mix", "behaviour", "model", "overlay"]
PART_COLOURS = {"mix": "#8e44ad", "behaviour": "#2471a3", "model": "#d35400",
                "overlay": "#7f8c8d"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def waterfall(ax, row):
    """Mean PD before, each part as a floating bar, mean PD after (percent)."""
    level = 100 * float(row["mean_pd_before"])
    ax.bar(0, level, color="#5d6d7e")
    for k, part in enumerate(PARTS, start=1):
        step = 100 * float(row[part])
        ax.bar(k, step, bottom=level, color=PART_COLOURS[part])
        ax.text(k, level + max(step, 0), f"{step:+.2f}", ha="center", va="bottom", fontsize=6)
        level += step
    ax.bar(len(PARTS) + 1, 100 * float(row["mean_pd_after"]), color="#1b2631")
    ax.set_xticks(range(len(PARTS) + 2), ["before"] + PARTS + ["now"], rotation=45, fontsize=7)
    low = min(100 * float(row["mean_pd_before"]), 100 * float(row["mean_pd_after"]))
    ax.set_ylim(bottom=max(0.0, low - 3 * max(abs(100 * float(row[p])) for p in PARTS) - 0.5))
    ax.set_title(f"{row['region_name']} ({100 * float(row['change']):+.2f} pp)", fontsize=8,
                 pad=10)
    ax.set_ylabel("mean PD (%)", fontsize=7)


def waterfalls(rep, rows):
    shown = [r for r in rows if r["suppressed"] == "0"]
    if not shown:
        return []
    cols = 4
    lines = (len(shown) + cols - 1) // cols
    fig, axes = figs.new(11, 2.6 * lines, cols, lines)
    for k, ax in enumerate(axes.flat):
        if k < len(shown):
            waterfall(ax, shown[k])
        else:
            ax.set_visible(False)
    fig.suptitle("PD walk: mean PD before, the parts of its change (percentage points), now")
    return [rep.figures.keep(fig, "pd_walk", "The PD walk per region: population mix, behaviour, "
                             "model change and overlay add up to the change of mean PD.")]


def ecl_by_region(run):
    """Each region's ECL over its stages (None where a stage is hidden), and all regions'."""
    t = run.table("ifrs9/summary")
    if t is None:
        return {}
    out = {}
    for name in dict.fromkeys(t["region_name"]):
        rows = t["region_name"] == name
        out[name] = None if t["suppressed"][rows].any() else float(t["ecl"][rows].sum())
    return out


def capital_by_region(run):
    """Each region's IRB capital as the book stands (the first scenario's /stress regions)."""
    if not run.has("stress") or not list(run.f["stress"].keys()):
        return {}
    t = run.table(f"stress/{sorted(run.f['stress'].keys())[0]}/regions")
    return {t["region_name"][i]: None if t["suppressed"][i] else float(t["capital"][i])
            for i in range(len(t["region"]))}


def money_rows(rep):
    """ECL and capital before and now per region, where both runs have them."""
    before = rf.RunFile(rep.previous_paths[-1])
    ecl_a, ecl_b = ecl_by_region(before), ecl_by_region(rep.run)
    cap_a, cap_b = capital_by_region(before), capital_by_region(rep.run)
    rows = []
    for name in list(dict.fromkeys(list(ecl_b) + list(cap_b))):
        e = [ecl_a.get(name), ecl_b.get(name)]
        c = [cap_a.get(name), cap_b.get(name)]
        rows.append([name, e[0], e[1], None if None in e else e[1] - e[0],
                     c[0], c[1], None if None in c else c[1] - c[0]])
    return rows


def money(rep):
    rows = money_rows(rep)
    if not rows:
        return []
    cols = ["region", "ecl_before", "ecl_now", "ecl_change", "capital_before", "capital_now",
            "capital_change"]
    return [rep.tables.keep("ecl_capital_change", cols, rows,
                            f"Expected credit loss (IFRS 9, all stages) and IRB capital as the "
                            f"book stands, before and now ({rep.currency}); shown whole: the walk "
                            f"splits the mean PD, not these.", formats={c: ",.0f" for c in cols[1:]})]


def build(rep):
    if not rep.walk_dir or not os.path.exists(os.path.join(rep.walk_dir, "walk.csv")):
        return None
    rows = read_csv(os.path.join(rep.walk_dir, "walk.csv"))
    features = read_csv(os.path.join(rep.walk_dir, "walk_features.csv"))
    cols = ["region_name", "suppressed", "before", "after", "stayers", "mean_pd_before",
            "mean_pd_after", "change"] + PARTS
    table_rows, hidden = [], []
    for r in rows:
        table_rows.append([r[c] if c in ("region_name", "suppressed") else
                           (float(r[c]) if r[c] != "" else float("nan")) for c in cols])
        hidden.append(set(range(2, len(cols))) if r["suppressed"] != "0" else set())
    fmt = {c: ".6f" for c in cols[5:]}
    fmt.update({c: ".0f" for c in ("before", "after", "stayers")})
    top = [[f["region_name"], int(f["rank"]), f["feature"], float(f["behaviour"])]
           for f in features if int(f["rank"]) <= 5]
    intro = {"kind": "text", "text": (
        f"From {os.path.basename(rep.previous_paths[-1])} to {os.path.basename(rep.run.path)}: "
        "mix is who is in the region (newcomers and movers, scored by the earlier model on "
        "today's behaviour, against the earlier population); behaviour is the same people's "
        "move under the earlier model, split over its features by their shares of the move of "
        "log-odds; model is this run's PDs against the earlier model on the same rows; overlay "
        "is the change of what the calibrated PD adds to the model's. The parts add up to the "
        "change (docs/models.md, \"The PD walk\").")}
    return {"id": "walk", "title": "PD walk: why the mean PD moved", "blocks": [
        intro, rep.tables.keep("pd_walk", cols, table_rows, "The PD walk per region (PDs as "
                               "probabilities; the parts add up to the change).", formats=fmt,
                               hidden=hidden)]
        + waterfalls(rep, rows)
        + [rep.tables.keep("pd_walk_features", ["region", "rank", "feature", "behaviour"], top,
                           "Behaviour's five largest features per region (change of mean PD, "
                           "as a probability).", formats={"behaviour": "+.6f"})]
        + money(rep)}
