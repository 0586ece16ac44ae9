"""Input validation and output shapes of the billing API. Serializers validate; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from provisioning.api.fields import VisibleRelatedField
from provisioning.api.validation import PostalCodeMatchesCountry
from provisioning.models import Customer, Reseller
from provisioning.validators import validate_country, validate_vat_id

from ..models import (
    ONE_TIME_ITEMS,
    PLATFORM,
    BillingRun,
    DocumentType,
    Invoice,
    InvoiceLine,
    IssuerProfile,
    PriceItem,
    PriceList,
    PriceListKind,
)
from ..money import euros, parse_month
from ..selectors import billing_run_progress
from ..validators import normalize_bic, normalize_iban, validate_bic, validate_iban


class PricesField(serializers.DictField):
    """``{"klare_stimme": "4.90", ...}``: net euros per item, at most two decimals."""

    child = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"))

    def to_internal_value(self, data: Any) -> dict[str, Decimal]:
        value: dict[str, Decimal] = super().to_internal_value(data)
        unknown = sorted(set(value) - set(PriceItem.values))
        if unknown:
            raise serializers.ValidationError(f"unknown items: {', '.join(unknown)}")
        return value

    def to_representation(self, value: Any) -> dict[str, str]:
        return {p.item: str(euros(p.amount_cents)) for p in value.all()}


class PriceListSerializer(serializers.ModelSerializer):
    reseller = VisibleRelatedField(Reseller, required=False, allow_null=True)
    prices = PricesField()

    class Meta:
        model = PriceList
        fields = [
            "id",
            "kind",
            "reseller",
            "name",
            "valid_from",
            "valid_until",
            "prices",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        validators: list[Any] = []


class PriceListUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    valid_until = serializers.DateField(required=False)
    prices = PricesField(required=False)


class BillingRunSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    month = serializers.SerializerMethodField()

    class Meta:
        model = BillingRun
        fields = [
            "id", "month", "state", "issue", "progress", "error", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip

    def get_month(self, run: BillingRun) -> str:
        return f"{run.month:%Y-%m}"

    def get_progress(self, run: BillingRun) -> dict[str, Any]:
        return billing_run_progress(run)


class BillingRunCreateSerializer(serializers.Serializer):
    month = serializers.CharField()
    dry_run = serializers.BooleanField(default=False)
    issue = serializers.BooleanField(default=True, help_text="issue the invoices (else drafts)")

    def validate_month(self, value: str) -> Any:
        try:
            return parse_month(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class InvoiceLineSerializer(serializers.ModelSerializer):
    unit_price = serializers.SerializerMethodField()
    net = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceLine
        fields = [
            "position",
            "item",
            "description",
            "customer",
            "quantity",
            "unit_price",
            "net",
            "vat_rate",
        ]

    def get_unit_price(self, line: InvoiceLine) -> str:
        return str(euros(line.unit_price_cents))

    def get_net(self, line: InvoiceLine) -> str:
        return str(euros(line.net_cents))


class InvoiceSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    net = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()
    gross = serializers.SerializerMethodField()
    corrects = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id", "document_type", "kind", "number", "state", "month", "period_start",
            "period_end", "issued_on", "due_on", "issuer_key", "issuer_reseller",
            "buyer_reseller", "buyer_customer", "seller", "buyer", "currency", "net", "tax",
            "gross", "reverse_charge", "corrects", "reason", "validation_errors",
            "payment_state", "paid_at",
        ]  # fmt: skip

    def get_month(self, invoice: Invoice) -> str:
        return f"{invoice.month:%Y-%m}"

    def get_net(self, invoice: Invoice) -> str:
        return str(euros(invoice.net_cents))

    def get_tax(self, invoice: Invoice) -> str:
        return str(euros(invoice.tax_cents))

    def get_gross(self, invoice: Invoice) -> str:
        return str(euros(invoice.gross_cents))

    def get_corrects(self, invoice: Invoice) -> str | None:
        return str(invoice.corrects_id) if invoice.corrects_id else None


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines"]


class CreditNoteCreateSerializer(serializers.Serializer):
    invoice = VisibleRelatedField(Invoice.objects.filter(document_type=DocumentType.INVOICE))
    reason = serializers.CharField(max_length=200)
    positions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class OneTimeChargeSerializer(serializers.Serializer):
    customer = VisibleRelatedField(Customer)
    item = serializers.ChoiceField(choices=[(i.value, i.label) for i in ONE_TIME_ITEMS])
    quantity = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0.01"))
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=200, required=False, default="")


class ExportQuerySerializer(serializers.Serializer):
    month = serializers.CharField()
    format = serializers.ChoiceField(choices=["datev", "csv", "zip"])
    issuer = serializers.CharField(required=False, default="platform")

    def validate_month(self, value: str) -> Any:
        try:
            return parse_month(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


# Issuer profiles --------------------------------------------------------------------------

PARTY_FIELDS = ("company_name", "street", "postal_code", "city", "country", "vat_id")
"""Name, address and VAT id: the platform's are stored in its profile; a reseller's come from
the reseller record (changed there, read-only here)."""
BANK_FIELDS = ("tax_number", "email", "iban", "bic", "bank_name", "payment_terms_days")
"""What every issuer maintains for its own invoices."""
DATEV_FIELDS = (
    "datev_consultant_number",
    "datev_client_number",
    "datev_revenue_account",
    "datev_reverse_charge_account",
    "datev_debtor_account",
)


def issuer_profile_data(reseller: Reseller | None, profile: IssuerProfile | None) -> dict[str, Any]:
    """The invoicing data of the platform (``reseller=None``) or a reseller as the API shows
    it; an issuer without stored data shows the defaults its invoices would use."""
    stored = profile or IssuerProfile(issuer_key=PLATFORM if reseller is None else str(reseller.pk))
    party = {name: getattr(reseller if reseller else stored, name) for name in PARTY_FIELDS}
    return {
        "id": stored.issuer_key,
        "reseller": str(reseller.pk) if reseller else None,
        **party,
        **{name: getattr(stored, name) for name in BANK_FIELDS},
        **{name: getattr(stored, name) for name in DATEV_FIELDS},
        "updated_at": serializers.DateTimeField().to_representation(stored.updated_at)
        if profile is not None
        else None,
    }


class IssuerProfileSerializer(serializers.Serializer):
    """Output: ``id`` is ``"platform"`` or the reseller id. A reseller's name, address and VAT
    id come from its reseller record; an empty ``email`` prints the reseller's contact e-mail."""

    id = serializers.CharField()
    reseller = serializers.UUIDField(allow_null=True)
    company_name = serializers.CharField()
    street = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    vat_id = serializers.CharField()
    tax_number = serializers.CharField()
    email = serializers.CharField(help_text="An e-mail address, or empty where none is kept.")
    iban = serializers.CharField()
    bic = serializers.CharField()
    bank_name = serializers.CharField()
    payment_terms_days = serializers.IntegerField()
    datev_consultant_number = serializers.IntegerField()
    datev_client_number = serializers.IntegerField()
    datev_revenue_account = serializers.IntegerField()
    datev_reverse_charge_account = serializers.IntegerField()
    datev_debtor_account = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, IssuerProfile):
            return issuer_profile_data(instance.reseller, instance)
        return dict(instance)


