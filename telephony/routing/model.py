"""Input snapshot of one customer's call-routing configuration.

Everything here is a plain, frozen dataclass so that the provisioning layer can
build a snapshot from the database and hand it to the engine without the engine
knowing anything about the persistence layer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import MappingProxyType

from telephony.entitlements import Feature, Package, is_entitled, minimum_package
from telephony.text import Text

from .texts import t

__all__ = [
    "Call",
    "ClientKind",
    "Customer",
    "DayNightMode",
    "Device",
    "EmergencyAddress",
    "Feature",
    "Forwarding",
    "HuntGroup",
    "HuntStrategy",
    "IvrMenu",
    "IvrOption",
    "LiveState",
    "NumberBlock",
    "OperatorConfig",
    "Package",
    "PickupGroup",
    "RoutingSnapshot",
    "ScheduleEntry",
    "Site",
    "Target",
    "TargetKind",
    "User",
    "is_entitled",
    "minimum_package",
]

EMPTY_MAPPING: Mapping[str, datetime] = MappingProxyType({})


# --------------------------------------------------------------------------- packages
# Packages and features come from the platform-wide table in ``telephony.entitlements``.


class ClientKind(enum.StrEnum):
    """Software endpoints a user can have besides hot-desk devices."""

    UC_CLIENT = "uc_client"
    SMARTPHONE_APP = "smartphone_app"
    SOFTPHONE = "softphone"

    @property
    def feature(self) -> Feature:
        return Feature(self.value)


# --------------------------------------------------------------------------- targets


class TargetKind(enum.StrEnum):
    EXTENSION = "extension"  # an internal extension: user, hunt group, menu or "0"
    USER = "user"
    HUNT_GROUP = "hunt_group"
    IVR = "ivr"
    VOICEMAIL = "voicemail"  # the voicemail box of a user
    OPERATOR = "operator"
    EXTERNAL = "external"  # a public number in E.164 form
    DISCONNECT = "disconnect"  # end the call with an "unavailable" indication


@dataclass(frozen=True)
class Target:
    """Where a call goes next: forwarding, overflow, IVR digit, day/night service."""

    kind: TargetKind
    ref: str = ""

    @classmethod
    def extension(cls, extension: str) -> Target:
        return cls(TargetKind.EXTENSION, extension)

    @classmethod
    def user(cls, user_id: str) -> Target:
        return cls(TargetKind.USER, user_id)

    @classmethod
    def hunt_group(cls, group_id: str) -> Target:
        return cls(TargetKind.HUNT_GROUP, group_id)

    @classmethod
    def ivr(cls, menu_id: str) -> Target:
        return cls(TargetKind.IVR, menu_id)

    @classmethod
    def voicemail(cls, user_id: str) -> Target:
        return cls(TargetKind.VOICEMAIL, user_id)

    @classmethod
    def operator(cls) -> Target:
        return cls(TargetKind.OPERATOR)

    @classmethod
    def external(cls, number: str) -> Target:
        return cls(TargetKind.EXTERNAL, number)

    @classmethod
    def disconnect(cls) -> Target:
        return cls(TargetKind.DISCONNECT)

    def describe(self) -> Text:
        if self.kind is TargetKind.OPERATOR:
            return t("operator")
        if self.kind is TargetKind.DISCONNECT:
            return t("kind_disconnect")
        return t("target_ref", kind=t(f"kind_{self.kind.value}"), ref=self.ref)


# --------------------------------------------------------------------------- customer


@dataclass(frozen=True)
class EmergencyAddress:
    street: str
    postal_code: str
    city: str
    country: str = "DE"

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}, {self.country}"


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    trunk_id: str
    emergency_address: EmergencyAddress
    is_main: bool = False


@dataclass(frozen=True)
class NumberBlock:
    """A block of public numbers: ``base`` + extension, e.g. ``+4930123456`` + ``201``.

    ``base`` alone and ``base + "0"`` are the main number (operator).
    Extensions whose numeric value lies in ``first..last`` are reachable from outside.
    """

    base: str
    first: int
    last: int
    site_id: str

    def covers(self, extension: str) -> bool:
        return extension.isdigit() and self.first <= int(extension) <= self.last


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    sites: tuple[Site, ...]
    number_blocks: tuple[NumberBlock, ...] = ()

    @property
    def main_site(self) -> Site | None:
        for site in self.sites:
            if site.is_main:
                return site
        return self.sites[0] if self.sites else None


# --------------------------------------------------------------------------- users


@dataclass(frozen=True)
class Forwarding:
    """Per-user call forwarding (FEA-8). ``no_answer_seconds`` is also the ring time."""

    always: Target | None = None
    on_busy: Target | None = None
    on_no_answer: Target | None = None
    no_answer_seconds: int = 20

    @property
    def is_set(self) -> bool:
        return any(t is not None for t in (self.always, self.on_busy, self.on_no_answer))


@dataclass(frozen=True)
class User:
    id: str
    name: str
    extension: str
    site_id: str
    package: Package
    forwarding: Forwarding = field(default_factory=Forwarding)
    voicemail_enabled: bool = False
    mobility_number: str | None = None

    def label(self) -> Text:
        return t("user", extension=self.extension)


@dataclass(frozen=True)
class Device:
    id: str
    site_id: str
    label: str = ""


# --------------------------------------------------------------------------- groups and menus


class HuntStrategy(enum.StrEnum):
    PARALLEL = "parallel"
    LONGEST_IDLE = "longest_idle"
    ROUND_ROBIN = "round_robin"


@dataclass(frozen=True)
class HuntGroup:
    """A hunt group (FEA-1).

    ``ring_seconds`` is the group timeout; after it the call goes to ``overflow``
    (or ends if there is none). ``member_ring_seconds`` is how long a single member
    rings before the next stage (longest idle: next member; round robin: all others).
    """

    id: str
    name: str
    site_id: str
    strategy: HuntStrategy
    member_ids: tuple[str, ...]
    extension: str | None = None
    ring_seconds: int = 30
    member_ring_seconds: int = 15
    overflow: Target | None = None

    def label(self) -> Text:
        return t("hunt_group", name=self.name)


@dataclass(frozen=True)
class PickupGroup:
    """A pickup group (FEA-2). Not a routing step; reported as information only."""

    id: str
    name: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class IvrOption:
    digit: str
    target: Target


@dataclass(frozen=True)
class IvrMenu:
    """An IVR menu (FEA-3).

    The announcement is played up to ``repeat_count + 1`` times: it is repeated after
    ``timeout_seconds`` without input or after an invalid digit. When the repeats are
    used up the call goes to ``on_timeout`` / ``on_invalid`` (or ends if unset).
    """

    id: str
    name: str
    announcement: str
    options: tuple[IvrOption, ...]
    extension: str | None = None
    timeout_seconds: int = 5
    repeat_count: int = 2
    on_timeout: Target | None = None
    on_invalid: Target | None = None

    def label(self) -> Text:
        return t("menu", name=self.name)


# --------------------------------------------------------------------------- operator


class DayNightMode(enum.StrEnum):
    """The operator's manual day/night switch. ``AUTO`` follows the weekly schedule."""

    AUTO = "auto"
    DAY = "day"
    NIGHT = "night"


