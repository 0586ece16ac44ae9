"""Models of billing: price lists and one-time charges (BIL-2, BIL-3), issuer profiles, billing
runs, invoices and credit notes with gapless numbering (BIL-4, BIL-5), and payments (BIL-6).

Money is stored in integer cents; the domain works in ``Decimal`` (see ``billing.money``).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from provisioning.errors import ApplicationError
from provisioning.models import (
    NO_AUDIT_SCOPE,
    AuditScope,
    CreatedModel,
    Customer,
    CustomerOwnedModel,
    LicenseType,
    Reseller,
    TenantPath,
    TimestampedModel,
    customer_key,
)
from provisioning.validators import clean_postal_code

PLATFORM = "platform"
"""The issuer key of the platform; a reseller's issuer key is its id as a string."""


class PriceItem(models.TextChoices):
    """Everything that can carry a price: the monthly licenses and the one-time fees."""

    GRUNDLIZENZ = LicenseType.GRUNDLIZENZ.value, "Grundlizenz"
    ERWEITERTE_GRUNDLIZENZ = LicenseType.ERWEITERTE_GRUNDLIZENZ.value, "Erweiterte Grundlizenz"
    WEITERER_STANDORT = LicenseType.WEITERER_STANDORT.value, "Weiterer Standort"
    KLARE_STIMME = LicenseType.KLARE_STIMME.value, "Klare stimme"
    KLINGENDE_STIMME = LicenseType.KLINGENDE_STIMME.value, "Klingende stimme"
    VOLLE_STIMME = LicenseType.VOLLE_STIMME.value, "Volle stimme"
    EXTRA_HUNT_GROUP = "extra_hunt_group", "Weitere Sammelrufgruppe (Einrichtung)"
    CUSTOM_AUDIO = "custom_audio", "Eigene Wartemusik / Ansage (Einrichtung)"
    ISDN_GATEWAY = "isdn_gateway", "ISDN-Gateway (Einrichtung)"
    ONSITE_HOUR = "onsite_hour", "Arbeiten vor Ort (je Stunde)"


MONTHLY_ITEMS = (
    PriceItem.GRUNDLIZENZ,
    PriceItem.ERWEITERTE_GRUNDLIZENZ,
    PriceItem.WEITERER_STANDORT,
    PriceItem.KLARE_STIMME,
    PriceItem.KLINGENDE_STIMME,
    PriceItem.VOLLE_STIMME,
)
ONE_TIME_ITEMS = (
    PriceItem.EXTRA_HUNT_GROUP,
    PriceItem.CUSTOM_AUDIO,
    PriceItem.ISDN_GATEWAY,
    PriceItem.ONSITE_HOUR,
)
UNIT_CODES: dict[str, str] = {PriceItem.ONSITE_HOUR: "HUR"}
"""UN/ECE rec. 20 unit per item for the e-invoice; everything else is a piece (C62)."""


class PriceListKind(models.TextChoices):
    WHOLESALE = "wholesale", _("Einkaufspreise (Plattform → Reseller)")
    RETAIL = "retail", _("Verkaufspreise (Reseller → Kunde)")


