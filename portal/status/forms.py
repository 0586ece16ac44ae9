"""Forms of the status area: subscribing on the public page (worded in the page's language)
and the staff forms for components, incidents, steps and maintenance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from status.addresses import country_choices
from status.models import Component, ComponentGroup, Impact, UrgentReason
from status.steps import INCIDENT, allowed_next, first_steps
from status.texts import step_label, texts


def _component_choices(lang: str) -> list[tuple[str, str]]:
    from status.texts import localized

    return [
        (str(c.pk), localized(c, "name", lang))
        for c in Component.objects.filter(is_visible=True).order_by(
            "group__position", "group__name_de", "position", "name_de"
        )
    ]


class SubscribeForm(forms.Form):
    """E-mail or SMS subscription on the public page (STA-5); labels in the page's language."""

    scope = forms.ChoiceField(widget=forms.RadioSelect, initial="all")
    components = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, channel: str, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        t = texts(lang)
        self.channel = channel
        self.t = t
        if channel == "sms":
            self.fields["country"] = forms.ChoiceField(
                label=t["sub_country"], choices=country_choices(lang), initial="DE"
            )
            self.fields["address"] = forms.CharField(
                label=t["sub_number"],
                max_length=30,
                widget=forms.TextInput(
                    attrs={"type": "tel", "autocomplete": "tel-national", "inputmode": "tel"}
                ),
            )
        else:
            self.fields["address"] = forms.CharField(
                label=t["sub_address"],
                max_length=254,
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
        self.fields["address"].error_messages["required"] = t["err_required"]
        self.fields["scope"].label = t["sub_which"]
        self.fields["scope"].choices = [  # type: ignore[attr-defined]
            ("all", t["sub_all"]),
            ("some", t["sub_some"]),
        ]
        self.fields["components"].choices = _component_choices(lang)  # type: ignore[attr-defined]
        self.order_fields(["country", "address", "scope", "components"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "some" and not data.get("components"):
            self.add_error("components", self.t["err_components"])
        return data


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _localized_datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )


class ComponentGroupForm(forms.ModelForm):
    class Meta:
        model = ComponentGroup
        fields = ["name_de", "name_en", "position"]


class ComponentForm(forms.ModelForm):
    class Meta:
        model = Component
        fields = [
            "name_de",
            "name_en",
            "group",
            "description_de",
            "description_en",
            "position",
            "is_visible",
        ]
        widgets = {"is_visible": forms.CheckboxInput(attrs={"class": "form-check-input"})}


class ComponentsChoiceMixin(forms.Form):
    components = forms.ModelMultipleChoiceField(
        label=_("Betroffene Komponenten"),
        queryset=Component.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["components"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Component.objects.order_by(
            "group__position", "group__name_de", "position", "name_de"
        )


class IncidentForm(ComponentsChoiceMixin):
    """Open an incident with its first step (STA-2)."""

    title_de = forms.CharField(label=_("Titel (deutsch)"), max_length=200)
    title_en = forms.CharField(label=_("Titel (englisch)"), max_length=200, required=False)
    impact = forms.ChoiceField(label=_("Auswirkung"), choices=Impact.choices, initial=Impact.MAJOR)
    step = forms.ChoiceField(label=_("Schritt"))
    message_de = forms.CharField(
        label=_("Meldung (deutsch)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    message_en = forms.CharField(
        label=_("Meldung (englisch)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    estimated_fix_at = _localized_datetime_field(_("Voraussichtlich behoben um"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = ["investigating", "identified", "recovering"]
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            (s, step_label(s, "de")) for s in order if s in first_steps(INCIDENT)
        ]


class StepForm(forms.Form):
    """Post the next step of an event (STA-2, STA-3, STA-8)."""

    step = forms.ChoiceField(label=_("Schritt"))
    message_de = forms.CharField(
        label=_("Meldung (deutsch)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    message_en = forms.CharField(
        label=_("Meldung (englisch)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    estimated_fix_at = _localized_datetime_field(_("Voraussichtlich behoben um"), required=False)

    def __init__(self, *args: Any, kind: str, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            (s, step_label(s, "de")) for s in allowed_next(kind, current)
        ]
        self.fields["step"].initial = current
        if kind != INCIDENT:
            del self.fields["estimated_fix_at"]


class MaintenanceForm(ComponentsChoiceMixin):
    """Schedule a maintenance window (STA-3, OPS-2)."""

    title_de = forms.CharField(label=_("Titel (deutsch)"), max_length=200)
    title_en = forms.CharField(label=_("Titel (englisch)"), max_length=200, required=False)
    scheduled_start = _localized_datetime_field(_("Beginn"))
    scheduled_end = _localized_datetime_field(_("Ende"))
    message_de = forms.CharField(
        label=_("Ankündigung (deutsch)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    message_en = forms.CharField(
        label=_("Ankündigung (englisch)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    urgent = forms.BooleanField(
        label=_("Dringend (Störung oder Sicherheitsupdate, mindestens 1 Stunde Vorlauf)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    urgent_reason = forms.ChoiceField(
        label=_("Grund der Dringlichkeit"),
        choices=[("", "—"), *UrgentReason.choices],
        required=False,
    )
    urgent_explanation = forms.CharField(label=_("Begründung"), max_length=500, required=False)


class NoticeForm(forms.Form):
    """A reseller's notice to its customers' admins, prepared and editable (OPS-5)."""

    subject = forms.CharField(label=_("Betreff"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))


class AvailabilityForm(forms.Form):
    """A year, or any range of days, for the availability report (OPS-3)."""

    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2100, required=False)
    start = forms.DateField(
        label=_("Von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Bis einschließlich"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("start")) != bool(data.get("end")):
            raise forms.ValidationError(_("Bitte geben Sie Anfang und Ende an."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Das Ende liegt vor dem Anfang."))
        return data
