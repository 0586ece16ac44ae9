"""Forms of the further call-feature pages (FEA-2, FEA-6 … FEA-9): pickup groups, forwarding,
voicemail, hot-desk logins and the private phonebook. Services check the rules; their refusals
are shown in German beside the field they concern (``apply_feature_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from provisioning.models import (
    AudioFile,
    AudioKind,
    CallForwarding,
    Customer,
    Device,
    Subscriber,
)
from provisioning.validators import validate_voicemail_pin

from .forms_features import _CustomerForm, target_choices

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
