"""Provenance: what made the file (its identity, config, history, stages) and what made the
report (the versions of Python and its libraries)."""
import platform

import h5py
import matplotlib
import numpy as np


def identity(rep, paths):
    run = rep.run
    start, end, obs = run.window()
    rows = [["file", run.path], ["telrisk_version", run.attr("/", "telrisk_version", "")],
            ["created_utc", run.attr("/", "created_utc", "")], ["seed", run.attr("/", "seed", "")],
            ["ranks", run.attr("/", "ranks", "")], ["window", f"{start} to {end}"],
            ["observation_date", obs], ["currency", rep.currency],
            ["deflated_by", run.attr("/", "deflated_by", "")],
            ["checksum", run.attr("/", "checksum", "")], ["k_min (suppression)", rep.k_min],
            ["previous runs", "; ".join(paths) or "none"],
            ["report made with", f"Python {platform.python_version()}, matplotlib "
                                 f"{matplotlib.__version__}, h5py {h5py.__version__}, numpy "
                                 f"{np.__version__}"]]
    return rep.tables.keep("identity", ["item", "value"], rows, "The run file and the report.")


def history(rep):
    t = rep.run.table("provenance/history")
    if t is None:
        return []
    cols = ["command", "command_line", "telrisk_version", "time_utc", "config_checksum",
            "inputs"]
    rows = [[t[c][i] for c in cols] for i in range(len(t["command"]))]
    return [rep.tables.keep("history", cols, rows, "Every command that wrote the file.")]


def stages(rep):
    t = rep.run.table("provenance/stages")
    if t is None:
        return []
    cols = ["name", "seconds", "records", "records_per_s", "peak_mib"]
    rows = [[t[c][i] for c in cols] for i in range(len(t["name"]))]
    return [rep.tables.keep("stages", cols, rows, "The run's stages: time, records, memory.",
                            formats={"seconds": ".2f", "records": ",", "records_per_s": ".3g",
                                     "peak_mib": ".0f"})]


def build(rep):
    blocks = [identity(rep, rep.previous_paths)] + history(rep) + stages(rep)
    blocks.append({"kind": "pre", "title": "The configuration the run applied (root config)",
                   "text": rep.run.attr("/", "config", "") or "(none)"})
    return {"id": "provenance", "title": "Provenance", "blocks": blocks}