class PriceList(TimestampedModel):
    """A set of prices valid from a date (BIL-2, BIL-3).

    Wholesale lists are the platform's prices to resellers: the default list has no reseller,
    a reseller-specific list overrides it item by item. Retail lists are a reseller's prices
    to its customers. For a billed month the list in force on the first day of the month
    applies (the latest ``valid_from`` not after it, not ended before it).
    """

    kind = models.CharField(_("Art"), max_length=10, choices=PriceListKind.choices)
    reseller = models.ForeignKey(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="price_lists",
        verbose_name=_("Reseller"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis (einschließlich)"), null=True, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath(reseller="reseller_id", customer=None)
    audit_scope: ClassVar[AuditScope] = ("reseller_id", None)

    class Meta:
        ordering = ["kind", "reseller_id", "-valid_from"]
        verbose_name = _("Preisliste")
        verbose_name_plural = _("Preislisten")
        constraints = [
            models.CheckConstraint(
                name="pricelist_retail_has_reseller",
                condition=models.Q(kind="wholesale") | models.Q(reseller__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "reseller", "valid_from"], name="pricelist_one_per_start"
            ),
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                condition=models.Q(reseller__isnull=True),
                name="pricelist_one_default_per_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d.%m.%Y})"


class Price(models.Model):
    """One item's net price in a price list, in cents (per month or per unit for fees)."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="prices", verbose_name=_("Preisliste")
    )
    item = models.CharField(_("Position"), max_length=30, choices=PriceItem.choices)
    amount_cents = models.PositiveIntegerField(_("Nettopreis (Cent)"))

    tenant: ClassVar[TenantPath] = TenantPath(reseller="price_list__reseller_id", customer=None)
    audit_scope: ClassVar[AuditScope] = ("price_list.reseller_id", None)

    class Meta:
        ordering = ["price_list", "item"]
        verbose_name = _("Preis")
        verbose_name_plural = _("Preise")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "item"], name="price_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.amount_cents / 100:.2f} €"


class OneTimeCharge(CustomerOwnedModel, CreatedModel):
    """A one-time fee to bill a customer in the month it occurred (BIL-3).

    Finance or staff record them by hand (on-site work 3 h); other parts of the platform create
    them for events (an extra hunt group) with a ``source_key`` that makes the creation
    idempotent. Billed on the wholesale invoice of the reseller and the retail invoice of the
    customer of the month of ``occurred_at`` (Europe/Berlin).
    """

    customer = customer_key("one_time_charges")
    item = models.CharField(
        _("Position"),
        max_length=30,
        choices=[(i.value, i.label) for i in ONE_TIME_ITEMS],
    )
    quantity = models.DecimalField(_("Menge"), max_digits=9, decimal_places=2)
    occurred_at = models.DateTimeField(_("erbracht am"))
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    source_key = models.CharField(
        _("Auslösendes Ereignis"), max_length=100, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst von"),
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("Einmalige Gebühr")
        verbose_name_plural = _("Einmalige Gebühren")
        indexes = [models.Index(fields=["occurred_at", "customer"], name="charge_time_customer")]
        constraints = [
            models.CheckConstraint(
                name="charge_quantity_positive", condition=models.Q(quantity__gt=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} × {self.quantity}"


class IssuerProfile(models.Model):
    """What an issuer prints on its invoices beyond the tenant record: bank account, payment
    terms, tax number, DATEV numbers. The platform's row (``issuer_key = "platform"``) also
    carries the platform's own name, address and VAT id, which no other record holds."""

    issuer_key = models.CharField(_("Rechnungssteller-Kennung"), max_length=36, unique=True)
    reseller = models.OneToOneField(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issuer_profile",
        verbose_name=_("Reseller"),
    )
    company_name = models.CharField(_("Firma"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    country = models.CharField(_("Land"), max_length=2, default="DE")
    vat_id = models.CharField(_("USt-IdNr."), max_length=20, blank=True)
    tax_number = models.CharField(_("Steuernummer"), max_length=30, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("Zahlungsziel (Tage)"), default=14)
    datev_consultant_number = models.PositiveIntegerField(_("DATEV-Beraternummer"), default=1001)
    datev_client_number = models.PositiveIntegerField(_("DATEV-Mandantennummer"), default=1)
    datev_revenue_account = models.PositiveIntegerField(_("Erlöskonto (19 %)"), default=8400)
    datev_reverse_charge_account = models.PositiveIntegerField(
        _("Erlöskonto (Reverse Charge)"), default=8336
    )
    datev_debtor_account = models.PositiveIntegerField(_("Debitorenkonto"), default=10000)
    updated_at = models.DateTimeField(_("Geändert"), auto_now=True)

    tenant: ClassVar[TenantPath] = TenantPath(reseller="reseller_id", customer=None)
    audit_scope: ClassVar[AuditScope] = ("reseller_id", None)

    class Meta:
        verbose_name = _("Rechnungssteller")
        verbose_name_plural = _("Rechnungssteller")

    def __str__(self) -> str:
        return self.company_name or self.issuer_key

    def clean(self) -> None:
        """A stored postcode fits the country (German: five digits)."""
        super().clean()
        clean_postal_code(self, loose=True)


class RunState(models.TextChoices):
    PENDING = "pending", _("wartet")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("abgebrochen")


class BillingRun(CreatedModel):
    """The monthly billing of one month (BIL-1, BIL-4): at most one real run per month.

    A run is claimed with a conditional update (pending/failed/stale → running), so two
    workers never bill at once; each buyer's invoice is created and issued in its own
    transaction under a unique key, so a run killed halfway resumes where it stopped.
    """

    month = models.DateField(_("Monat"), unique=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=RunState.choices, default=RunState.PENDING
    )
    issue = models.BooleanField(_("Rechnungen sofort ausstellen"), default=True)
    total = models.PositiveIntegerField(_("Rechnungsempfänger gesamt"), default=0)
    done = models.PositiveIntegerField(_("Rechnungsempfänger erledigt"), default=0)
    problems = models.JSONField(_("Probleme"), default=list, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gestartet von"),
    )
    started_at = models.DateTimeField(_("gestartet"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("letztes Lebenszeichen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath(reseller=None, customer=None)
    audit_scope: ClassVar[AuditScope] = NO_AUDIT_SCOPE

    class Meta:
        ordering = ["-month"]
        verbose_name = _("Abrechnungslauf")
        verbose_name_plural = _("Abrechnungsläufe")

    def __str__(self) -> str:
        return f"Abrechnung {self.month:%m/%Y}"


class InvoiceKind(models.TextChoices):
    WHOLESALE = "wholesale", _("Plattform → Reseller")
    RETAIL = "retail", _("Reseller → Kunde")


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Rechnung")
    CREDIT_NOTE = "credit_note", _("Gutschrift / Rechnungskorrektur")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    FINAL = "final", _("ausgestellt")


class PaymentState(models.TextChoices):
    OPEN = "open", _("offen")
    PENDING = "pending", _("Zahlung läuft")
    PAID = "paid", _("bezahlt")
    FAILED = "failed", _("Zahlung fehlgeschlagen")


IMMUTABLE_WHEN_FINAL = frozenset(
    {
        "document_type",
        "kind",
        "issuer_key",
        "issuer_reseller_id",
        "buyer_reseller_id",
        "buyer_customer_id",
        "month",
        "number",
        "sequence",
        "issued_on",
        "due_on",
        "seller",
        "buyer",
        "net_cents",
        "tax_cents",
        "gross_cents",
        "reverse_charge",
        "corrects_id",
        "xml",
        "pdf",
        "state",
    }
)
"""Fields a final invoice never changes (BIL-5); only payment fields may still move."""


class Invoice(TimestampedModel):
    """An invoice or credit note (BIL-4, BIL-5), the legal record of what was billed.

    The issuer is the platform (wholesale, to a reseller) or a reseller (retail, to one of its
    customers). Seller and buyer data are copied at creation, so later edits of a reseller or
    customer never change an issued document. Finalizing assigns the next number of the
    issuer's gapless series and stores the PDF/A-3 with its embedded EN 16931 XML; from then on
    the row is immutable (model guard, service rule and, on PostgreSQL, a trigger).
    """

    document_type = models.CharField(
        _("Belegart"), max_length=12, choices=DocumentType.choices, default=DocumentType.INVOICE
    )
    kind = models.CharField(_("Art"), max_length=10, choices=InvoiceKind.choices)
    issuer_key = models.CharField(_("Rechnungssteller-Kennung"), max_length=36)
    issuer_reseller = models.ForeignKey(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_invoices",
        verbose_name=_("Rechnungssteller (Reseller)"),
    )
    buyer_reseller = models.ForeignKey(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_invoices",
        verbose_name=_("Empfänger (Reseller)"),
    )
    # No single-column indexes for these two: (buyer_customer, month) and (reseller, month)
    # below serve every lookup, and each index costs the monthly run thousands of inserts.
    buyer_customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        db_index=False,
        verbose_name=_("Empfänger (Kunde)"),
    )
    reseller = models.ForeignKey(
        Reseller,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the reseller involved",
        db_index=False,
        verbose_name=_("Beteiligter Reseller"),
    )
    billing_run = models.ForeignKey(
        BillingRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("Abrechnungslauf"),
    )
    month = models.DateField(_("Leistungsmonat"))
    period_start = models.DateField(_("Leistungszeitraum von"))
    period_end = models.DateField(_("Leistungszeitraum bis"))
    state = models.CharField(
        _("Status"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    # NULL (not ""): a draft has no number yet, and the constraints test exactly that.
    number = models.CharField(_("Rechnungsnummer"), max_length=40, null=True, blank=True)  # noqa: DJ001
    sequence = models.PositiveIntegerField(_("Laufende Nummer"), null=True, blank=True)
    issued_on = models.DateField(_("Rechnungsdatum"), null=True, blank=True)
    due_on = models.DateField(_("fällig am"), null=True, blank=True)
    seller = models.JSONField(_("Angaben zum Rechnungssteller"), default=dict)
    buyer = models.JSONField(_("Angaben zum Empfänger"), default=dict)
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    net_cents = models.BigIntegerField(_("Netto (Cent)"), default=0)
    tax_cents = models.BigIntegerField(_("Umsatzsteuer (Cent)"), default=0)
    gross_cents = models.BigIntegerField(_("Brutto (Cent)"), default=0)
    reverse_charge = models.BooleanField(
        _("Steuerschuldnerschaft des Leistungsempfängers"), default=False
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        verbose_name=_("Korrigierte Rechnung"),
    )
    reason = models.CharField(_("Grund der Korrektur"), max_length=200, blank=True)
    validation_errors = models.JSONField(_("Prüffehler der E-Rechnung"), default=list, blank=True)
    xml = models.TextField(_("E-Rechnung (XML)"), blank=True)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    payment_state = models.CharField(
        _("Zahlungsstatus"), max_length=10, choices=PaymentState.choices, default=PaymentState.OPEN
    )
    paid_at = models.DateTimeField(_("bezahlt am"), null=True, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath(reseller="reseller_id", customer="buyer_customer_id")
    audit_scope: ClassVar[AuditScope] = ("reseller_id", "buyer_customer_id")

    class Meta:
        ordering = ["-month", "issuer_key", "sequence", "id"]
        verbose_name = _("Rechnung")
        verbose_name_plural = _("Rechnungen")
        constraints = [
            # One invoice per buyer and month for each kind (the run's idempotency key).
            models.UniqueConstraint(
                fields=["kind", "buyer_reseller", "month"],
                condition=models.Q(document_type="invoice", kind="wholesale"),
                name="invoice_one_wholesale_per_reseller_month",
            ),
            models.UniqueConstraint(
                fields=["kind", "buyer_customer", "month"],
                condition=models.Q(document_type="invoice", kind="retail"),
                name="invoice_one_retail_per_customer_month",
            ),
            models.UniqueConstraint(
                fields=["issuer_key", "document_type", "sequence"],
                name="invoice_unique_number_per_series",
            ),
            models.CheckConstraint(
                name="invoice_final_has_number",
                condition=models.Q(state="draft")
                | models.Q(number__isnull=False, sequence__isnull=False, issued_on__isnull=False),
            ),
            models.CheckConstraint(
                name="invoice_buyer_matches_kind",
                condition=models.Q(
                    kind="wholesale", buyer_reseller__isnull=False, buyer_customer__isnull=True
                )
                | models.Q(
                    kind="retail", buyer_customer__isnull=False, buyer_reseller__isnull=True
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["month", "issuer_key", "state"], name="invoice_month_issuer"),
            models.Index(fields=["reseller", "month"], name="invoice_reseller_month"),
            models.Index(fields=["buyer_customer", "month"], name="invoice_customer_month"),
        ]

    def __str__(self) -> str:
        label = self.get_document_type_display()
        return f"{label} {self.number or '(Entwurf)'} {self.month:%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded: dict[str, Any] = getattr(self, "_loaded", {})
        if loaded.get("state") == InvoiceState.FINAL:
            changed = [name for name, old in loaded.items() if getattr(self, name) != old]
            if changed:
                raise ApplicationError(
                    "invoice_final", "A final invoice cannot be changed.", status=409
                )
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name) for name in IMMUTABLE_WHEN_FINAL}

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.state == InvoiceState.FINAL:
            raise ApplicationError(
                "invoice_final", "A final invoice cannot be deleted.", status=409
            )
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Invoice:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded = {
            name: getattr(instance, name) for name in IMMUTABLE_WHEN_FINAL if name in field_names
        }
        return instance

    @property
    def is_final(self) -> bool:
        return self.state == InvoiceState.FINAL

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == DocumentType.CREDIT_NOTE

    @property
    def net(self) -> Decimal:
        return Decimal(self.net_cents) / 100

    @property
    def tax(self) -> Decimal:
        return Decimal(self.tax_cents) / 100

    @property
    def gross(self) -> Decimal:
        return Decimal(self.gross_cents) / 100


# Lines and payments belong to the invoice's reseller and buyer customer.
_OF_INVOICE = TenantPath(reseller="invoice__reseller_id", customer="invoice__buyer_customer_id")
_OF_INVOICE_SCOPE: AuditScope = ("invoice.reseller_id", "invoice.buyer_customer_id")


class InvoiceLine(models.Model):
    """One line of an invoice: an item for one customer, with quantity and net unit price."""

    # No index of its own: the unique (invoice, position) index serves lookups by invoice.
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
        verbose_name=_("Rechnung"),
    )
    position = models.PositiveIntegerField(_("Positionsnummer"))
    item = models.CharField(_("Position"), max_length=30, choices=PriceItem.choices)
    description = models.CharField(_("Beschreibung"), max_length=300)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Kunde"),
    )
    quantity = models.DecimalField(_("Menge"), max_digits=12, decimal_places=2)
    unit_price_cents = models.BigIntegerField(_("Einzelpreis (Cent)"))
    net_cents = models.BigIntegerField(_("Netto (Cent)"))
    vat_rate = models.DecimalField(_("Umsatzsteuersatz (%)"), max_digits=5, decimal_places=2)

    tenant: ClassVar[TenantPath] = _OF_INVOICE
    audit_scope: ClassVar[AuditScope] = _OF_INVOICE_SCOPE

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("Rechnungsposition")
        verbose_name_plural = _("Rechnungspositionen")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="line_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class NumberCounter(models.Model):
    """The last number used in one issuer's series (invoices or credit notes); locked with
    SELECT … FOR UPDATE while a number is assigned, so numbers are gapless."""

    issuer_key = models.CharField(_("Rechnungssteller-Kennung"), max_length=36)
    document_type = models.CharField(_("Belegart"), max_length=12, choices=DocumentType.choices)
    last_value = models.PositiveIntegerField(_("Zuletzt vergebene Nummer"), default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "document_type"], name="counter_one_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_key}/{self.document_type}: {self.last_value}"


class PaymentAccount(TimestampedModel):
    """The Stripe customer and default payment method (card or SEPA mandate) of a buyer."""

    reseller = models.OneToOneField(
        Reseller,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_account",
        verbose_name=_("Reseller"),
    )
    customer = models.OneToOneField(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_account",
        verbose_name=_("Kunde"),
    )
    stripe_customer_id = models.CharField(_("Stripe-Kunde"), max_length=100, unique=True)
    payment_method_id = models.CharField(_("Stripe-Zahlungsmethode"), max_length=100, blank=True)
    payment_method_type = models.CharField(_("Zahlungsart"), max_length=20, blank=True)

    tenant: ClassVar[TenantPath] = TenantPath(
        reseller="reseller_id", customer="customer_id", finance=True
    )
    audit_scope: ClassVar[AuditScope] = ("reseller_id", "customer_id")

    class Meta:
        verbose_name = _("Zahlungskonto")
        verbose_name_plural = _("Zahlungskonten")
        constraints = [
            models.CheckConstraint(
                name="payment_account_one_buyer",
                condition=models.Q(reseller__isnull=False, customer__isnull=True)
                | models.Q(reseller__isnull=True, customer__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.stripe_customer_id


class Payment(TimestampedModel):
    """One collection of an invoice's total through Stripe (a PaymentIntent)."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="payment", verbose_name=_("Rechnung")
    )
    stripe_payment_intent_id = models.CharField(
        _("Stripe-Zahlungsvorgang"), max_length=100, unique=True
    )
    amount_cents = models.BigIntegerField(_("Betrag (Cent)"))
    state = models.CharField(_("Status"), max_length=10, choices=PaymentState.choices)
    failure_message = models.CharField(_("Fehlermeldung"), max_length=300, blank=True)

    tenant: ClassVar[TenantPath] = _OF_INVOICE
    audit_scope: ClassVar[AuditScope] = _OF_INVOICE_SCOPE

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")

    def __str__(self) -> str:
        return f"{self.stripe_payment_intent_id} ({self.state})"


class WebhookEvent(models.Model):
    """A Stripe webhook event already handled; its id makes a replay change nothing."""

    event_id = models.CharField(_("Ereignis-ID"), max_length=100, primary_key=True)
    event_type = models.CharField(_("Ereignistyp"), max_length=100)
    received_at = models.DateTimeField(_("Empfangen"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook-Ereignis")
        verbose_name_plural = _("Webhook-Ereignisse")

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
