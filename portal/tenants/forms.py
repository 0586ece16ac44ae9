"""Forms of the reseller and customer pages (TEN-1, TEN-2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from provisioning.models import Customer, CustomerState, Reseller
from provisioning.validators import normalize_phone

CUSTOMER_FORM_FIELDS = [
    "company_name",
    "street",
    "postal_code",
    "city",
    "country",
    "federal_state",
    "vat_id",
    "contact_name",
    "contact_email",
    "contact_phone",
]

RESELLER_FORM_FIELDS = [
    "company_name",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "admins_need_second_factor",
]


class _PhoneMixin:
    cleaned_data: dict[str, Any]

    def clean_contact_phone(self) -> str:
        value: str = self.cleaned_data.get("contact_phone", "")
        return normalize_phone(value) if value else value


class CustomerForm(_PhoneMixin, forms.ModelForm):
    """Customer master data; platform staff also choose the reseller on creation."""

    reseller = forms.ModelChoiceField(
        queryset=Reseller.objects.none(), label=_("Reseller"), required=True
    )

    class Meta:
        model = Customer
        fields = CUSTOMER_FORM_FIELDS
        widgets = {"contact_email": forms.EmailInput()}

    def __init__(
        self, *args: Any, resellers: QuerySet[Reseller] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if resellers is None:
            del self.fields["reseller"]
        else:
            self.fields["reseller"].queryset = resellers  # type: ignore[attr-defined]
            self.order_fields(["reseller", *CUSTOMER_FORM_FIELDS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reseller") is not None:
            self.instance.reseller = data["reseller"]
        return data

    def validate_unique(self) -> None:
        """Uniqueness is a service rule; its message lands beside the company name."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CUSTOMER_FORM_FIELDS}


class ResellerForm(_PhoneMixin, forms.ModelForm):
    class Meta:
        model = Reseller
        fields = RESELLER_FORM_FIELDS
        widgets = {"contact_email": forms.EmailInput()}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in RESELLER_FORM_FIELDS}


SORTS = {
    "name": ("company_name",),
    "-name": ("-company_name",),
    "created": ("created_at", "company_name"),
    "-created": ("-created_at", "company_name"),
}


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("alle")), *CustomerState.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("-created", _("neueste zuerst")),
            ("created", _("älteste zuerst")),
        ],
    )
