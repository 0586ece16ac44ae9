"""Forms of the support area: opening a ticket with all of SUP-1 (the severity definitions of
SUP-2 beside the choice), working it (acknowledge, estimate, assign, move, escalate, reply), and
the settings of the reseller's service desk and the customer's support."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.status.forms import _localized_datetime_field
from provisioning.models import Customer, FederalState
from status.models import Component
from support import states
from support.calendars import parse_hours, stored_hours
from support.models import Kind, Severity, State

#: The severities of a fault as the reporter reads them while choosing (SUP-2).
SEVERITY_DEFINITIONS = {
    Severity.CRITICAL: _("Keine Anmeldung möglich oder eine Kernfunktion ist ausgefallen."),
    Severity.MAJOR: _("Eine Funktion ist gestört, und es gibt keine Umgehungsmöglichkeit."),
    Severity.MINOR: _(
        "Es gibt eine Umgehungsmöglichkeit, oder Sie stufen die Störung als nicht kritisch ein."
    ),
}
REPRODUCIBLE_CHOICES = [("", _("unbekannt")), ("yes", _("ja")), ("no", _("nein"))]
WEEKDAYS = [
    _("Montag"),
    _("Dienstag"),
    _("Mittwoch"),
    _("Donnerstag"),
    _("Freitag"),
    _("Samstag"),
    _("Sonntag"),
]
CHECK = {"class": "form-check-input"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (attachments)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _text(label: Any, *, rows: int = 0, required: bool = True, **kwargs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=required, widget=widget, **kwargs)


def _severity_field(required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Schweregrad (nur bei Störungen)"),
        choices=Severity.choices,
        required=required,
        widget=forms.RadioSelect(attrs=CHECK),
    )


def _kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Art"), choices=Kind.choices, widget=forms.RadioSelect(attrs=CHECK)
    )


class TicketOpenForm(forms.Form):
    """A new ticket (SUP-1): the customer and its support PIN when a reseller records a call
    (SUP-6), else the customer is the reporter's own."""

    customer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Kunde"), queryset=Customer.objects.none()
    )
    support_pin = forms.CharField(
        label=_("Support-PIN des Anrufers"),
        max_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Der Anrufer nennt die Support-PIN seines Unternehmens."),
    )
    kind = _kind_field()
    severity = _severity_field()
    title = forms.CharField(label=_("Betreff"), max_length=200)
    description = _text(_("Beschreibung"), rows=5)
    reporter_name = forms.CharField(label=_("Name des Meldenden"), max_length=200)
    reporter_phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    reporter_email = forms.EmailField(label=_("E-Mail"), required=False)
    first_observed_at = _localized_datetime_field(_("Zuerst bemerkt am"), required=False)
    all_workstations = forms.BooleanField(
        label=_("Alle Arbeitsplätze betroffen"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    affected_workstations = forms.CharField(
        label=_("Betroffene Arbeitsplätze"),
        max_length=500,
        required=False,
        help_text=_("Wenn nicht alle: welche (Namen, Nebenstellen, Standorte)."),
    )
    reproducible = forms.ChoiceField(
        label=_("Reproduzierbar"),
        choices=REPRODUCIBLE_CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs=CHECK),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Betroffene Dienste"),
        queryset=Component.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=CHECK),
    )
    attachments = MultipleFileField(label=_("Anhänge"), required=False)

    def __init__(self, *args: Any, customers: Any, records_call: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if records_call:
            self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        else:
            del self.fields["customer"], self.fields["support_pin"]
        self.fields["services"].queryset = Component.objects.filter(  # type: ignore[attr-defined]
            is_visible=True
        ).order_by("group__position", "group__name_de", "position", "name_de")
        self.fields["services"].label_from_instance = lambda c: c.name_de  # type: ignore[attr-defined]

    def severity_options(self) -> list[dict[str, Any]]:
        """The severity radios, each with its definition beside it (SUP-2)."""
        return [
            {"option": option, "definition": SEVERITY_DEFINITIONS[option.data["value"]]}
            for option in self["severity"]
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("customer", "support_pin", "attachments"):
            data.pop(name, None)
        data["reproducible"] = {"yes": True, "no": False}.get(data["reproducible"])
        data["services"] = list(data["services"])
        data["severity"] = data["severity"] if data["kind"] == Kind.FAULT else ""
        for name in ("reporter_phone", "reporter_email"):
            if not data[name]:
                data.pop(name)
        return data


class AcknowledgeForm(forms.Form):
    """The reaction (SUP-4): classification, estimated resolution, the named handler."""

    kind = _kind_field()
    severity = _severity_field()
    estimated_resolution_at = _localized_datetime_field(_("Voraussichtliche Lösung"))
    assignee = forms.ChoiceField(label=_("Bearbeiter"))
    message = _text(_("Nachricht an den Meldenden"), rows=3, required=False)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(a.pk): a for a in candidates}
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            (pk, a.get_full_name() or a.get_username()) for pk, a in self.candidates.items()
        ]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["assignee"] = self.candidates[data["assignee"]]
        data["severity"] = data["severity"] if data["kind"] == Kind.FAULT else ""
        return data


