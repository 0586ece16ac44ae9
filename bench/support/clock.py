"""Service-hour clock benchmark (SUP-3, OPS-1): the clocks of 100,000 tickets.

For each ticket (random arrival over two years, random severity, one pause in three) it computes
what a scan of open tickets needs: the reaction start, the reaction and resolution due moments,
and the elapsed service time with pauses. Prints the total and the time per ticket after the
year tables exist (the first call per calendar and year builds one, about 2 ms). Target: the
whole scan well under 2 s; ``add_service_time`` of 90 service days well under 1 ms.

    .venv/bin/python bench/support/clock.py [--tickets 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from support.clock import (
    BERLIN,
    PLATFORM_CALENDAR,
    add_service_time,
    due_with_pauses,
    elapsed_with_pauses,
    reaction_start,
)
from support.targets import TARGETS, Severity

SCAN_TARGET_S = 2.0


def tickets(count: int, seed: int = 7) -> list[tuple[dt.datetime, str, list]]:
    rng = random.Random(seed)
    first = dt.datetime(2026, 1, 1, tzinfo=BERLIN)
    severities = list(Severity)
    made = []
    for _ in range(count):
        received = first + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        pauses = []
        if rng.random() < 1 / 3:
            begin = received + dt.timedelta(hours=rng.randrange(1, 200))
            end = None if rng.random() < 0.5 else begin + dt.timedelta(hours=rng.randrange(1, 72))
            pauses.append((begin, end))
        made.append((received, rng.choice(severities), pauses))
    return made


def scan(batch: list[tuple[dt.datetime, str, list]], now: dt.datetime) -> None:
    for received, severity, pauses in batch:
        target = TARGETS[severity]
        start, clock = reaction_start(received, severity, PLATFORM_CALENDAR)
        add_service_time(start, target.reaction, clock)
        if target.resolution is not None:
            due_with_pauses(received, target.resolution, pauses, PLATFORM_CALENDAR, now)
        elapsed_with_pauses(received, now, pauses, PLATFORM_CALENDAR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    args = parser.parse_args()
    batch = tickets(args.tickets)
    now = dt.datetime(2027, 6, 30, 12, tzinfo=BERLIN)
    scan(batch[:2000], now)  # builds the year tables

    ninety = TARGETS[Severity.MINOR].resolution
    assert ninety is not None
    start = dt.datetime(2026, 11, 2, 9, 15, tzinfo=BERLIN)
    runs = 20_000
    began = time.perf_counter()
    for _ in range(runs):
        add_service_time(start, ninety, PLATFORM_CALENDAR)
    per_add = (time.perf_counter() - began) / runs
    print(f"add_service_time, 90 service days: {per_add * 1e6:.1f} µs")

    began, cpu = time.perf_counter(), time.process_time()
    scan(batch, now)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    verdict = "ok" if took < SCAN_TARGET_S else "too slow"
    print(
        f"{args.tickets} tickets: {took:.2f} s ({cpu:.2f} s CPU; more wall time means a busy "
        f"machine), {took / args.tickets * 1e6:.1f} µs per ticket "
        f"(target < {SCAN_TARGET_S:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
