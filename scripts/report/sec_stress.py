"""The stress loss distribution per scenario with VaR and ES marked, the book per region under
each scenario, and IFRS 9's expected credit loss."""
import numpy as np

import figs

REGION_COLUMNS = ["region_name", "suppressed", "loans", "borrowers", "ead", "pd", "lgd", "el",
                  "capital", "rwa", "pd_stressed", "el_stressed", "capital_stressed", "mc_el"]


def loss_figure(rep, name, dist, measures):
    fig, axes = figs.new(11, 3.4, 2, 1)
    loss, prob = dist["loss"], dist["probability"]
    axes[0][0].plot(prob, loss, color="#1f4e79")
    axes[0][0].set_xlabel("probability (the loss is not exceeded)")
    axes[0][0].set_ylabel(f"loss ({rep.currency})")
    axes[0][0].set_title(f"{name}: loss quantiles (Monte Carlo)")
    axes[0][1].hist(loss, bins=40, color="#85929e", weights=np.full(len(loss), 1 / len(loss)))
    axes[0][1].set_xlabel(f"loss ({rep.currency})")
    axes[0][1].set_ylabel("probability")
    axes[0][1].set_title(f"{name}: loss distribution")
    for i, level in enumerate(measures["level"]):
        for ax in (axes[0][0], axes[0][1]):
            line = ax.axhline if ax is axes[0][0] else ax.axvline
            line(measures["var"][i], color="#c0392b", ls="--", lw=1,
                 label=f"VaR {100 * level:g}% {measures['var'][i]:,.0f}")
            line(measures["es"][i], color="#7d3c98", ls=":", lw=1.2,
                 label=f"ES {100 * level:g}% {measures['es'][i]:,.0f}")
    axes[0][1].legend(fontsize=7)
    return rep.figures.keep(fig, "stress_" + name, f"Scenario {name}: the Monte Carlo loss "
                            "distribution with VaR and ES at each level.")


def scenario(rep, name):
    group = "stress/" + name
    dist = rep.run.table(group + "/loss_distribution")
    measures = rep.run.table(group + "/risk_measures")
    regions = rep.run.table(group + "/regions")
    blocks = []
    if dist is not None and measures is not None:
        blocks.append(loss_figure(rep, name, dist, measures))
        rows = [[name, measures["level"][i], measures["var"][i], measures["es"][i],
                 measures["var_share"][i], measures["es_share"][i]]
                for i in range(len(measures["level"]))]
        blocks.append(rep.tables.keep("stress_risk_" + name, ["scenario", "level", "var", "es",
                                                             "var_share", "es_share"], rows,
                                      f"{name}: VaR and ES ({rep.currency}).",
                                      formats={"var": ",.0f", "es": ",.0f", "var_share": ".4f",
                                               "es_share": ".4f"}))
    if regions is not None:
        rows = [[regions[c][i] for c in REGION_COLUMNS] for i in range(len(regions["region"]))]
        hidden = [set(range(2, len(REGION_COLUMNS))) if regions["suppressed"][i] else set()
                  for i in range(len(regions["region"]))]
        fmt = {c: ",.0f" for c in ["ead", "el", "capital", "rwa", "el_stressed",
                                   "capital_stressed", "mc_el"]}
        fmt.update({c: ".4f" for c in ["pd", "lgd", "pd_stressed"]})
        blocks.append(rep.tables.keep("stress_regions_" + name, REGION_COLUMNS, rows,
                                      f"{name}: the book per region as it stands and under the "
                                      f"scenario ({rep.currency}).", formats=fmt, hidden=hidden))
    return blocks


def ifrs9(rep):
    t = rep.run.table("ifrs9/summary")
    if t is None:
        return []
    cols = ["region_name", "stage", "suppressed", "loans", "borrowers", "exposure", "ecl",
            "coverage"]
    rows = [[t[c][i] for c in cols] for i in range(len(t["region"]))]
    hidden = [{3, 4, 5, 6, 7} if t["suppressed"][i] else set() for i in range(len(t["region"]))]
    return [rep.tables.keep("ifrs9_summary", cols, rows, "IFRS 9: exposure and the "
                            "probability-weighted ECL per region and stage (docs/credit.md "
                            "section 6).", formats={"exposure": ",.0f", "ecl": ",.0f",
                                                     "coverage": ".4f"}, hidden=hidden)]


def build(rep):
    blocks = []
    if rep.run.has("stress"):
        for name in sorted(rep.run.f["stress"].keys()):
            blocks += scenario(rep, name)
    blocks += ifrs9(rep)
    if not blocks:
        return None
    return {"id": "stress", "title": "Stress and IFRS 9", "blocks": blocks}
