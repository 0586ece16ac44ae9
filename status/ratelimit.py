"""Fixed-window counters in the cache, for subscribing (STA-5): per address and per client IP.

The counters are those of ``provisioning.throttle``: keys hold a hash, never the address itself.
With Redis as the cache (``STIMME_CACHE_URL``) the counters are shared by every web process; with
the per-process default each process counts on its own, which still bounds a single client.
"""

from __future__ import annotations

from provisioning import throttle


def hit(
    scope: str, ident: str, *, limit: int, window: int = 3600, now: float | None = None
) -> bool:
    """Count one attempt; ``True`` while the attempts in the current window stay within
    ``limit``."""
    return throttle.count(f"status-{scope}", ident, window=window, now=now) <= limit
