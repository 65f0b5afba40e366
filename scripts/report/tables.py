"""Tables: each one on the page and as out/csv/NAME.csv, the same figures in both (the CSV at full
precision, the page rounded). A hidden cell is empty in the CSV and a dash on the page, and its
row's `suppressed` column says why."""
import csv
import math
import os

import numpy as np


def _is_missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    """A numpy scalar as a Python value; -1 counts and NaN figures of hidden cells stay as given."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def page_text(value, fmt):
    if _is_missing(value):
        return "–"
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, fmt)
    return str(value)


class Tables:
    def __init__(self, out_dir):
        self.csv_dir = os.path.join(out_dir, "csv")
        os.makedirs(self.csv_dir, exist_ok=True)
        self.names = []

    def keep(self, name, columns, rows, caption, formats=None, hidden=None):
        """columns: headings; rows: lists of values; formats: {column: format spec};
        hidden: per row, the set of column indices not to show (None: all shown)."""
        formats = formats or {}
        rows = [[_plain(v) for v in row] for row in rows]
        hidden = hidden or [set() for _ in rows]
        path = os.path.join(self.csv_dir, name + ".csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            for row, hide in zip(rows, hidden):
                writer.writerow(["" if (j in hide or _is_missing(v)) else
                                 (repr(v) if isinstance(v, float) else v)
                                 for j, v in enumerate(row)])
        self.names.append(name)
        cells = [[("–" if j in hide else page_text(v, formats.get(columns[j])))
                  for j, v in enumerate(row)] for row, hide in zip(rows, hidden)]
        return {"kind": "table", "name": name, "columns": columns, "cells": cells,
                "caption": caption, "csv": "csv/" + name + ".csv"}
