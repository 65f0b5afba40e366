"""Small cells: the run file's rule (docs/output.md, Conventions) applied to what the report
counts itself. A cell of 1 to k - 1 subscribers is hidden (1), and where a published total would
give it away, the smallest other cell of its line too (2), repeated until none would."""
import numpy as np

SHOWN, SMALL, PROTECTING = 0, 1, 2


def suppress_line(counts, k_min):
    """Suppression states of one line of counts whose total is published."""
    counts = np.asarray(counts, dtype=np.int64)
    state = np.where((counts > 0) & (counts < k_min), SMALL, SHOWN).astype(np.int8)
    while np.count_nonzero(state) == 1:
        others = np.flatnonzero((state == SHOWN) & (counts > 0))
        if others.size == 0:
            break
        state[others[np.argmin(counts[others])]] = PROTECTING
    return state


def suppress_grid(counts, k_min):
    """A table whose row and column totals are published: suppress_line on rows and columns
    until nothing changes."""
    counts = np.asarray(counts, dtype=np.int64)
    state = np.where((counts > 0) & (counts < k_min), SMALL, SHOWN).astype(np.int8)
    changed = True
    while changed:
        changed = False
        for grid, st in ((counts, state), (counts.T, state.T)):
            for line, line_state in zip(grid, st):
                if np.count_nonzero(line_state) == 1:
                    others = np.flatnonzero((line_state == SHOWN) & (line > 0))
                    if others.size:
                        line_state[others[np.argmin(line[others])]] = PROTECTING
                        changed = True
    return state


def hidden(state):
    return np.asarray(state) != SHOWN


WHY = {SMALL: "fewer than k_min subscribers", PROTECTING: "hidden so that a small cell does not follow from a total"}
