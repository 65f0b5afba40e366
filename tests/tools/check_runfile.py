#!/usr/bin/python3
"""Checks a telrisk run file with h5py, the way its users read it (docs/output.md).

Usage: check_runfile.py RUN.h5 [RUN2.h5]

One file: the layout (every required group, dataset and root attribute present, every dataset
described, datasets' strings fixed-length), the shapes (features = (len(key), len(names))), keys strictly
increasing, regions in [-1, n_regions), per input lines == accepted + rejected, and rejects that
point at real inputs; then a short summary.

Two files (runs of the same inputs, for example at different rank counts): both are checked, and
everything outside /provenance must be identical: the same objects, dtypes, shapes, attributes
and values (NaN equal to NaN), and the same bits (so -0.0 against 0.0 counts as a difference),
stored the same way at the same place in the file (each dataset's address, or each chunk's
address and stored size: the bytes on disk, not only the values). The root attributes `ranks` and `created_utc` may differ, and so may the root's `checksum`,
which covers them.

Exit status 0 when every check holds, 1 otherwise (each problem printed).
Needs h5py: run it with Debian's /usr/bin/python3 (python3-h5py).
"""
import sys

import h5py
import numpy as np

ROOT_ATTRS = ("telrisk_version", "created_utc", "config", "seed", "ranks")
DATASETS = ("provenance/inputs", "provenance/stages", "rejects", "regions/names",
            "subscribers/key", "subscribers/region", "subscribers/features")
INPUT_FIELDS = ("table", "path", "bytes", "lines", "accepted", "rejected", "duplicates",
                "unknown_antenna")
STAGE_FIELDS = ("name", "seconds", "records", "records_per_s", "peak_mib", "peak_mib_sum")
REJECT_FIELDS = ("table", "file", "path", "line", "reason", "excerpt")
# Differ between runs of the same inputs by design (docs/architecture.md, "Reproducibility").
# the checksum covers the other two; the manifest lists /provenance's checksums (timings)
VARYING_ROOT_ATTRS = ("ranks", "created_utc", "checksum", "manifest")
VARYING_GROUPS = ("provenance",)


class Problems:
    def __init__(self, path):
        self.path = path
        self.count = 0

    def __call__(self, text):
        print(f"{self.path}: {text}")
        self.count += 1


def variable_strings(dtype):
    """Whether a dtype holds (or, for a compound, has a member holding) variable-length data."""
    if dtype.names:
        return any(variable_strings(dtype.fields[n][0]) for n in dtype.names)
    return dtype.kind == "O"


def text(v):
    """A text attribute's value as str: variable-length (str, as telrisk writes them) or
    fixed-length (bytes, as older files hold them)."""
    return v.decode(errors="replace") if isinstance(v, bytes) else str(v)


def attr_content(v):
    """An attribute as what to compare: its type, shape and bytes, or, for variable-length strings
    (str, or an array of str objects, whose bytes would be pointers), its text."""
    a = np.asarray(v)
    if a.dtype.kind in "OU":
        return "text", a.shape, [text(x) for x in a.reshape(-1)]
    return a.dtype.str, a.shape, np.ascontiguousarray(a).tobytes()


def compression_level(f):
    """output.compression of the root config (1 where the config does not say)."""
    config = text(f.attrs.get("config", ""))
    section = ""
    for line in config.splitlines():
        if line.startswith("["):
            section = line.strip("[] ")
        elif section == "output" and line.split("=")[0].strip() == "compression":
            return int(line.split("=", 1)[1])
    return 1


