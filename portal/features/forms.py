"""Forms of the call-feature pages (FEA-1 … FEA-6). Targets are offered as one choice list
of the customer's users, groups, menus and voicemail boxes; services check the rules and their
refusals are shown beside the field they concern (``portal.refusals``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from provisioning.models import (
    AudioFile,
    AudioKind,
    CallForwarding,
    Customer,
    DayNightMode,
    Device,
    HuntGroup,
    HuntStrategy,
    IvrMenu,
    Site,
    Subscriber,
)
from provisioning.models.features import IVR_REPEAT_COUNT, IVR_TIMEOUT_SECONDS
from provisioning.validators import validate_voicemail_pin


def target_choices(customer: Customer, *, external: bool = False) -> list[tuple[str, Any]]:
    """Every routing target of ``customer`` for a select box ('' = none)."""
    users = list(Subscriber.objects.filter(customer=customer).select_related("number"))
    choices: list[tuple[str, Any]] = [("", _("– keines –"))]
    choices += [(f"user:{u.pk}", f"{u.name} ({u.extension})") for u in users]
    choices += [
        (f"hunt_group:{g.pk}", _("Gruppe: %(name)s") % {"name": g.name})
        for g in HuntGroup.objects.filter(customer=customer)
    ]
    choices += [
        (f"ivr:{m.pk}", _("Sprachmenü: %(name)s") % {"name": m.name})
        for m in IvrMenu.objects.filter(customer=customer)
    ]
    choices += [
        (f"voicemail:{u.pk}", _("Voicemail: %(name)s") % {"name": u.name})
        for u in users
        if u.voicemail_enabled
    ]
    choices += [("operator", _("Zentrale")), ("disconnect", _("Auflegen"))]
    if external:
        choices.append(("external", _("externe Rufnummer (unten)")))
    return choices


class _CustomerForm(forms.Form):
    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer

    def _targets(self, *names: str, external: bool = False) -> None:
        for name in names:
            self.fields[name].choices = target_choices(  # type: ignore[attr-defined]
                self.customer, external=external
            )

    def _audio(self, *names: str) -> None:
        for name in names:
            self.fields[name].queryset = AudioFile.objects.filter(  # type: ignore[attr-defined]
                customer=self.customer
            )

    def _external(self, choice: str, number_field: str) -> str:
        value: str = self.cleaned_data.get(choice, "")
        if value == "external":
            number = (self.cleaned_data.get(number_field) or "").strip()
            if not number:
                self.add_error(number_field, _("Bitte eine Rufnummer angeben."))
                return ""
            return f"external:{number}"
        return value


class HuntGroupForm(_CustomerForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Standort"))
    extension = forms.CharField(label=_("Durchwahl"), max_length=10, required=False)
    strategy = forms.ChoiceField(label=_("Strategie"), choices=HuntStrategy.choices)
    ring_seconds = forms.IntegerField(label=_("Klingeldauer (s)"), min_value=5, max_value=600)
    member_ring_seconds = forms.IntegerField(
        label=_("Klingeldauer je Mitglied (s)"), min_value=5, max_value=600
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Subscriber.objects.none(),
        label=_("Mitglieder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    overflow = forms.ChoiceField(label=_("Überlauf"), required=False)
    overflow_number = forms.CharField(label=_("externe Rufnummer"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            customer=self.customer
        )
        self.fields["members"].queryset = Subscriber.objects.filter(  # type: ignore[attr-defined]
            customer=self.customer
        ).select_related("number")
        self._targets("overflow", external=True)

    def service_data(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k]
            for k in (
                "name",
                "site",
                "extension",
                "strategy",
                "ring_seconds",
                "member_ring_seconds",
            )
        }
        data["members"] = list(self.cleaned_data["members"])
        data["overflow"] = self._external("overflow", "overflow_number")
        return data


DIGITS = list("123456789*0#")


class IvrMenuForm(_CustomerForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    extension = forms.CharField(label=_("Durchwahl"), max_length=10, required=False)
    announcement = forms.ModelChoiceField(
        queryset=AudioFile.objects.none(), label=_("Ansage"), required=False
    )
    timeout_seconds = IvrMenu._meta.get_field("timeout_seconds").formfield(
        min_value=IVR_TIMEOUT_SECONDS[0], max_value=IVR_TIMEOUT_SECONDS[1]
    )
    repeat_count = IvrMenu._meta.get_field("repeat_count").formfield(
        min_value=IVR_REPEAT_COUNT[0], max_value=IVR_REPEAT_COUNT[1]
    )
    on_timeout = forms.ChoiceField(label=_("ohne Eingabe"), required=False)
    on_invalid = forms.ChoiceField(label=_("bei falscher Taste"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for digit in DIGITS:
            self.fields[self.digit_field(digit)] = forms.ChoiceField(
                label=_("Taste %(digit)s") % {"digit": digit}, required=False
            )
        self._targets("on_timeout", "on_invalid", *(self.digit_field(d) for d in DIGITS))
        self._audio("announcement")

    @staticmethod
    def digit_field(digit: str) -> str:
        return {"*": "digit_star", "#": "digit_hash"}.get(digit, f"digit_{digit}")

    def service_data(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k]
            for k in (
                "name",
                "extension",
                "announcement",
                "timeout_seconds",
                "repeat_count",
                "on_timeout",
                "on_invalid",
            )
        }
        data["options"] = [
            {"digit": d, "target": self.cleaned_data[self.digit_field(d)]}
            for d in DIGITS
            if self.cleaned_data.get(self.digit_field(d))
        ]
        return data


WEEKDAYS = [
    ("0", _("Mo")),
    ("1", _("Di")),
    ("2", _("Mi")),
    ("3", _("Do")),
    ("4", _("Fr")),
    ("5", _("Sa")),
    ("6", _("So")),
]


class OperatorForm(_CustomerForm):
    day_target = forms.ChoiceField(label=_("Ziel im Tagbetrieb"), required=False)
    ivr_menu = forms.ModelChoiceField(
        queryset=IvrMenu.objects.none(), label=_("Sprachmenü im Tagbetrieb"), required=False
    )
    night_target = forms.ChoiceField(label=_("Ziel im Nachtbetrieb"), required=False)
    night_number = forms.CharField(label=_("externe Rufnummer (Nacht)"), required=False)
    announcement = forms.ModelChoiceField(
        queryset=AudioFile.objects.none(), label=_("Ansage vor dem Melden"), required=False
    )
    night_announcement = forms.ModelChoiceField(
        queryset=AudioFile.objects.none(), label=_("Ansage im Nachtbetrieb"), required=False
    )
    manual_mode = forms.ChoiceField(label=_("Tag/Nacht-Umschaltung"), choices=DayNightMode.choices)
    holidays_are_night = forms.BooleanField(
        label=_("Feiertage des Bundeslands im Nachtbetrieb"), required=False, initial=True
    )
    days = forms.MultipleChoiceField(
        label=_("Tagbetrieb an"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=["0", "1", "2", "3", "4"],
    )
    day_start = forms.TimeField(
        label=_("von"), initial="08:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    day_end = forms.TimeField(
        label=_("bis"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._targets("day_target")
        self._targets("night_target", external=True)
        self._audio("announcement", "night_announcement")
        self.fields["ivr_menu"].queryset = IvrMenu.objects.filter(  # type: ignore[attr-defined]
            customer=self.customer
        )

    def service_data(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data[k]
            for k in (
                "day_target",
                "ivr_menu",
                "announcement",
                "night_announcement",
                "manual_mode",
                "holidays_are_night",
            )
        }
        data["night_target"] = self._external("night_target", "night_number")
        start, end = self.cleaned_data["day_start"], self.cleaned_data["day_end"]
        data["schedule"] = [
            {"weekday": int(d), "start": start, "end": end} for d in self.cleaned_data["days"]
        ]
        return data


class AudioUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Art"), choices=AudioKind.choices)
    file = forms.FileField(
        label=_("Datei (MP3 oder WAV, höchstens 20 MB und 10 Minuten)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".mp3,.wav,audio/mpeg,audio/wav"}),
    )


class PhonebookEntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    company = forms.CharField(label=_("Firma"), max_length=200, required=False)
    numbers = forms.CharField(
        label=_("Rufnummern"), max_length=300, help_text=_("Mehrere durch Komma getrennt.")
    )

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data["name"],
            "company": self.cleaned_data["company"],
            "numbers": [n for n in self.cleaned_data["numbers"].split(",") if n.strip()],
        }


class CallTraceForm(_CustomerForm):
    dialled = forms.CharField(label=_("Gewählte Nummer"), max_length=40, initial="0")
    caller = forms.ChoiceField(label=_("Anrufer"), required=False)
    caller_number = forms.CharField(
        label=_("externe Rufnummer des Anrufers"), max_length=40, required=False
    )
    at = forms.CharField(
        label=_("Zeitpunkt"),
        max_length=40,
        required=False,
        help_text=_("z. B. „Sonntag 10:00“ oder 2026-12-24T14:00; leer = jetzt"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = Subscriber.objects.filter(customer=self.customer).select_related("number")
        self.fields["caller"].choices = [  # type: ignore[attr-defined]
            ("", _("extern (Nummer unten)")),
            *((str(u.pk), f"{u.name} ({u.extension})") for u in users),
        ]


FORWARDING_KINDS = ("always", "on_busy", "on_no_answer")


class PickupGroupForm(_CustomerForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        queryset=Subscriber.objects.none(),
        label=_("Mitglieder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Subscriber.objects.filter(  # type: ignore[attr-defined]
            customer=self.customer
        ).select_related("number")

    def service_data(self) -> dict[str, Any]:
        return {"name": self.cleaned_data["name"], "members": list(self.cleaned_data["members"])}


class ForwardingForm(_CustomerForm):
    """Always / on busy / on no answer: each an internal target or an external number."""

    always = forms.ChoiceField(label=_("Immer weiterleiten an"), required=False)
    always_number = forms.CharField(
        label=_("externe Rufnummer (immer)"), max_length=40, required=False
    )
    on_busy = forms.ChoiceField(label=_("Bei besetzt weiterleiten an"), required=False)
    on_busy_number = forms.CharField(
        label=_("externe Rufnummer (bei besetzt)"), max_length=40, required=False
    )
    on_no_answer = forms.ChoiceField(label=_("Bei Nichtmelden weiterleiten an"), required=False)
    on_no_answer_number = forms.CharField(
        label=_("externe Rufnummer (bei Nichtmelden)"), max_length=40, required=False
    )
    no_answer_seconds = forms.IntegerField(
        label=_("Nichtmelden nach (Sekunden)"), min_value=5, max_value=120, initial=20
    )

    def __init__(self, *args: Any, subscriber: Subscriber, **kwargs: Any) -> None:
        super().__init__(*args, customer=subscriber.customer, **kwargs)
        own = {f"user:{subscriber.pk}"}
        choices = [c for c in target_choices(self.customer, external=True) if c[0] not in own]
        for name in FORWARDING_KINDS:
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(forwarding: CallForwarding | None) -> dict[str, Any]:
        if forwarding is None:
            return {"no_answer_seconds": 20}
        initial: dict[str, Any] = {"no_answer_seconds": forwarding.no_answer_seconds}
        for name in FORWARDING_KINDS:
            value: str = getattr(forwarding, name)
            if value.startswith("external:"):
                initial[name] = "external"
                initial[f"{name}_number"] = value.partition("external:")[2]
            else:
                initial[name] = value
        return initial

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"no_answer_seconds": self.cleaned_data["no_answer_seconds"]}
        for name in FORWARDING_KINDS:
            data[name] = self._external(name, f"{name}_number")
        return data


class VoicemailForm(forms.Form):
    """Voicemail on/off, a new PIN (never shown), greeting and e-mail address."""

    enabled = forms.BooleanField(label=_("Voicemail eingeschaltet"), required=False)
    pin = forms.CharField(
        label=_("Neue PIN"),
        required=False,
        max_length=8,
        strip=True,
        validators=[validate_voicemail_pin],
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "inputmode": "numeric"}),
        help_text=_("4 bis 8 Ziffern; leer lassen, um die bisherige PIN zu behalten."),
    )
    greeting = forms.ModelChoiceField(
        queryset=AudioFile.objects.none(),
        label=_("Ansage"),
        required=False,
        empty_label=_("Standardansage"),
    )
    email = forms.EmailField(label=_("E-Mail für Nachrichten"), required=False)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["greeting"].queryset = AudioFile.objects.filter(  # type: ignore[attr-defined]
            customer=customer, kind=AudioKind.ANNOUNCEMENT
        )

    def service_data(self) -> dict[str, Any]:
        data = {
            "enabled": self.cleaned_data["enabled"],
            "greeting": self.cleaned_data["greeting"],
            "email": self.cleaned_data["email"],
        }
        if self.cleaned_data["pin"]:
            data["pin"] = self.cleaned_data["pin"]
        return data


def device_label(device: Device) -> str:
    name = device.label or device.get_model_display()
    return f"{name} · {device.get_model_display()} · {device.site.name}"


class HotdeskLoginForm(forms.Form):
    device = forms.ModelChoiceField(queryset=Device.objects.none(), label=_("Telefon"))

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["device"]
        field.queryset = Device.objects.filter(  # type: ignore[attr-defined]
            customer=customer
        ).select_related("site")
        field.label_from_instance = device_label  # type: ignore[attr-defined]


class PhonebookImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_("Spalten name;company;numbers – mehrere Rufnummern durch Komma getrennt."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def text(self) -> str | None:
        raw = self.cleaned_data["file"].read(1_000_001)
        if len(raw) > 1_000_000:
            self.add_error("file", _("Die Datei ist größer als 1 MB."))
            return None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return str(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
        self.add_error("file", _("Die Datei ist keine lesbare CSV-Datei."))
        return None


IMPORT_FIELD_MESSAGES: dict[str, Any] = {
    "header": _("Die Kopfzeile braucht die Spalten name, company und numbers."),
    "name": _("Der Name fehlt."),
    "numbers": _("Keine gültige Rufnummer (z. B. +49 30 1234567)."),
}
