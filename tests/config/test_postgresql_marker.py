"""Tests that need PostgreSQL carry the ``postgresql`` marker, so the SQLite run in CI deselects them."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def _unmarked_postgresql_tests() -> list[str]:
    unmarked = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text())
        module_marked = any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and "pytest.mark.postgresql" in ast.unparse(node.value)
            for node in tree.body
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = {
                call.func.id
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            }
            if "require_postgresql" not in calls:
                continue
            marks = {ast.unparse(decorator) for decorator in node.decorator_list}
            if "pytest.mark.postgresql" not in marks and not module_marked:
                unmarked.append(f"{path.relative_to(TESTS)}::{node.name}")
    return unmarked


def test_every_test_needing_postgresql_is_marked() -> None:
    assert _unmarked_postgresql_tests() == []
