"""Billing's imports point one way: tasks call services; services never import tasks when they
are loaded. A service hands work to a worker only through ``billing.background.enqueue``, which
imports the task lazily once the transaction commits (see docs/architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BILLING = Path(__file__).resolve().parents[2] / "billing"
ENQUEUER = ("background.py", "enqueue")
"""The one function (module, name) that may import ``billing.tasks``, and only lazily."""


def _module(path: Path) -> str:
    return ".".join(("billing", *path.relative_to(BILLING).with_suffix("").parts))


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> set[str]:
    """The absolute names an import statement in ``module`` brings in."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        package = module.split(".")[: -node.level]
        base = ".".join([*package, node.module] if node.module else package)
    else:
        base = node.module or ""
    return {base} | {f"{base}.{alias.name}" for alias in node.names}


def _imports(tree: ast.Module, module: str) -> Iterator[tuple[str, str | None]]:
    """Every import of a module as (name, enclosing function or None at module level)."""

    def walk(node: ast.AST, function: str | None) -> Iterator[tuple[str, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for name in _imported(child, module):
                    yield name, function
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = function or child.name
            yield from walk(child, inner)

    yield from walk(tree, None)


def _sources() -> Iterator[tuple[Path, str, ast.Module]]:
    for path in sorted(BILLING.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, _module(path), ast.parse(path.read_text(encoding="utf-8"))


def _is_tasks(name: str) -> bool:
    return name == "billing.tasks" or name.startswith("billing.tasks.")


def test_no_billing_module_imports_the_tasks_when_loaded() -> None:
    offenders = [
        f"{module}: {name}"
        for _path, module, tree in _sources()
        if module != "billing.tasks"
        for name, function in _imports(tree, module)
        if _is_tasks(name) and function is None
    ]
    assert offenders == []


def test_only_the_enqueue_function_imports_a_task_lazily() -> None:
    lazy = {
        (path.relative_to(BILLING).as_posix(), function)
        for path, module, tree in _sources()
        if module != "billing.tasks"
        for name, function in _imports(tree, module)
        if _is_tasks(name)
    }
    assert lazy <= {ENQUEUER}


def test_tasks_import_the_services_they_call_at_module_level() -> None:
    """The task module states its dependencies openly: nothing of billing imported inside a
    task (which would hide the direction and invite the circle back)."""
    path = BILLING / "tasks.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [
        name
        for name, function in _imports(tree, "billing.tasks")
        if function is not None and name.startswith("billing")
    ]
    assert hidden == []


@pytest.mark.parametrize("first", ["billing.tasks", "billing.services", "billing.services.runs"])
def test_either_side_imports_first_without_a_circle(first: str) -> None:
    code = (
        "import django; django.setup(); "
        f"import importlib; importlib.import_module({first!r}); "
        "import billing.tasks, billing.services"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BILLING.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
