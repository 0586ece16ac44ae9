"""Django admin for platform staff; every change goes through the audit log too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.http import HttpRequest

from . import audit
from .models import Account, ApiKey, AuditAction, AuditEvent, Customer, Reseller


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes create/update/delete entries and records staff access to customer objects."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET":
            audit.record_object_access(actor=request.user, instance=obj)  # type: ignore[arg-type]
        return obj

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = {}
        if change:
            before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        if change:
            changes = audit.changes_between(before, obj)
            if changes:
                audit.record_change(
                    actor=request.user,  # type: ignore[arg-type]
                    action=AuditAction.UPDATE,
                    instance=obj,
                    changes=changes,
                )
        else:
            audit.record_change(
                actor=request.user,  # type: ignore[arg-type]
                action=AuditAction.CREATE,
                instance=obj,
                changes=audit.created_changes(obj),
            )

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        changes = audit.deleted_changes(obj)
        audit.record_change(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditAction.DELETE,
            instance=obj,
            changes=changes,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Reseller)
class ResellerAdmin(AuditedModelAdmin):
    list_display = ["company_name", "city", "vat_id", "contact_email"]
    search_fields = ["company_name", "vat_id", "city"]


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ["company_name", "reseller", "city", "state"]
    list_filter = ["state", "reseller"]
    search_fields = ["company_name", "vat_id", "city"]
    list_select_related = ["reseller"]


@admin.register(Account)
class AccountAdmin(AuditedModelAdmin):
    list_display = ["username", "role", "reseller", "customer", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email"]
    list_select_related = ["reseller", "customer"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedModelAdmin):
    list_display = ["name", "prefix", "account", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["account"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are created in the portal or API, where the key can be shown once


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "channel", "action", "object_repr"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Rights come from each account's role (provisioning.permissions), never from Django's groups;
# the unused group pages only offered an English permission picker.
admin.site.unregister(Group)
