"""Write the status page, its JSON and feeds as static files (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from status.publish import export_site


class Command(BaseCommand):
    help = (
        "Write the public status page (German and English), the Statuspage-shaped JSON, the "
        "Atom and iCalendar feeds into DIR, for a plain web server that keeps serving them "
        "while the platform is down."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args: Any, directory: str, **options: Any) -> None:
        root = export_site(directory)
        self.stdout.write(f"status page written to {root}")
