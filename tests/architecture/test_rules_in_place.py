"""Rules live in the permissions modules (TEN-2): the portal's pages and menu and the API's
endpoints ask ``provisioning.permissions`` / ``billing.permissions`` / ``support.permissions``;
none of them defines a rule of its own or compares roles, so a link is shown exactly when its
page opens."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from provisioning.models import Role

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [
    *sorted((ROOT / "portal").rglob("*.py")),
    *sorted((ROOT / "provisioning" / "api").rglob("*.py")),
    *sorted((ROOT / "billing" / "api").rglob("*.py")),
    *sorted((ROOT / "support" / "api").rglob("*.py")),
]
ROLE_VALUES = {str(value) for value in Role.values}


def _module_level_rules(tree: ast.Module) -> list[str]:
    return [
        f"def {node.name} (line {node.lineno})"
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.lstrip("_").startswith("may_")
    ]


def _mentions_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Role"
    if isinstance(node, ast.Constant) and node.value in ROLE_VALUES:
        return True
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return any(_mentions_role(element) for element in node.elts)
    return False


def _role_comparisons(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(
            _mentions_role(part) for part in [node.left, *node.comparators]
        ):
            found.append(f"role comparison (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_portal_and_api_modules_define_no_rules_of_their_own(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    problems = _module_level_rules(tree) + _role_comparisons(tree)
    assert not problems, f"{path.relative_to(ROOT)}: move into a permissions module: {problems}"


def test_the_check_finds_a_rule_written_in_a_view() -> None:
    tree = ast.parse(
        "def may_edit(account):\n    return account.role == Role.RESELLER_ADMIN\n"
        "x = user.role in {'platform_staff', 'reseller_admin'}\n"
    )
    assert _module_level_rules(tree) == ["def may_edit (line 1)"]
    assert len(_role_comparisons(tree)) == 2
