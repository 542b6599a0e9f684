"""The shape of the package: stages import downwards only, the read side never imports the
write side, and there are no import cycles (imports inside functions included)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PROJECT

PACKAGE = PROJECT / "src" / "backqa"
# What each stage may import (besides itself and the shared modules below).
SHARED = {"backqa", "backqa.config", "backqa.documents", "backqa.progress", "backqa.text"}
ALLOWED = {
    "encoders": set(),
    "index": {"encoders"},
    "ingest": {"encoders", "index"},
    "search": {"encoders", "index"},
    "serve": {"encoders", "index", "search"},
    "tools": {"encoders", "index", "ingest", "search", "serve"},
    "cli": {"encoders", "index", "ingest", "search", "serve", "tools"},
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every backqa module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("backqa"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("backqa"))
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name}
            for name, path in modules.items()}


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def test_stages_import_only_what_they_may() -> None:
    wrong = []
    for module, imported in graph().items():
        own = stage(module)
        if own is None:
            continue
        for target in imported:
            other = stage(target)
            if other is None or other == own:
                if other is None and not any(target == s or target.startswith(s + ".")
                                             for s in SHARED):
                    wrong.append(f"{module} -> {target}")
                continue
            if other not in ALLOWED[own]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the data flow:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles() -> None:
    edges = graph()
    # A package's __init__ importing its own submodules is the package's face, not a cycle.
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in edges.items()}
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if seen.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt):], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for module in sorted(edges):
        if module not in seen:
            visit(module)


def test_no_module_is_over_400_lines() -> None:
    long = {module_name(p): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_search_in_a_fresh_process_loads_nothing_of_ingest(shipped_index_dir: Path) -> None:
    code = ("import sys\nfrom backqa.cli import main\n"
            f"main(['search', 'why does my back hurt after hills', '--index', "
            f"{str(shipped_index_dir)!r}, '--json'])\n"
            "print('MODULES', sorted(m for m in sys.modules if m.startswith('backqa')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120, cwd=PROJECT).stdout
    modules = eval(out.split("MODULES", 1)[1])  # a printed list of names
    assert "backqa.search.searcher" in modules
    assert not [m for m in modules if m.startswith(("backqa.ingest", "backqa.tools",
                                                    "backqa.serve"))], modules
