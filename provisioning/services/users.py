"""Users of a customer (LIC-2, LIC-4 … LIC-6, TRK-4): their numbers and packages in the license
ledger, logins and invitations, emergency notices, and the CSV import."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from telephony.entitlements import FEATURE_LABELS, Feature, Package, lost_features

from .. import audit, ledger
from ..access import require_same_customer
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    Customer,
    ExtensionOwner,
    PhoneNumber,
    Site,
    Subscriber,
    WorkPlace,
)
from ..permissions import can_manage_users, ensure, ensure_customer_writable
from ..validators import normalize_phone
from ._common import audited_delete, audited_update, guard_users, lock_customer, only_fields
from .extensions import extension_claim, refuse_taken_extension
from .licenses import DEMO_MAX_USERS
from .user_rows import validate_csv_row

USER_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "display_name",
        "email",
        "site",
        "extension",
        "package",
        "works_at",
        "voicemail_enabled",
        "mobility_number",
        "fax_extension",
    }
)


def features_in_use(subscriber: Subscriber) -> set[Feature]:
    """Features the user's configuration relies on, for the downgrade check (LIC-5)."""
    used = set()
    if subscriber.voicemail_enabled:
        used.add(Feature.VOICEMAIL)
    if subscriber.mobility_number:
        used.add(Feature.MOBILITY)
    if subscriber.fax_number_id:
        used.add(Feature.FAX)
    return used


def _check_entitlements(subscriber: Subscriber) -> None:
    package = Package(subscriber.package)
    missing = lost_features(package, package, features_in_use(subscriber))
    if missing:
        names = ", ".join(FEATURE_LABELS[f] for f in missing)
        raise ApplicationError(
            "feature_not_in_package",
            f"{package.label} does not include: {names}.",
            fields={"package": [f"{package.label} does not include: {names}."]},
            params={"package": package.label, "features": names},
        )


def _extension_kind(field_name: str) -> str:
    return ExtensionOwner.FAX if field_name == "fax_extension" else ExtensionOwner.USER


def _number_for(
    site: Site, extension: str, field_name: str, *, owner: Subscriber | None = None
) -> PhoneNumber:
    """The free number of ``extension`` in the block of the site's trunk, whose extension no
    group, menu or other user of the customer holds (``owner`` may already hold it)."""
    extension = str(extension).strip()
    if extension == "0":
        raise ApplicationError(
            "main_number_reserved",
            "Extension 0 is the main number (operator).",
            fields={field_name: ["Extension 0 is the main number."]},
        )
    number = (
        PhoneNumber.objects.select_related("block__trunk")
        .filter(block__trunk__site=site, extension=extension)
        .first()
    )
    if number is None:
        raise ApplicationError(
            "extension_not_in_block",
            f"Extension {extension} is not in a number block of the SIP trunk of site {site}.",
            fields={field_name: [f"Not in a number block of the trunk of site {site}."]},
        )
    if (
        Subscriber.objects.filter(number=number).exists()
        or Subscriber.objects.filter(fax_number=number).exists()
    ):
        raise ApplicationError(
            "number_taken",
            f"{number.e164} is already assigned.",
            fields={field_name: [f"{number.e164} is already assigned."]},
            params={"numbers": number.e164},
            status=409,
        )
    refuse_taken_extension(
        customer=site.customer,
        extension=number.extension,
        field_name=field_name,
        kind=_extension_kind(field_name),
        owner=owner,
    )
    return number


def _claim_extensions(subscriber: Subscriber, *, number: bool, fax: bool) -> None:
    """Hold the user's direct extension and fax extension (``number``/``fax``: which changed)."""
    if number:
        extension_claim(
            customer=subscriber.customer,
            kind=ExtensionOwner.USER,
            owner=subscriber,
            extension=subscriber.number.extension,
        )
    if fax:
        extension_claim(
            customer=subscriber.customer,
            kind=ExtensionOwner.FAX,
            owner=subscriber,
            extension=subscriber.fax_extension,
            field_name="fax_extension",
        )


def _save_subscriber(subscriber: Subscriber) -> None:
    try:
        with transaction.atomic():
            subscriber.full_clean(exclude=["number", "fax_number", "license_holding"])
            subscriber.save()
    except IntegrityError:
        raise ApplicationError(
            "number_taken",
            "This number was just assigned to someone else.",
            fields={"extension": ["This number was just assigned to someone else."]},
            params={"numbers": subscriber.number.e164 if subscriber.number_id else ""},
            status=409,
        ) from None


