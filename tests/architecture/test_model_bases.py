"""The shared model bases (``provisioning/models/base.py``) hold together (TEN-2, AUD-1): every
tenant path and audit scope names real fields, every object of a customer has its key to the
customer, every append-only model's refusal has a message, and the models match their
migrations."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ProjectState
from django.utils import translation

from provisioning import messages
from provisioning.models import AppendOnlyModel, Customer, CustomerOwnedModel, TenantPath

APPS = {"provisioning", "billing", "status"}
MODELS = [m for m in apps.get_models() if m._meta.app_label in APPS]


def _label(model: type[models.Model]) -> str:
    return model._meta.label


@pytest.mark.parametrize("model", [m for m in MODELS if hasattr(m, "tenant")], ids=_label)
def test_every_tenant_path_is_a_lookup_of_the_model(model: type[models.Model]) -> None:
    tenant: TenantPath = model.tenant  # type: ignore[attr-defined]
    paths = [tenant.reseller, tenant.customer, tenant.end_user_customer, tenant.own_account]
    for path in filter(None, paths):
        model._default_manager.filter(**{path: 1})  # FieldError for an unknown name


def _resolve_attribute_path(model: type[models.Model], path: str) -> None:
    *relations, last = path.split(".")
    for name in relations:
        field = model._meta.get_field(name)
        assert field.is_relation and field.related_model, f"{name} is no relation"
        model = field.related_model  # type: ignore[assignment]
    assert last in {f.attname for f in model._meta.concrete_fields}, f"{model} has no {last}"


@pytest.mark.parametrize("model", [m for m in MODELS if hasattr(m, "audit_scope")], ids=_label)
def test_every_audit_scope_names_attributes_of_the_model(model: type[models.Model]) -> None:
    for path in filter(None, model.audit_scope):  # type: ignore[attr-defined]
        _resolve_attribute_path(model, path)


@pytest.mark.parametrize(
    "model", [m for m in MODELS if issubclass(m, CustomerOwnedModel)], ids=_label
)
def test_an_object_of_a_customer_has_its_key_to_the_customer(model: type[models.Model]) -> None:
    field = model._meta.get_field("customer")
    assert field.many_to_one or field.one_to_one
    assert field.related_model is Customer
    assert str(field.verbose_name) == "Kunde"


@pytest.mark.parametrize("model", [m for m in MODELS if issubclass(m, AppendOnlyModel)], ids=_label)
def test_every_append_only_refusal_has_a_message(model: type[models.Model]) -> None:
    code, _rows = model.append_only  # type: ignore[attr-defined]
    assert code in messages.codes()


@pytest.mark.parametrize("model", MODELS, ids=_label)
def test_every_model_explains_itself(model: type[models.Model]) -> None:
    # Django writes "Name(field, …)" into a model without a docstring.
    doc = model.__doc__ or ""
    assert doc and not doc.startswith(f"{model.__name__}("), f"{_label(model)} has no docstring"


def test_the_models_match_their_migrations() -> None:
    """Moving fields into the bases changed no table: the models need no new migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    with translation.override(None):  # as ``makemigrations`` compares the texts
        changes = MigrationAutodetector(
            loader.project_state(),
            ProjectState.from_apps(apps),
            NonInteractiveMigrationQuestioner(specified_apps=APPS, dry_run=True),
        ).changes(graph=loader.graph)
    assert {app: ops for app, ops in changes.items() if app in APPS} == {}
