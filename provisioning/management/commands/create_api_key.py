"""Print a new API key for an account, for scripts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning import services
from provisioning.audit import audit_context
from provisioning.errors import ApplicationError
from provisioning.models import Account, Channel


class Command(BaseCommand):
    help = "Create a named API key acting as USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        account = Account.objects.filter(username=options["username"], is_active=True).first()
        if account is None:
            raise CommandError(f"No active account {options['username']!r}.")
        try:
            with audit_context(channel=Channel.CLI):
                _, raw = services.api_key_create(acting_user=account, name=options["name"])
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(raw)
