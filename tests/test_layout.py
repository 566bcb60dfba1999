"""The shape of the code: no import cycles, a docstring on every module, modules and functions
of a readable size. Read from the source with ``ast``; nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "aigraph"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Modules allowed over the size limit for now, and why.
LONG_MODULES: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The aigraph modules ``name`` imports, anywhere in it (in functions too)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                # "from aigraph.web import i18n" imports the module aigraph.web.i18n.
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of ``graph`` as a list of nodes (first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles():
    graph = {name: imports_of(name, path) for name, path in MODULES.items()}
    assert graph["aigraph.web"] >= {"aigraph.web.search", "aigraph.web.state"}
    assert find_cycle(graph) is None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_owns(name):
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{name} has no docstring"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_are_of_a_readable_size(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    if name in LONG_MODULES:
        pytest.skip(LONG_MODULES[name])
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines"


def test_long_functions_say_why():
    long = []
    for name, path in MODULES.items():
        source = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES and \
                    not source[first - 2].strip().startswith("#"):
                long.append(f"{name}.{node.name}")
    assert long == [], "functions over 60 lines need a comment above them saying why"
