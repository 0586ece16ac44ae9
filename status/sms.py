"""SMS gateways for status notifications (STA-5, STA-6), chosen by ``STIMME_SMS_BACKEND``:

- ``file`` (embedded default, tests): one JSON line per message in ``var/sms/outbox.jsonl``;
- ``http``: a JSON POST to ``STIMME_SMS_URL`` with ``Authorization: Bearer STIMME_SMS_TOKEN``,
  body ``{"to": "+49…", "from": sender, "text": …, "reference": key}`` and the header
  ``Idempotency-Key: key``, so a provider that honours it drops a repeated message. A 2xx
  answer means accepted; 4xx (except 429) is permanent; anything else is retried.
"""

from __future__ import annotations

import fcntl
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone


class SmsError(Exception):
    """The gateway refused or could not be reached; ``permanent`` errors are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, reference: str) -> None: ...


@dataclass
class FileGateway:
    """Appends each message as a JSON line (locked, so parallel workers never interleave)."""

    directory: Path

    def send(self, *, to: str, text: str, reference: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": to, "text": text, "reference": reference, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with (self.directory / "outbox.jsonl").open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line + "\n")
            handle.flush()

    def read(self) -> list[dict[str, str]]:
        path = self.directory / "outbox.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class HttpGateway:
    """A provider's HTTPS API (see the module docstring for the request)."""

    url: str
    token: str
    sender: str
    timeout: float = 10.0

    def send(self, *, to: str, text: str, reference: str) -> None:
        body = json.dumps(
            {"to": to, "from": self.sender, "text": text, "reference": reference}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL's scheme is checked in settings
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            permanent = 400 <= error.code < 500 and error.code != 429
            raise SmsError(f"gateway answered {error.code}", permanent=permanent) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"gateway unreachable: {error}") from None


def gateway() -> SmsGateway:
    if settings.STATUS_SMS_BACKEND == "http":
        return HttpGateway(
            url=settings.STATUS_SMS_URL,
            token=settings.STATUS_SMS_TOKEN,
            sender=settings.STATUS_SMS_SENDER,
        )
    return FileGateway(Path(settings.STATUS_SMS_DIR))
