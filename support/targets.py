"""The support desk's targets (SUP-3) as plain data.

Every target is service time, counted on the service calendar (see ``support.clock``): the
service level agreement the targets come from says its times "refer to the service hours"
(*Bereitschaftszeiten*). Hours are service hours; a day is a service day, i.e. the nine
service hours of one working day (OPS-1: Monday to Friday 08:00–17:00), so "14 days" is 14
working days later at the same time of day and "90 days" about 18 weeks. Faults are keyed by
their severity; service and information requests share ``SERVICE_REQUEST``, which has a
reaction target only; change requests (SUP-2) have no target and no entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

SERVICE_HOUR = dt.timedelta(hours=1)
SERVICE_DAY = 9 * SERVICE_HOUR  # one working day of service hours, 08:00–17:00 (OPS-1)


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    SERVICE_REQUEST = "service_request"


@dataclass(frozen=True)
class Target:
    """Service time allowed until the reaction (acknowledgment with classification and an
    estimate, SUP-4) and until the resolution; ``None`` means no resolution target."""

    reaction: dt.timedelta
    resolution: dt.timedelta | None


TARGETS: MappingProxyType[str, Target] = MappingProxyType(
    {
        Severity.CRITICAL: Target(reaction=1 * SERVICE_HOUR, resolution=4 * SERVICE_HOUR),
        Severity.MAJOR: Target(reaction=1 * SERVICE_HOUR, resolution=14 * SERVICE_DAY),
        Severity.MINOR: Target(reaction=24 * SERVICE_HOUR, resolution=90 * SERVICE_DAY),
        Severity.SERVICE_REQUEST: Target(reaction=72 * SERVICE_HOUR, resolution=None),
    }
)
