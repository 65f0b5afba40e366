"""The data: what was read, what was refused and why, and the reconciliation of the tables."""
import collections

import numpy as np

import figs


def tables_read(rep):
    t = rep.run.table("provenance/tables")
    rows = [[t["table"][i], t["state"][i], t["files"][i], t["lines"][i]]
            for i in range(len(t["table"]))]
    return rep.tables.keep("input_tables", ["table", "state", "files", "lines"], rows,
                           "Each input table: read, empty or absent, with its files and data lines.")


def files_read(rep):
    t = rep.run.table("provenance/inputs")
    cols = ["table", "path", "bytes", "lines", "accepted", "rejected", "duplicates",
            "unknown_antenna"]
    rows = [[t[c][i] for c in cols] for i in range(len(t["table"]))]
    return rep.tables.keep("input_files", cols, rows,
                           "Every input file read: lines = accepted + rejected.",
                           formats={"bytes": ",", "lines": ",", "accepted": ",",
                                    "rejected": ",", "duplicates": ",",
                                    "unknown_antenna": ","})


def rejects_by_reason(rep):
    t = rep.run.table("rejects")
    counts = collections.Counter(zip(t["table"], t["reason"])) if t and len(t["table"]) else {}
    rows = [[table, reason, n] for (table, reason), n in sorted(counts.items())]
    blocks = [rep.tables.keep("rejects_by_reason", ["table", "reason", "lines"], rows,
                              "Rejected lines by table and reason (each one a row of /rejects, "
                              "with its file, line and a masked excerpt). Counts of lines, not "
                              "of people: not suppressed.", formats={"lines": ","})]
    if rows:
        fig, ax = figs.new(6.4, 0.35 * len(rows) + 1.0)
        ax = ax[0][0]
        labels = [f"{r[0]}: {r[1]}" for r in rows]
        ax.barh(np.arange(len(rows)), [r[2] for r in rows], color="#7f8c8d")
        ax.set_yticks(np.arange(len(rows)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("rejected lines")
        ax.set_title("Rejected lines by table and reason")
        blocks.append(rep.figures.keep(fig, "rejects_by_reason", "Rejected lines by reason."))
    return blocks


def reconciliation(rep):
    t = rep.run.table("crosschecks/summary")
    if t is None:
        return []
    national = t["region"] == -2
    rows = [[t["check"][i], t["table"][i], t["count"][i], t["amount"][i]]
            for i in np.flatnonzero(national)]
    return [rep.tables.keep("reconciliation", ["check", "table", "count", "amount"], rows,
                            "The data checked against itself, all regions (per region: "
                            "/crosschecks/summary).", formats={"count": ",", "amount": ",.2f"})]


def build(rep):
    blocks = [tables_read(rep), files_read(rep)]
    blocks += rejects_by_reason(rep)
    blocks += reconciliation(rep)
    return {"id": "data", "title": "The data: read, refused, reconciled", "blocks": blocks}
