"""Forms of the portal. Field rules come from the models' validators; writes go through the
services, whose ``ApplicationError`` messages are shown beside the named field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from provisioning.errors import ApplicationError
from provisioning.models import AuditAction, Customer, CustomerState, Reseller
from provisioning.validators import normalize_phone

# Messages of service rules, in the portal's words (the services speak English to the API).
SERVICE_MESSAGES: dict[str, Any] = {
    "customer_name_taken": _("Dieser Reseller hat bereits einen Kunden mit diesem Namen."),
    "api_key_name_taken": _("Sie haben bereits einen aktiven Schlüssel mit diesem Namen."),
    "name_required": _("Dieses Feld ist zwingend erforderlich."),
    "permission_denied": _("Ihre Rolle darf diese Änderung nicht vornehmen."),
}


def apply_service_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put a service's refusal beside the fields it names (or above the form)."""
    message = SERVICE_MESSAGES.get(error.code)
    if not error.fields:
        form.add_error(None, message or error.message)
        return
    for field, messages in error.fields.items():
        target = field if field in form.fields else None
        for text in messages:
            form.add_error(target, message or text)


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


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Wofür der Schlüssel dient, z. B. „Warenwirtschaft“."),
    )


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


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Aktion"), required=False, choices=[("", _("alle")), *AuditAction.choices]
    )
    object_type = forms.ChoiceField(label=_("Objekttyp"), required=False, choices=[("", _("alle"))])
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

    def __init__(self, *args: Any, object_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("alle")), *object_types]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("Das Ende liegt vor dem Anfang."))
        return data