@transaction.atomic
def user_create(*, customer: Customer, acting_user: Account, data: Mapping[str, Any]) -> Subscriber:
    """Create a user with a direct extension in the block of their site's trunk and one
    package; assigns the package license in the ledger."""
    customer = lock_customer(customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, USER_FIELDS)
    if not customer.base_license:
        raise ApplicationError(
            "base_license_required", "Assign the customer's base license first.", status=409
        )
    if customer.is_demo and Subscriber.objects.filter(customer=customer).count() >= DEMO_MAX_USERS:
        raise ApplicationError(
            "demo_user_limit",
            f"A demo customer has at most {DEMO_MAX_USERS} users.",
            status=409,
        )
    site: Site = fields.pop("site")
    require_same_customer(site, customer, "site")
    number = _number_for(site, fields.pop("extension"), "extension")
    fax_extension = fields.pop("fax_extension", "")
    fax = _number_for(site, fax_extension, "fax_extension") if fax_extension else None
    if fields.get("mobility_number"):
        fields["mobility_number"] = normalize_phone(fields["mobility_number"])
    subscriber = Subscriber(customer=customer, site=site, number=number, fax_number=fax, **fields)
    _check_entitlements(subscriber)
    now = timezone.now()
    subscriber.license_holding = ledger.assign(
        customer=customer,
        license_type=subscriber.package,
        subject=subscriber,
        at=now,
        label=subscriber.name,
    )
    _save_subscriber(subscriber)
    _claim_extensions(subscriber, number=True, fax=fax is not None)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=subscriber,
        changes=audit.created_changes(subscriber),
    )
    return subscriber


@transaction.atomic
def user_update(
    *, subscriber: Subscriber, acting_user: Account, data: Mapping[str, Any]
) -> Subscriber:
    """Change a user. A package change is a release and an assignment at the same instant;
    a downgrade that would orphan a feature in use is refused, naming the features."""
    customer = lock_customer(subscriber.customer)
    guard_users(acting_user, customer)
    fields = only_fields(data, USER_FIELDS)
    before = audit.snapshot(subscriber)
    old_package = subscriber.package
    site = fields.pop("site", subscriber.site)
    require_same_customer(site, customer, "site")
    extension = fields.pop("extension", None)
    fax_extension = fields.pop("fax_extension", None)
    if site.pk != subscriber.site_id and extension is None:
        raise ApplicationError(
            "extension_required",
            "A user moving to another site needs an extension in that site's number block.",
            fields={"extension": ["Choose an extension at the new site."]},
        )
    same_site = site.pk == subscriber.site_id
    old_number, old_fax = subscriber.number_id, subscriber.fax_number_id
    subscriber.site = site
    if extension is not None and not (same_site and str(extension) == subscriber.extension):
        subscriber.number = _number_for(site, extension, "extension", owner=subscriber)
    if fax_extension is not None and not (
        same_site and str(fax_extension) == subscriber.fax_extension
    ):
        subscriber.fax_number = (
            _number_for(site, fax_extension, "fax_extension", owner=subscriber)
            if fax_extension
            else None
        )
    if fields.get("mobility_number"):
        fields["mobility_number"] = normalize_phone(fields["mobility_number"])
    new_package = fields.get("package", old_package)
    for name, value in fields.items():
        setattr(subscriber, name, value)
    orphaned = lost_features(old_package, new_package, features_in_use(subscriber))
    if new_package != old_package and orphaned:
        names = ", ".join(FEATURE_LABELS[f] for f in orphaned)
        raise ApplicationError(
            "package_downgrade_orphans_features",
            f"{Package(new_package).label} does not include features this user uses: {names}. "
            "Switch them off first.",
            fields={"package": [f"Still in use: {names}."]},
            params={"features": names},
            status=409,
        )
    _check_entitlements(subscriber)
    if "works_at" in fields and fields["works_at"] != before["works_at"]:
        subscriber.emergency_notice_confirmed_at = None
        subscriber.emergency_notice_confirmed_by = ""
    if new_package != old_package:
        subscriber.license_holding = ledger.change(
            holding=subscriber.license_holding,
            customer=customer,
            license_type=new_package,
            subject=subscriber,
            at=timezone.now(),
            label=subscriber.name,
        )
    changes = audit.changes_between(before, subscriber)
    if changes:
        _save_subscriber(subscriber)
        _claim_extensions(
            subscriber,
            number=subscriber.number_id != old_number,
            fax=subscriber.fax_number_id != old_fax,
        )
        audit.record_change(
            actor=acting_user, action=AuditAction.UPDATE, instance=subscriber, changes=changes
        )
    return subscriber


@transaction.atomic
def user_update_own_profile(
    *, subscriber: Subscriber, acting_user: Account, display_name: str
) -> Subscriber:
    """An end user changes their own display name."""
    if subscriber.account_id != acting_user.pk:
        ensure(can_manage_users(acting_user, subscriber.customer))
    ensure_customer_writable(acting_user, subscriber.customer)
    audited_update(subscriber, {"display_name": display_name.strip()}, actor=acting_user)
    return subscriber


@transaction.atomic
def user_set_active(*, subscriber: Subscriber, acting_user: Account, active: bool) -> Subscriber:
    """Deactivate or reactivate a user. A deactivated user keeps number and license (and is
    billed) until deleted; the linked login cannot sign in meanwhile."""
    guard_users(acting_user, subscriber.customer)
    audited_update(subscriber, {"is_active": active}, actor=acting_user)
    if subscriber.account_id:
        Account.objects.filter(pk=subscriber.account_id).update(is_active=active)
    return subscriber


