from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache

from status import services
from status.maintenance_rules import BERLIN
from status.models import Component, ComponentGroup
from tests.factories import World


@pytest.fixture(autouse=True)
def _fresh_cache_and_sms(settings, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Rate-limit counters and cached pages never leak from one test into the next; SMS go
    to a file per test."""
    cache.clear()
    settings.STATUS_SMS_BACKEND = "file"
    settings.STATUS_SMS_DIR = tmp_path / "sms"
    settings.STATUS_BASE_URL = "https://status.stimme.example"
    settings.STATUS_PAGE_REVISION_CHECK_SECONDS = 0  # tests change data without commits
    yield
    cache.clear()


@dataclass
class Catalogue:
    telephony: ComponentGroup
    calls: Component
    voicemail: Component
    fax: Component
    uc: Component
    portal: Component


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    group = services.component_group_create(
        acting_user=world.staff, data={"name_de": "Telefonanlage", "name_en": "Telephone system"}
    )

    def make(name_de: str, name_en: str, position: int, in_group: bool) -> Component:
        return services.component_create(
            acting_user=world.staff,
            data={
                "name_de": name_de,
                "name_en": name_en,
                "position": position,
                "group": group if in_group else None,
            },
        )

    return Catalogue(
        telephony=group,
        calls=make("Telefonie", "Telephony", 1, True),
        voicemail=make("Voicemail", "Voicemail", 2, True),
        fax=make("Fax-Server", "Fax server", 3, True),
        uc=make("UC-Client", "UC client", 4, False),
        portal=make("Portal", "Portal", 5, False),
    )


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def night(days: int) -> dt.datetime:
    """22:00 Berlin time ``days`` days from today: always outside service hours."""
    day = dt.datetime.now(BERLIN).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(22, 0), tzinfo=BERLIN)
