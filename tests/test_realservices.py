"""When the tests count as running in CI, where a missing real component fails instead of
skipping (section 7 of the house rules)."""

from __future__ import annotations

import pytest

from tests.realservices import ci_enabled


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "on", "github", " true "])
def test_any_truthy_ci_value_means_ci(value: str) -> None:
    assert ci_enabled(value)


@pytest.mark.parametrize("value", [None, "", "0", "false", "False", "no", "NO", " "])
def test_unset_empty_or_false_ci_value_means_local(value: str | None) -> None:
    assert not ci_enabled(value)
