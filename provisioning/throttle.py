"""Throttling of password guessing and of mail to other people's addresses (TEN-4).

Each limit counts attempts per key (an account, a client IP, an e-mail address) in fixed windows
of the cache: Redis when ``STIMME_CACHE_URL`` is set, so every web process shares the counts;
per process otherwise, which still bounds a single client. Keys hold a hash, never the name or
address itself. Once a key used up its limit, attempts are refused until the window ends —
``wait`` says how many seconds that is, for a ``Retry-After`` header. The limits and windows are
settings (docs/operations.md, "Throttling").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per key within each window of ``window`` seconds."""

    scope: str
    attempts: int
    window: int


def _now() -> float:
    return time.time()


def _key(scope: str, ident: str, window: int, now: float) -> str:
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{int(now // window)}"


def count(scope: str, ident: str, *, window: int, now: float | None = None) -> int:
    """Count one attempt of ``ident`` in the current window; the attempts so far, this one
    included."""
    key = _key(scope, ident, window, _now() if now is None else now)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def _remaining(limit: Limit, now: float) -> int:
    return max(1, int(limit.window - now % limit.window + 0.999))


def wait(limit: Limit, ident: str) -> int:
    """Seconds until ``ident`` may try again (0: now), without counting an attempt."""
    now = _now()
    used = cache.get(_key(limit.scope, ident, limit.window, now), 0)
    return _remaining(limit, now) if used >= limit.attempts else 0


def fail(limit: Limit, ident: str) -> None:
    """Count a failed attempt (a wrong password, an unknown API key)."""
    count(limit.scope, ident, window=limit.window)


def forgive(limit: Limit, ident: str) -> None:
    """Forget the failures of ``ident`` in the current window (a successful login)."""
    cache.delete(_key(limit.scope, ident, limit.window, _now()))


def take(limit: Limit, ident: str) -> int:
    """Count an attempt that is refused when over the limit (sending a mail); seconds to wait,
    0 when this attempt is within the limit."""
    now = _now()
    used = count(limit.scope, ident, window=limit.window, now=now)
    return _remaining(limit, now) if used > limit.attempts else 0


def retry_at(seconds: int) -> dt.datetime:
    """The local time when ``seconds`` have passed, for "try again at 14:15"."""
    return timezone.localtime(timezone.now() + dt.timedelta(seconds=seconds))


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# Each limit's settings: attempts per key, and the window in seconds. Read on each use, so tests
# and deployments may change them.
LIMITS = {
    "login-account": ("THROTTLE_LOGIN_PER_ACCOUNT", "THROTTLE_LOGIN_WINDOW"),
    "login-ip": ("THROTTLE_LOGIN_PER_IP", "THROTTLE_LOGIN_WINDOW"),
    "api-key-ip": ("THROTTLE_API_KEY_PER_IP", "THROTTLE_LOGIN_WINDOW"),
    "reset-address": ("THROTTLE_RESET_PER_ADDRESS", "THROTTLE_MAIL_WINDOW"),
    "reset-ip": ("THROTTLE_RESET_PER_IP", "THROTTLE_MAIL_WINDOW"),
    "invite-address": ("THROTTLE_INVITE_PER_ADDRESS", "THROTTLE_MAIL_WINDOW"),
    "invite-ip": ("THROTTLE_INVITE_PER_IP", "THROTTLE_MAIL_WINDOW"),
}


def limit(scope: str) -> Limit:
    attempts, window = LIMITS[scope]
    return Limit(scope, getattr(settings, attempts), getattr(settings, window))


def login_wait(username: str, ip: str) -> int:
    """Seconds until a login for ``username`` from ``ip`` is allowed again (0: now)."""
    return max(wait(limit("login-account"), username), wait(limit("login-ip"), ip))


def login_failed(username: str, ip: str) -> None:
    fail(limit("login-account"), username)
    fail(limit("login-ip"), ip)


def login_succeeded(username: str) -> None:
    """The account's failures are forgotten; the client IP's are not, so one valid login
    cannot reset the count of guesses at other accounts."""
    forgive(limit("login-account"), username)


def reset_wait(address: str, ip: str) -> int:
    """Count a password-reset request; seconds to wait when over a limit."""
    return max(take(limit("reset-address"), address), take(limit("reset-ip"), ip))


def invite_wait(address: str, ip: str) -> int:
    """Count an invitation mail; seconds to wait when over a limit."""
    return max(take(limit("invite-address"), address), take(limit("invite-ip"), ip))
