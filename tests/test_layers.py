"""The package's shape: imports point one way, the core stays pure, no import cycles.

Every module's imports are read with ``ast`` (lazy imports inside functions
included; imports only for type checking excluded).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screen"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("screen", "screen.errors", "screen.model"),
    ("screen.results", "screen.codec", "screen.conditions"),
    ("screen.patterns",),
    ("screen.matching",),
    ("screen.decision",),
    ("screen.interview",),
    ("screen.rulebook",),
    ("screen.learned",),
    ("screen.screening", "screen.evaluation", "screen.examples", "screen.explaining"),
    ("screen.app",),
)
"""Lowest first. A module may import its own layer and the layers below it.

The validator (``screen.rulebook``) sits above the engine because it compiles
what it checks; the package root only re-exports the public API lazily.
"""
ENTRY_POINTS = {"screen", "screen.__main__"}
UI_LIBRARIES = ("typer", "rich", "click")
FILE_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "mkdir",
    "unlink",
    "rglob",
    "glob",
    "iterdir",
    "getenv",
    "putenv",
}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()
CORE = [name for name in MODULES if not name.startswith("screen.app")]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports that sit under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for child in ast.walk(inner):
                    lines.add(getattr(child, "lineno", -1))
    return lines


def imports_of(path: Path) -> set[str]:
    """Every module name ``path`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", -1) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # ``from P import m`` names module P.m when there is one
                member = f"{node.module}.{alias.name}"
                found.add(member if member in MODULES else node.module)
    return found


def layer_of(name: str) -> int:
    best, rank = -1, -1
    for number, members in enumerate(LAYERS):
        for member in members:
            if (name == member or name.startswith(member + ".")) and len(member) > best:
                best, rank = len(member), number
    assert rank >= 0, f"{name} is in no layer: add it to LAYERS"
    return rank


def internal(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that an imported name refers to (a module, or a package's member)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name: str) -> None:
    if name in ENTRY_POINTS:
        return
    mine = layer_of(name)
    for target in imports_of(MODULES[name]):
        ours = internal(target, MODULES)
        if ours is None or ours in ENTRY_POINTS:
            continue
        assert layer_of(ours) <= mine, (
            f"{name} (layer {mine}) imports {ours} (layer "
            f"{layer_of(ours)}): imports must point down"
        )


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_has_no_terminal_environment_or_files(name: str) -> None:
    path = MODULES[name]
    imported = imports_of(path)
    assert not [
        lib for lib in UI_LIBRARIES if any(i == lib or i.startswith(lib + ".") for i in imported)
    ], name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb"):
            pytest.fail(f"{name} reads the environment (line {node.lineno})")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FILE_CALLS, (
                f"{name} touches files: {called}() at line {node.lineno}"
            )


def test_only_the_environment_module_reads_the_environment() -> None:
    readers = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Attribute) and n.attr == "environ" for n in ast.walk(tree)):
            readers.append(name)
    assert readers == ["screen.app.environment"]


def test_there_are_no_import_cycles() -> None:
    graph = {
        name: {
            ours
            for target in imports_of(path)
            if (ours := internal(target, MODULES)) and ours != name
        }
        for name, path in MODULES.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, f"import cycles: {cycles}"


def test_the_layer_check_can_fail() -> None:
    """A core module importing the application layer is caught (the test is not vacuous)."""
    assert layer_of("screen.app.cli") > layer_of("screen.matching.matcher")
    assert internal("screen.app.cli.main", MODULES) == "screen.app.cli"
