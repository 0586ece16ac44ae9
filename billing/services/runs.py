"""The monthly billing run (BIL-1, BIL-4): claim, create drafts per reseller, issue them.

Idempotent and resumable: a run is one row per month claimed by a conditional update; each
reseller's drafts (its wholesale invoice and its customers' retail invoices) are created in one
transaction under unique keys (one invoice per buyer, kind and month), skipping buyers already
invoiced; each draft is then issued in its own transaction, numbering included. A second run,
a concurrent worker or a restart after a crash therefore never duplicates an invoice nor
leaves a gap in a number series.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from provisioning import audit
from provisioning.errors import ApplicationError
from provisioning.models import Account, AuditAction, AuditEvent
from provisioning.permissions import ensure

from ..background import enqueue
from ..bulk import insert_rows
from ..models import (
    BillingRun,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    IssuerProfile,
    RunState,
)
from ..money import previous_month
from ..permissions import can_run_billing
from ..planning import Plan, PlannedInvoice, plan_month
from ..problems import einvoice_invalid
from .invoices import (
    audit_rows_created,
    customer_party,
    draft_rows,
    issue,
    platform_seller,
    reseller_party,
    today,
)

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)
# Drafts issued per transaction: large enough that commits do not dominate, small enough that a
# series' counter is not locked for long (a batch takes well under a second).
ISSUE_BATCH = 20
# Drafts created per transaction (whole resellers, so a reseller's invoices appear together).
DRAFT_BATCH = 2000
Progress = Callable[[int, int], None]


def billing_preview(*, month: dt.date, acting_user: Account | None) -> Plan:
    """A dry run: what ``month`` would bill, computed without writing anything."""
    if acting_user is not None:
        ensure(can_run_billing(acting_user))
    return plan_month(month)


def _check_month(month: dt.date) -> None:
    if month.day != 1 or month >= today().replace(day=1):
        raise ApplicationError(
            "month_not_over",
            "Only a month that is over can be billed.",
            fields={"month": ["must be a past month"]},
        )


def billing_run_create(
    *, month: dt.date, acting_user: Account | None, issue_invoices: bool = True
) -> tuple[BillingRun, bool]:
    """The run of ``month``, created if there is none yet; ``(run, created)``."""
    if acting_user is not None:
        ensure(can_run_billing(acting_user))
    _check_month(month)
    platform_seller()  # refuses early when the platform's invoicing data is missing
    existing = BillingRun.objects.filter(month=month).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = BillingRun.objects.create(
                month=month, issue=issue_invoices, started_by=acting_user
            )
            audit.record_change(
                actor=acting_user,
                action=AuditAction.CREATE,
                instance=run,
                changes=audit.created_changes(run),
            )
    except IntegrityError:
        return BillingRun.objects.get(month=month), False
    return run, True


class StartOutcome(StrEnum):
    """What starting the billing of a month did."""

    STARTED = "started"
    """The month's first run, handed to a worker."""
    RESTARTED = "restarted"
    """The month's finished run left something unbilled (a problem, or drafts while issuing is
    asked for): it runs again for what is missing; invoices made before stay as they are."""
    RESUMED = "resumed"
    """A run that waits, failed or was abandoned by its worker, handed to a worker again."""
    RUNNING = "running"
    """A worker is billing the month right now: nothing to do."""
    COMPLETE = "complete"
    """The month is billed completely: nothing is billed twice."""


class RunStart(NamedTuple):
    run: BillingRun
    outcome: StartOutcome


def drafts_left(month: dt.date) -> bool:
    """Whether invoices of ``month`` wait as drafts (a draft run's, or ones that failed)."""
    return Invoice.objects.filter(
        month=month, state=InvoiceState.DRAFT, document_type=DocumentType.INVOICE
    ).exists()


def _unfinished(run: BillingRun, *, issue_invoices: bool) -> bool:
    """Whether a finished run left something a new run could still do: buyers without an
    invoice (its problems) or, when issuing is asked for, drafts to issue."""
    return bool(run.problems) or (issue_invoices and drafts_left(run.month))


def _reopen(run: BillingRun, *, issue_invoices: bool, acting_user: Account | None) -> bool:
    """Finished → pending by one conditional update (of two clicks at once, one reopens)."""
    with transaction.atomic():
        reopened = (
            BillingRun.objects.filter(pk=run.pk, state=RunState.DONE).update(
                state=RunState.PENDING,
                issue=issue_invoices,
                started_by=acting_user or run.started_by,
                error="",
                finished_at=None,
            )
            == 1
        )
        if reopened:
            audit.record_change(
                actor=acting_user,
                action=AuditAction.UPDATE,
                instance=run,
                changes={
                    "state": [RunState.DONE, RunState.PENDING],
                    "issue": [run.issue, issue_invoices],
                },
            )
    return reopened


