"""The support area (SUP-1 … SUP-6, TEN-3): the ticket queue of each role, opening a ticket,
a ticket with its replies, history, attachments and the actions of the side that works it,
the reseller's service desk and the customer's support settings.

Tickets come through the chokepoint (``selectors.tickets_for``, ``access.get_for_user``), so a
foreign ticket answers like an unknown one; what a reader sees of a ticket — internal notes,
the platform ticket, platform staff's names — the selectors and ``support.permissions``
decide. Every change goes through ``support.services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portal import throttling
from portal.generic import CustomerObjectView, ObjectFormView
from provisioning import access, audit, throttle
from provisioning.models import Customer, Reseller
from support import permissions, portal_queries, selectors, services, states
from support.models import (
    CustomerSupportSettings,
    Kind,
    Level,
    Severity,
    State,
    SupportDesk,
    Ticket,
    TicketAttachment,
)

from .forms import (
    AcknowledgeForm,
    AssignForm,
    CustomerSupportForm,
    EscalateForm,
    EstimateForm,
    ReplyForm,
    SupportDeskForm,
    TicketOpenForm,
    TransitionForm,
)

if TYPE_CHECKING:
    from provisioning.models import Account

PAGE_SIZE = 25
OPEN = "open"


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> Account:
    """Everybody who reads tickets; the others find no such page."""
    user = _account(request)
    if not permissions.can_read_tickets(user):
        raise Http404
    return user


def _settings_of(customer: Any) -> CustomerSupportSettings | None:
    if customer is None:
        return None
    return CustomerSupportSettings.objects.filter(customer=customer).first()


def opens_tickets(account: Account) -> bool:
    """Whether the queue offers "open a ticket" (and the form opens)."""
    return permissions.opens_tickets(account, _settings_of(account.customer_id))


# The queue --------------------------------------------------------------------------------


def _filtered(request: HttpRequest, account: Account) -> tuple[Any, dict[str, str]]:
    rows = portal_queries.queue(account)
    chosen = {name: request.GET.get(name, "") for name in ("state", "severity", "kind", "customer")}
    # Platform staff work second-level tickets; the customers' tickets they read on request.
    chosen["level"] = request.GET.get("level", str(Level.SECOND) if account.is_platform else "")
    state = chosen["state"] or OPEN
    chosen["state"] = state
    if state == OPEN:
        rows = rows.filter(state__in=states.OPEN)
    elif state in State.values:
        rows = rows.filter(state=state)
    if chosen["severity"] in Severity.values:
        rows = rows.filter(severity=chosen["severity"])
    if chosen["kind"] in Kind.values:
        rows = rows.filter(kind=chosen["kind"])
    customer = portal_queries.visible_customer(account, chosen["customer"])
    if customer is not None:
        rows = rows.filter(customer=customer) | rows.filter(parent__customer=customer)
    else:
        chosen["customer"] = ""
    if chosen["level"] in {"1", "2"}:
        rows = rows.filter(level=int(chosen["level"]))
    return rows, chosen


@never_cache
@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    """The queue: open tickets first, the one with the least time left on top (SUP-3)."""
    account = _reader(request)
    rows, chosen = _filtered(request, account)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tickets = list(page.object_list)
    audit.record_access(actor=account, instances=tickets)
    clocks = portal_queries.clocks_for(tickets)
    customer_side = permissions.is_customer_side(account)
    return render(
        request,
        "portal/support/ticket_list.html",
        {
            "page": page,
            "rows": [(t, clocks[t.pk]) for t in tickets],
            "chosen": chosen,
            "state_choices": [(OPEN, _("alle offenen")), ("all", _("alle")), *State.choices],
            "severity_choices": Severity.choices,
            "kind_choices": Kind.choices,
            "customers": []
            if customer_side
            else access.visible_customers(account).order_by("company_name"),
            "levels": [("all", _("alle")), *Level.choices] if account.is_platform else [],
            "customer_side": customer_side,
            "may_open": opens_tickets(account),
            "desk_reseller": account.reseller
            if permissions.records_for_customer(account)
            else None,
            "settings_customer": account.customer
            if account.customer is not None
            and permissions.can_manage_customer_support(account, account.customer)
            else None,
        },
    )


# Opening a ticket -----------------------------------------------------------------------


def pin_limit() -> throttle.Limit:
    """Guesses of a customer's support PIN are counted per customer, like guesses of a
    password per login (the login limits' numbers)."""
    return throttle.Limit(
        "support-pin", settings.THROTTLE_LOGIN_PER_ACCOUNT, settings.THROTTLE_LOGIN_WINDOW
    )


PIN_THROTTLED = _(
    "Zu viele falsche Support-PINs für diesen Kunden. Bitte versuchen Sie es um %(time)s wieder."
)


class TicketOpenView(ObjectFormView):
    """A new ticket with all of SUP-1; a reseller records a customer's call (SUP-6), whose
    support PIN guesses are limited per customer."""

    template_name = "portal/support/ticket_open.html"
    form_class = TicketOpenForm
    files = True
    success_message = _("Das Ticket wurde angelegt. Eine Eingangsbestätigung geht per E-Mail raus.")

    def check_permission(self) -> None:
        if not opens_tickets(self.account):
            raise PermissionDenied

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "customers": access.visible_customers(self.account).order_by("company_name"),
            "records_call": permissions.records_for_customer(self.account),
        }

    def get_initial(self) -> dict[str, Any]:
        if permissions.records_for_customer(self.account):
            return {"customer": self.request.GET.get("customer") or None}
        return {
            "reporter_name": self.account.get_full_name() or self.account.get_username(),
            "reporter_email": self.account.email,
        }

    def get_aliases(self, form: BaseForm) -> dict[str, list[str]]:
        return {"file": ["attachments"]}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        customer = request.POST.get("customer", "")
        seconds = throttle.wait(pin_limit(), customer) if customer else 0
        if seconds and permissions.records_for_customer(self.account):
            form = self.get_form()
            form.errors  # noqa: B018 - validate, so the form shows what was entered
            page = TemplateResponse(request, self.template_name, self.get_context_data(form=form))
            return throttling.refuse(request, page, seconds, PIN_THROTTLED)
        return super().post(request, *args, **kwargs)

    def refused(self, form: BaseForm) -> None:
        if "support_pin" in form.errors and form.cleaned_data.get("customer") is not None:
            throttle.fail(pin_limit(), str(form.cleaned_data["customer"].pk))

    def submit(self, form: BaseForm) -> Ticket:
        data = form.service_data()  # type: ignore[attr-defined]
        records = permissions.records_for_customer(self.account)
        customer = form.cleaned_data["customer"] if records else self.account.customer
        assert customer is not None
        with transaction.atomic():
            ticket = services.ticket_open(
                customer=customer,
                acting_user=self.account,
                data=data,
                support_pin=form.cleaned_data.get("support_pin") if records else None,
            )
            _attach(ticket, self.account, form.cleaned_data["attachments"])
        return ticket

    def get_success_url(self, result: Ticket) -> str:
        return reverse("portal:support_ticket", args=[result.pk])


