"""The package reads as the data flow: no import cycle, and the library never imports ``api/``.

Every import of every module counts, also one inside a function or under ``TYPE_CHECKING``: a
cycle hidden that way is still a cycle for a reader. A submodule importing its own package's
``__init__`` is no edge (the package exists to gather its submodules). Only the command line may
start the service, so ``cli`` may import ``api``; nothing else outside ``api/`` may.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ketenontologie"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module and not module.startswith(name + "."):
            yield name


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges[module].update(
                    target for target in _imported(module, node) if target != "ketenontologie"
                )
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_module_imports_itself_round_about() -> None:
    assert _cycles(_edges()) == []


def test_the_cycle_check_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_the_library_never_imports_the_http_layer() -> None:
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in _edges().items()
        if not module.startswith("ketenontologie.api") and module != "ketenontologie.cli"
        for target in targets
        if target.startswith("ketenontologie.api")
    )
    assert wrong == []


def test_every_stage_has_its_home() -> None:
    homes = {
        "ketenontologie.errors",
        "ketenontologie.namespaces",
        "ketenontologie.config",
        "ketenontologie.terms",
        "ketenontologie.loading",
        "ketenontologie.sparql",
        "ketenontologie.store",
        "ketenontologie.reasoning",
        "ketenontologie.designs",
        "ketenontologie.validation",
        "ketenontologie.publication",
        "ketenontologie.api",
        "ketenontologie.cli",
    }
    assert homes <= set(MODULES)
