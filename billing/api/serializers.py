"""Input validation and output shapes of the billing API. Serializers validate; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from provisioning import access

from ..models import (
    ONE_TIME_ITEMS,
    BillingRun,
    Invoice,
    InvoiceLine,
    PriceItem,
    PriceList,
    PriceListKind,
)
from ..money import euros, parse_month
from ..selectors import billing_run_progress


class _VisibleResellerField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "Unknown reseller.",
        "incorrect_type": "Give the reseller's id.",
    }

    def get_queryset(self) -> Any:
        return access.visible_resellers(self.context["request"].user)


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
    reseller = _VisibleResellerField(required=False, allow_null=True)
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
    invoice = serializers.UUIDField()
    reason = serializers.CharField(max_length=200)
    positions = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class OneTimeChargeSerializer(serializers.Serializer):
    customer = serializers.UUIDField()
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


KIND_CHOICES = PriceListKind.choices
