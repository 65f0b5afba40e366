"""A telrisk run file as the report reads it: h5py, every string decoded, nothing written."""
import configparser

import h5py
import numpy as np


def text(value):
    """An HDF5 string (bytes, numpy bytes or str) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    return str(value)


class RunFile:
    """One run file, open for reading; tables come back as dicts of numpy columns."""

    def __init__(self, path):
        self.path = path
        self.f = h5py.File(path, "r")

    def close(self):
        self.f.close()

    def has(self, name):
        return name in self.f

    def attr(self, name, key, default=None):
        if name not in self.f or key not in self.f[name].attrs:
            return default
        value = self.f[name].attrs[key]
        if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
            return [text(v) for v in value]
        if isinstance(value, (bytes, np.bytes_)):
            return text(value)
        return value

    def table(self, name):
        """A compound dataset as {member: column}, strings decoded; None when absent."""
        if name not in self.f:
            return None
        data = self.f[name][()]
        out = {}
        for member in data.dtype.names:
            column = data[member]
            if column.dtype.kind in "SO":
                column = np.array([text(v) for v in column], dtype=object)
            out[member] = column
        return out

    def array(self, name):
        return self.f[name][()] if name in self.f else None

    def strings(self, name):
        return [text(v) for v in self.f[name][()]] if name in self.f else []

    @property
    def regions(self):
        return self.strings("regions/names")

    def window(self):
        return (self.attr("subscribers", "window_start", ""),
                self.attr("subscribers", "window_end", ""),
                self.attr("subscribers", "observation_date", ""))

    def k_min(self):
        """The privacy.k_min the file was written with (the root config), default 10."""
        parser = configparser.ConfigParser(interpolation=None, strict=False,
                                           inline_comment_prefixes=(";", "#"))
        parser.read_string(self.attr("/", "config", "") or "")
        return parser.getint("privacy", "k_min", fallback=10)

    def subscribers(self, *names):
        return {n: self.array("subscribers/" + n) for n in names}

    def feature_names(self):
        return self.attr("subscribers/features", "names", []) or []
