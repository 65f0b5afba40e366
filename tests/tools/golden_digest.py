#!/usr/bin/python3
"""One SHA-256 digest of a run file's content, for the golden test (tests/golden/golden.sh).

usage: golden_digest.py RUN.h5 [--groups]
       golden_digest.py RUN.h5 --write DIGEST_FILE GROUPS_FILE --comment TEXT
       golden_digest.py RUN.h5 --check DIGEST_FILE GROUPS_FILE [--what TEXT]
       any of them with --no-path DIR (repeatable)

The digest covers every group and dataset of the file, in name order, each with its path; a
dataset's type (member by member for a table), shape and values; and every attribute of every
object (name, type, shape, values), in name order. Left out, because they differ between runs of
the same inputs, config and seed:
  - /provenance and everything under it (input paths, timings, memory, ranks, Slurm job);
  - the root attributes `ranks` and `created_utc`;
  - every absolute path the config gives (the root attribute `config`, the effective config as
    INI text, holds inputs.dir, output.path and stress.scenarios, and any other key given one):
    wherever it appears in a string (in `config` itself, in /rejects' `path`), it is replaced by
    `<section.key>`, and a fixed-length string member that held one has its width counted as `*`
    (the width follows the longest value);
  - the `checksum` attribute of the root (the BLAKE2b of the root's attributes, `ranks`,
    `created_utc` and `config` among them: docs/output.md) and of any object in which a path was
    replaced (/rejects). Every other object's `checksum` covers only that object's own values and
    attributes, which the digest takes as they are, so they stay in.
  - the root's `manifest` (every object's kind, path and checksum, /provenance's among them, whose
    timings differ from run to run); the objects it names are in the digest themselves.
A NaN counts as a NaN whatever its sign and payload bits; every other number counts by its bits.

--groups prints one digest per group too: of the group's own attributes and of its datasets
(with theirs), its subgroups not included, so that a difference can be pinned to the groups that
hold it. --write stores the digest (after TEXT, as comment lines) and the group list; --check
compares with stored ones and, on a difference, prints both digests and the groups that differ
(exit 1). --no-path DIR: exit 1 if any string the digest covers still holds DIR (a path that
would make the digest depend on where the run was made). Needs h5py and numpy (Debian's
/usr/bin/python3)."""
import argparse
import hashlib
import struct
import sys
import textwrap

import h5py
import numpy as np

LEFT_OUT_ROOT_ATTRS = {"ranks", "created_utc", "checksum", "manifest"}
LEFT_OUT_GROUPS = {"/provenance"}


def field(b):
    """A length-prefixed field: no two different sequences of fields give the same bytes."""
    return struct.pack("<Q", len(b)) + b


def absolute_paths(config):
    """{absolute path: "<section.key>"} for every key of the config text whose value is one,
    longest first (so that output.path inside inputs.dir is replaced as itself)."""
    found, section = {}, ""
    for line in config.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif "=" in line and not line.startswith((";", "#")):
            key, value = (x.strip() for x in line.split("=", 1))
            if value.startswith("/") and len(value) > 1:
                found[value] = f"<{section}.{key}>"
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


class Digest:
    def __init__(self, no_paths=()):
        self.total = hashlib.sha256()
        self.groups = {}  # path -> sha256 of the group's own record and its datasets' records
        self.no_paths = [p.rstrip("/") for p in no_paths if p]
        self.replace = {}  # absolute path -> its config key
        self.path_hits = []
        self.replaced = False  # whether text() replaced a path in the object being read

    def text(self, where, s):
        """A string as the digest takes it: each of the config's absolute paths replaced by the
        key that gives it. (normalised string, whether anything was replaced)"""
        t = s
        for path, key in self.replace.items():
            t = t.replace(path, key)
        self.replaced |= t != s
        for p in self.no_paths:
            if p in t:
                self.path_hits.append(f"{where} holds {p}")
        return t, t != s

    def canon(self, a, where):
        """(type as text, values as bytes) of an array: member by member for a table (type and
        values; no padding bytes), strings one by one (length-prefixed, normalised by text();
        the fixed width of a string member becomes '*' when a path in it was replaced, as the
        width follows the longest value), numbers little-endian by their bits, every NaN the same
        NaN."""
        a = np.asarray(a)
        dt = a.dtype
        if dt.names:
            types, values = [], []
            for n in dt.names:
                col = a[n]
                t, b = self.canon(col, f"{where}.{n}")
                sub = col.shape[a.ndim:]
                types.append(f"{n}:{t}{list(sub) if sub else ''}")
                values.append(field(n.encode()) + field(b))
            return "{" + ",".join(types) + "}", b"".join(values)
        if dt.kind in "SOU":
            out, replaced = [], False
            for v in a.reshape(-1):
                v = v.decode("utf-8", "surrogateescape") if isinstance(v, (bytes, np.bytes_)) else str(v)
                v, r = self.text(where, v)
                replaced |= r
                out.append(field(v.encode("utf-8", "surrogateescape")))
            if dt.kind == "O":
                t = "vlen-str"
            else:
                t = dt.str.replace("=", "|").replace("<", "|")
                if replaced:
                    t = t.rstrip("0123456789") + "*"
            return t, b"".join(out)
        if dt.byteorder in "=<>":
            dt = dt.newbyteorder("<")
        a = np.ascontiguousarray(a, dtype=dt)
        if dt.kind in "fc":
            a = np.where(np.isnan(a), np.array(np.nan, dtype=dt), a).astype(dt)
        return dt.str, a.tobytes()

    def attributes(self, obj, path):
        """The object's attributes in name order. Its `checksum` last, and only when the digest
        takes everything it covers as it is: not the root's (it covers ranks, created_utc and the
        config's paths) nor that of an object in which a path was replaced (/rejects' path)."""
        out, checksum = [], None
        for name in sorted(obj.attrs.keys()):
            if path == "/" and name in LEFT_OUT_ROOT_ATTRS - {"checksum"}:
                continue
            aid = h5py.h5a.open(obj.id, name.encode())
            if aid.shape is None:  # an empty attribute (null dataspace)
                rec = field(name.encode()) + field(b"empty") + field(repr(aid.dtype).encode())
            else:
                value = np.zeros(aid.shape, dtype=aid.dtype)
                aid.read(value)
                if name == "checksum":
                    checksum = value
                    continue
                t, b = self.canon(value, f"{path} attribute {name}")
                rec = field(name.encode()) + field(t.encode()) + field(repr(aid.shape).encode()) + field(b)
            out.append(rec)
        if checksum is not None and path != "/" and not self.replaced:
            t, b = self.canon(checksum, f"{path} attribute checksum")
            out.append(field(b"checksum") + field(t.encode()) + field(repr(checksum.shape).encode()) + field(b))
        return b"".join(out)

    def record(self, group_path, data):
        self.total.update(field(data))
        self.groups[group_path].update(field(data))

    def visit(self, group, path="/"):
        if path == "/":
            config = group.attrs.get("config", b"")
            self.replace = absolute_paths(config.decode() if isinstance(config, bytes) else str(config))
        self.groups[path] = hashlib.sha256()
        self.replaced = False
        self.record(path, field(b"group") + field(path.encode()) + self.attributes(group, path))
        subgroups = []
        for name in sorted(group.keys()):
            child = path.rstrip("/") + "/" + name
            if child in LEFT_OUT_GROUPS:
                continue
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):  # telrisk writes none: counted as what it names
                target = (f"external {link.filename}:{link.path}" if isinstance(link, h5py.ExternalLink)
                          else f"soft {getattr(link, 'path', '')}")
                self.record(path, field(b"link") + field(child.encode()) + field(target.encode()))
                continue
            obj = group[name]
            if isinstance(obj, h5py.Group):
                subgroups.append((child, obj))
                continue
            self.replaced = False
            t, b = self.canon(obj[()], child)
            self.record(path, field(b"dataset") + field(child.encode()) + field(t.encode())
                        + field(repr(obj.shape).encode()) + field(b) + self.attributes(obj, child))
        for child, obj in subgroups:
            self.visit(obj, child)


