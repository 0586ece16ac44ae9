"""Selectors that turn one customer's stored configuration into the routing engine's input
(``telephony.routing.RoutingSnapshot`` and ``LiveState``) and trace a call through it.

Public holidays of the customer's federal state come from the ``holidays`` package and are
handed to the engine as plain dates, so the engine stays free of Django and of calendars.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from telephony import routing
from telephony.entitlements import Package

from .models import (
    AudioFile,
    CallForwarding,
    Customer,
    Device,
    HotDeskLogin,
    HuntGroup,
    HuntGroupMember,
    IvrMenu,
    NumberBlock,
    OperatorSettings,
    PickupGroup,
    Site,
    Subscriber,
    Trunk,
    parse_target,
)

BERLIN = ZoneInfo("Europe/Berlin")
STANDARD_MUSIC_ON_HOLD = "Standard-Wartemusik"

__all__ = [
    "BERLIN",
    "STANDARD_MUSIC_ON_HOLD",
    "CallTrace",
    "build_live_state",
    "build_snapshot",
    "customer_holidays",
    "parse_trace_time",
    "to_target",
    "trace_call",
]


def to_target(value: str) -> routing.Target | None:
    """The stored target string as an engine ``Target`` (``None`` when empty or unreadable)."""
    if not value:
        return None
    try:
        kind, ref = parse_target(value)
    except ValueError:
        return None
    return routing.Target(routing.TargetKind(kind), ref)


def customer_holidays(customer: Customer, years: Iterable[int]) -> frozenset[date]:
    """Public holidays of the customer's federal state (nationwide ones if none is set)."""
    subdiv = customer.federal_state or None
    calendar = holidays.country_holidays("DE", subdiv=subdiv, years=sorted(set(years)))
    return frozenset(calendar.keys())


def _announcement(audio: AudioFile | None) -> str | None:
    return audio.name if audio is not None else None


def _sites(customer: Customer) -> tuple[routing.Site, ...]:
    sites = list(Site.objects.filter(customer=customer).order_by("created_at", "pk"))
    trunks = {t.site_id: t for t in Trunk.objects.filter(customer=customer)}
    result = []
    for index, site in enumerate(sites):
        trunk: Trunk | None = trunks.get(site.pk)
        address = (
            routing.EmergencyAddress(
                trunk.emergency_street,
                trunk.emergency_postal_code,
                trunk.emergency_city,
                trunk.emergency_country,
            )
            if trunk is not None
            else routing.EmergencyAddress(site.street, site.postal_code, site.city, site.country)
        )
        result.append(
            routing.Site(
                id=str(site.pk),
                name=site.name,
                trunk_id=str(trunk.pk) if trunk is not None else "",
                emergency_address=address,
                is_main=index == 0,
            )
        )
    return tuple(result)


def _blocks(customer: Customer) -> tuple[routing.NumberBlock, ...]:
    blocks = NumberBlock.objects.filter(customer=customer).select_related("trunk")
    return tuple(
        routing.NumberBlock(
            base=block.base_number,
            first=block.first_extension,
            last=block.last_extension,
            site_id=str(block.trunk.site_id),
        )
        for block in blocks
    )


def _users(customer: Customer) -> tuple[routing.User, ...]:
    subscribers = (
        Subscriber.objects.filter(customer=customer, is_active=True)
        .select_related("number")
        .order_by("number__extension", "pk")
    )
    forwardings = {
        f.subscriber_id: f for f in CallForwarding.objects.filter(subscriber__customer=customer)
    }
    users = []
    for sub in subscribers:
        fw: CallForwarding | None = forwardings.get(sub.pk)
        forwarding = (
            routing.Forwarding(
                always=to_target(fw.always),
                on_busy=to_target(fw.on_busy),
                on_no_answer=to_target(fw.on_no_answer),
                no_answer_seconds=fw.no_answer_seconds,
            )
            if fw is not None
            else routing.Forwarding()
        )
        users.append(
            routing.User(
                id=str(sub.pk),
                name=sub.name,
                extension=sub.number.extension,
                site_id=str(sub.site_id),
                package=Package(sub.package),
                forwarding=forwarding,
                voicemail_enabled=sub.voicemail_enabled,
                mobility_number=sub.mobility_number or None,
            )
        )
    return tuple(users)


