"""Encryption of secrets at rest (trunk passwords) with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from ``STIMME_FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first, so
keys can be rotated); without it a key is derived from the secret key.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    if not keys:
        digest = hashlib.sha256(b"stimme-field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the secret cannot be decrypted with the configured keys") from exc
