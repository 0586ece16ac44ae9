"""Forms of the finance pages (BIL-1 … BIL-6): invoice filters, billing runs, credit notes,
exports, the platform's invoicing data and price lists.

The rules of billing stay in ``billing.services``; their ``ApplicationError`` is put beside
the named field in the portal's words (:data:`FINANCE_MESSAGES`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billing.models import (
    InvoiceKind,
    InvoiceState,
    IssuerProfile,
    PaymentState,
    PriceItem,
)
from billing.money import parse_month

# Refusals of the billing services, in the portal's words (the services speak English).
FINANCE_MESSAGES: dict[str, Any] = {
    "month_not_over": _("Abgerechnet werden kann nur ein Monat, der schon vorbei ist."),
    "issuer_not_configured": _(
        "Die Rechnungsdaten der Plattform (Firma, Anschrift, USt-IdNr.) fehlen noch. "
        "Bitte tragen Sie sie unter „Rechnungssteller“ ein."
    ),
    "invoice_final": _("Diese Rechnung ist bereits ausgestellt und kann nicht geändert werden."),
    "invoice_invalid": _(
        "Die E-Rechnung besteht die Prüfung nicht; die Rechnung bleibt ein Entwurf. "
        "Die Befunde stehen bei der Rechnung."
    ),
    "not_correctable": _("Nur eine ausgestellte Rechnung kann gutgeschrieben werden."),
    "unknown_position": _("Diese Position gibt es auf der Rechnung nicht."),
    "already_credited": _("Diese Positionen wurden bereits gutgeschrieben."),
    "issuer_required": _("Ein DATEV-Stapel gilt für genau einen Rechnungssteller."),
    "invalid_validity": _("„gültig bis“ liegt vor „gültig ab“."),
    "price_missing": _("Bitte geben Sie für jede monatliche Position einen Preis an."),
}

FORMAT_CHOICES = [
    ("datev", _("DATEV-Buchungsstapel (CSV)")),
    ("csv", _("Rechnungspositionen (CSV)")),
    ("zip", _("Alle PDFs (ZIP)")),
]


def _month_value(value: str) -> dt.date:
    try:
        return parse_month(value)
    except ValueError:
        raise ValidationError(_("Bitte einen Monat wie 2026-10 angeben."), code="month") from None


class MonthField(forms.CharField):
    """A month as ``2026-10`` (a native month picker where the browser has one)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return _month_value(text)


class InvoiceFilterForm(forms.Form):
    """Filters of the invoice list; all optional, submitted as GET."""

    month = MonthField(label=_("Leistungsmonat"), required=False)
    issuer = forms.ChoiceField(label=_("Rechnungssteller"), required=False)
    buyer = forms.CharField(label=_("Empfänger"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), *InvoiceState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle")), *InvoiceKind.choices]
    )
    payment_state = forms.ChoiceField(
        label=_("Zahlung"), required=False, choices=[("", _("alle")), *PaymentState.choices]
    )

    def __init__(self, *args: Any, issuers: list[tuple[str, str]], drafts: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [("", _("alle")), *issuers]  # type: ignore[attr-defined]
        if not drafts:
            del self.fields["state"]


class BillingRunForm(forms.Form):
    month = MonthField(
        label=_("Abrechnungsmonat"), help_text=_("Ein vergangener Monat, z. B. 2026-10.")
    )
    issue = forms.BooleanField(
        label=_("Rechnungen sofort ausstellen"),
        required=False,
        initial=True,
        help_text=_("Ohne Haken bleiben die Rechnungen Entwürfe, bis Sie sie ausstellen."),
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Grund der Korrektur"), max_length=200)
    positions = forms.TypedMultipleChoiceField(
        label=_("Positionen"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Die gewählten Positionen werden in voller Höhe gutgeschrieben."),
    )

    def __init__(self, *args: Any, positions: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["positions"]
        field.choices = positions  # type: ignore[attr-defined]
        field.initial = [number for number, _label in positions]


class ExportForm(forms.Form):
    month = MonthField(label=_("Leistungsmonat"))
    issuer = forms.ChoiceField(label=_("Rechnungssteller"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)

    def __init__(self, *args: Any, issuers: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [("all", _("alle")), *issuers]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") == "datev" and data.get("issuer") == "all":
            self.add_error("issuer", FINANCE_MESSAGES["issuer_required"])
        return data


class IssuerProfileForm(forms.ModelForm):
    """The platform's own invoicing data; billing refuses to run until it is complete."""

    class Meta:
        model = IssuerProfile
        fields = [
            "company_name",
            "street",
            "postal_code",
            "city",
            "country",
            "vat_id",
            "tax_number",
            "email",
            "iban",
            "bic",
            "bank_name",
            "payment_terms_days",
            "datev_consultant_number",
            "datev_client_number",
            "datev_revenue_account",
            "datev_reverse_charge_account",
            "datev_debtor_account",
        ]
        labels = {
            "datev_consultant_number": _("DATEV-Beraternummer"),
            "datev_client_number": _("DATEV-Mandantennummer"),
            "datev_revenue_account": _("Erlöskonto (19 %)"),
            "datev_reverse_charge_account": _("Erlöskonto (Reverse Charge)"),
            "datev_debtor_account": _("Debitorenkonto"),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("company_name", "street", "postal_code", "city", "vat_id"):
            self.fields[name].required = True


class PriceListForm(forms.Form):
    """Name, end and the net prices (euros) of a price list."""

    name = forms.CharField(label=_("Bezeichnung"), max_length=100)
    valid_until = forms.DateField(
        label=_("gültig bis (einschließlich)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, prices: dict[str, Decimal], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for item in PriceItem:
            self.fields[f"price_{item.value}"] = forms.DecimalField(
                label=item.label,
                required=False,
                min_value=Decimal("0"),
                max_digits=9,
                decimal_places=2,
                initial=prices.get(item.value),
                localize=True,
            )

    def price_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("price_")]

    def prices(self) -> dict[str, Decimal]:
        return {
            name.removeprefix("price_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("price_") and value is not None
        }