def check_objects(f, bad):
    """Whether every required object is there (the other checks need them)."""
    for name in ROOT_ATTRS:
        if name not in f.attrs:
            bad(f"root attribute {name} missing")
    missing = [name for name in DATASETS if not isinstance(f.get(name), h5py.Dataset)]
    for name in missing:
        bad(f"dataset /{name} missing")
    level = compression_level(f)

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        if "description" not in obj.attrs:
            bad(f"/{name} has no description attribute")
        if variable_strings(obj.dtype):
            bad(f"/{name} holds variable-length strings (must be fixed-length)")
        # docs/output.md, Layout: 64 KiB or more is chunked (a matrix by column, a list or
        # table by rows) and deflated at output.compression, integers shuffled first; anything
        # smaller, or everything at output.compression = 0, is contiguous.
        big = level > 0 and obj.size * obj.dtype.itemsize >= 64 << 10
        if big and (obj.chunks is None or obj.compression != "gzip" or obj.compression_opts != level):
            bad(f"/{name} is {obj.size * obj.dtype.itemsize} bytes but not chunked and deflated "
                f"at level {level}")
            return
        integer = obj.dtype.names is None and obj.dtype.kind in "iu" and obj.dtype.itemsize > 1
        if big and obj.shuffle != integer:
            bad(f"/{name}: shuffle {obj.shuffle}, but integers (only) are shuffled")
        if big and obj.ndim == 2 and obj.chunks[1] != 1:
            bad(f"/{name} has chunks {obj.chunks}: not by column")
        if not big and obj.chunks is not None:
            bad(f"/{name} is chunked though under 64 KiB or output.compression = 0 (must be "
                f"contiguous)")
    f.visititems(visit)
    return not missing and all(name in f.attrs for name in ROOT_ATTRS)


def check_fields(f, name, want, bad):
    got = f[name].dtype.names or ()
    if tuple(got) != want:
        bad(f"/{name} has fields {got}, expected {want}")
        return False
    return True


def check_subscribers(f, bad):
    key = f["subscribers/key"][()]
    region = f["subscribers/region"][()]
    features = f["subscribers/features"]
    names = list(features.attrs.get("names", []))
    n_regions = len(f["regions/names"])
    if key.dtype != np.uint64 or region.dtype != np.int32 or features.dtype != np.float64:
        bad(f"subscriber dtypes {key.dtype}, {region.dtype}, {features.dtype}: expected "
            "uint64, int32, float64")
    if features.ndim != 2 or features.shape != (len(key), len(names)):
        bad(f"/subscribers/features shape {features.shape}, expected ({len(key)}, {len(names)})")
    for attr in ("units", "descriptions"):
        if len(features.attrs.get(attr, [])) != len(names):
            bad(f"/subscribers/features attribute {attr} does not have one entry per feature")
    if region.shape != key.shape:
        bad(f"/subscribers/region shape {region.shape} differs from key {key.shape}")
    if len(key) > 1 and not np.all(key[1:] > key[:-1]):
        at = int(np.argmin(key[1:] > key[:-1]))
        bad(f"keys not strictly increasing at row {at + 1}")
    outside = (region < -1) | (region >= n_regions)
    if np.any(outside):
        bad(f"{int(outside.sum())} regions outside [-1, {n_regions}), first at row "
            f"{int(np.argmax(outside))}")
    return len(key), len(names), n_regions


def check_provenance(f, bad):
    inputs = f["provenance/inputs"][()]
    if check_fields(f, "provenance/inputs", INPUT_FIELDS, bad):
        for i, row in enumerate(inputs):
            if row["lines"] != row["accepted"] + row["rejected"]:
                bad(f"input {i} ({row['path'].decode(errors='replace')}): lines {row['lines']} "
                    f"!= accepted {row['accepted']} + rejected {row['rejected']}")
    check_fields(f, "provenance/stages", STAGE_FIELDS, bad)
    rejects = f["rejects"][()]
    if check_fields(f, "rejects", REJECT_FIELDS, bad) and len(inputs):
        in_range = (rejects["file"] >= 0) & (rejects["file"] < len(inputs))
        if not np.all(in_range):
            bad(f"{int((~in_range).sum())} rejects point outside /provenance/inputs")
        elif np.any(rejects["path"] != inputs["path"][rejects["file"]]):
            bad("reject paths differ from their input's path")
    return inputs, rejects


