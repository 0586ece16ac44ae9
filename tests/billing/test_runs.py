"""Billing runs, numbering and immutability (BIL-4, BIL-5): idempotent, resumable, gapless."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from billing import services
from billing.documents import einvoice, pdf
from billing.models import BillingRun, Invoice, InvoiceState, NumberCounter, RunState
from billing.services import runs as run_service
from billing.services.runs import billing_run_create, billing_run_execute
from provisioning.errors import ApplicationError
from tests.billing.conftest import berlin, hold
from tests.factories import World
from tests.realservices import require_postgresql

OCT = dt.date(2026, 10, 1)
pytestmark = pytest.mark.usefixtures("price_lists")


def seed(world: World) -> None:
    for customer in (world.customer_a1, world.customer_a2, world.customer_b1):
        hold(customer, "grundlizenz", berlin(2026, 1, 1))
        hold(customer, "klare_stimme", berlin(2026, 10, 1))


def numbers(issuer_key: str | None = None) -> list[int]:
    qs = Invoice.objects.filter(state=InvoiceState.FINAL, document_type="invoice")
    if issuer_key:
        qs = qs.filter(issuer_key=issuer_key)
    return sorted(qs.values_list("sequence", flat=True))


def assert_gapless() -> None:
    for key in set(Invoice.objects.values_list("issuer_key", flat=True)):
        seqs = numbers(key)
        assert seqs == list(range(1, len(seqs) + 1)), (key, seqs)


def test_run_issues_one_invoice_per_buyer_with_gapless_numbers(world: World) -> None:
    seed(world)
    run, _ = billing_run_create(month=OCT, acting_user=world.finance)
    run = billing_run_execute(run_id=run.pk)
    assert run.state == RunState.DONE and run.done == run.total == 10
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 5  # 2 wholesale + 3 retail
    assert numbers("platform") == [1, 2]
    assert numbers(str(world.reseller_a.pk)) == [1, 2]
    assert numbers(str(world.reseller_b.pk)) == [1]
    invoice = Invoice.objects.filter(issuer_key="platform").order_by("sequence").first()
    assert invoice is not None and invoice.number == "RE-000001"
    assert invoice.period_start == OCT and invoice.period_end == dt.date(2026, 10, 31)


def test_second_run_of_the_same_month_changes_nothing(world: World) -> None:
    seed(world)
    call_command("run_billing", "--month", "2026-10")
    before = list(Invoice.objects.order_by("id").values_list("id", "number"))
    call_command("run_billing", "--month", "2026-10")
    run = BillingRun.objects.get(month=OCT)
    assert billing_run_execute(run_id=run.pk).state == RunState.DONE
    assert list(Invoice.objects.order_by("id").values_list("id", "number")) == before


def test_dry_run_writes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    seed(world)
    call_command("run_billing", "--month", "2026-10", "--dry-run")
    assert "5 invoices" in capsys.readouterr().out
    assert not Invoice.objects.exists() and not BillingRun.objects.exists()


def test_current_month_cannot_be_billed(world: World) -> None:
    with pytest.raises(ApplicationError) as exc:
        billing_run_create(month=dt.date.today().replace(day=1), acting_user=world.finance)
    assert exc.value.code == "month_not_over"


def test_run_killed_halfway_resumes_without_duplicates_or_gaps(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(world)
    real_issue = run_service.issue
    calls = {"n": 0}

    def dying_issue(invoice: Invoice, **kwargs: object) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # not caught: the run stays "running"
        return real_issue(invoice, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_service, "issue", dying_issue)
    # Two drafts per transaction: the first batch is committed, the second dies half done.
    monkeypatch.setattr(run_service, "ISSUE_BATCH", 2)
    run, _ = billing_run_create(month=OCT, acting_user=None)
    with pytest.raises(SystemExit):
        billing_run_execute(run_id=run.pk)
    assert BillingRun.objects.get(pk=run.pk).state == RunState.RUNNING
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 2
    assert_gapless()
    monkeypatch.setattr(run_service, "issue", real_issue)
    # Still fresh: another worker must not take it over ...
    assert billing_run_execute(run_id=run.pk).state == RunState.RUNNING
    # ... once its heartbeat is stale, a restart resumes it.
    run = billing_run_execute(run_id=run.pk, stale_after=timedelta(0))
    assert run.state == RunState.DONE
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 5
    assert_gapless()


def test_final_invoice_is_immutable_and_corrected_by_credit_note(world: World) -> None:
    seed(world)
    run, _ = billing_run_create(month=OCT, acting_user=None)
    billing_run_execute(run_id=run.pk)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    invoice.net_cents += 1
    with pytest.raises(ApplicationError):
        invoice.save()
    invoice.refresh_from_db()
    with pytest.raises(ApplicationError):
        invoice.delete()
    with pytest.raises(ApplicationError):
        services.invoice_finalize(invoice=invoice, acting_user=world.finance)
    invoice.payment_state = "paid"
    invoice.save()  # payment fields may still move

    note = services.credit_note_create(
        invoice=invoice, acting_user=world.finance, reason="Doppelt berechnet"
    )
    assert note.is_final and note.number == "GS-000001" and note.corrects_id == invoice.pk
    assert note.gross_cents == invoice.gross_cents
    assert "<ram:TypeCode>381</ram:TypeCode>" in note.xml and invoice.number in note.xml
    assert einvoice.validate(note.xml.encode()) == []
    with pytest.raises(ApplicationError) as exc:
        services.credit_note_create(invoice=invoice, acting_user=world.finance, reason="nochmal")
    assert exc.value.code == "already_credited"
    assert (
        NumberCounter.objects.get(issuer_key=invoice.issuer_key, document_type="invoice").last_value
        == 2
    )


@pytest.mark.postgresql
def test_final_invoice_is_immutable_in_the_database(world: World) -> None:
    require_postgresql(connection.vendor)
    seed(world)
    run, _ = billing_run_create(month=OCT, acting_user=None)
    billing_run_execute(run_id=run.pk)
    invoice = Invoice.objects.get(buyer_customer=world.customer_a1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(net_cents=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        invoice.lines.update(net_cents=1)
    Invoice.objects.filter(pk=invoice.pk).update(payment_state="paid")


def test_every_issued_invoice_embeds_valid_en16931_xml(world: World) -> None:
    seed(world)
    run, _ = billing_run_create(month=OCT, acting_user=None)
    billing_run_execute(run_id=run.pk)
    for invoice in Invoice.objects.filter(state=InvoiceState.FINAL):
        xml = pdf.embedded_xml(bytes(invoice.pdf))
        assert xml.decode() == invoice.xml
        assert einvoice.check_xsd(xml) == []
        assert einvoice.check_rules(xml) == []


def test_broken_tax_total_is_caught_and_the_invoice_is_not_issued(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(world)
    real_build = einvoice.build_xml

    def wrong_tax(data: object) -> bytes:
        xml = real_build(data)  # type: ignore[arg-type]
        return xml.replace(
            b'<ram:TaxTotalAmount currencyID="EUR">', b'<ram:TaxTotalAmount currencyID="EUR">1'
        )

    monkeypatch.setattr(einvoice, "build_xml", wrong_tax)
    run, _ = billing_run_create(month=OCT, acting_user=None)
    run = billing_run_execute(run_id=run.pk)
    assert not Invoice.objects.filter(state=InvoiceState.FINAL).exists()
    draft = Invoice.objects.filter(buyer_customer=world.customer_a1).get()
    rules = {e["rule"] for e in draft.validation_errors}
    assert rules & {"BR-CO-14", "BR-CO-15"}, rules
    assert draft.number is None
    invalid = [p for p in run.problems if p["code"] == "einvoice_invalid"]
    assert len(invalid) == 5 and all(
        set(p["params"]["rules"]) & {"BR-CO-14", "BR-CO-15"} for p in invalid
    )
    assert not NumberCounter.objects.filter(last_value__gt=0).exists()
    monkeypatch.setattr(einvoice, "build_xml", real_build)
    assert services.invoice_finalize(invoice=draft, acting_user=world.finance).number == "RE-000001"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_one_month_yield_one_invoice_set(world: World) -> None:
    require_postgresql(connection.vendor)
    seed(world)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            run, _ = billing_run_create(month=OCT, acting_user=None)
            # Bypass the claim on purpose: even two workers billing at once must not duplicate.
            BillingRun.objects.filter(pk=run.pk).update(state=RunState.PENDING)
            run_service._execute(BillingRun.objects.get(pk=run.pk), progress=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert BillingRun.objects.count() == 1
    assert Invoice.objects.count() == 5
    assert Invoice.objects.filter(state=InvoiceState.FINAL).count() == 5
    assert_gapless()
