"""Upload of a result document to the platform (HTTP POST, bearer token)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class UploadError(RuntimeError):
    pass


def upload_result(url: str, token: str, payload: dict[str, Any], timeout: float = 15.0) -> int:
    """POST ``payload`` as JSON with ``Authorization: Bearer <token>``; returns the HTTP status."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise UploadError(f"unsupported URL scheme {scheme!r}")
    if not token or any(c in token for c in "\r\n"):
        raise UploadError("invalid token")
    body = json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "User-Agent": "stimme-netcheck",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked)
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        raise UploadError(f"upload rejected: HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise UploadError(f"upload failed: {exc}") from exc