def _attach(ticket: Ticket, account: Account, files: list[Any], **kwargs: Any) -> None:
    for upload in files:
        services.attachment_add(
            ticket=ticket, acting_user=account, filename=upload.name, data=upload.read(), **kwargs
        )


# One ticket -----------------------------------------------------------------------------


def _transition_targets(account: Account, ticket: Ticket) -> list[str]:
    return [
        target
        for target in sorted(states.TRANSITIONS.get(ticket.state, frozenset()))
        if permissions.can_move(
            account, ticket, target, reopen=states.is_reopen(ticket.state, target)
        )
    ]


def _action_forms(account: Account, ticket: Ticket) -> dict[str, Any]:
    """The forms of what ``account`` may do on ``ticket`` now."""
    forms: dict[str, Any] = {}
    works = permissions.works_ticket(account, ticket)
    if works and ticket.state == states.NEW:
        forms["acknowledge"] = AcknowledgeForm(
            candidates=portal_queries.assignee_candidates(ticket),
            initial={"kind": ticket.kind, "severity": ticket.severity, "assignee": account.pk},
            prefix="ack",
        )
    if works and ticket.state in states.ACTIVE | {states.WAITING}:
        forms["estimate"] = EstimateForm(prefix="est")
    if works and ticket.is_open:
        forms["assign"] = AssignForm(
            candidates=portal_queries.assignee_candidates(ticket),
            initial={"assignee": ticket.assignee_id},
            prefix="asg",
        )
    targets = _transition_targets(account, ticket)
    if targets:
        forms["transition"] = TransitionForm(current=ticket.state, targets=targets, prefix="st")
    if (
        permissions.can_escalate(account, ticket)
        and ticket.is_open
        and not any(child.state in states.OPEN for child in ticket.escalations.all())
    ):
        forms["escalate"] = EscalateForm(prefix="esc")
    if permissions.can_reply(account, ticket) and ticket.state != states.CLOSED:
        forms["reply"] = ReplyForm(internal=permissions.can_write_internal(account, ticket))
    return forms


