"""Number blocks of a trunk (TRK-2): every number a row unique on the whole platform."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..errors import ApplicationError
from ..models import Account, NumberBlock, PhoneNumber, Trunk
from ..validators import validate_base_number
from ._common import audited_create, audited_delete, guard_setup, lock_customer

MAX_BLOCK_SIZE = 10_000


def parse_base_number(raw: str, first_extension: int = 0, last_extension: int = 0) -> str:
    """The E.164 base number of a block (its numbers are this followed by each extension); a
    refusal speaks of what was typed, e.g. "12345", never of "+49123450"."""
    try:
        return validate_base_number(raw, first_extension, last_extension)
    except ValidationError as exc:
        message = exc.messages[0]
        raise ApplicationError(
            "invalid_number", message, fields={"base_number": [message]}
        ) from None


@transaction.atomic
def number_block_create(
    *,
    trunk: Trunk,
    acting_user: Account,
    base_number: str,
    first_extension: int,
    last_extension: int,
) -> NumberBlock:
    """Add a block of numbers to a trunk (TRK-2). Every number gets a row that is unique on the
    whole platform, so an overlap with any block anywhere is refused by the database."""
    customer = lock_customer(trunk.customer)
    guard_setup(acting_user, customer)
    if first_extension < 0 or last_extension < first_extension:
        raise ApplicationError(
            "invalid_range",
            "The last extension must not be below the first.",
            fields={"last_extension": ["Must be at least the first extension."]},
        )
    if last_extension - first_extension + 1 > MAX_BLOCK_SIZE:
        raise ApplicationError(
            "block_too_large",
            f"A block holds at most {MAX_BLOCK_SIZE} numbers.",
            fields={"last_extension": [f"A block holds at most {MAX_BLOCK_SIZE} numbers."]},
        )
    base = parse_base_number(base_number, first_extension, last_extension)
    block = audited_create(
        NumberBlock(
            customer=customer,
            trunk=trunk,
            base_number=base,
            first_extension=first_extension,
            last_extension=last_extension,
        ),
        actor=acting_user,
    )
    numbers = [
        PhoneNumber(e164=f"{base}{ext}", block=block, customer=customer, extension=str(ext))
        for ext in range(first_extension, last_extension + 1)
    ]
    e164s = [n.e164 for n in numbers]
    taken = list(PhoneNumber.objects.filter(e164__in=e164s).values_list("e164", flat=True)[:5])
    if not taken:
        try:
            with transaction.atomic():
                PhoneNumber.objects.bulk_create(numbers, batch_size=1000)
            return block
        except IntegrityError:
            taken = list(
                PhoneNumber.objects.filter(e164__in=e164s).values_list("e164", flat=True)[:5]
            )
    raise ApplicationError(
        "number_taken",
        "These numbers already belong to a block: "
        + (", ".join(taken) or "(a concurrent request)"),
        fields={"base_number": ["The block overlaps numbers already on the platform."]},
        params={"numbers": taken or [f"{e164s[0]}–{e164s[-1]}"]},
        status=409,
    )


@transaction.atomic
def number_block_delete(*, block: NumberBlock, acting_user: Account) -> None:
    guard_setup(acting_user, block.customer)
    used = (
        PhoneNumber.objects.filter(block=block).filter(subscriber__isnull=False).exists()
        or PhoneNumber.objects.filter(block=block, fax_subscriber__isnull=False).exists()
    )
    if used:
        raise ApplicationError(
            "block_in_use", "Numbers of this block are assigned to users.", status=409
        )
    audited_delete(block, actor=acting_user)
