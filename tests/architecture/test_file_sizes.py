"""Modules stay small enough to read (docs/architecture.md): no Python file of the portal or of
provisioning's services is longer than 600 lines; a longer one is split by area or by entity,
never continued in a file named ``…_more.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 600
CHECKED = [
    *sorted((ROOT / "portal").rglob("*.py")),
    *sorted((ROOT / "provisioning" / "services").rglob("*.py")),
]


def _too_long(path: Path) -> int | None:
    """The number of lines of ``path`` when it exceeds the limit, else None."""
    lines = len(path.read_text().splitlines())
    return lines if lines > MAX_LINES else None


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_at_most_600_lines(path: Path) -> None:
    lines = _too_long(path)
    assert lines is None, (
        f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES}): split it by entity "
        "or area"
    )


def test_both_trees_are_checked() -> None:
    assert any(p.is_relative_to(ROOT / "portal" / "system") for p in CHECKED)
    assert ROOT / "provisioning" / "services" / "hunt_groups.py" in CHECKED


def test_the_check_finds_a_long_module(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1))
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * MAX_LINES)
    assert _too_long(long) == MAX_LINES + 1
    assert _too_long(short) is None
