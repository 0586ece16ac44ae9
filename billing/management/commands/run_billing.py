"""``manage.py run_billing --month 2026-10 [--dry-run] [--draft]``: bill a month (BIL-1, BIL-4);
a month whose run left something unbilled is billed again for what is missing."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provisioning.audit import audit_context
from provisioning.errors import ApplicationError
from provisioning.models import Channel

from ...models import RunState
from ...money import euros, parse_month
from ...problems import problem_text
from ...services.runs import (
    StartOutcome,
    billing_preview,
    billing_run_execute,
    billing_run_open,
)


class Command(BaseCommand):
    help = "Bill a month: one wholesale invoice per reseller, one retail invoice per customer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month to bill, e.g. 2026-10")
        parser.add_argument("--dry-run", action="store_true", help="show what would be billed")
        parser.add_argument("--draft", action="store_true", help="create drafts, do not issue")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with audit_context(channel=Channel.CLI):
            try:
                if options["dry_run"]:
                    self._preview(month)
                    return
                run, outcome = billing_run_open(
                    month=month, acting_user=None, issue_invoices=not options["draft"]
                )
                if outcome == StartOutcome.COMPLETE:
                    self.stdout.write(f"{month:%Y-%m} is billed completely; nothing to do")
                    return
                if outcome == StartOutcome.RESTARTED:
                    self.stdout.write(f"billing {month:%Y-%m} again for what is missing")
                run = billing_run_execute(run_id=run.pk, progress=self._progress())
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        if run.state != RunState.DONE:
            raise CommandError(f"run of {month:%Y-%m} is {run.state} (another worker has it?)")
        self.stdout.write(f"\nrun of {month:%Y-%m}: {run.state}, {run.done}/{run.total} steps")
        for problem in run.problems:
            self.stdout.write(self.style.WARNING(f"  problem: {problem_text(problem)}"))

    def _preview(self, month: Any) -> None:
        plan = billing_preview(month=month, acting_user=None)
        for planned in plan.invoices:
            self.stdout.write(
                f"{planned.kind:9} {planned.buyer_name}: "
                f"{len(planned.lines)} lines, net {planned.net} €"
            )
        total = sum((p.net for p in plan.invoices), euros(0))
        self.stdout.write(
            f"{len(plan.invoices)} invoices, net {total} € (dry run, nothing written)"
        )
        for problem in plan.problems:
            self.stdout.write(self.style.WARNING(f"  problem: {problem_text(problem)}"))

    def _progress(self) -> Any:
        if not sys.stdout.isatty():
            return None
        out = self.stdout

        def show(done: int, total: int) -> None:
            width = 40
            filled = width * done // max(total, 1)
            out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            out.flush()

        return show
