#!/usr/bin/env python3
"""Re-derives the stored reasons of a run file from its points tables alone (docs/models.md,
"Reasons"): for N random subscribers, each used feature's bin by its value (lower <= x < upper,
or the missing bin) in the own model's /models/<model>/points (national, or regions/<name>),
that bin's points; the score as the base's points plus their sum; the top reasons as the
features of most points lost against their best bin with training rows (ties: the lower
feature), with their codes (feature x 4 + direction). Asserts they equal /subscribers/points
(exactly), /subscribers/score (to 1e-9) and /subscribers/reasons (exactly), and that
/models/reason_codes lists every code stored.
usage: check_reasons.py RUN.h5 [N] [SEED]"""
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import region_groups  # noqa: E402


def text(v):
    """A text attribute's value as str: variable-length (str, as telrisk writes them) or
    fixed-length (bytes, as older files hold them)."""
    return v.decode() if isinstance(v, bytes) else str(v)


def model_of(m, region):
    """The model a subscriber of this region is scored with: its region's own, else the national."""
    g = region_groups.group(m.file, region) if region >= 0 else None
    return g if g is not None and g.attrs["own_model"] else m["national"]


def feature_bin(rows, x):
    if np.isnan(x):
        hit = rows[rows["missing"] == 1]
    else:
        hit = rows[(rows["missing"] == 0) & (rows["lower"] <= x) & (x < rows["upper"])]
    assert len(hit) == 1, f"value {x}: {len(hit)} bins"
    return hit[0]


def direction(rows, b, best):
    if b["missing"]:
        return 2
    if best["missing"]:
        return 3
    return 0 if b["bin"] > best["bin"] else 1


def expected(table, names, columns, x, k):
    """points per used feature (in names' order) and the top k codes."""
    points, lost = [], []
    for u, name in enumerate(names):
        rows = table[table["name"] == name.encode()]
        b = feature_bin(rows, x[columns[u]])
        reachable = rows[rows["count"] > 0]
        most = reachable["points"].max()
        best = reachable[reachable["points"] == most]
        best = best[np.argmin(best["bin"])]  # ties: the lower bin
        assert best["best"] == 1 and rows["best"].sum() == 1, f"{name}: best bin flag"
        points.append(b["points"])
        loss = best["points"] - b["points"]
        if loss > 0:
            lost.append((-loss, int(b["feature"]), int(b["feature"]) * 4 + direction(rows, b, best)))
    lost.sort()
    codes = [c for _, _, c in lost[:k]]
    return np.array(points), codes + [-1] * (k - len(codes))


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 19)
    f = h5py.File(path, "r")
    s, m = f["subscribers"], f["models"]
    names = [text(v) for v in s["points"].attrs["names"]]
    feature_names = [text(v) for v in s["features"].attrs["names"]]
    model_features = [r.decode() for r in m["features"]["name"]]
    columns = [feature_names.index(v) for v in names]
    total = s["key"].shape[0]
    picked = np.sort(rng.choice(total, size=min(n, total), replace=False))
    stored_points, stored_reasons = s["points"][:], s["reasons"][:]
    k = stored_reasons.shape[1]
    codes = set(int(c) for c in m["reason_codes"]["code"])
    worst = 0.0
    for i in picked:
        table = model_of(m, int(s["region"][i]))["points"][:]
        x = s["features"][i]
        points, top = expected(table, names, columns, x, k)
        assert np.array_equal(points, stored_points[i]), f"row {i}: points {points} != {stored_points[i]}"
        score = table[table["feature"] == -1]["points"][0] + points.sum()
        worst = max(worst, abs(score - s["score"][i]))
        assert abs(score - s["score"][i]) <= 1e-9, f"row {i}: score {score} != {s['score'][i]}"
        assert list(stored_reasons[i]) == top, f"row {i}: reasons {list(stored_reasons[i])} != {top}"
        for c in top:
            assert c == -1 or (c in codes and model_features[c // 4] in names), f"row {i}: code {c}"
    with_reasons = int((stored_reasons[picked, 0] >= 0).sum())
    print(f"check_reasons: {len(picked)} of {total} subscribers: points, score (largest gap "
          f"{worst:.3g}) and {k} reasons re-derived from the points tables; {with_reasons} have "
          f"at least one reason")


if __name__ == "__main__":
    main()