def billing_run_open(
    *, month: dt.date, acting_user: Account | None, issue_invoices: bool = True
) -> RunStart:
    """The run of ``month`` made ready for a worker: created, or — where it still has
    something to do — reopened (finished with something left) or left waiting (pending,
    failed, abandoned). A month billed completely is left alone
    (:attr:`StartOutcome.COMPLETE`), so nothing is billed twice."""
    run, created = billing_run_create(
        month=month, acting_user=acting_user, issue_invoices=issue_invoices
    )
    if created:
        return RunStart(run, StartOutcome.STARTED)
    if run.state != RunState.DONE:
        return RunStart(run, _in_flight(run))
    if not _unfinished(run, issue_invoices=issue_invoices):
        return RunStart(run, StartOutcome.COMPLETE)
    reopened = _reopen(run, issue_invoices=issue_invoices, acting_user=acting_user)
    run.refresh_from_db()
    # Of two requests at once only one reopens; the other finds the run waiting or done.
    return RunStart(run, StartOutcome.RESTARTED if reopened else _in_flight(run))


def billing_run_start(
    *, month: dt.date, acting_user: Account | None, issue_invoices: bool = True
) -> RunStart:
    """Bill ``month``: open its run (:func:`billing_run_open`) and, where there is work, hand
    it to a worker on commit (eagerly without a broker)."""
    started = billing_run_open(month=month, acting_user=acting_user, issue_invoices=issue_invoices)
    if started.outcome in (StartOutcome.STARTED, StartOutcome.RESTARTED, StartOutcome.RESUMED):
        enqueue("execute_billing_run", str(started.run.pk))
    return started


def _in_flight(run: BillingRun) -> StartOutcome:
    """A run not finished: running (fresh heartbeat) or to be handed to a worker again."""
    fresh = run.heartbeat_at is not None and run.heartbeat_at >= timezone.now() - STALE_AFTER
    if run.state == RunState.RUNNING and fresh:
        return StartOutcome.RUNNING
    if run.state == RunState.DONE:  # finished meanwhile by another request's worker
        return StartOutcome.COMPLETE
    return StartOutcome.RESUMED


def claim(run_id: uuid.UUID | str, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Take the run for this worker: pending, failed or abandoned (no heartbeat) → running."""
    now = timezone.now()
    claimable = Q(state__in=[RunState.PENDING, RunState.FAILED]) | Q(
        state=RunState.RUNNING, heartbeat_at__lt=now - stale_after
    )
    return (
        BillingRun.objects.filter(claimable, pk=run_id).update(
            state=RunState.RUNNING, started_at=now, heartbeat_at=now, error="", finished_at=None
        )
        == 1
    )


def billing_run_execute(
    *,
    run_id: uuid.UUID | str,
    progress: Progress | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> BillingRun:
    """Bill the run's month if this worker can claim it; otherwise leave it to its owner."""
    if not claim(run_id, stale_after=stale_after):
        return BillingRun.objects.get(pk=run_id)
    run = BillingRun.objects.get(pk=run_id)
    try:
        _execute(run, progress=progress)
    except Exception as exc:
        logger.exception("billing run %s failed", run.pk)
        BillingRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED,
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:5000],
            finished_at=timezone.now(),
        )
        raise
    return BillingRun.objects.get(pk=run.pk)


def _beat(run: BillingRun, done: int) -> None:
    BillingRun.objects.filter(pk=run.pk).update(done=F("done") + done, heartbeat_at=timezone.now())


