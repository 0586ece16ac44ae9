"""Forms of a customer's telephone system pages (LIC-1 … LIC-6, TRK-1 … TRK-4, FEA-12).

Field rules come from the models' validators; the rules of the system (limits, licenses, number
ownership) stay in the services, whose ``ApplicationError`` is put beside the named field by
``portal.refusals`` in the words of the one catalogue of messages (``provisioning.messages``).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from provisioning.messages import text_for
from provisioning.models import (
    Device,
    DeviceModel,
    LedgerKind,
    LicenseType,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.models.system import PACKAGE_CHOICES, normalize_mac, validate_mac
from provisioning.validators import normalize_phone, validate_phone
from telephony.entitlements import Feature, Package, is_entitled

# The features of LIC-5 in the portal's words (telephony keeps plain German labels).
FEATURE_NAMES: dict[Feature, Promise] = {
    Feature.TELEPHONY: _("Telefonie mit eigener Durchwahl, Anrufliste, Rückfrage, Konferenz"),
    Feature.HOT_DESKING: _("Hot-Desking"),
    Feature.PICKUP_GROUP: _("Mitglied in Pickup-Gruppen"),
    Feature.HUNT_GROUP: _("Mitglied in Sammelruf-Gruppen"),
    Feature.PHONEBOOK_LOOKUP: _("Telefonbuch-Suche"),
    Feature.UC_CLIENT: _("UC-Client mit CTI, Präsenz und Chat"),
    Feature.VOICEMAIL: _("Voicemail"),
    Feature.SMARTPHONE_APP: _("Smartphone-App"),
    Feature.MOBILITY: _("Mobility (paralleles Klingeln)"),
    Feature.VIDEO: _("Video"),
    Feature.DESKTOP_SHARING: _("Desktop-Sharing"),
    Feature.SOFTPHONE: _("Softphone"),
    Feature.FAX: _("Faxserver"),
}


def _checkbox() -> forms.CheckboxInput:
    return forms.CheckboxInput(attrs={"class": "form-check-input"})


# Base license (LIC-1, LIC-2) ------------------------------------------------------------------

BASE_LICENSE_HELP = {
    LicenseType.GRUNDLIZENZ: _("SIP-Trunk im Rechenzentrum."),
    LicenseType.ERWEITERTE_GRUNDLIZENZ: _(
        "Wie die Grundlizenz, dazu ein gemietetes Gateway IP411 für einen Anschluss am Standort, "
        "z. B. ISDN."
    ),
    LicenseType.DEMOLIZENZ: _(
        "Nicht berechnet, 4 Wochen gültig, höchstens 3 Benutzer und ein SIP-Trunk."
    ),
}


class BaseLicenseForm(forms.Form):
    license_type = forms.ChoiceField(label=_("Grundlizenz"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, allow_demo: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (LicenseType.GRUNDLIZENZ.value, LicenseType.GRUNDLIZENZ.label),
            (LicenseType.ERWEITERTE_GRUNDLIZENZ.value, LicenseType.ERWEITERTE_GRUNDLIZENZ.label),
        ]
        if allow_demo:
            choices.append((LicenseType.DEMOLIZENZ.value, LicenseType.DEMOLIZENZ.label))
        self.fields["license_type"].choices = choices  # type: ignore[attr-defined]

    def options(self) -> list[dict[str, Any]]:
        """The choices with their explanation, for the radio list of the template."""
        current = self["license_type"].value()
        return [
            {
                "value": value,
                "label": label,
                "help": BASE_LICENSE_HELP.get(LicenseType(value), ""),
                "checked": value == current,
            }
            for value, label in self.fields["license_type"].choices  # type: ignore[attr-defined]
        ]


# Sites (LIC-3) --------------------------------------------------------------------------------

SITE_FIELDS = ["name", "street", "postal_code", "city", "country"]


class SiteForm(forms.ModelForm):
    extra_site_license = forms.BooleanField(
        label=_("Weiterer Standort buchen (monatlich berechnet)"),
        required=False,
        widget=_checkbox(),
        help_text=_(
            "Der erste Standort ist in der Grundlizenz enthalten; jeder weitere braucht die "
            "Lizenz „Weiterer Standort“."
        ),
    )

    class Meta:
        model = Site
        fields = SITE_FIELDS

    def __init__(self, *args: Any, needs_extra_license: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_extra_license:
            del self.fields["extra_site_license"]

    def validate_unique(self) -> None:
        """Unique names are a service rule; its message lands beside the name."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SITE_FIELDS}


