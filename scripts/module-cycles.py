#!/usr/bin/env python3
"""Lists the import cycles between the modules of each crate of the workspace.

A module (a file: `src/a.rs`, `src/a/mod.rs`, `src/a/b.rs`) depends on another when it
names it: `use crate::a::…`, `crate::a::…` in a path, `super::…` and `self::…` resolved
from where they stand, and `use` of a child module. Test modules (`#[cfg(test)]` to the
end of a file) and doc comments are left out: they cannot make a cycle the build sees.
Prints each cycle (strongly connected set of two or more modules) per crate and exits 1
if there is one. With `--known FILE`, the cycles FILE lists (`crate: a, b, c` a line) are
tolerated while they do not grow: a cycle within a known one is printed as known, any
other fails. That file is a list of debts to pay, shorter each time, never longer.
"""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("lib", "main", "mod"):
        rel = rel[:-1]
    return tuple(rel)


def code_of(text):
    # Drop the tests at the end of a file, comments and string literals.
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod \w+\s*\{", text, re.M)
    if cut:
        text = text[: cut.start()]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    return text


def references(module, code, modules):
    found = set()
    for m in re.finditer(r"\b(crate|super|self)((?:::\w+)+)", code):
        head, rest = m.group(1), m.group(2).split("::")[1:]
        if head == "crate":
            base = ()
        elif head == "super":
            base = module[:-1]
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
        else:
            base = module
        path = base
        best = None
        for part in rest:
            path = path + (part,)
            if path in modules:
                best = path
        if best is None and base in modules and base != module:
            best = base
        if best is not None and best != module:
            found.add(best)
    return found


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def crates():
    for base in ("crates", "."):
        for name in sorted(os.listdir(os.path.join(ROOT, base))):
            src = os.path.join(ROOT, base, name, "src")
            if (base == "crates" or name == "src-tauri") and os.path.isdir(src):
                yield name, src


def read_known(path):
    known = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            crate, modules = line.split(":", 1)
            known.setdefault(crate.strip(), []).append(
                {m.strip() for m in modules.split(",") if m.strip()}
            )
    return known


def main():
    args = sys.argv[1:]
    known = read_known(args[args.index("--known") + 1]) if "--known" in args else {}
    failed = 0
    for name, src in crates():
        files = {}
        for dirpath, _, names in os.walk(src):
            for f in names:
                if f.endswith(".rs") and "/bin" not in dirpath:
                    p = os.path.join(dirpath, f)
                    files[module_of(src, p)] = p
        modules = set(files)
        graph = {}
        for module, path in files.items():
            with open(path, encoding="utf-8") as fh:
                graph[module] = references(module, code_of(fh.read()), modules)
        for comp in sccs(graph):
            names = ["::".join(m) or "lib" for m in comp]
            tolerated = any(set(names) <= k for k in known.get(name, []))
            if not tolerated:
                failed += 1
            label = "known cycle" if tolerated else "CYCLE"
            print(f"{label} in {name} ({len(names)} modules): {', '.join(names)}")
    if failed:
        print(f"{failed} import cycle(s) not in the known list", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