@transaction.atomic
def user_delete(*, subscriber: Subscriber, acting_user: Account) -> None:
    """Delete a user: the package license is released in the ledger, the number becomes free,
    devices stay at the site unassigned, a linked login is deactivated."""
    guard_users(acting_user, subscriber.customer)
    ledger.release(holding=subscriber.license_holding, at=timezone.now())
    if subscriber.account_id:
        Account.objects.filter(pk=subscriber.account_id).update(is_active=False)
    audited_delete(subscriber, actor=acting_user)


@transaction.atomic
def user_confirm_emergency_notice(*, subscriber: Subscriber, acting_user: Account) -> Subscriber:
    """Record that the customer told a user working elsewhere to make emergency calls by other
    means (TRK-4): who confirmed, and when."""
    guard_users(acting_user, subscriber.customer)
    if subscriber.works_at == WorkPlace.SITE:
        raise ApplicationError(
            "works_at_site",
            "This user works at their assigned site; no notice is needed.",
            status=409,
        )
    audited_update(
        subscriber,
        {
            "emergency_notice_confirmed_at": timezone.now(),
            "emergency_notice_confirmed_by": acting_user.get_username(),
        },
        actor=acting_user,
    )
    return subscriber


@transaction.atomic
def user_invite(*, subscriber: Subscriber, acting_user: Account) -> Account | None:
    """Give a user an end-user login (username = their e-mail) and mail them a link to set a
    password. Idempotent: a user who has a login gets a fresh link.

    Where a login with that address exists already — at any customer or reseller — no second
    login is made and the answer is the same as for a new address, so an invitation never
    tells whether an address has a login elsewhere; the existing login's owner is mailed that
    someone tried to invite the address. Returns the login, or None in that case."""
    from ..notifications import login_invitation, login_invitation_collision
    from .tenancy import account_create

    guard_users(acting_user, subscriber.customer)
    account = subscriber.account
    if account is None:
        existing = Account.objects.filter(username__iexact=subscriber.email).first()
        if existing is not None:
            transaction.on_commit(lambda: login_invitation_collision(account=existing))
            return None
        account = account_create(
            acting_user=None,
            username=subscriber.email,
            password=None,
            role="end_user",
            email=subscriber.email,
            first_name=subscriber.first_name,
            last_name=subscriber.last_name,
            customer=subscriber.customer,
        )
        audited_update(subscriber, {"account": account}, actor=acting_user)
    invited = account
    transaction.on_commit(lambda: login_invitation(account=invited))
    return account


# CSV import -----------------------------------------------------------------------------------

CSV_COLUMNS = ["first_name", "last_name", "email", "site", "extension", "package", "works_at"]


@dataclass
class ImportReport:
    """Outcome of a CSV import: either every row was imported, or none and the errors per row."""

    created: int = 0
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def users_import_csv(*, customer: Customer, acting_user: Account, text: str) -> ImportReport:
    """Import users from CSV (columns of ``CSV_COLUMNS``; site by name). Every row is validated
    first (``validate_csv_row``, the same rules as the API); if any row fails,
    nothing is imported and the report lists each row's errors (row 2 is the first data row)."""
    guard_users(acting_user, customer)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=_sniff(text))
    missing = [
        c
        for c in ("first_name", "last_name", "email", "site", "extension", "package")
        if c not in (reader.fieldnames or [])
    ]
    report = ImportReport()
    if missing:
        report.errors[1] = {"header": [f"Missing columns: {', '.join(missing)}."]}
        return report
    rows: list[tuple[int, dict[str, Any]]] = []
    seen_ext: dict[str, int] = {}
    sites = {s.name: s for s in Site.objects.filter(customer=customer)}
    for line, raw in enumerate(reader, start=2):
        raw = {k: (v or "").strip() for k, v in raw.items() if k}
        errors: dict[str, list[str]] = {}
        site = sites.get(raw.get("site", ""))
        if site is None:
            errors["site"] = [f"Unknown site {raw.get('site', '')!r}."]
        data, row_errors = validate_csv_row(
            {k: v for k, v in raw.items() if k != "site" and v != ""}
        )
        errors.update(row_errors)
        key = raw.get("extension", "")  # extensions are unique per customer, across sites
        if key in seen_ext:
            errors.setdefault("extension", []).append(f"Same extension as row {seen_ext[key]}.")
        seen_ext.setdefault(key, line)
        if site is not None and not errors:
            try:
                _number_for(site, raw["extension"], "extension")
            except ApplicationError as exc:
                errors.update(exc.fields or {"extension": [exc.message]})
        if errors:
            report.errors[line] = errors
        else:
            rows.append((line, {**data, "site": site}))
    if customer.is_demo:
        total = Subscriber.objects.filter(customer=customer).count() + len(rows)
        if total > DEMO_MAX_USERS:
            report.errors[1] = {"file": [f"A demo customer has at most {DEMO_MAX_USERS} users."]}
    if report.errors:
        return report
    for line, data in rows:
        try:
            user_create(customer=customer, acting_user=acting_user, data=data)
        except ApplicationError as exc:
            report.errors[line] = exc.fields or {"row": [exc.message]}
            transaction.set_rollback(True)
            report.created = 0
            return report
        report.created += 1
    return report


def _sniff(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","
