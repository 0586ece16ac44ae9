"""Reading a gettext catalogue (.po) in tests: the few lines we need instead of a dependency.

Handles comments and flags, ``msgctxt``, plural forms, strings continued over several lines,
and obsolete entries (``#~``), which are returned with ``obsolete=True``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


@dataclass
class Entry:
    """One message: ``msgstr`` holds one translation, or one per plural form."""

    msgid: str = ""
    msgid_plural: str = ""
    context: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def where(self) -> str:
        return " ".join(self.references[:3]) or "?"


def read_po(path: Path) -> list[Entry]:
    """The entries of ``path`` in file order, without the header (``msgid ""``)."""
    entries: list[Entry] = []
    entry = Entry()
    key = ""
    started = False

    def finish() -> None:
        nonlocal entry, key, started
        if started and (entry.msgid or entry.msgid_plural):
            entries.append(entry)
        entry, key, started = Entry(), "", False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started and key.startswith("msgstr"):
                finish()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, text = match.group(1), _unescape(match.group(2))
            if keyword in ("msgctxt", "msgid") and key.startswith("msgstr"):
                finish()
            started = True
            entry.obsolete = entry.obsolete or obsolete
            key = keyword
            if keyword == "msgctxt":
                entry.context = text
            elif keyword == "msgid":
                entry.msgid = text
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgstr.append(text)
            continue
        match = _CONTINUATION.match(line)
        if match and started:
            text = _unescape(match.group(1))
            if key == "msgctxt":
                entry.context += text
            elif key == "msgid":
                entry.msgid += text
            elif key == "msgid_plural":
                entry.msgid_plural += text
            elif key.startswith("msgstr"):
                entry.msgstr[-1] += text
    finish()
    return entries
