#!/usr/bin/env python3
"""The layers of src/ (docs/architecture.md): no folder includes one above it or beside it, no
cycle between folders, and only io/ and output/ touch HDF5.

usage: check_layers.py SRC_DIR [--graph]   exit 0 clean, 1 with every offending line named.
--graph prints the folder-level include graph (edges and how many #include lines make each)."""
import re
import sys
from pathlib import Path

# Bottom to top, in data-flow order. A folder may include its own headers and those of any
# folder in a lower layer; folders in one layer may not include each other. The generator is a
# side branch: it writes the inputs, so it stands on core, config and io alone, beside records.
LAYERS = [
    ["core"],
    ["config"],
    ["io"],
    ["records", "generate"],
    ["partition"],
    ["features"],
    ["model"],
    ["crosscheck"],
    ["stress"],
    ["ifrs9"],  # IFRS 9: the ledger (features), calibrated PDs (model), scenarios (stress)
    ["output"],
    ["present"],  # the run shown to people (inspect, report): output/ reads, present/ lays out
    ["pipeline"],
    ["cli"],
    ["."],  # src/main.c: the program
]
HDF5_FOLDERS = {"io", "output"}
LEVEL = {folder: k for k, layer in enumerate(LAYERS) for folder in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
HDF5_USE = re.compile(r'#\s*include\s*<hdf5[^>]*>|\bH5[A-Z][A-Za-z0-9_]*\s*\(|\bhid_t\b')


def folder_of(path, src):
    parts = path.relative_to(src).parts
    return parts[0] if len(parts) > 1 else "."


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def scan(src):
    edges, problems = {}, []
    for path in sorted(list(src.rglob("*.c")) + list(src.rglob("*.h"))):
        here = folder_of(path, src)
        if here not in LEVEL:
            problems.append(f"{path.relative_to(src)}: folder {here}/ is in no layer")
            continue
        text = strip_comments(path.read_text())
        for n, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            where = f"{path.relative_to(src)}:{n}"
            if m:
                target = m.group(1)
                there = target.split("/")[0] if "/" in target else "."
                if not (src / target).exists():
                    problems.append(f'{where}: "{target}" is not a path under src/')
                    continue
                if there == here:
                    continue
                edges.setdefault((here, there), []).append(where)
                if LEVEL.get(there, 99) >= LEVEL[here]:
                    side = "above" if LEVEL.get(there, 99) > LEVEL[here] else "beside"
                    problems.append(f'{where}: {here}/ includes "{target}", a layer {side} it')
            if here not in HDF5_FOLDERS and HDF5_USE.search(line):
                problems.append(f"{where}: HDF5 used outside io/ and output/: {line.strip()}")
    return edges, problems


def cycles(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found, state = [], {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif not state.get(nxt):
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    return found


def self_test():
    """The checker first proves on a made-up tree that it finds each kind of problem."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp)
        files = {
            "core/a.h": '#include "config/c.h"\n',             # upward
            "config/c.h": '#include "core/a.h"\n',             # (with the above: a cycle)
            "records/r.c": "#include <hdf5.h>\nhid_t f;\n",     # HDF5 outside io/ and output/
            "records/g.c": '#include "generate/x.h"\n',        # beside
            "generate/x.h": "",
            "io/ok.c": '#include "core/a.h"\n#include <hdf5.h>\n',  # fine
            "output/o.h": '#include "present/p.h"\n',         # upward (storage below people)
            "present/p.h": '#include "output/s.h"\nhid_t f;\n',  # fine include; HDF5 outside
            "output/s.h": "",
        }
        for name, text in files.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(text)
        edges, problems = scan(src)
        found = cycles(edges)
        text = "\n".join(problems)
        want = ['core/ includes "config/c.h", a layer above it', "HDF5 used outside",
                'records/ includes "generate/x.h", a layer beside it',
                'output/ includes "present/p.h", a layer above it',
                "present/p.h:2: HDF5 used outside"]
        missing = [w for w in want if w not in text] + ([] if found else ["a cycle"])
        extra = [p for p in problems if p.startswith("io/")]
        if missing or extra or len(problems) != 6:
            print("check_layers: the self-test failed: missing", missing, "extra", extra,
                  "found", problems)
            return False
    return True


def main():
    if not self_test():
        return 1
    src = Path(sys.argv[1]).resolve()
    edges, problems = scan(src)
    if "--graph" in sys.argv:
        for (a, b), where in sorted(edges.items(), key=lambda e: (LEVEL.get(e[0][0], 99), e[0][1])):
            print(f"{a:>10} -> {b:<10} {len(where)}")
    for cycle in cycles(edges):
        problems.append("cycle between folders: " + " -> ".join(cycle))
    for p in problems:
        print(p)
    n_lines = sum(len(w) for w in edges.values())
    print(f"check_layers: {len(edges)} folder edges ({n_lines} #include lines), "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