def check_file(path):
    bad = Problems(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        bad(f"cannot open: {e}")
        return bad.count
    with f:
        if not check_objects(f, bad):
            return bad.count
        n, n_features, n_regions = check_subscribers(f, bad)
        inputs, rejects = check_provenance(f, bad)
        version = text(f.attrs["telrisk_version"])
        print(f"{path}: telrisk {version}, {f.attrs['ranks']} ranks, {n} subscribers, "
              f"{n_features} features, {n_regions} regions; {len(inputs)} inputs "
              f"({int(inputs['lines'].sum()) if len(inputs) else 0} lines, "
              f"{int(inputs['rejected'].sum()) if len(inputs) else 0} rejected), "
              f"{len(rejects)} rejects, {len(f['provenance/stages'])} stages"
              + ("" if bad.count else ": layout OK"))
    return bad.count


def same_values(a, b):
    """Equal arrays, NaN equal to NaN, field by field for compound dtypes."""
    if a.dtype.names:
        return all(same_values(a[n], b[n]) for n in a.dtype.names)
    if a.dtype.kind in "fc":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def same_bits(a, b):
    return np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def compare_attrs(name, x, y, bad, skip=()):
    keys = sorted(set(x.attrs) | set(y.attrs))
    for k in keys:
        if k in skip:
            continue
        if k not in x.attrs or k not in y.attrs:
            bad(f"{name} attribute {k} is in one file only")
            continue
        if attr_content(x.attrs[k]) != attr_content(y.attrs[k]):
            bad(f"{name} attribute {k} differs")


def compare_dataset(name, x, y, bad):
    if x.dtype != y.dtype or x.shape != y.shape:
        bad(f"/{name}: {x.dtype} {x.shape} against {y.dtype} {y.shape}")
        return
    a, b = x[()], y[()]
    if not same_values(a, b):
        diff = "" if a.dtype.names or a.ndim == 0 else \
            f" (first at {np.argwhere(~((a == b) | ((a != a) & (b != b))))[0].tolist()})"
        bad(f"/{name}: values differ{diff}")
    elif not same_bits(a, b):
        bad(f"/{name}: same values but different bits (-0.0 against 0.0, or NaN payloads)")


def storage(d):
    """Where and how a dataset's values lie in its file: (layout, filters, addresses and sizes)."""
    if d.chunks is None:
        return ("contiguous", d.id.get_offset(), d.id.get_storage_size())
    chunks = [d.id.get_chunk_info(i) for i in range(d.id.get_num_chunks())]
    return ("chunked", d.chunks, d.compression, d.compression_opts, d.shuffle,
            [(c.chunk_offset, c.byte_offset, c.size, c.filter_mask) for c in chunks])


def objects(f):
    """Every group and dataset outside the groups that may vary, by name."""
    found = {}

    def visit(name, obj):
        if name.split("/")[0] not in VARYING_GROUPS:
            found[name] = obj
    f.visititems(visit)
    return found


def compare_files(path_a, path_b):
    bad = Problems(f"{path_a} vs {path_b}")
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        compare_attrs("/", fa, fb, bad, skip=VARYING_ROOT_ATTRS)
        oa, ob = objects(fa), objects(fb)
        for name in sorted(set(oa) ^ set(ob)):
            bad(f"/{name} is in one file only")
        for name in sorted(set(oa) & set(ob)):
            x, y = oa[name], ob[name]
            if type(x) is not type(y):
                bad(f"/{name} is a group in one file and a dataset in the other")
                continue
            compare_attrs(f"/{name}", x, y, bad)
            if isinstance(x, h5py.Dataset):
                compare_dataset(name, x, y, bad)
                if storage(x) != storage(y):
                    bad(f"/{name}: the same values stored differently or elsewhere in the file")
        if not bad.count:
            print(f"{path_a} and {path_b}: identical outside /provenance ({len(oa)} objects "
                  "compared, root attributes ranks and created_utc and the checksum over them aside)")
    return bad.count


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 1
    problems = sum(check_file(p) for p in argv[1:])
    if len(argv) == 3 and not problems:
        problems += compare_files(argv[1], argv[2])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