def _hunt_groups(customer: Customer) -> tuple[routing.HuntGroup, ...]:
    groups = HuntGroup.objects.filter(customer=customer).prefetch_related("members")
    return tuple(
        routing.HuntGroup(
            id=str(group.pk),
            name=group.name,
            site_id=str(group.site_id),
            strategy=routing.HuntStrategy(group.strategy),
            member_ids=tuple(
                str(m.subscriber_id) for m in sorted(group.members.all(), key=lambda m: m.position)
            ),
            extension=group.extension or None,
            ring_seconds=group.ring_seconds,
            member_ring_seconds=group.member_ring_seconds,
            overflow=to_target(group.overflow),
        )
        for group in groups
    )


def _menus(customer: Customer) -> tuple[routing.IvrMenu, ...]:
    menus = IvrMenu.objects.filter(customer=customer).select_related("announcement")
    return tuple(
        routing.IvrMenu(
            id=str(menu.pk),
            name=menu.name,
            announcement=_announcement(menu.announcement) or f"Menü {menu.name}",
            options=tuple(
                routing.IvrOption(option.digit, target)
                for option in menu.options.all()
                if (target := to_target(option.target)) is not None
            ),
            extension=menu.extension or None,
            timeout_seconds=menu.timeout_seconds,
            repeat_count=menu.repeat_count,
            on_timeout=to_target(menu.on_timeout),
            on_invalid=to_target(menu.on_invalid),
        )
        for menu in menus.prefetch_related("options")
    )


def _operator(customer: Customer, years: Iterable[int]) -> routing.OperatorConfig:
    settings: OperatorSettings | None = (
        OperatorSettings.objects.filter(customer=customer)
        .select_related("announcement", "night_announcement")
        .prefetch_related("schedule")
        .first()
    )
    if settings is None:
        return routing.OperatorConfig(day_target=routing.Target.disconnect())
    return routing.OperatorConfig(
        day_target=to_target(settings.day_target) or routing.Target.disconnect(),
        night_target=to_target(settings.night_target),
        schedule=tuple(
            routing.ScheduleEntry(entry.weekday, entry.start, entry.end)
            for entry in settings.schedule.all()
        ),
        holidays=customer_holidays(customer, years) if settings.holidays_are_night else frozenset(),
        manual_mode=routing.DayNightMode(settings.manual_mode),
        announcement=_announcement(settings.announcement),
        night_announcement=_announcement(settings.night_announcement),
        ivr_menu_id=str(settings.ivr_menu_id) if settings.ivr_menu_id else None,
        ring_seconds=settings.ring_seconds,
        transfer_recall_seconds=settings.transfer_recall_seconds,
    )


def build_snapshot(customer: Customer, *, at: datetime | None = None) -> routing.RoutingSnapshot:
    """The routing configuration of ``customer`` as stored now. Holidays cover the year of
    ``at`` (default: now) and the years next to it."""
    year = (at or timezone.now()).astimezone(BERLIN).year
    years = (year - 1, year, year + 1)
    devices = Device.objects.filter(customer=customer).order_by("pk")
    return routing.RoutingSnapshot(
        customer=routing.Customer(
            id=str(customer.pk),
            name=customer.company_name,
            sites=_sites(customer),
            number_blocks=_blocks(customer),
        ),
        users=_users(customer),
        operator=_operator(customer, years),
        devices=tuple(
            routing.Device(id=str(d.pk), site_id=str(d.site_id), label=d.label or str(d))
            for d in devices
        ),
        hunt_groups=_hunt_groups(customer),
        ivr_menus=_menus(customer),
        pickup_groups=tuple(
            routing.PickupGroup(
                id=str(group.pk),
                name=group.name,
                member_ids=tuple(str(m.pk) for m in group.members.all()),
            )
            for group in PickupGroup.objects.filter(customer=customer).prefetch_related("members")
        ),
    )


def build_live_state(
    customer: Customer,
    *,
    busy_users: Iterable[str] = (),
    last_call_end: dict[str, datetime] | None = None,
) -> routing.LiveState:
    """The stored live state: a user is logged in on the devices registered to them and on
    every device they logged in to (hot-desking); group logins come from the memberships.
    Busy users and last call ends are not stored; a call trace may pass them in."""
    hotdesk = {
        (str(login.subscriber_id), str(login.device_id))
        for login in HotDeskLogin.objects.filter(device__customer=customer)
    }
    hotdesk |= {
        (str(device.subscriber_id), str(device.pk))
        for device in Device.objects.filter(customer=customer, subscriber__isnull=False)
    }
    groups = {
        (str(m.group_id), str(m.subscriber_id))
        for m in HuntGroupMember.objects.filter(group__customer=customer, logged_in=True)
    }
    return routing.LiveState(
        hotdesk_logins=frozenset(hotdesk),
        group_logins=frozenset(groups),
        busy_users=frozenset(busy_users),
        last_call_end=dict(last_call_end or {}),
    )


