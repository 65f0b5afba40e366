"""Figures: matplotlib (Agg) drawn once, kept as inline SVG for the page and as PNG beside it."""
import io
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",      # text stays text: smaller, searchable, sharp
    "svg.hashsalt": "telrisk",   # the same ids every time: the same page for the same file
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
})

ZONE_COLOURS = {"green": "#2e9d4a", "yellow": "#f2c230", "red": "#d1372c"}
HIDDEN_COLOUR = "#c8c8c8"
DEFAULT_COLOUR, REPAID_COLOUR = "#c0392b", "#2471a3"


class Figures:
    """Saves each figure as out/png/NAME.png and returns its SVG text for the page."""

    def __init__(self, out_dir):
        self.png_dir = os.path.join(out_dir, "png")
        os.makedirs(self.png_dir, exist_ok=True)
        self.names = []

    def keep(self, fig, name, caption):
        fig.savefig(os.path.join(self.png_dir, name + ".png"), format="png",
                    metadata={"Software": None})
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg"):]  # the XML prologue and doctype do not belong inline
        self.names.append(name)
        return {"kind": "figure", "name": name, "svg": svg, "caption": caption,
                "png": "png/" + name + ".png"}


def short(name, width=40):
    """A long feature name for a legend or tick: its start and its end, which tell bandicoot's
    keys apart (..._call__mean against ..._text__mean)."""
    return name if len(name) <= width else name[:width // 2 - 1] + "…" + name[-(width // 2):]


def new(width=6.4, height=3.6, ncols=1, nrows=1):
    """A figure laid out by matplotlib's constrained layout (labels never cut off)."""
    return plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False,
                        layout="constrained")
