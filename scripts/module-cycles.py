#!/usr/bin/env python3
"""Lists the import cycles between the modules of each crate of the workspace.

A module (a file: `src/a.rs`, `src/a/mod.rs`, `src/a/b.rs`) depends on the module that
defines what it names. Names are read from `use` trees and from paths in the code
(`crate::…`, `super::…`, `self::…`, and a child module named bare, `child::…`), and
followed through re-exports (`pub use`, globs included) to the module that defines the
item, as a reader following the name would. A `pub use` whose name the module does not
use itself only passes the name on (a facade), so it is no dependency of that module.
Test modules (`#[cfg(test)] mod …`) and comments are left out: they cannot make a cycle
the build sees. Prints each cycle (strongly connected set of two or more modules) per
crate and exits 1 if there is one. With `--known FILE`, the cycles FILE lists (`crate:
a, b, c` a line) are tolerated while they do not grow: a cycle within a known one is
printed as known, any other fails. That file is a list of debts to pay, shorter each
time, never longer.
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
    # Drop the test modules, comments and string literals.
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod \w+\s*\{", text)
        if not m:
            return text
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        text = text[: m.start()] + text[i:]


# The names each module of the crate being read defines: name -> set.
ITEMS = {}


def use_paths(tree):
    """The paths a `use` tree names, each as (segments, name it binds)."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def expand(prefix, text):
        # Split `text` at top-level commas.
        parts, depth, cur = [], 0, ""
        for ch in text:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        parts.append(cur)
        for part in filter(None, parts):
            if "{" in part:
                head, inner = part.split("{", 1)
                segs = [x for x in head.split("::") if x]
                expand(prefix + segs, inner[: inner.rindex("}")])
                continue
            alias = None
            if "as" in part and re.search(r"\w as\w", part):
                part, alias = re.split(r"(?<=\w)as(?=\w)", part, maxsplit=1)
            segs = prefix + [x for x in part.split("::") if x]
            if segs and segs[-1] == "self":
                segs = segs[:-1]
            if segs:
                out.append((segs, alias or segs[-1]))

    expand([], tree)
    return out


def absolute(module, segs, modules):
    """`segs` as seen from `module`, from the crate root; None if another crate's."""
    head, rest = segs[0], segs[1:]
    if head == "crate":
        return tuple(rest)
    if head in ("super", "self"):
        base = module[:-1] if head == "super" else module
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
        return base + tuple(rest)
    if module + (head,) in modules:
        return module + tuple(segs)
    return None


def uses_of(module, code, modules):
    """What each `use` of `module` binds: name -> absolute path; a glob (`use a::*`)
    binds under "*" the list of modules it opens."""
    bound = {"*": []}
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        for segs, name in use_paths(m.group(1)):
            if name == "*":
                path = absolute(module, segs[:-1], modules)
                if path is not None:
                    bound["*"].append(path)
                continue
            path = absolute(module, segs, modules)
            if path is not None:
                bound[name] = path
    return bound


def items_of(code):
    """The names of the items a module defines itself."""
    kinds = r"(?:struct|enum|union|trait|type|fn|const|static|macro_rules!)"
    return set(re.findall(r"\b" + kinds + r"\s+(\w+)", code))


def target(path, modules, bound, seen=()):
    """The module that defines what `path` names, following re-exports."""
    best, i = None, 0
    for n in range(len(path), -1, -1):
        if path[:n] in modules:
            best, i = path[:n], n
            break
    if best is None:
        return None
    rest = path[i:]
    if not rest or (best, rest[0]) in seen:
        return best
    name, seen = rest[0], seen + ((best, rest[0]),)
    if name in ITEMS.get(best, ()):
        return best
    if name in bound.get(best, {}):
        return target(bound[best][name] + rest[1:], modules, bound, seen)
    for opened in bound.get(best, {}).get("*", []):
        if opened in modules and (name in ITEMS.get(opened, ()) or name in bound.get(opened, {})):
            return target(opened + rest, modules, bound, seen)
    return best


def references(module, code, modules, bound):
    found = set()
    paths = []
    rest = re.sub(r"\buse\s+[^;]+;", "", code)
    for m in re.finditer(r"(\bpub\b(?:\([^)]*\))?\s+)?\buse\s+([^;]+);", code):
        for segs, name in use_paths(m.group(2)):
            # A `pub use` that only passes a name on (a facade) is no dependency of this
            # module's: whoever names it through here is led to where it is defined.
            if m.group(1) and not re.search(r"\b%s\b" % re.escape(name), rest):
                continue
            path = absolute(module, [s for s in segs if s != "*"] or segs, modules)
            if path is not None:
                paths.append(path)
    for m in re.finditer(r"(?<![:\w])(\w+)((?:::\w+)+)", rest):
        path = absolute(module, [m.group(1)] + m.group(2).split("::")[1:], modules)
        if path is not None:
            paths.append(path)
    for path in paths:
        to = target(path, modules, bound)
        if to is not None and to != module:
            found.add(to)
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
        codes = {}
        for module, path in files.items():
            with open(path, encoding="utf-8") as fh:
                codes[module] = code_of(fh.read())
        bound = {m: uses_of(m, c, modules) for m, c in codes.items()}
        ITEMS.clear()
        ITEMS.update({m: items_of(c) for m, c in codes.items()})
        graph = {m: references(m, c, modules, bound) for m, c in codes.items()}
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