def _execute(run: BillingRun, *, progress: Progress | None) -> None:
    plan = plan_month(run.month)
    seller = platform_seller()
    profiles = {
        p.reseller_id: p for p in IssuerProfile.objects.filter(reseller_id__in=plan.resellers)
    }
    steps = len(plan.invoices) * (2 if run.issue else 1)
    BillingRun.objects.filter(pk=run.pk).update(total=steps, done=0, problems=plan.problems)
    finished = 0
    for planned_batch in _draft_batches(plan.invoices):
        _create_batch(run, plan, planned_batch, seller, profiles)
        finished += len(planned_batch)
        _beat(run, len(planned_batch))
        if progress:
            progress(finished, steps)
    if run.issue:
        drafts = list(
            Invoice.objects.filter(
                month=run.month, state=InvoiceState.DRAFT, document_type="invoice"
            )
            .filter(validation_errors=[])
            .order_by("kind", "reseller_id", "id")
            .values_list("pk", flat=True)
        )
        invalid = Invoice.objects.filter(month=run.month, state=InvoiceState.DRAFT).exclude(
            validation_errors=[]
        )
        done_before = steps - len(plan.invoices)

        issued_so_far = 0

        def issued(count: int) -> None:
            nonlocal issued_so_far
            issued_so_far += count
            _beat(run, count)
            if progress:
                progress(min(done_before + issued_so_far, steps), steps)

        issue_drafts(drafts, acting_user=run.started_by, on_batch=issued)
        problems = list(plan.problems) + [
            einvoice_invalid(
                buyer=inv.buyer.get("name", ""),
                rules=(e["rule"] for e in inv.validation_errors),
                invoice_id=str(inv.pk),
            )
            for inv in invalid
        ]
        BillingRun.objects.filter(pk=run.pk).update(problems=problems)
    BillingRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE, done=steps, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def issue_drafts(
    draft_ids: Sequence[uuid.UUID],
    *,
    acting_user: Account | None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Issue the given drafts in batches of :data:`ISSUE_BATCH`, each batch one transaction
    (drafts and their lines loaded in two queries, each series' counter locked once). A crash
    rolls back only the batch in progress: numbers stay gapless and a restart issues the rest.
    Drafts that are no longer drafts are skipped; returns how many were issued."""
    issued = 0
    for start in range(0, len(draft_ids), ISSUE_BATCH):
        chunk = list(draft_ids[start : start + ISSUE_BATCH])
        with transaction.atomic():
            locked = list(
                Invoice.objects.select_for_update()
                .filter(pk__in=chunk, state=InvoiceState.DRAFT)
                .order_by("kind", "reseller_id", "id")
            )
            lines: dict[uuid.UUID, list[InvoiceLine]] = {}
            ordered = InvoiceLine.objects.filter(invoice_id__in=[i.pk for i in locked]).order_by(
                "invoice_id", "position"
            )
            for line in ordered:
                lines.setdefault(line.invoice_id, []).append(line)
            counters: dict[tuple[str, str], Any] = {}
            for invoice in locked:
                own = lines.get(invoice.pk, [])
                issued += issue(invoice, acting_user=acting_user, lines=own, counters=counters)
        if on_batch:
            on_batch(len(chunk))
    return issued


def _draft_batches(planned: list[PlannedInvoice]) -> list[list[PlannedInvoice]]:
    """The plan cut into transactions of whole resellers (the plan lists each reseller's
    invoices together) with at least :data:`DRAFT_BATCH` invoices each, the last excepted."""
    batches: list[list[PlannedInvoice]] = []
    current: list[PlannedInvoice] = []
    for index, item in enumerate(planned):
        current.append(item)
        last_of_reseller = index + 1 == len(planned) or planned[index + 1].reseller_id != (
            item.reseller_id
        )
        if last_of_reseller and len(current) >= DRAFT_BATCH:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


def _create_batch(
    run: BillingRun,
    plan: Plan,
    planned_batch: list[PlannedInvoice],
    platform: dict[str, object],
    profiles: dict[uuid.UUID | None, IssuerProfile],
) -> int:
    """Create the missing drafts of whole resellers in one transaction; returns how many."""
    reseller_ids = {planned.reseller_id for planned in planned_batch}
    retail_sellers = {
        pk: reseller_party(plan.resellers[pk], profiles.get(pk)) for pk in reseller_ids
    }
    for _attempt in range(3):
        existing = Invoice.objects.filter(
            month=run.month, reseller_id__in=reseller_ids, document_type="invoice"
        )
        have_wholesale = set(
            existing.filter(kind=InvoiceKind.WHOLESALE).values_list("buyer_reseller_id", flat=True)
        )
        have_customers = set(
            existing.filter(kind=InvoiceKind.RETAIL).values_list("buyer_customer_id", flat=True)
        )
        invoices: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        for planned in planned_batch:
            if planned.kind == InvoiceKind.WHOLESALE:
                if planned.reseller_id in have_wholesale:
                    continue
                invoice, own_lines = draft_rows(
                    planned,
                    month=run.month,
                    run_id=run.pk,
                    seller=dict(platform),
                    buyer=reseller_party(plan.resellers[planned.reseller_id]),
                )
            else:
                if planned.buyer_customer_id in have_customers:
                    continue
                assert planned.buyer_customer_id is not None
                customer = plan.customers[planned.buyer_customer_id]
                invoice, own_lines = draft_rows(
                    planned,
                    month=run.month,
                    run_id=run.pk,
                    seller=retail_sellers[planned.reseller_id],
                    buyer=customer_party(customer),
                )
            invoices.append(invoice)
            lines.extend(own_lines)
        if not invoices:
            return 0
        try:
            with transaction.atomic():
                insert_rows(Invoice, invoices)
                insert_rows(InvoiceLine, lines)
                insert_rows(AuditEvent, audit_rows_created(run.started_by, invoices))
        except IntegrityError:
            # Another worker created some of these meanwhile: look again, create the rest.
            continue
        return len(invoices)
    raise ApplicationError(
        "billing_conflict", "Could not create the invoices of a batch of resellers.", status=409
    )


def scheduled_month(now: dt.datetime | None = None) -> dt.date:
    """The month the scheduled run on the 1st bills: the previous one."""
    return previous_month((now or timezone.now()).date())
