"""Forms of the shell pages: API keys and the audit-log filter (TEN-4, AUD-1)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from provisioning.models import AuditAction


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Wofür der Schlüssel dient, z. B. „Warenwirtschaft“."),
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