@dataclass(frozen=True)
class ScheduleEntry:
    """Day service on ``weekday`` (0 = Monday) from ``start`` until ``end`` (local time).

    ``end`` is exclusive; ``time(0, 0)`` as ``end`` means midnight at the end of the day.
    """

    weekday: int
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.end == time(0, 0):
            return moment >= self.start
        return self.start <= moment < self.end


@dataclass(frozen=True)
class OperatorConfig:
    """The operator (FEA-4), reached by extension 0 and the main number.

    Day service routes to ``day_target`` (usually a dedicated user or a hunt group),
    optionally fronted by ``ivr_menu_id``; night service routes to ``night_target``.
    Holidays are always night service unless the manual switch says otherwise.
    """

    day_target: Target
    night_target: Target | None = None
    schedule: tuple[ScheduleEntry, ...] = ()
    holidays: frozenset[date] = frozenset()
    manual_mode: DayNightMode = DayNightMode.AUTO
    announcement: str | None = None
    night_announcement: str | None = None
    ivr_menu_id: str | None = None
    ring_seconds: int = 60
    transfer_recall_seconds: int = 30
    timezone: str = "Europe/Berlin"


# --------------------------------------------------------------------------- snapshot


@dataclass(frozen=True)
class RoutingSnapshot:
    """The complete routing configuration of ONE customer."""

    customer: Customer
    users: tuple[User, ...]
    operator: OperatorConfig
    devices: tuple[Device, ...] = ()
    hunt_groups: tuple[HuntGroup, ...] = ()
    ivr_menus: tuple[IvrMenu, ...] = ()
    pickup_groups: tuple[PickupGroup, ...] = ()


@dataclass(frozen=True)
class LiveState:
    """The live state that influences routing.

    ``hotdesk_logins`` holds ``(user_id, device_id)`` pairs; several users may be logged
    in on the same device. ``group_logins`` holds ``(group_id, user_id)`` pairs of
    members currently logged in to a hunt group. ``online_clients`` holds
    ``(user_id, client kind)`` pairs of registered software clients.
    """

    hotdesk_logins: frozenset[tuple[str, str]] = frozenset()
    group_logins: frozenset[tuple[str, str]] = frozenset()
    busy_users: frozenset[str] = frozenset()
    last_call_end: Mapping[str, datetime] = field(default_factory=lambda: EMPTY_MAPPING)
    online_clients: frozenset[tuple[str, ClientKind]] = frozenset()


@dataclass(frozen=True)
class Call:
    """One call to be routed.

    Exactly one of ``caller_user_id`` (internal caller) or ``caller_number`` (external
    caller, E.164) is normally set. ``presented_number`` is a number the caller asked to
    present instead of their own; it never changes the trunk choice.
    """

    dialled: str
    caller_user_id: str | None = None
    caller_number: str | None = None
    presented_number: str | None = None