class ResellerIssuerProfileInputSerializer(serializers.Serializer):
    """What a reseller maintains for its retail invoices. PUT replaces all of it (a missing
    field is emptied, the payment terms fall back to 14 days); PATCH changes what it names."""

    tax_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True, default="")
    bic = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    payment_terms_days = serializers.IntegerField(
        min_value=0, max_value=365, required=False, default=14
    )

    def validate_iban(self, value: str) -> str:
        value = normalize_iban(value)
        validate_iban(value)
        return value

    def validate_bic(self, value: str) -> str:
        value = normalize_bic(value)
        validate_bic(value)
        return value


class ResellerDatevInputSerializer(ResellerIssuerProfileInputSerializer):
    """A reseller's profile as staff and finance change it: also the DATEV numbers of the
    reseller's export, each changed only when given (PUT included)."""

    datev_consultant_number = serializers.IntegerField(min_value=1, required=False)
    datev_client_number = serializers.IntegerField(min_value=1, required=False)
    datev_revenue_account = serializers.IntegerField(min_value=1, required=False)
    datev_reverse_charge_account = serializers.IntegerField(min_value=1, required=False)
    datev_debtor_account = serializers.IntegerField(min_value=1, required=False)


class PlatformIssuerProfileInputSerializer(ResellerIssuerProfileInputSerializer):
    """The platform's own invoicing data: also its name, address and VAT id (required, as
    billing refuses to run without them) and the DATEV numbers of its exports."""

    company_name = serializers.CharField(max_length=200)
    street = serializers.CharField(max_length=200)
    postal_code = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    country = serializers.CharField(
        max_length=2, required=False, default="DE", validators=[validate_country]
    )
    vat_id = serializers.CharField(max_length=20, validators=[validate_vat_id])
    datev_consultant_number = serializers.IntegerField(min_value=1, required=False, default=1001)
    datev_client_number = serializers.IntegerField(min_value=1, required=False, default=1)
    datev_revenue_account = serializers.IntegerField(min_value=1, required=False, default=8400)
    datev_reverse_charge_account = serializers.IntegerField(
        min_value=1, required=False, default=8336
    )
    datev_debtor_account = serializers.IntegerField(min_value=1, required=False, default=10000)

    class Meta:
        validators = [PostalCodeMatchesCountry()]


KIND_CHOICES = PriceListKind.choices
