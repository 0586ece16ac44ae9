"""Files the API and the portal hand out, built once so both answer the same bytes: an
attachment response, and the users CSV in the import format (LIC-4)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

from provisioning.models import Subscriber
from provisioning.services.users import CSV_COLUMNS

BOM = "\ufeff"
"""Ahead of a CSV file, so that spreadsheet programs read it as UTF-8 (umlauts)."""


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
    writer = csv.writer(response, delimiter=";")
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