def ticket_context(account: Account, ticket: Ticket) -> dict[str, Any]:
    """What ``account`` reads of ``ticket``: the selectors leave out internal notes and
    history for the customer, and name the reseller's support team where platform staff
    wrote (TEN-3)."""

    def name(who: str, side: str) -> str:
        return selectors.shown_name(who, side, ticket, account)

    sees_internal = permissions.sees_internal(account, ticket)
    return {
        "ticket": ticket,
        "clock": portal_queries.clocks_for([ticket])[ticket.pk],
        "thread": [
            (m, name(m.author_name, m.author_side)) for m in selectors.messages_for(ticket, account)
        ],
        "attachments": [
            (a, name(a.uploaded_by_name, a.uploader_side))
            for a in selectors.attachments_for(ticket, account)
        ],
        "history": [
            (c, name(c.actor_name, c.actor_side)) for c in selectors.history_for(ticket, account)
        ],
        "sees_internal": sees_internal,
        "customer_side": permissions.is_customer_side(account),
        "platform_tickets": list(ticket.escalations.all()) if sees_internal else [],
        "assignee_name": name(
            ticket.assignee.get_full_name() or ticket.assignee.get_username(),
            permissions.side_of(ticket.assignee),
        )
        if ticket.assignee
        else "",
        "forms": _action_forms(account, ticket),
        "customer_settings_url": reverse(
            "portal:support_customer_settings", args=[ticket.customer_id]
        )
        if ticket.customer is not None
        and not permissions.is_customer_side(account)
        and permissions.can_manage_customer_support(account, ticket.customer)
        else "",
    }


@never_cache
@login_required
def ticket_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    account = _reader(request)
    ticket = access.get_for_user(selectors.ticket_base(), account, pk)
    return render(request, "portal/support/ticket_detail.html", ticket_context(account, ticket))


@login_required
def attachment_download(request: HttpRequest, pk: Any) -> FileResponse:
    """One attachment as a download; an internal one only for whoever reads internal notes."""
    account = _reader(request)
    attachment = access.get_for_user(TicketAttachment.objects.select_related("ticket"), account, pk)
    attachment = selectors.attachment_for(attachment.ticket, account, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class TicketActionView(ObjectFormView):
    """One action on a ticket: its form on the ticket page posts here; with errors the form
    is shown again on a page of its own (400)."""

    queryset = selectors.ticket_base()
    template_name = "portal/support/ticket_action.html"
    object_kwarg = "ticket"
    prefix: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    action: ClassVar[str]

    def check_permission(self) -> None:
        if self.action not in _action_forms(self.account, self.object):
            raise PermissionDenied

    def get_form(self) -> BaseForm:
        form = _action_forms(self.account, self.object)[self.action]
        if self.request.method == "POST":
            form = type(form)(
                data=self.request.POST,
                files=self.request.FILES,
                prefix=form.prefix,
                **self.form_extra(),
            )
        return form

    def form_extra(self) -> dict[str, Any]:
        return {}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"ticket": self.object, "title": self.title, **context}

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return dict(form.service_data())  # type: ignore[attr-defined]

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:support_ticket", args=[self.object.pk])


