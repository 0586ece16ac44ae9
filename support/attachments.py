"""Checking an uploaded attachment (SUP-1): not empty, at most ``SUPPORT_ATTACHMENT_MAX_BYTES``,
and of a content type in ``SUPPORT_ATTACHMENT_TYPES``. The type is read from the content
itself; the file name's suffix only has to agree, and a browser's declared type is ignored, so a
renamed program is never stored as a picture."""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass

from provisioning.errors import ApplicationError

#: content type → (suffixes, magic prefixes); an empty prefix list means text.
KNOWN_TYPES: dict[str, tuple[tuple[str, ...], tuple[bytes, ...]]] = {
    "application/pdf": ((".pdf",), (b"%PDF-",)),
    "image/png": ((".png",), (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": ((".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    "image/gif": ((".gif",), (b"GIF87a", b"GIF89a")),
    "audio/wav": ((".wav",), (b"RIFF",)),
    "application/zip": ((".zip",), (b"PK\x03\x04",)),
    "text/plain": ((".txt", ".log", ".csv"), ()),
    "message/rfc822": ((".eml",), ()),
}
TEXT_PROBE = 8192


@dataclass(frozen=True)
class CheckedAttachment:
    name: str
    content_type: str
    size: int


def clean_name(filename: str) -> str:
    """The file's own name without any folder, at most 255 characters."""
    name = posixpath.basename((filename or "").replace("\\", "/")).strip()
    return name[-255:] or "datei"


def _refuse(code: str, message: str, **params: object) -> ApplicationError:
    return ApplicationError(code, message, fields={"file": [message]}, params=params)


def _matches(data: bytes, content_type: str) -> bool:
    _suffixes, prefixes = KNOWN_TYPES[content_type]
    if not prefixes:
        return b"\x00" not in data[:TEXT_PROBE]
    if content_type == "audio/wav":
        return data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    return any(data.startswith(prefix) for prefix in prefixes)


def check_attachment(
    data: bytes, filename: str, *, max_bytes: int, allowed: Collection[str]
) -> CheckedAttachment:
    """The attachment's clean name and content type, or ``ApplicationError`` on field
    ``file`` saying why it was refused."""
    name = clean_name(filename)
    if not data:
        raise _refuse("attachment_empty", "The file is empty.")
    if len(data) > max_bytes:
        megabytes = max(1, max_bytes // (1024 * 1024))
        raise _refuse(
            "attachment_too_large",
            f"The file is larger than {megabytes} MB.",
            megabytes=megabytes,
        )
    suffix = posixpath.splitext(name)[1].lower()
    candidates = [
        content_type
        for content_type in allowed
        if content_type in KNOWN_TYPES and suffix in KNOWN_TYPES[content_type][0]
    ]
    if not candidates:
        suffixes = sorted(s for t in allowed if t in KNOWN_TYPES for s in KNOWN_TYPES[t][0])
        raise _refuse(
            "attachment_type_not_allowed",
            "Files of this type cannot be attached. Allowed: " + ", ".join(suffixes),
            suffixes=suffixes,
        )
    for content_type in candidates:
        if _matches(data, content_type):
            return CheckedAttachment(name=name, content_type=content_type, size=len(data))
    raise _refuse(
        "attachment_content_mismatch",
        "The content of the file does not match its name.",
    )
