#!/usr/bin/env python3
"""The layering contract of chainrule: every import points one way down, and no circles.

Each module belongs to the layer of its folder (``chainrule/core/model.py`` is
in ``core``); the package root and the modules kept under names users import
(``chainrule.io``, ``chainrule.inspect``, ``chainrule.sklearn``) sit on top.
A module may import modules of its own layer or of a lower one, never of a
higher one, and the modules must import each other without a circle. Every
import statement counts: at the top of a module, inside a function, and
inside ``if TYPE_CHECKING:``. And no module takes another's private name
(one that starts with ``_``).

Usage: ``python scripts/layers.py [src/chainrule]``; exit status 1 with one
line per violation when the contract is broken. ``make lint`` and the test
suite (tests/test_layers.py) run it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

#: From the bottom up. A layer is a folder of the package, or one of its top modules.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version", "base"),
    ("symbolic",),
    ("functions",),
    ("core",),
    ("training",),
    ("tools",),
    ("course",),
    ("adapters",),
    ("", "__main__", "io", "inspect", "sklearn"),  # "" is the package root
)


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package at ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports, by any import statement anywhere in it."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    targets: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets += [stem] + [f"{stem}.{alias.name}" for alias in node.names]
    found = set()
    for target in targets:
        while target and target not in known:
            target = target.rsplit(".", 1)[0] if "." in target else ""
        if target and target != name:
            found.add(target)
    return found


def layer_of(name: str, top: str) -> int:
    """The index in LAYERS of module ``name`` of package ``top``."""
    parts = name.split(".")
    key = parts[1] if len(parts) > 1 else ""
    for index, members in enumerate(LAYERS):
        if key in members:
            return index
    raise ValueError(f"{name} belongs to no layer: add its folder to LAYERS in {__file__}")


def upward_imports(graph: dict[str, set[str]], top: str) -> list[str]:
    """One line per import that points up a layer."""
    lines = []
    for name in sorted(graph):
        for target in sorted(graph[name]):
            if layer_of(target, top) > layer_of(name, top):
                lines.append(
                    f"{name} ({LAYERS[layer_of(name, top)][-1]}) imports {target} "
                    f"({LAYERS[layer_of(target, top)][-1]}), a higher layer"
                )
    return lines


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def private_imports(name: str, path: Path, known: set[str]) -> list[str]:
    """Names starting with ``_`` that ``name`` takes from another chainrule module (by
    ``from … import _x``, or as ``module._x`` of an imported module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in known:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{name} imports the private {node.module}.{alias.name}")
                elif f"{node.module}.{alias.name}" in known:
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        private = (
            node.attr.startswith("_") and not node.attr.startswith("__")
            if isinstance(node, ast.Attribute)
            else False
        )
        if private and isinstance(node.value, ast.Name) and node.value.id in modules:
            found.append(f"{name} uses the private {node.value.id}.{node.attr}")
    return found


def violations(root: Path) -> list[str]:
    """Every broken rule of the contract for the package at ``root``, one line each."""
    modules = module_names(root)
    top = root.name
    known = set(modules)
    graph = {name: imported_modules(name, path, known) for name, path in modules.items()}
    # A package's __init__ importing its own modules is how packages re-export.
    for name, path in modules.items():
        if path.name == "__init__.py":
            graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    lines = upward_imports(graph, top)
    lines += [f"import circle: {' → '.join(group)}" for group in circles(graph)]
    tops = {top} | {module.split(".")[0] for module in known}
    for name, path in modules.items():
        lines += private_imports(name, path, tops | known)
    return lines


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).parent.parent / "src" / "chainrule")
    found = violations(root.resolve())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
