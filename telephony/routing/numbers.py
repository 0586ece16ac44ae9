"""Number handling and the lookup index of one customer's snapshot."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .model import (
    Device,
    HuntGroup,
    IvrMenu,
    NumberBlock,
    RoutingSnapshot,
    Site,
    Target,
    TargetKind,
    User,
)
from .texts import t

__all__ = [
    "EMERGENCY_NUMBERS",
    "OPERATOR_EXTENSION",
    "Dialled",
    "DialledKind",
    "Directory",
    "normalize_public_number",
]

EMERGENCY_NUMBERS = frozenset({"110", "112"})
OPERATOR_EXTENSION = "0"
_SEPARATORS = str.maketrans("", "", " -/().")


def normalize_public_number(number: str) -> str:
    """German dialling conventions to E.164: ``00…`` → ``+…``, ``0…`` → ``+49…``."""
    cleaned = number.translate(_SEPARATORS)
    if cleaned.startswith("+"):
        return cleaned
    if cleaned.startswith("00"):
        return "+" + cleaned[2:]
    if cleaned.startswith("0") and len(cleaned) > 1:
        return "+49" + cleaned[1:]
    return cleaned


class DialledKind(enum.StrEnum):
    EMERGENCY = "emergency"
    OPERATOR = "operator"
    EXTENSION = "extension"  # an internal extension, assigned or not
    EXTERNAL = "external"  # a public number outside the customer's blocks
    INVALID = "invalid"


@dataclass(frozen=True)
class Dialled:
    kind: DialledKind
    value: str  # emergency number, extension, or E.164 number
    via_public_number: str | None = None  # the customer's public number that was dialled


class Directory:
    """Lookup tables over a snapshot. Duplicates resolve to the first entry."""

    def __init__(self, snapshot: RoutingSnapshot) -> None:
        self.snapshot = snapshot
        self.sites: dict[str, Site] = {}
        self.users: dict[str, User] = {}
        self.devices: dict[str, Device] = {}
        self.groups: dict[str, HuntGroup] = {}
        self.menus: dict[str, IvrMenu] = {}
        self.extensions: dict[str, Target] = {}
        for site in snapshot.customer.sites:
            self.sites.setdefault(site.id, site)
        for device in snapshot.devices:
            self.devices.setdefault(device.id, device)
        for user in snapshot.users:
            self.users.setdefault(user.id, user)
            self.extensions.setdefault(user.extension, Target.user(user.id))
        for group in snapshot.hunt_groups:
            self.groups.setdefault(group.id, group)
            if group.extension:
                self.extensions.setdefault(group.extension, Target.hunt_group(group.id))
        for menu in snapshot.ivr_menus:
            self.menus.setdefault(menu.id, menu)
            if menu.extension:
                self.extensions.setdefault(menu.extension, Target.ivr(menu.id))
        # Extension 0 is always the operator.
        self.extensions[OPERATOR_EXTENSION] = Target.operator()
        self.blocks: tuple[NumberBlock, ...] = tuple(
            sorted(snapshot.customer.number_blocks, key=lambda b: -len(b.base))
        )

    # ------------------------------------------------------------------ targets

    def resolve(self, target: Target) -> Target:
        """Replace an ``EXTENSION`` target by what the extension belongs to.

        Other kinds, and extensions that belong to nothing, are returned unchanged
        (the caller reports an unassigned extension).
        """
        if target.kind is TargetKind.EXTENSION:
            found = self.extensions.get(target.ref)
            if found is not None:
                return found
            dialled = self.classify(target.ref)
            if dialled.kind is DialledKind.OPERATOR:
                return Target.operator()
            if dialled.kind is DialledKind.EXTENSION and dialled.value in self.extensions:
                return self.extensions[dialled.value]
        return target

    def target_label(self, target: Target) -> str:
        resolved = self.resolve(target)
        kind, ref = resolved.kind, resolved.ref
        if kind is TargetKind.USER:
            user = self.users.get(ref)
            return user.label() if user else t("unknown_user", user=ref)
        if kind is TargetKind.VOICEMAIL:
            user = self.users.get(ref)
            owner = user.label() if user else t("unknown_user", user=ref)
            return t("voicemail_of", user=owner)
        if kind is TargetKind.HUNT_GROUP:
            group = self.groups.get(ref)
            return group.label() if group else t("unknown_hunt_group", group=ref)
        if kind is TargetKind.IVR:
            menu = self.menus.get(ref)
            return menu.label() if menu else t("unknown_menu", menu=ref)
        if kind is TargetKind.EXTENSION:
            return t("extension", extension=ref)
        if kind is TargetKind.EXTERNAL:
            return ref
        return target.describe()

    # ------------------------------------------------------------------ numbers

    def classify(self, dialled: str) -> Dialled:
        """What the caller dialled: emergency, operator, internal extension or public."""
        cleaned = dialled.translate(_SEPARATORS)
        if cleaned in EMERGENCY_NUMBERS:
            return Dialled(DialledKind.EMERGENCY, cleaned)
        if cleaned == OPERATOR_EXTENSION:
            return Dialled(DialledKind.OPERATOR, cleaned)
        if cleaned in self.extensions:
            return Dialled(DialledKind.EXTENSION, cleaned)
        if cleaned.startswith(("+", "0")):
            number = normalize_public_number(cleaned)
            if len(number) < 4 or not number[1:].isdigit():
                return Dialled(DialledKind.INVALID, cleaned)
            for block in self.blocks:
                if not number.startswith(block.base):
                    continue
                suffix = number[len(block.base) :]
                if suffix in ("", OPERATOR_EXTENSION):
                    return Dialled(DialledKind.OPERATOR, OPERATOR_EXTENSION, number)
                if block.covers(suffix):
                    return Dialled(DialledKind.EXTENSION, suffix, number)
            return Dialled(DialledKind.EXTERNAL, number)
        if cleaned.isdigit():
            return Dialled(DialledKind.EXTENSION, cleaned)
        return Dialled(DialledKind.INVALID, cleaned)

    def public_number(self, user: User) -> str | None:
        """The user's direct dial-in number, preferring a block of the user's site."""
        candidates = [b for b in self.blocks if b.covers(user.extension)]
        candidates.sort(key=lambda b: b.site_id != user.site_id)
        return candidates[0].base + user.extension if candidates else None

    def main_number(self) -> str | None:
        main = self.snapshot.customer.main_site
        blocks = sorted(self.blocks, key=lambda b: main is None or b.site_id != main.id)
        return blocks[0].base + OPERATOR_EXTENSION if blocks else None
