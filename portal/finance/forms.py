"""Forms of the finance pages (BIL-1 … BIL-6): invoice filters, billing runs, credit notes,
exports, the invoicing data of the platform and of resellers, price lists, one-time fees and
payment methods.

The rules of billing stay in ``billing.services``; their ``ApplicationError`` is put beside
the named field by ``portal.refusals``, in the words of the one catalogue of messages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from billing.models import (
    MONTHLY_ITEMS,
    ONE_TIME_ITEMS,
    InvoiceKind,
    InvoiceState,
    IssuerProfile,
    PaymentState,
    PriceItem,
    PriceListKind,
)
from billing.money import BERLIN, next_month, parse_month
from billing.permissions import PLATFORM_ISSUER_EDITORS
from billing.validators import normalize_bic, normalize_iban, validate_bic, validate_iban
from provisioning.models import Customer, Reseller, Role


def issuer_editor_roles() -> str:
    """The roles that may enter the platform's invoicing data, by name (who to ask)."""
    names = sorted(str(Role(role).label) for role in PLATFORM_ISSUER_EDITORS)
    return " / ".join(names)


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


CONFIRMED = "yes"
"""The value of the ``confirmed`` field that the confirmation step's button sends: issuing
(a number taken, the invoice final) happens only with it."""


def confirmed(data: Any) -> bool:
    """Whether a POST carries the confirmation to issue invoices."""
    return data.get("confirmed") == CONFIRMED


