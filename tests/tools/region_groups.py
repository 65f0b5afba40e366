"""The regional model groups of a run file (docs/output.md, "Conventions"): region r's model is
/models/regions/<link>, <link> its name (row r of /regions/names) with '%' written "%25", '/'
"%2F" and the name "." as "%2E" (HDF5 splits paths at '/' and reads "." as the group itself);
every other byte is kept. The inverse refuses any link that no name escapes to. The same rule as
src/output/region_codes.c, written again here so that the checkers do not take it from telrisk."""
import h5py


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def link(name):
    """The link name of a region's group."""
    assert name != "", "the empty name has no link"
    return "%2E" if name == "." else name.replace("%", "%25").replace("/", "%2F")


def name_of(lnk):
    """The region name a link stands for, or None when no name escapes to it."""
    if lnk == "%2E":
        return "."
    out, k = [], 0
    while k < len(lnk):
        if lnk[k] == "/":
            return None
        if lnk[k] != "%":
            out.append(lnk[k])
            k += 1
        elif lnk[k:k + 3] in ("%25", "%2F"):
            out.append("%" if lnk[k + 2] == "5" else "/")
            k += 3
        else:
            return None
    return "".join(out) if out and lnk != "." else None


def names(f):
    """/regions/names as str, in row order (row = region code)."""
    return [text(n) for n in f["regions/names"][:]]


def group(f, r):
    """Region r's model group, or None when the file has none."""
    return f.get(f"models/regions/{link(names(f)[r])}")


def path(f, r):
    """Region r's group's path under /models (as check messages and h5py indexing want it)."""
    return f"regions/{link(names(f)[r])}"


def check_groups(f, check):
    """check(ok, what) that /models/regions holds one group per region, each named by its region's
    name (escaped), its region_name that name unescaped and its region that name's row of
    /regions/names. Nothing to check in a file without /models."""
    if "models" not in f:
        return
    regions, groups = names(f), f["models"].get("regions")
    check(isinstance(groups, h5py.Group), "/models/regions: no group")
    if not isinstance(groups, h5py.Group):
        return
    check(sorted(groups) == sorted(link(r) for r in regions),
          f"/models/regions: groups {sorted(groups)[:5]} are not the regions {regions[:5]}")
    for lnk, g in groups.items():
        name = name_of(lnk)
        check(name is not None and text(g.attrs["region_name"]) == name,
              f"/models/regions/{lnk}: region_name {text(g.attrs['region_name'])!r} is not its "
              f"name unescaped ({name!r})")
        r = int(g.attrs["region"])
        check(0 <= r < len(regions) and regions[r] == name,
              f"/models/regions/{lnk}: region {r} is not the row of {name!r} in /regions/names")
