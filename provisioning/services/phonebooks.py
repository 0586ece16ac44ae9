"""The shared and private phonebooks (FEA-6): entries, search, caller names, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from telephony.entitlements import Feature

from .. import audit
from ..access import require_same_customer
from ..errors import ApplicationError
from ..models import (
    Account,
    AuditAction,
    Customer,
    Phonebook,
    PhonebookEntry,
    PhonebookNumber,
    Subscriber,
)
from ._common import audited_delete, audited_update, guard_users, only_fields
from .feature_checks import guard_own, normalize_e164, require_entitled

PHONEBOOK_FIELDS = frozenset({"name", "company", "numbers"})
PHONEBOOK_CSV_COLUMNS = ["name", "company", "numbers"]


def phonebook_for(*, customer: Customer, owner: Subscriber | None = None) -> Phonebook:
    """The shared phonebook of ``customer`` or the private one of ``owner`` (made on first use)."""
    if owner is not None:
        require_same_customer(owner, customer, "owner")
        book, _created = Phonebook.objects.get_or_create(customer=customer, owner=owner)
        return book
    shared = Phonebook.objects.filter(customer=customer, owner__isnull=True).first()
    return shared or Phonebook.objects.create(customer=customer, owner=None)


def _guard_phonebook(account: Account, book: Phonebook) -> None:
    if book.owner is not None:
        guard_own(account, book.owner)
        require_entitled(book.owner, Feature.PHONEBOOK_LOOKUP, "phonebook")
    else:
        guard_users(account, book.customer)


def _numbers(values: Iterable[str]) -> list[str]:
    numbers: list[str] = []
    for value in values:
        value = str(value).strip()
        if value:
            number = normalize_e164(value, "numbers")
            if number not in numbers:
                numbers.append(number)
    if not numbers:
        raise ApplicationError(
            "number_required",
            "An entry needs at least one number.",
            fields={"numbers": ["Enter at least one number."]},
        )
    return numbers


def _set_numbers(entry: PhonebookEntry, numbers: list[str]) -> None:
    entry.numbers.all().delete()
    PhonebookNumber.objects.bulk_create(
        PhonebookNumber(entry=entry, customer_id=entry.customer_id, e164=n) for n in numbers
    )


@transaction.atomic
def phonebook_entry_create(
    *, phonebook: Phonebook, acting_user: Account, data: Mapping[str, Any]
) -> PhonebookEntry:
    _guard_phonebook(acting_user, phonebook)
    fields = only_fields(data, PHONEBOOK_FIELDS)
    numbers = _numbers(fields.pop("numbers", []))
    entry = PhonebookEntry(phonebook=phonebook, customer_id=phonebook.customer_id, **fields)
    entry.full_clean(exclude=["phonebook", "customer"])
    entry.save()
    _set_numbers(entry, numbers)
    audit.record_change(
        actor=acting_user,
        action=AuditAction.CREATE,
        instance=entry,
        changes={**audit.created_changes(entry), "numbers": [None, numbers]},
    )
    return entry


@transaction.atomic
def phonebook_entry_update(
    *, entry: PhonebookEntry, acting_user: Account, data: Mapping[str, Any]
) -> PhonebookEntry:
    _guard_phonebook(acting_user, entry.phonebook)
    fields = only_fields(data, PHONEBOOK_FIELDS)
    numbers = fields.pop("numbers", None)
    audited_update(entry, fields, actor=acting_user)
    if numbers is not None:
        before = list(entry.numbers.values_list("e164", flat=True))
        after = _numbers(numbers)
        if sorted(before) != sorted(after):
            _set_numbers(entry, after)
            audit.record_change(
                actor=acting_user,
                action=AuditAction.UPDATE,
                instance=entry,
                changes={"numbers": [before, after]},
            )
    return entry


@transaction.atomic
def phonebook_entry_delete(*, entry: PhonebookEntry, acting_user: Account) -> None:
    _guard_phonebook(acting_user, entry.phonebook)
    audited_delete(entry, actor=acting_user)


def phonebook_search(
    *, customer: Customer, prefix: str, owner: Subscriber | None = None
) -> QuerySet[PhonebookEntry]:
    """Entries of the shared phonebook (and ``owner``'s private one) whose name or company
    starts with ``prefix`` (case-insensitive)."""
    books = Q(phonebook__customer=customer, phonebook__owner__isnull=True)
    if owner is not None:
        books |= Q(phonebook__owner=owner)
    prefix = prefix.strip()
    entries = PhonebookEntry.objects.filter(books, customer=customer)
    if prefix:
        entries = entries.filter(Q(name__istartswith=prefix) | Q(company__istartswith=prefix))
    return entries.prefetch_related("numbers").order_by("name", "company", "pk")


@dataclass(frozen=True)
class CallerName:
    """Who a number belongs to, and where that was found (private, shared, user)."""

    name: str
    company: str
    source: str
    entry_id: str | None = None


def reverse_lookup(
    *, customer: Customer, number: str, owner: Subscriber | None = None
) -> CallerName | None:
    """The caller name for ``number``: the private phonebook of ``owner`` first, then the
    shared phonebook, then the customer's own users."""
    try:
        e164 = normalize_e164(number, "number")
    except ApplicationError:
        return None
    rows = PhonebookNumber.objects.filter(customer=customer, e164=e164).select_related(
        "entry__phonebook"
    )
    private = shared = None
    for row in rows.order_by("entry__name", "pk"):
        book = row.entry.phonebook
        if owner is not None and book.owner_id == owner.pk and private is None:
            private = row.entry
        elif book.owner_id is None and shared is None:
            shared = row.entry
    for source, entry in (("private", private), ("shared", shared)):
        if entry is not None:
            return CallerName(entry.name, entry.company, source, str(entry.pk))
    user = (
        Subscriber.objects.filter(customer=customer)
        .filter(Q(number__e164=e164) | Q(mobility_number=e164))
        .first()
    )
    if user is not None:
        return CallerName(user.name, customer.company_name, "user")
    return None


def phonebook_export_csv(*, phonebook: Phonebook) -> str:
    """The phonebook as CSV (``;``-separated, numbers joined by ``,``), the import format."""
    from provisioning.downloads import csv_writer

    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(PHONEBOOK_CSV_COLUMNS)
    entries = phonebook.entries.prefetch_related("numbers").order_by("name", "company", "pk")
    for entry in entries:
        numbers = ",".join(n.e164 for n in entry.numbers.all())
        writer.writerow([entry.name, entry.company, numbers])
    return out.getvalue()


@dataclass
class PhonebookImportReport:
    created: int = 0
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def phonebook_import_csv(
    *, phonebook: Phonebook, acting_user: Account, text: str
) -> PhonebookImportReport:
    """Add the entries of a CSV (columns ``name``, ``company``, ``numbers``). Every row is
    checked first (the entry's field rules, e.g. lengths, and its numbers); any error imports
    nothing and the report names each row's errors."""
    _guard_phonebook(acting_user, phonebook)
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    report = PhonebookImportReport()
    if "name" not in (reader.fieldnames or []) or "numbers" not in (reader.fieldnames or []):
        report.errors[1] = {"header": ["Columns needed: name, company, numbers."]}
        return report
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, start=2):
        name = (raw.get("name") or "").strip()
        company = (raw.get("company") or "").strip()
        errors: dict[str, list[str]] = {}
        if not name:
            errors["name"] = ["A name is required."]
        try:
            PhonebookEntry(name=name, company=company).clean_fields(
                exclude=["phonebook", "customer", *(["name"] if not name else [])]
            )
        except ValidationError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        try:
            numbers = _numbers(
                (raw.get("numbers") or "").replace("|", ",").replace(" ", "").split(",")
            )
        except ApplicationError as exc:
            errors.update(exc.fields)
            numbers = []
        if errors:
            report.errors[line] = errors
        else:
            rows.append({"name": name, "company": company, "numbers": numbers})
    if report.errors:
        return report
    for row in rows:
        phonebook_entry_create(phonebook=phonebook, acting_user=acting_user, data=row)
        report.created += 1
    return report