class EstimateForm(forms.Form):
    estimated_resolution_at = _localized_datetime_field(_("Neue voraussichtliche Lösung"))
    note = _text(_("Begründung für den Meldenden"), rows=2, required=False)

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AssignForm(AcknowledgeForm):
    """Only the handler of :class:`AcknowledgeForm`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "severity", "estimated_resolution_at", "message"):
            del self.fields[name]

    def service_data(self) -> dict[str, Any]:
        return {"assignee": self.candidates[self.cleaned_data["assignee"]]}


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("Neuer Status"))
    note = _text(_("Bemerkung"), rows=2, required=False)

    def __init__(self, *args: Any, current: str, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(State.choices)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            (target, _("wieder öffnen") if states.is_reopen(current, target) else labels[target])
            for target in targets
        ]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class EscalateForm(forms.Form):
    note = _text(
        _("Nachricht an die Plattform"),
        rows=4,
        help_text=_("Was Sie schon geprüft haben und was die Plattform wissen muss."),
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ReplyForm(forms.Form):
    body = _text(_("Nachricht"), rows=4)
    internal = forms.BooleanField(
        label=_("Interne Notiz (nur für Ihr Team sichtbar)"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )
    attachments = MultipleFileField(label=_("Anhänge"), required=False)

    def __init__(self, *args: Any, internal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not internal:
            del self.fields["internal"]

    def service_data(self) -> dict[str, Any]:
        return {"body": self.cleaned_data["body"], "internal": self.cleaned_data.get("internal")}


def _period_text(periods: list[list[str]]) -> str:
    return ", ".join(f"{start}–{end}" for start, end in periods)


class SupportDeskForm(forms.Form):
    """A reseller's service hours per weekday, federal state and escalation contacts."""

    federal_state = forms.ChoiceField(
        label=_("Bundesland (Feiertage)"),
        choices=[("", _("nur bundesweite Feiertage")), *FederalState.choices],
        required=False,
    )
    escalation_emails = _text(
        _("Eskalationskontakte"),
        rows=3,
        required=False,
        help_text=_("Eine E-Mail-Adresse je Zeile; ohne Angabe Ihre Kontaktadresse."),
    )
    management_emails = _text(
        _("Geschäftsführung (Eskalationsstufe 3)"),
        rows=2,
        required=False,
        help_text=_("Eine E-Mail-Adresse je Zeile."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=_("z. B. 08:00–17:00 oder 08:00–12:00, 13:00–17:00; leer = geschlossen")
                if day == 0
                else "",
            )
        self.order_fields([f"hours_{day}" for day in range(7)])

    @staticmethod
    def initial_for(desk: Any) -> dict[str, Any]:
        hours = desk.hours if desk is not None else None
        if hours is None:
            from support.models import default_service_hours

            hours = default_service_hours()
        initial = {f"hours_{day}": _period_text(hours.get(str(day), [])) for day in range(7)}
        if desk is not None:
            initial["federal_state"] = desk.federal_state
            initial["escalation_emails"] = "\n".join(desk.escalation_emails)
            initial["management_emails"] = "\n".join(desk.management_emails)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for day in range(7):
            text = data.get(f"hours_{day}", "") or ""
            periods = []
            for part in text.replace(";", ",").split(","):
                if part.strip():
                    start, _sep, end = part.replace("–", "-").partition("-")
                    periods.append([start.strip(), end.strip()])
            if periods:
                hours[str(day)] = periods
        try:
            data["hours"] = stored_hours(parse_hours(hours))
        except Exception:
            self.add_error(
                "hours_0", _("Bitte Zeiträume als HH:MM–HH:MM angeben, mehrere mit Komma.")
            )
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "hours": data["hours"],
            "federal_state": data["federal_state"],
            "escalation_emails": data["escalation_emails"].split(),
            "management_emails": data["management_emails"].split(),
        }


class CustomerSupportForm(forms.Form):
    """The customer's support PIN (set, changed or removed; never shown) and whether its end
    users open tickets (the customer admin's own decision)."""

    support_pin = forms.CharField(
        label=_("Neue Support-PIN"),
        required=False,
        max_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "inputmode": "numeric"}),
        help_text=_("4 bis 8 Ziffern; leer lassen, um die bisherige zu behalten."),
    )
    remove_pin = forms.BooleanField(
        label=_("Support-PIN entfernen"), required=False, widget=forms.CheckboxInput(CHECK)
    )
    end_users_may_open_tickets = forms.BooleanField(
        label=_("Benutzer dürfen selbst Tickets eröffnen"),
        required=False,
        widget=forms.CheckboxInput(CHECK),
    )

    def __init__(self, *args: Any, decides_end_users: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not decides_end_users:
            del self.fields["end_users_may_open_tickets"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove_pin") and data.get("support_pin"):
            raise ValidationError(_("Bitte entweder eine neue PIN eingeben oder sie entfernen."))
        return data

    def service_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.cleaned_data["remove_pin"]:
            data["support_pin"] = ""
        elif self.cleaned_data["support_pin"]:
            data["support_pin"] = self.cleaned_data["support_pin"]
        if "end_users_may_open_tickets" in self.fields:
            data["end_users_may_open_tickets"] = self.cleaned_data["end_users_may_open_tickets"]
        return data
