"""Packages and what they entitle a user to (LIC-4, LIC-5): the one table every part reads.

Plain Python, no Django: the provisioning services, the API, the portal and the routing engine
all ask :func:`is_entitled`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache


class Package(StrEnum):
    """User packages, nested tiers: Klare ⊂ Klingende ⊂ Volle stimme."""

    KLARE = "klare_stimme"
    KLINGENDE = "klingende_stimme"
    VOLLE = "volle_stimme"

    @property
    def tier(self) -> int:
        return _TIERS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_TIERS = {Package.KLARE: 1, Package.KLINGENDE: 2, Package.VOLLE: 3}
_LABELS = {
    Package.KLARE: "Klare stimme",
    Package.KLINGENDE: "Klingende stimme",
    Package.VOLLE: "Volle stimme",
}


class Feature(StrEnum):
    """Every feature of LIC-5, one name each."""

    TELEPHONY = "telephony"  # own extension, call list, hold/consult/broker/conference, CLIR, DTMF
    HOT_DESKING = "hot_desking"
    PICKUP_GROUP = "pickup_group"
    HUNT_GROUP = "hunt_group"
    PHONEBOOK_LOOKUP = "phonebook_lookup"
    UC_CLIENT = "uc_client"  # CTI, presence, chat, favourites, directory and reverse search
    VOICEMAIL = "voicemail"  # DTMF access, greeting, message to e-mail as .wav, MWI lamp
    SMARTPHONE_APP = "smartphone_app"
    MOBILITY = "mobility"  # parallel ringing on one external number
    VIDEO = "video"
    DESKTOP_SHARING = "desktop_sharing"
    SOFTPHONE = "softphone"
    FAX = "fax"  # personal fax number, fax→e-mail as PDF, e-mail→fax, delivery report


#: The lowest package that includes each feature.
MINIMUM_PACKAGE: dict[Feature, Package] = {
    Feature.TELEPHONY: Package.KLARE,
    Feature.HOT_DESKING: Package.KLARE,
    Feature.PICKUP_GROUP: Package.KLARE,
    Feature.HUNT_GROUP: Package.KLARE,
    Feature.PHONEBOOK_LOOKUP: Package.KLARE,
    Feature.UC_CLIENT: Package.KLINGENDE,
    Feature.VOICEMAIL: Package.KLINGENDE,
    Feature.SMARTPHONE_APP: Package.KLINGENDE,
    Feature.MOBILITY: Package.VOLLE,
    Feature.VIDEO: Package.VOLLE,
    Feature.DESKTOP_SHARING: Package.VOLLE,
    Feature.SOFTPHONE: Package.VOLLE,
    Feature.FAX: Package.VOLLE,
}

FEATURE_LABELS: dict[Feature, str] = {
    Feature.TELEPHONY: "Telefonie mit eigener Durchwahl",
    Feature.HOT_DESKING: "Hot-Desking",
    Feature.PICKUP_GROUP: "Pickup-Gruppe",
    Feature.HUNT_GROUP: "Sammelruf-Gruppe",
    Feature.PHONEBOOK_LOOKUP: "Telefonbuch",
    Feature.UC_CLIENT: "UC-Client",
    Feature.VOICEMAIL: "Voicemail",
    Feature.SMARTPHONE_APP: "Smartphone-App",
    Feature.MOBILITY: "Mobility",
    Feature.VIDEO: "Video",
    Feature.DESKTOP_SHARING: "Desktop-Sharing",
    Feature.SOFTPHONE: "Softphone",
    Feature.FAX: "Faxserver",
}


def is_entitled(package: Package | str, feature: Feature | str) -> bool:
    """May a user with ``package`` use ``feature``?"""
    return Package(package).tier >= MINIMUM_PACKAGE[Feature(feature)].tier


def entitlements(package: Package | str) -> dict[str, bool]:
    """Every feature of LIC-5 with whether ``package`` includes it."""
    return dict(_entitlements(Package(package)))


@cache
def _entitlements(package: Package) -> tuple[tuple[str, bool], ...]:
    """Computed once per package: a list page asks for every row."""
    return tuple((feature.value, is_entitled(package, feature)) for feature in Feature)


def lost_features(
    current: Package | str, new: Package | str, in_use: set[Feature]
) -> list[Feature]:
    """Features in use that ``new`` would no longer include (in table order)."""
    return [f for f in Feature if f in in_use and not is_entitled(new, f)]


def minimum_package(feature: Feature | str) -> Package:
    """The lowest package that includes ``feature``."""
    return MINIMUM_PACKAGE[Feature(feature)]