class AcknowledgeView(TicketActionView):
    action = "acknowledge"
    title = _("Ticket bestätigen")
    service = staticmethod(services.ticket_acknowledge)
    success_message = _("Das Ticket ist bestätigt; der Meldende erhält die Einschätzung.")

    def form_extra(self) -> dict[str, Any]:
        return {"candidates": portal_queries.assignee_candidates(self.object)}


class EstimateView(TicketActionView):
    action = "estimate"
    title = _("Neue voraussichtliche Lösung")
    service = staticmethod(services.ticket_set_estimate)
    success_message = _("Die neue voraussichtliche Lösung wurde dem Meldenden mitgeteilt.")


class AssignView(TicketActionView):
    action = "assign"
    title = _("Bearbeiter festlegen")
    service = staticmethod(services.ticket_assign)
    success_message = _("Der Bearbeiter wurde festgelegt.")
    form_extra = AcknowledgeView.form_extra


class TransitionView(TicketActionView):
    action = "transition"
    title = _("Status ändern")
    service = staticmethod(services.ticket_transition)
    success_message = _("Der Status wurde geändert.")

    def form_extra(self) -> dict[str, Any]:
        return {
            "current": self.object.state,
            "targets": _transition_targets(self.account, self.object),
        }


class EscalateView(TicketActionView):
    action = "escalate"
    title = _("An die Plattform eskalieren")
    service = staticmethod(services.ticket_escalate)
    success_message = _("Das Plattform-Ticket wurde angelegt.")

    def get_success_url(self, result: Ticket) -> str:
        return reverse("portal:support_ticket", args=[result.pk])


class ReplyView(TicketActionView):
    action = "reply"
    title = _("Antworten")
    success_message = _("Ihre Nachricht wurde gespeichert.")

    def form_extra(self) -> dict[str, Any]:
        return {"internal": permissions.can_write_internal(self.account, self.object)}

    def get_aliases(self, form: BaseForm) -> dict[str, list[str]]:
        return {"file": ["attachments"]}

    def submit(self, form: BaseForm) -> Any:
        data = form.service_data()  # type: ignore[attr-defined]
        internal = bool(data["internal"])
        with transaction.atomic():
            message = services.message_post(
                ticket=self.object, acting_user=self.account, body=data["body"], internal=internal
            )
            _attach(
                self.object,
                self.account,
                form.cleaned_data["attachments"],
                internal=internal,
                message=message,
            )
        return message


# Settings -------------------------------------------------------------------------------


class SupportDeskView(ObjectFormView):
    """A reseller's service hours, federal state and escalation contacts (SUP-3, SUP-4)."""

    queryset = Reseller.objects.all()
    template_name = "portal/support/desk.html"
    form_class = SupportDeskForm
    object_kwarg = "reseller"
    service = staticmethod(services.support_desk_update)

    def check_permission(self) -> None:
        if not permissions.can_manage_support_desk(self.account, self.object):
            raise PermissionDenied

    def get_initial(self) -> dict[str, Any]:
        return SupportDeskForm.initial_for(SupportDesk.objects.filter(reseller=self.object).first())

    def get_aliases(self, form: BaseForm) -> dict[str, list[str]]:
        return {"hours": ["hours_0"]}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"reseller": self.object, **context}

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:support_desk", args=[self.object.pk])


class CustomerSupportView(CustomerObjectView, ObjectFormView):
    """A customer's support PIN and whether its end users open tickets (SUP-5, SUP-6)."""

    queryset = Customer.objects.all()
    template_name = "portal/support/customer_settings.html"
    form_class = CustomerSupportForm
    object_kwarg = "customer"
    service = staticmethod(services.customer_support_update)

    def check_permission(self) -> None:
        super().check_permission()
        if not permissions.can_manage_customer_support(self.account, self.customer):
            raise PermissionDenied

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "decides_end_users": permissions.can_allow_end_user_tickets(
                self.account, self.customer
            ),
        }

    def get_initial(self) -> dict[str, Any]:
        row = _settings_of(self.customer)
        return {"end_users_may_open_tickets": bool(row and row.end_users_may_open_tickets)}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        row = _settings_of(self.customer)
        return super().get_context_data(has_pin=bool(row and row.has_pin), **context)

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:support_customer_settings", args=[self.customer.pk])