# Call trace ------------------------------------------------------------------------------------

WEEKDAY_NAMES = {
    "monday": 0,
    "montag": 0,
    "mo": 0,
    "tuesday": 1,
    "dienstag": 1,
    "di": 1,
    "wednesday": 2,
    "mittwoch": 2,
    "mi": 2,
    "thursday": 3,
    "donnerstag": 3,
    "do": 3,
    "friday": 4,
    "freitag": 4,
    "fr": 4,
    "saturday": 5,
    "samstag": 5,
    "sa": 5,
    "sunday": 6,
    "sonntag": 6,
    "so": 6,
}
_WEEKDAY_TIME = re.compile(r"^\s*([A-Za-zäöü]+)\.?,?\s+(\d{1,2})[:.](\d{2})\s*(?:uhr)?\s*$", re.I)


def parse_trace_time(value: str, *, now: datetime | None = None) -> datetime:
    """An aware datetime from ISO 8601 (naive means Europe/Berlin) or from ``"Saturday 10:00"``
    / ``"Samstag 10:00"``: the next such moment in Europe/Berlin (today if still ahead).
    Raises ``ValueError`` for anything else."""
    text = (value or "").strip()
    if not text:
        raise ValueError("empty time")
    match = _WEEKDAY_TIME.match(text)
    if match:
        weekday = WEEKDAY_NAMES.get(match[1].lower())
        hour, minute = int(match[2]), int(match[3])
        if weekday is None or hour > 23 or minute > 59:
            raise ValueError(f"unknown time {value!r}")
        local_now = (now or timezone.now()).astimezone(BERLIN)
        days = (weekday - local_now.weekday()) % 7
        day = local_now.date() + timedelta(days=days)
        moment = datetime.combine(day, time(hour, minute), tzinfo=BERLIN)
        if moment < local_now:
            moment = datetime.combine(day + timedelta(days=7), time(hour, minute), tzinfo=BERLIN)
        return moment
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BERLIN)
    return parsed


@dataclass(frozen=True)
class CallTrace:
    """A traced call: the plan, its JSON and text form, and names for the ids in it."""

    plan: routing.RoutingPlan
    at: datetime
    service: routing.ServiceDecision
    problems: tuple[routing.ConfigProblem, ...]
    names: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "service": {"day": self.service.day, "reason": self.service.reason},
            "plan": routing.plan_to_dict(self.plan),
            "text": routing.render_plan(self.plan),
            "names": self.names,
            "problems": [
                {"code": p.code, "severity": p.severity.value, "message": p.message}
                for p in self.problems
            ],
        }


def _names(snapshot: routing.RoutingSnapshot) -> dict[str, str]:
    names: dict[str, str] = {}
    for user in snapshot.users:
        names[user.id] = f"{user.name} ({user.extension})"
    for device in snapshot.devices:
        names[device.id] = device.label
    for group in snapshot.hunt_groups:
        names[group.id] = group.name
    for menu in snapshot.ivr_menus:
        names[menu.id] = menu.name
    for site in snapshot.customer.sites:
        names[site.id] = site.name
        if site.trunk_id:
            names[site.trunk_id] = f"Trunk {site.name}"
    return names


def trace_call(
    *,
    customer: Customer,
    dialled: str,
    caller_user: Subscriber | None = None,
    caller_number: str | None = None,
    at: datetime,
    busy_users: Iterable[str] = (),
    seed: int = 0,
) -> CallTrace:
    """Plan a call with the stored configuration and live state, as the engine would route it
    at ``at``. ``seed`` makes round-robin choices reproducible."""
    snapshot = build_snapshot(customer, at=at)
    state = build_live_state(customer, busy_users=busy_users)
    call = routing.Call(
        dialled=dialled,
        caller_user_id=str(caller_user.pk) if caller_user is not None else None,
        caller_number=caller_number if caller_user is None else None,
    )
    plan = routing.build_plan(snapshot, state, call, now=at, rng=random.Random(seed))
    return CallTrace(
        plan=plan,
        at=at,
        service=routing.service_at(snapshot.operator, at),
        problems=tuple(routing.find_problems(snapshot)),
        names=_names(snapshot),
    )