class BillingRunForm(forms.Form):
    month = MonthField(
        label=_("Abrechnungsmonat"), help_text=_("Ein vergangener Monat, z. B. 2026-10.")
    )
    issue = forms.BooleanField(
        label=_("Rechnungen sofort ausstellen"),
        required=False,
        initial=True,
        help_text=_(
            "Ohne Haken bleiben die Rechnungen Entwürfe, bis Sie sie ausstellen. Mit Haken "
            "fragt das Portal vor dem Ausstellen noch einmal nach."
        ),
    )

    def needs_confirmation(self, data: Any) -> bool:
        """Starting with immediate issuing waits for the confirmation step (a clerk who
        wanted drafts must not issue final invoices by accident)."""
        return bool(self.cleaned_data.get("issue")) and not confirmed(data)


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
    format = forms.ChoiceField(
        label=_("Format"),
        choices=FORMAT_CHOICES,
        help_text=_("DATEV für alle Rechnungssteller: ein ZIP mit einem Stapel je Steller."),
    )

    def __init__(self, *args: Any, issuers: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [("all", _("alle")), *issuers]  # type: ignore[attr-defined]


class _BankFieldsMixin:
    """IBAN and BIC as printed on invoices: spaces removed, upper case, check digits valid."""

    cleaned_data: dict[str, Any]

    def clean_iban(self) -> str:
        value = normalize_iban(self.cleaned_data.get("iban", ""))
        validate_iban(value)
        return value

    def clean_bic(self) -> str:
        value = normalize_bic(self.cleaned_data.get("bic", ""))
        validate_bic(value)
        return value


DATEV_LABELS: dict[str, Any] = {
    "datev_consultant_number": _("DATEV-Beraternummer"),
    "datev_client_number": _("DATEV-Mandantennummer"),
    "datev_revenue_account": _("Erlöskonto (19 %)"),
    "datev_reverse_charge_account": _("Erlöskonto (Reverse Charge)"),
    "datev_debtor_account": _("Debitorenkonto"),
}


class IssuerProfileForm(_BankFieldsMixin, forms.ModelForm):
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
        labels = DATEV_LABELS

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


class ResellerIssuerProfileForm(_BankFieldsMixin, forms.ModelForm):
    """What a reseller maintains for its retail invoices; its name, address and VAT id come
    from the reseller record."""

    class Meta:
        model = IssuerProfile
        fields = ["tax_number", "email", "iban", "bic", "bank_name", "payment_terms_days"]
        help_texts = {
            "tax_number": _(
                "Steuernummer beim Finanzamt; steht neben der USt-IdNr. auf der Rechnung."
            ),
            "iban": _("Das Konto, auf das Ihre Kunden überweisen."),
            "payment_terms_days": _("Tage ab Rechnungsdatum bis zur Fälligkeit."),
        }

    def __init__(
        self, *args: Any, contact_email: str = "", with_datev: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if with_datev:
            # The platform exports the reseller's DATEV batch; the reseller never sees these.
            extra = forms.fields_for_model(
                IssuerProfile, fields=list(DATEV_LABELS), labels=DATEV_LABELS
            )
            for name, field in extra.items():
                field.initial = getattr(self.instance, name)
                field.required = False  # left empty: keep the stored number
                self.fields[name] = field

        self.fields["email"].help_text = _(
            "Leer lassen, um die Kontakt-E-Mail des Resellers (%(email)s) zu drucken."
        ) % {"email": contact_email or "–"}
        terms = self.fields["payment_terms_days"]
        terms.validators.append(MaxValueValidator(365))
        terms.widget.attrs["max"] = 365

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in DATEV_LABELS:
            if name in cleaned and cleaned[name] is None:
                del cleaned[name]
        return cleaned


def _new_list_start() -> dt.date:
    """A new price list usually starts with the next month (prices apply per whole month)."""
    return next_month(dt.datetime.now(BERLIN).date())


class PriceListCreateForm(PriceListForm):
    """A new price list: platform staff choose kind and reseller; a reseller admin's list is
    always a retail list of its own reseller (the view fixes both)."""

    valid_from = forms.DateField(
        label=_("gültig ab"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Für einen Monat gilt die Liste, die an seinem Ersten gilt; "
            "eine Liste ab dem 15. gilt also ab dem Folgemonat."
        ),
    )
    field_order = ["kind", "reseller", "name", "valid_from", "valid_until"]

    def __init__(
        self,
        *args: Any,
        prices: dict[str, Decimal],
        resellers: QuerySet[Reseller] | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("valid_from", _new_list_start())
        super().__init__(*args, prices=prices, **kwargs)
        if resellers is not None:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Art"), choices=PriceListKind.choices, initial=PriceListKind.WHOLESALE
            )
            self.fields["reseller"] = forms.ModelChoiceField(
                label=_("Reseller"),
                queryset=resellers,
                required=False,
                empty_label=_("– keiner (Standard-Einkaufspreise) –"),
                help_text=_(
                    "Leer lassen für die Standard-Einkaufspreise. Einkaufspreise eines "
                    "Resellers ersetzen die Standardliste nur für die angegebenen Positionen; "
                    "Verkaufspreise gehören immer zu einem Reseller."
                ),
            )
            self.order_fields(self.field_order)

    def head_fields(self) -> list[forms.BoundField]:
        names = ["kind", "reseller", "name", "valid_from", "valid_until"]
        return [self[name] for name in names if name in self.fields]

    def empty_monthly_price_fields(self) -> list[str]:
        """The monthly items left without a price (where a service refusal about missing
        prices belongs)."""
        data = getattr(self, "cleaned_data", {})
        return [
            f"price_{item.value}"
            for item in MONTHLY_ITEMS
            if data.get(f"price_{item.value}") is None
        ]


class OneTimeChargeForm(forms.Form):
    """A one-time fee for a customer, billed in the month of its date (Europe/Berlin)."""

    customer = forms.ModelChoiceField(label=_("Kunde"), queryset=Customer.objects.none())
    item = forms.ChoiceField(
        label=_("Position"), choices=[(item.value, item.label) for item in ONE_TIME_ITEMS]
    )
    quantity = forms.DecimalField(
        label=_("Menge"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        localize=True,
        initial=Decimal("1"),
        help_text=_("Stück, bei Arbeiten vor Ort Stunden (z. B. 1,5)."),
        error_messages={"min_value": _("Die Menge muss größer als 0 sein.")},
    )
    occurred_on = forms.DateField(
        label=_("erbracht am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Berechnet mit der Abrechnung dieses Monats."),
    )
    description = forms.CharField(label=_("Beschreibung"), max_length=200, required=False)

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        field.queryset = customers.select_related("reseller").order_by(  # type: ignore[attr-defined]
            "reseller__company_name", "company_name"
        )
        field.label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.company_name} ({c.reseller.company_name})"
        )

    def occurred_at(self) -> dt.datetime:
        """Noon in Berlin on the chosen day: inside that day and month whatever the DST."""
        day: dt.date = self.cleaned_data["occurred_on"]
        return dt.datetime.combine(day, dt.time(12), tzinfo=BERLIN)


PAYMENT_METHOD_CHOICES = [
    ("card", _("Karte (Zahlungsmethoden-ID von Stripe)")),
    ("sepa_debit", _("SEPA-Lastschrift (Mandat aus IBAN)")),
]


class PaymentAccountForm(forms.Form):
    """The default payment method of a reseller or customer: a Stripe card payment method id
    or a SEPA direct-debit mandate created from an IBAN."""

    buyer = forms.ChoiceField(label=_("Zahler"))
    method = forms.ChoiceField(
        label=_("Zahlungsart"),
        choices=PAYMENT_METHOD_CHOICES,
        initial="card",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    payment_method = forms.CharField(
        label=_("Zahlungsmethoden-ID"),
        max_length=100,
        required=False,
        help_text=_("Die ID einer Karte bei Stripe, z. B. pm_card_visa."),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        help_text=_("Stripe legt damit ein SEPA-Lastschriftmandat an."),
    )

    def __init__(
        self,
        *args: Any,
        resellers: QuerySet[Reseller],
        customers: QuerySet[Customer],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._resellers = {str(r.pk): r for r in resellers.order_by("company_name")}
        self._customers = {
            str(c.pk): c
            for c in customers.select_related("reseller").order_by(
                "reseller__company_name", "company_name"
            )
        }
        self.fields["buyer"].choices = [  # type: ignore[attr-defined]
            ("", "–"),
            (
                _("Reseller"),
                [(f"reseller:{pk}", r.company_name) for pk, r in self._resellers.items()],
            ),
            (
                _("Kunden"),
                [
                    (f"customer:{pk}", f"{c.company_name} ({c.reseller.company_name})")
                    for pk, c in self._customers.items()
                ],
            ),
        ]

    def resolve(self, value: str | None) -> Reseller | Customer | None:
        """The buyer named by ``reseller:<id>`` or ``customer:<id>`` among the visible ones."""
        kind, _sep, pk = (value or "").partition(":")
        if kind == "reseller":
            return self._resellers.get(pk)
        if kind == "customer":
            return self._customers.get(pk)
        return None

    def clean_buyer(self) -> Reseller | Customer:
        buyer = self.resolve(self.cleaned_data.get("buyer"))
        if buyer is None:
            raise ValidationError(_("Bitte wählen Sie einen Reseller oder Kunden."), code="buyer")
        return buyer

    def clean_iban(self) -> str:
        value = normalize_iban(self.cleaned_data.get("iban", ""))
        validate_iban(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == "card":
            value = (data.get("payment_method") or "").strip()
            if not value:
                self.add_error("payment_method", _("Bitte geben Sie die ID der Karte an."))
            elif not value.startswith("pm_"):
                self.add_error(
                    "payment_method",
                    _("Eine Zahlungsmethoden-ID beginnt mit pm_, z. B. pm_card_visa."),
                )
            data["payment_method"] = value
        elif method == "sepa_debit" and not data.get("iban") and "iban" not in self.errors:
            self.add_error("iban", _("Bitte geben Sie die IBAN für das Lastschriftmandat an."))
        return data
