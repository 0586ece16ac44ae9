"""Files the API and the portal hand out, built once so both answer the same bytes: an
attachment response, and the users CSV in the import format (LIC-4).

Every CSV the platform writes goes through :func:`csv_writer` (or :func:`spreadsheet_safe` for
one cell), so no cell a tenant typed — a user's name, a phonebook entry, an invoice's buyer — is
run as a formula when the file is opened in a spreadsheet program (``=HYPERLINK(…)``,
``+cmd|…``, ``@SUM(…)``): a cell starting with ``= + - @``, a tab or a carriage return gets a
leading ``'``. Plain numbers keep their sign (``+4930123456``, ``-12.50``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from provisioning.models import Subscriber
from provisioning.services.users import CSV_COLUMNS

BOM = "\ufeff"
"""Ahead of a CSV file, so that spreadsheet programs read it as UTF-8 (umlauts)."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters by which spreadsheet programs recognise a formula."""

_SIGNED_NUMBER = re.compile(r"[+-][0-9][0-9 ,.()/]*(?:,[+-]?[0-9][0-9 ,.()/]*)*")
"""A signed number or list of phone numbers: nothing a spreadsheet program would call."""


def spreadsheet_safe(value: Any) -> Any:
    """``value`` with a leading ``'`` where a spreadsheet program would read it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _SIGNED_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell passes :func:`spreadsheet_safe`."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def csv_writer(out: Any, **options: Any) -> SafeCsvWriter:
    """The writer of every CSV file the platform hands out (``options`` as for ``csv.writer``)."""
    return SafeCsvWriter(out, **options)


def attachment(body: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """A file to save as ``filename``."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_attachment(text: str, *, filename: str, bom: bool = True) -> HttpResponse:
    """A UTF-8 CSV file to save as ``filename``; more rows may be written to it."""
    return attachment(
        (BOM if bom else "") + text, filename=filename, content_type="text/csv; charset=utf-8"
    )


def users_csv(users: Iterable[Subscriber]) -> HttpResponse:
    """``users`` (with their site and number) in the columns of the CSV import, plus the full
    number."""
    response = csv_attachment("", filename="benutzer.csv")
    writer = csv_writer(response, delimiter=";")
    writer.writerow([*CSV_COLUMNS, "number"])
    for user in users:
        writer.writerow(
            [
                user.first_name,
                user.last_name,
                user.email,
                user.site.name,
                user.number.extension,
                user.package,
                user.works_at,
                user.number.e164,
            ]
        )
    return response
