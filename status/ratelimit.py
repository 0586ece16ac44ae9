"""Fixed-window counters in the cache, for subscribing (STA-5): per address and per client IP.

Keys hold a hash, never the address itself. With Redis as the cache (``STIMME_CACHE_URL``) the
counters are shared by every web process; with the per-process default each process counts
on its own, which still bounds a single client.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, ident: str, window: int, now: float) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"status:rl:{scope}:{digest}:{int(now // window)}"


def hit(
    scope: str, ident: str, *, limit: int, window: int = 3600, now: float | None = None
) -> bool:
    """Count one attempt; ``True`` while the attempts in the current window stay within
    ``limit``."""
    key = _key(scope, ident, window, time.time() if now is None else now)
    if cache.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