# SIP trunks (TRK-1, TRK-3) --------------------------------------------------------------------

TRUNK_FIELDS = [
    "provider",
    "provider_name",
    "connection_type",
    "isdn_mode",
    "registrar_host",
    "username",
    "contract_reference",
    "state",
    "emergency_street",
    "emergency_postal_code",
    "emergency_city",
    "emergency_country",
]


class TrunkForm(forms.ModelForm):
    """The trunk's settings. The password is never sent back to the browser: an empty field
    keeps the stored one."""

    password = forms.CharField(
        label=_("Passwort"),
        required=False,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Trunk
        fields = [*TRUNK_FIELDS[:6], "password", *TRUNK_FIELDS[6:]]

    def __init__(self, *args: Any, has_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_password = has_password
        self.fields["password"].help_text = (
            _("Ein Passwort ist gespeichert. Leer lassen, um es zu behalten.")
            if has_password
            else _("Wird verschlüsselt gespeichert und nie wieder angezeigt.")
        )
        self.fields["emergency_country"].initial = self.fields["emergency_country"].initial or "DE"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TRUNK_FIELDS}

    def password_for_update(self) -> str | None:
        """None keeps the stored password; a text replaces it."""
        return self.cleaned_data["password"] or None


# Number blocks (TRK-2) ------------------------------------------------------------------------


class NumberBlockForm(forms.Form):
    trunk = forms.ModelChoiceField(queryset=Trunk.objects.none(), label=_("SIP-Trunk"))
    base_number = forms.CharField(
        label=_("Stammnummer"),
        max_length=30,
        help_text=_("International, ohne Durchwahl, z. B. +49 30 1234567."),
    )
    first_extension = forms.IntegerField(label=_("erste Durchwahl"), min_value=0, initial=0)
    last_extension = forms.IntegerField(label=_("letzte Durchwahl"), min_value=0, initial=99)

    def __init__(self, *args: Any, trunks: QuerySet[Trunk] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if trunks is None:
            del self.fields["trunk"]
        else:
            field = self.fields["trunk"]
            field.queryset = trunks  # type: ignore[attr-defined]
            # A block always belongs to a trunk: no empty choice the form would then refuse.
            field.empty_label = None  # type: ignore[attr-defined]

    def clean_base_number(self) -> str:
        value: str = self.cleaned_data["base_number"]
        return re.sub(r"[\s/()-]", "", value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_extension"), data.get("last_extension")
        if first is not None and last is not None and last < first:
            self.add_error("last_extension", text_for("invalid_range"))
        return data


# Users (LIC-4, LIC-5, TRK-4) ------------------------------------------------------------------

USER_FIELDS = [
    "first_name",
    "last_name",
    "display_name",
    "email",
    "site",
    "extension",
    "package",
    "works_at",
    "voicemail_enabled",
    "mobility_number",
    "fax_extension",
]


def _digits(value: str) -> str:
    value = (value or "").strip()
    if value and not value.isdigit():
        raise ValidationError(_("Eine Durchwahl besteht nur aus Ziffern."), code="extension")
    return value


def features_wanted(data: dict[str, Any]) -> set[Feature]:
    """Features a user's settings switch on (the form's view of the service rule)."""
    wanted = set()
    if data.get("voicemail_enabled"):
        wanted.add(Feature.VOICEMAIL)
    if data.get("mobility_number"):
        wanted.add(Feature.MOBILITY)
    if data.get("fax_extension"):
        wanted.add(Feature.FAX)
    return wanted


class UserForm(forms.ModelForm):
    """A user with a direct extension chosen from the free numbers of their site's trunk."""

    extension = forms.CharField(label=_("Durchwahl"), max_length=10, widget=forms.Select)
    fax_extension = forms.CharField(
        label=_("Fax-Durchwahl"),
        max_length=10,
        required=False,
        widget=forms.Select,
        help_text=_("Nur mit dem Paket Volle stimme."),
    )

    class Meta:
        model = Subscriber
        fields = [
            "first_name",
            "last_name",
            "display_name",
            "email",
            "site",
            "package",
            "works_at",
            "voicemail_enabled",
            "mobility_number",
        ]
        widgets = {
            "email": forms.EmailInput(),
            "voicemail_enabled": _checkbox(),
        }
        labels = {"site": _("Standort")}
        help_texts = {
            "mobility_number": _("Externe Nummer, die parallel klingelt (nur Volle stimme)."),
            "voicemail_enabled": _("Ab dem Paket Klingende stimme."),
            "works_at": _(
                "Wer nicht am Standort arbeitet, muss auf andere Wege für Notrufe hingewiesen "
                "werden."
            ),
        }

    def __init__(
        self,
        *args: Any,
        sites: QuerySet[Site],
        extensions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        site_field.queryset = sites  # type: ignore[attr-defined]
        site_field.empty_label = None  # type: ignore[attr-defined]
        self.fields["package"].choices = PACKAGE_CHOICES  # type: ignore[attr-defined]
        self.set_extensions(extensions)

    def set_extensions(self, extensions: list[tuple[str, str]]) -> None:
        """Offer these (extension, label) pairs; a typed value not among them is kept."""
        choices = list(extensions)
        for name, blank in (("extension", None), ("fax_extension", _("– kein Fax –"))):
            value = self[name].value() if self.is_bound else self.initial.get(name)
            field_choices: list[tuple[str, Any]] = list(choices)
            if value and str(value) not in {c[0] for c in field_choices}:
                field_choices.insert(0, (str(value), str(value)))
            if blank is not None:
                field_choices.insert(0, ("", blank))
            self.fields[name].widget.choices = field_choices

    def clean_extension(self) -> str:
        return _digits(self.cleaned_data.get("extension", ""))

    def clean_fax_extension(self) -> str:
        return _digits(self.cleaned_data.get("fax_extension", ""))

    def clean_mobility_number(self) -> str:
        value: str = self.cleaned_data.get("mobility_number", "")
        if value:
            validate_phone(value)
            return normalize_phone(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        package = data.get("package")
        if package:
            missing = [f for f in Feature if f in features_wanted(data)]
            missing = [f for f in missing if not is_entitled(package, f)]
            if missing:
                names = ", ".join(str(FEATURE_NAMES[f]) for f in missing)
                self.add_error(
                    "package",
                    _("%(package)s enthält nicht: %(features)s.")
                    % {"package": Package(package).label, "features": names},
                )
        if data.get("extension") and data.get("extension") == data.get("fax_extension"):
            self.add_error("fax_extension", _("Fax und Telefon brauchen zwei Durchwahlen."))
        return data

    def validate_unique(self) -> None:
        """Number ownership is a service rule."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in USER_FIELDS}


class OwnProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Anzeigename"),
        max_length=200,
        required=False,
        help_text=_(
            "So erscheinen Sie im Telefonbuch und auf den Displays. Leer: Vor- und Nachname."
        ),
    )


ACTIVE_CHOICES = [("", _("alle")), ("1", _("aktiv")), ("0", _("deaktiviert"))]

USER_SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "number": ("number__e164",),
    "-number": ("-number__e164",),
    "site": ("site__name", "last_name", "first_name"),
    "package": ("package", "last_name", "first_name"),
    "-created": ("-created_at",),
}


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Suche nach Name, E-Mail oder Nummer"), required=False, max_length=100
    )
    site = forms.ModelChoiceField(
        label=_("Standort"), required=False, queryset=Site.objects.none(), empty_label=_("alle")
    )
    package = forms.ChoiceField(
        label=_("Paket"), required=False, choices=[("", _("alle")), *PACKAGE_CHOICES]
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("number", _("Rufnummer aufsteigend")),
            ("-number", _("Rufnummer absteigend")),
            ("site", _("Standort")),
            ("package", _("Paket")),
            ("-created", _("neueste zuerst")),
        ],
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_(
            "Spalten: first_name, last_name, email, site, extension, package, works_at "
            "(Trennzeichen Komma oder Semikolon, UTF-8). Standort mit seinem Namen."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("Die Datei ist größer als 2 MB."), code="too_large")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        if not text.strip():
            raise ValidationError(_("Die CSV-Datei ist leer."), code="empty")
        return text


# Devices (FEA-12) -----------------------------------------------------------------------------

DEVICE_FIELDS = ["model", "mac_address", "label", "site", "rented"]


class DeviceForm(forms.ModelForm):
    """A device; its user is named by extension, number or e-mail (a select of thousands of
    users would be slow to send and to use)."""

    mac_address = forms.CharField(
        label=_("MAC-Adresse"),
        max_length=17,
        help_text=_("12 Hex-Ziffern, z. B. 00:90:33:12:AB:CD."),
    )
    user = forms.CharField(
        label=_("Benutzer"),
        required=False,
        max_length=254,
        help_text=_(
            "Durchwahl am gewählten Standort, Rufnummer oder E-Mail; leer: keinem Benutzer "
            "zugeordnet."
        ),
    )

    class Meta:
        model = Device
        fields = [*DEVICE_FIELDS[:4], "user", "rented"]
        widgets = {"rented": _checkbox()}
        labels = {
            "site": _("Standort"),
            "rented": _("gemietet (IP411 der Erweiterten Grundlizenz)"),
        }

    def __init__(
        self,
        *args: Any,
        sites: QuerySet[Site],
        subscribers: QuerySet[Subscriber],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["site"].empty_label = None  # type: ignore[attr-defined]
        self.subscribers = subscribers

    def clean_mac_address(self) -> str:
        value: str = self.cleaned_data["mac_address"]
        validate_mac(value)
        return normalize_mac(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reference = (data.get("user") or "").strip()
        data["subscriber"] = None
        if reference:
            data["subscriber"] = self._find_user(reference, data.get("site"))
        return data

    def _find_user(self, reference: str, site: Site | None) -> Subscriber | None:
        users = self.subscribers
        if "@" in reference:
            matches = users.filter(email__iexact=reference)
        elif reference.isdigit() and site is not None:
            matches = users.filter(number__extension=reference, number__block__trunk__site=site)
        else:
            try:
                matches = users.filter(number__e164=normalize_phone(reference))
            except phonenumbers.NumberParseException:
                matches = users.none()
        found = list(matches[:2])
        if len(found) != 1:
            self.add_error(
                "user",
                _("Kein eindeutiger Benutzer mit dieser Angabe.")
                if found
                else _("Kein Benutzer mit dieser Angabe."),
            )
            return None
        return found[0]

    def validate_unique(self) -> None:
        """A MAC address registered elsewhere is a service rule."""

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in DEVICE_FIELDS}
        data["subscriber"] = self.cleaned_data["subscriber"]
        return data


class DeviceFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche nach MAC oder Bezeichnung"), required=False, max_length=100)
    site = forms.ModelChoiceField(
        label=_("Standort"), required=False, queryset=Site.objects.none(), empty_label=_("alle")
    )
    model = forms.ChoiceField(
        label=_("Modell"), required=False, choices=[("", _("alle")), *DeviceModel.choices]
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


# License ledger (LIC-6) -----------------------------------------------------------------------


class LedgerFilterForm(forms.Form):
    since = forms.DateField(
        label=_("von"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    license_type = forms.ChoiceField(
        label=_("Lizenz"), required=False, choices=[("", _("alle")), *LicenseType.choices]
    )
    kind = forms.ChoiceField(
        label=_("Buchung"), required=False, choices=[("", _("alle")), *LedgerKind.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("Das Ende liegt vor dem Anfang."))
        return data
