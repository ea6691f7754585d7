"""Who may import whom, read from the source: the checker never imports the engine it checks, the document
model imports no runtime, a mock knows no engine, mapping or checker, nothing in ``harness`` imports the
project's ``steps``, and no two modules import each other, however indirectly. Every import counts: at
module level, inside functions and under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "harness"

MOCKS = ("harness.exact", "harness.squarespace", "harness.mock")
#: (importing package, packages it must never import, why)
RULES = [
    ("harness.checklist", ("harness.sync", "harness.selfcheck"), "the checker never imports the engine it checks"),
    (
        "harness.dataflow",
        (*MOCKS, "harness.sync", "harness.mapping", "harness.checklist", "harness.report", "harness.selfcheck"),
        "the document model imports no runtime",
    ),
    *(
        (
            mock,
            ("harness.sync", "harness.mapping", "harness.checklist", "harness.selfcheck", "harness.dataflow"),
            "a mock knows no engine, mapping, document or checker",
        )
        for mock in MOCKS
    ),
    (
        "harness.mapping",
        (*MOCKS, "harness.sync", "harness.checklist", "harness.selfcheck"),
        "mapping converts no value",
    ),
    ("harness.systems", (*MOCKS, "harness.sync", "harness.mapping", "harness.checklist"), "facts depend on nothing"),
    ("harness.sync", ("harness.checklist", "harness.selfcheck"), "the engine knows no checker"),
    ("harness.sut", ("harness.sync", "harness.selfcheck", "harness.checklist"), "the contract names no engine"),
    ("harness.report", ("harness.sync", "harness.selfcheck", "harness.checklist"), "reports render results only"),
    ("harness", ("steps",), "an installed talkqa never reaches into a user's steps package"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in HARNESS.rglob("*.py")}


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer if modules()[importer].name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(name: str) -> Iterator[str]:
    """Every module ``name`` imports: ``from harness.sync import crossing`` imports ``harness.sync.crossing``
    (a package's ``__init__`` runs before any of its modules anyway, so it counts only where a name of its
    own is imported)."""
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, node)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules()]
            yield from submodules
            if len(submodules) < len(node.names):  # a name defined in the package itself
                yield base


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@cache
def graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(i for i in imports_of(name) if i in modules() and i != name) for name in modules()}


@pytest.mark.parametrize(("package", "forbidden", "why"), RULES, ids=[f"{r[0]}-{r[2]}" for r in RULES])
def test_imports_follow_the_layering(package: str, forbidden: tuple[str, ...], why: str) -> None:
    assert any(_within(m, package) for m in modules()), f"no package {package}"
    broken = sorted(
        f"{name} imports {target}"
        for name in modules()
        if _within(name, package)
        for target in set(imports_of(name))
        if any(_within(target, f) for f in forbidden)
    )
    assert not broken, f"{why}:\n" + "\n".join(broken)


def cycles_in(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def test_no_two_modules_import_each_other_however_indirectly() -> None:
    cycles = cycles_in(graph())
    assert not cycles, "import circles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_finder_finds_an_indirect_circle() -> None:
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert cycles_in(edges) == [["a", "b", "c"]]


def test_the_walk_sees_function_level_and_relative_imports() -> None:
    """A control: the reader finds the imports these rules depend on."""
    assert "harness.mapping.rows" in graph()["harness.mapping.sections"]
    assert "harness.sync.crossing" in graph()["harness.sync.engine"]


def test_the_contract_names_no_engine() -> None:
    assert "harness.sync" not in (HARNESS / "sut.py").read_text(encoding="utf-8")
