"""Small-cell suppression (privacy.k_min), checked against counts recomputed from /subscribers:
every cell of 1 to k - 1 subscribers is hidden and marked 1 (and no other cell is marked 1), and
no line (row or column of a table) whose total is published hides exactly one cell, which
subtraction from the total would give away. Hidden cells hold no figure (-1 counts, NaN)."""
import numpy as np


def k_min(f):
    """The run's privacy.k_min, from the effective configuration it stores."""
    for line in f.attrs["config"].decode().splitlines() if isinstance(f.attrs["config"], bytes) \
            else str(f.attrs["config"]).splitlines():
        if line.strip().startswith("k_min"):
            return int(line.split("=")[1])
    return 10


def check_cells(check, name, cells, k, lines=()):
    """cells: {cell: (true subscribers, state in the file)}; lines: [(total cell, [cells])]."""
    for cell, (n, state) in cells.items():
        check((state == 1) == (0 < n < k), f"{name} {cell}: {n} subscribers, marked {state} (k={k})")
        check(state in (0, 1, 2), f"{name} {cell}: state {state}")
    for total, members in lines:
        if cells[total][1] == 0:
            hidden = sum(cells[m][1] != 0 for m in members)
            check(hidden != 1, f"{name}: the line of {total} hides exactly one cell, derivable from its total")
    return sum(state != 0 for _, state in cells.values())


def hidden_values(row, counts, figures):
    """A hidden row: every count -1 and every figure NaN."""
    return all(row[c] == -1 for c in counts) and all(np.isnan(row[x]) for x in figures)
