"""Billing runs (BIL-1, BIL-2, BIL-4): preview or start the billing of a month, follow its
progress, and — when a run left something unbilled — read what is missing, who can fix it, and
run the month again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from billing import services
from billing.models import BillingRun, RunState
from billing.permissions import (
    can_edit_wholesale_prices,
    can_run_billing,
    may_create_price_lists,
    may_read_price_lists,
)
from billing.problems import (
    EINVOICE_INVALID,
    RETAIL_PRICE_MISSING,
    WHOLESALE_PRICE_MISSING,
    problem_text,
)
from billing.selectors import billing_run_list, billing_run_progress, billing_run_summary
from billing.services.runs import StartOutcome
from portal.finance.chart import money
from portal.finance.forms import CONFIRMED, BillingRunForm
from portal.finance.views import (
    _account,
    _ensure,
    _form_status,
    _is_htmx,
    _issuer_notice,
    _render,
)
from portal.refusals import attempt
from provisioning.access import get_for_user
from provisioning.models import Role

if TYPE_CHECKING:
    from provisioning.models import Account


def _started(request: HttpRequest, run: BillingRun, outcome: StartOutcome) -> None:
    """Say what starting the month did (a month billed completely is not billed again)."""
    month = f"{run.month:%m/%Y}"
    if outcome == StartOutcome.STARTED:
        messages.success(request, _("Abrechnung gestartet."))
    elif outcome == StartOutcome.RESTARTED:
        messages.success(
            request,
            _(
                "Abrechnung %(month)s erneut gestartet: es werden nur die fehlenden Rechnungen "
                "erstellt; bereits erstellte bleiben unverändert."
            )
            % {"month": month},
        )
    elif outcome == StartOutcome.RESUMED:
        messages.success(request, _("Abrechnung %(month)s fortgesetzt.") % {"month": month})
    elif outcome == StartOutcome.RUNNING:
        messages.info(request, _("Die Abrechnung %(month)s läuft bereits.") % {"month": month})
    else:
        messages.info(
            request,
            _("%(month)s ist bereits vollständig abgerechnet; es wurde nichts erneut berechnet.")
            % {"month": month},
        )


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """The runs, and the form that previews (dry run) or starts the billing of a month."""
    account = _account(request)
    _ensure(can_run_billing(account))
    form = BillingRunForm(request.POST or None)
    preview = None
    confirm = None
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        if request.POST.get("action") == "start" and form.needs_confirmation(request.POST):
            confirm = {"month": month}
        elif request.POST.get("action") == "start":
            started = attempt(
                form,
                lambda: services.billing_run_start(
                    month=month,
                    acting_user=account,
                    issue_invoices=form.cleaned_data["issue"],
                ),
            )
            if started is not None:
                _started(request, started.run, started.outcome)
                return redirect("portal:finance_run_detail", pk=started.run.pk)
        else:
            plan = attempt(form, lambda: services.billing_preview(month=month, acting_user=account))
            if plan is not None:
                preview = {
                    "month": month,
                    "invoices": [
                        {
                            "kind": planned.kind,
                            "buyer_name": planned.buyer_name,
                            "lines": len(planned.lines),
                            "net": money(int(planned.net * 100)),
                        }
                        for planned in plan.invoices
                    ],
                    "problems": [problem_text(problem) for problem in plan.problems],
                    "total": money(sum(int(p.net * 100) for p in plan.invoices)),
                }
    context = {
        "form": form,
        "runs": billing_run_list(account=account),
        "preview": preview,
        "confirm": confirm,
        "confirmed_value": CONFIRMED,
        **_issuer_notice(account),
    }
    status = _form_status(form)
    return _render(request, "run_list.html", "runs", context, status)


def _run(request: HttpRequest, pk: str) -> BillingRun:
    account = _account(request)
    run = get_for_user(billing_run_list(account=account), account, pk)  # 404 outside the platform
    _ensure(can_run_billing(account))
    return run


def _price_step(account: Account, text: str) -> dict[str, str]:
    """Who enters a missing price, and the price lists if the reader may open them."""
    step = {"who": text}
    if may_create_price_lists(account) and can_edit_wholesale_prices(account):
        step |= {"url": reverse("portal:finance_price_list_create"), "label": _("Preis eintragen")}
    elif may_read_price_lists(account):
        step |= {"url": reverse("portal:finance_price_list_list"), "label": _("Preislisten")}
    return step


def _next_step(account: Account, problem: dict[str, Any]) -> dict[str, str]:
    """What to do about one problem: who can fix it and where."""
    params = problem["params"]
    staff = Role.PLATFORM_STAFF.label
    if problem["code"] == WHOLESALE_PRICE_MISSING:
        return _price_step(
            account,
            _("Einkaufspreise trägt der %(staff)s in die Einkaufspreisliste ein.")
            % {"staff": staff},
        )
    if problem["code"] == RETAIL_PRICE_MISSING:
        return _price_step(
            account,
            _(
                "Verkaufspreise trägt der %(admin)s von %(reseller)s (oder der %(staff)s) in "
                "die Preisliste des Resellers ein."
            )
            % {
                "admin": Role.RESELLER_ADMIN.label,
                "reseller": params.get("reseller", ""),
                "staff": staff,
            },
        )
    if problem["code"] == EINVOICE_INVALID and params.get("invoice_id"):
        return {
            "who": _("Die Befunde stehen beim Entwurf; dort kann er ausgestellt werden."),
            "url": reverse("portal:finance_invoice_detail", args=[params["invoice_id"]]),
            "label": _("Entwurf öffnen"),
        }
    return {}


def _run_context(request: HttpRequest, run: BillingRun) -> dict[str, Any]:
    account = _account(request)
    progress = billing_run_progress(run)
    summary = billing_run_summary(run)
    steps: list[dict[str, str]] = []
    for problem in progress["problems"]:
        step = _next_step(account, problem)
        if step and step not in steps:
            steps.append(step)
    again = summary["status"] in {"incomplete", "failed", "drafts"}
    form = BillingRunForm(initial={"month": f"{run.month:%Y-%m}", "issue": True})
    return {
        "run": run,
        "progress": progress,
        "summary": summary,
        "problems": progress["problems"],
        "steps": steps,
        "again_form": form if again else None,
        "live": run.state in (RunState.PENDING, RunState.RUNNING),
    }


@login_required
def run_detail(request: HttpRequest, pk: str) -> HttpResponse:
    run = _run(request, pk)
    return _render(request, "run_detail.html", "runs", _run_context(request, run))


@login_required
def run_progress(request: HttpRequest, pk: str) -> HttpResponse:
    """The progress fragment that the run page polls every 2 s (htmx)."""
    run = _run(request, pk)
    if not _is_htmx(request):
        return redirect("portal:finance_run_detail", pk=run.pk)
    response = render(request, "portal/finance/_run_progress.html", _run_context(request, run))
    response["Cache-Control"] = "no-store"
    return response