def digest(path, no_paths=()):
    d = Digest(no_paths)
    with h5py.File(path, "r") as f:
        d.visit(f)
    return d.total.hexdigest(), {g: h.hexdigest() for g, h in d.groups.items()}, d.path_hits


def read_stored(digest_file, groups_file):
    with open(digest_file) as f:
        lines = [x.split()[0] for x in f if x.strip() and not x.startswith("#")]
    groups = {}
    with open(groups_file) as f:
        for x in f:
            if x.strip() and not x.startswith("#"):
                h, g = x.split(None, 1)
                groups[g.strip()] = h
    if len(lines) != 1:
        sys.exit(f"golden_digest: {digest_file}: want one digest line, found {len(lines)}")
    return lines[0], groups


def differing_groups(want, got):
    out = []
    for g in sorted(set(want) | set(got)):
        if g not in got:
            out.append(f"{g} (missing from the run file)")
        elif g not in want:
            out.append(f"{g} (new: not in the stored list)")
        elif want[g] != got[g]:
            out.append(g)
    return out


def main():
    p = argparse.ArgumentParser(description="SHA-256 digest of a run file's content outside /provenance")
    p.add_argument("run")
    p.add_argument("--groups", action="store_true", help="print a digest per group too")
    p.add_argument("--write", nargs=2, metavar=("DIGEST_FILE", "GROUPS_FILE"))
    p.add_argument("--comment", default="", help="the comment --write puts above the digest")
    p.add_argument("--check", nargs=2, metavar=("DIGEST_FILE", "GROUPS_FILE"))
    p.add_argument("--what", default="", help="what the run is, for --check's messages")
    p.add_argument("--no-path", action="append", default=[], metavar="DIR")
    a = p.parse_args()
    total, groups, hits = digest(a.run, a.no_path)
    if hits:
        print("golden_digest: a path of this machine in what the digest covers (it would differ from "
              "one checkout to another):\n  " + "\n  ".join(hits[:20]))
        return 1
    if a.write:
        digest_file, groups_file = a.write
        with open(digest_file, "w") as f:
            for line in textwrap.wrap(a.comment, 98):
                f.write(f"# {line}\n")
            f.write(f"{total}\n")
        with open(groups_file, "w") as f:
            f.write(f"# The same file's digest per group ({digest_file.split('/')[-1]}): each group's own\n"
                    "# attributes and datasets, its subgroups apart (tests/tools/golden_digest.py --groups)\n")
            for g in sorted(groups):
                f.write(f"{groups[g]}  {g}\n")
        print(f"golden_digest: wrote {total} ({len(groups)} groups)")
        return 0
    if a.check:
        want, want_groups = read_stored(*a.check)
        what = f"{a.what}: " if a.what else ""
        if total == want:
            print(f"golden_digest: {what}{total} as stored")
            return 0
        print(f"golden_digest: {what}the digest differs from the stored one")
        print(f"  stored    {want}")
        print(f"  this run  {total}")
        diff = differing_groups(want_groups, groups)
        print("  groups that differ: " + (", ".join(diff) if diff else
                                           "none by the stored group list (is it out of date?)"))
        return 1
    print(total)
    if a.groups:
        for g in sorted(groups):
            print(f"{groups[g]}  {g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
