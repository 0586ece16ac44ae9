"""Call forwarding of a user (FEA-8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from telephony.entitlements import Feature
from telephony.routing.texts import t as routing_t
from telephony.text import join

from ..errors import ApplicationError
from ..models import Account, CallForwarding, Subscriber
from ._common import audited_create, audited_update, only_fields
from .feature_checks import check_target, guard_own, refuse_loops, require_entitled

FORWARDING_FIELDS = frozenset({"always", "on_busy", "on_no_answer", "no_answer_seconds"})
# The loop edge of each forwarding field (``telephony.routing.texts``).
FORWARDING_EDGES = {
    "always": "edge_always",
    "on_busy": "edge_busy",
    "on_no_answer": "edge_no_answer",
}


@transaction.atomic
def forwarding_update(
    *, subscriber: Subscriber, acting_user: Account, data: Mapping[str, Any]
) -> CallForwarding:
    """Set a user's forwarding (created on first use); a forwarding chain that loops is
    refused."""
    guard_own(acting_user, subscriber)
    fields = only_fields(data, FORWARDING_FIELDS)
    customer = subscriber.customer
    for name in ("always", "on_busy", "on_no_answer"):
        if name in fields:
            fields[name] = check_target(customer, fields[name], name)
            if fields[name] in (f"user:{subscriber.pk}",):
                user = routing_t("user", extension=subscriber.extension)
                edge = routing_t(FORWARDING_EDGES[name])
                raise ApplicationError(
                    "configuration_loop",
                    "A user cannot forward to themself.",
                    fields={name: ["A user cannot forward to themself."]},
                    params={"cycle": join((user, routing_t("edge", edge=edge, node=user)), "")},
                    status=409,
                )
    if any(fields.get(n) for n in ("always", "on_busy", "on_no_answer")):
        require_entitled(subscriber, Feature.TELEPHONY, "always")
    forwarding = CallForwarding.objects.filter(subscriber=subscriber).first()
    if forwarding is None:
        forwarding = audited_create(
            CallForwarding(subscriber=subscriber, **fields), actor=acting_user
        )
    else:
        audited_update(forwarding, fields, actor=acting_user)
    refuse_loops(customer)
    return forwarding
