"""The second factor of a login (TEN-4): enrol an authenticator app, check a code or a recovery
code at login, reset a lost factor. Every step that changes something is audited (AUD-1); the
secret appears in the log only as a mask, recovery codes only as hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

import pyotp
from django.db import transaction
from django.utils import timezone

from .. import audit, crypto
from ..errors import ApplicationError
from ..models import Account, AuditAction, RecoveryCode, SecondFactor
from ..permissions import ensure, may_reset_second_factor, may_use_second_factor
from ._common import audited_delete

ISSUER = "stimme"
RECOVERY_CODES = 10
STEP = 30  # seconds per code (RFC 6238)


def _totp(factor: SecondFactor) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.decrypt(factor.secret), interval=STEP)


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def confirmed_factor(account: Account) -> SecondFactor | None:
    """The account's enrolled factor, or None (none yet, or enrolment not finished)."""
    return SecondFactor.objects.filter(account=account, confirmed_at__isnull=False).first()


def provisioning_uri(factor: SecondFactor) -> str:
    """The ``otpauth://`` address an authenticator app reads (as a QR code or typed in)."""
    return _totp(factor).provisioning_uri(name=factor.account.username, issuer_name=ISSUER)


def plain_secret(factor: SecondFactor) -> str:
    """The secret in groups of four, for typing it into an app during enrolment."""
    secret = crypto.decrypt(factor.secret)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def second_factor_start(*, account: Account, secret: str | None = None) -> SecondFactor:
    """Begin enrolment: a new secret, not yet in use (an unfinished one is replaced). ``secret``
    is for the demo data only, which documents a fixed one."""
    ensure(may_use_second_factor(account))
    if confirmed_factor(account) is not None:
        raise ApplicationError(
            "second_factor_exists", "This login already has a second factor.", status=409
        )
    SecondFactor.objects.filter(account=account).delete()
    return SecondFactor.objects.create(
        account=account, secret=crypto.encrypt(secret or pyotp.random_base32())
    )


def _matching_step(factor: SecondFactor, code: str) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side for clock drift), if it
    is later than the last one used; else None."""
    code = _normalise(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = _totp(factor)
    now = int(time.time()) // STEP
    unused = [
        s for s in (now - 1, now, now + 1) if factor.last_step is None or s > factor.last_step
    ]
    for step in unused:
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def second_factor_confirm(*, account: Account, code: str) -> list[str]:
    """Finish enrolment with a first code from the app; returns ten recovery codes, shown once."""
    factor = SecondFactor.objects.select_for_update().filter(account=account).first()
    if factor is None or factor.confirmed_at is not None:
        raise ApplicationError("second_factor_not_started", "Start the enrolment again.")
    if _matching_step(factor, code) is None:
        raise ApplicationError(
            "second_factor_code_wrong",
            "The code does not match.",
            fields={"code": ["The code does not match."]},
        )
    factor.confirmed_at = timezone.now()
    factor.save(update_fields=["confirmed_at"])
    audit.record_change(
        actor=account,
        action=AuditAction.CREATE,
        instance=factor,
        changes=audit.created_changes(factor),
    )
    return _new_recovery_codes(account)


def _new_recovery_codes(account: Account) -> list[str]:
    RecoveryCode.objects.filter(account=account).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(account=account, code_hash=hash_recovery_code(code)) for code in codes
    )
    return codes


@transaction.atomic
def second_factor_check(*, account: Account, code: str) -> bool:
    """Whether ``code`` — from the app, or an unused recovery code — proves the second factor.
    An app code is accepted once (its time step is remembered); a recovery code is used up,
    which the log records."""
    factor = (
        SecondFactor.objects.select_for_update()
        .filter(account=account, confirmed_at__isnull=False)
        .first()
    )
    if factor is None:
        return False
    step = _matching_step(factor, code)
    if step is not None:
        factor.last_step = step
        factor.save(update_fields=["last_step"])
        return True
    recovery = RecoveryCode.objects.filter(
        account=account, code_hash=hash_recovery_code(code), used_at__isnull=True
    ).first()
    if recovery is None:
        return False
    used = RecoveryCode.objects.filter(pk=recovery.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        return False
    recovery.refresh_from_db()
    audit.record_change(
        actor=account,
        action=AuditAction.UPDATE,
        instance=recovery,
        changes={"used_at": [None, audit.snapshot(recovery)["used_at"]]},
    )
    return True


def recovery_codes_left(account: Account) -> int:
    return RecoveryCode.objects.filter(account=account, used_at__isnull=True).count()


@transaction.atomic
def second_factor_reset(*, account: Account, acting_user: Account) -> None:
    """Platform staff remove another login's factor and recovery codes (a lost phone); the
    login enrols again at its next login where a factor is required."""
    ensure(may_reset_second_factor(acting_user, account))
    factor = SecondFactor.objects.filter(account=account).first()
    if factor is None:
        raise ApplicationError(
            "second_factor_missing", "This login has no second factor.", status=404
        )
    RecoveryCode.objects.filter(account=account).delete()
    audited_delete(factor, actor=acting_user)


__all__ = [
    "confirmed_factor",
    "plain_secret",
    "provisioning_uri",
    "recovery_codes_left",
    "second_factor_check",
    "second_factor_confirm",
    "second_factor_reset",
    "second_factor_start",
]
