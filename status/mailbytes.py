"""Plain-text notification mails written straight to bytes, for the SMTP hot path (STA-6).

Building a message with ``django.core.mail.EmailMessage`` spends most of its time folding and
encoding headers through the ``email`` package — about three quarters of a worker's CPU per
notification. A status mail is always the same simple shape: one ASCII recipient, a UTF-8 plain
text body, a handful of headers. ``Writer`` encodes what is shared once (sender, subject) and
writes the rest directly; anything outside that shape (a non-ASCII address, a body line longer
than SMTP allows) is left to ``EmailMessage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.header import Header
from email.utils import formatdate

from django.conf import settings
from django.core.mail.message import sanitize_address

MAX_LINE = 998  # RFC 5321: octets per line, without CRLF


def _ascii(text: str) -> bool:
    return text.isascii() and "\r" not in text and "\n" not in text


@dataclass
class Writer:
    """Writes mails of one sender; remembers encoded subjects between mails."""

    from_email: str = ""
    _subjects: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.from_email = self.from_email or settings.DEFAULT_FROM_EMAIL
        self.from_header = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
        self.envelope_from = self.from_header

    def subject(self, text: str) -> str:
        encoded = self._subjects.get(text)
        if encoded is None:
            if text.isascii() and len(text) < 900:
                encoded = text
            else:
                encoded = Header(text, "utf-8", header_name="Subject").encode("\r\n")
            self._subjects[text] = encoded
        return encoded

    def write(self, *, to: str, subject: str, body: str, headers: dict[str, str]) -> bytes | None:
        """The message as bytes, or ``None`` if it needs the general path."""
        if not _ascii(to) or not all(_ascii(k) and _ascii(v) for k, v in headers.items()):
            return None
        lines = body.replace("\r\n", "\n").split("\n")
        encoded_lines = [line.encode("utf-8") for line in lines]
        if any(len(line) > MAX_LINE for line in encoded_lines):
            return None
        head = [
            f"Subject: {self.subject(subject)}",
            f"From: {self.from_header}",
            f"To: {to}",
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
            "MIME-Version: 1.0",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: 8bit",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + b"\r\n".join(encoded_lines)
