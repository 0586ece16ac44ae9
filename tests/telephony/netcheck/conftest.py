from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _short_switch_interval() -> Iterator[None]:
    # Probe, relay and reflector share one interpreter in these tests; a short GIL
    # switch interval keeps their scheduling latency realistic.
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    yield
    sys.setswitchinterval(old)
