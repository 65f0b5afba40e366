#!/usr/bin/env python3
"""Checks telrisk explain's output for one key against the run file: the model it names (its
region's, by the region's name, or national), its score, grade and PD are the file's (the same
doubles), its reasons are /subscribers/reasons' codes in order, and each improvement, applied by
moving that feature's value into the suggested bin, raises the score recomputed from the own
model's points table (by the points explain says).
usage: check_explain.py RUN.h5 KEY OUTPUT.txt"""
import re
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from check_reasons import feature_bin, model_of, text as text_of  # noqa: E402
import region_groups  # noqa: E402


def main():
    path, key, text = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read()
    f = h5py.File(path, "r")
    s, m = f["subscribers"], f["models"]
    i = int(np.searchsorted(s["key"][:], np.uint64(key)))
    assert s["key"][i] == key, "key not in the file"
    said = dict(re.findall(r"^(key|row|score|grade|pd): (\S+)$", text, re.M))
    assert int(said["row"]) == i and float(said["score"]) == s["score"][i], said
    assert int(said["grade"]) == s["grade"][i] and float(said["pd"]) == s["pd"][i], said
    codes = [int(c) for c in re.findall(r"^reason \d+: code (\d+) ", text, re.M)]
    stored = [int(c) for c in s["reasons"][i] if c >= 0]
    assert codes == stored, f"reasons {codes} != stored {stored}"
    r = int(s["region"][i])
    g = model_of(m, r)
    own = "national" if g.name == "/models/national" else f"region {region_groups.names(f)[r]}"
    assert f"model: {own}" in text.splitlines(), f"the model is {own}, explain says otherwise"
    table = g["points"][:]
    names = [text_of(v) for v in s["features"].attrs["names"]]
    x = s["features"][i]
    base = table[table["feature"] == -1]["points"][0]
    used = [text_of(v) for v in s["points"].attrs["names"]]

    def score_of(values):
        return base + sum(feature_bin(table[table["name"] == n.encode()], values[names.index(n)])["points"]
                          for n in used)

    moves = re.findall(r"^improve \d+: (\S+) into bin (\d+) \S+ \S+: \S+ points -> score (\S+),",
                       text, re.M)
    assert moves, "no improvement suggested"
    for name, b, predicted in moves:
        rows = table[table["name"] == name.encode()]
        target = rows[rows["bin"] == int(b)][0]
        moved = x.copy()
        moved[names.index(name)] = target["lower"] if np.isfinite(target["lower"]) else target["upper"] - 1
        now = score_of(moved)
        assert now > s["score"][i] + 1e-9, f"{name} into bin {b}: {now} does not raise {s['score'][i]}"
        assert abs(now - float(predicted)) < 0.006, f"{name}: explain says {predicted}, recomputed {now}"
    print(f"check_explain: key {key}: score, grade, PD and {len(codes)} reasons as stored; "
          f"{len(moves)} improvements each raise the score as said")


if __name__ == "__main__":
    main()
