"""What a billing run could not bill, as data (BIL-2, BIL-4, BIL-6).

A problem is stored as ``{"code": ..., "params": {...}}`` (in ``BillingRun.problems`` and a
plan's ``problems``): no prose, so it reads in whatever language the reader has when it is
shown (:func:`problem_text`, evaluated at display time), with the names people know (the price
items' labels: "Klare stimme", "Grundlizenz" …) instead of internal codes.

Codes and their parameters:

* ``wholesale_price_missing``: ``item``, ``reseller``, ``reseller_id`` — the platform's invoice
  to that reseller was not created;
* ``retail_price_missing``: ``item``, ``reseller``, ``reseller_id``, ``customer``,
  ``customer_id`` — the reseller's invoice to that customer was not created;
* ``einvoice_invalid``: ``buyer``, ``rules`` (EN 16931 rule ids), ``invoice_id`` — the draft
  stays a draft;
* ``text``: ``text`` — a problem written as plain text by an earlier version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from .models import PriceItem

Problem = dict[str, Any]

WHOLESALE_PRICE_MISSING = "wholesale_price_missing"
RETAIL_PRICE_MISSING = "retail_price_missing"
EINVOICE_INVALID = "einvoice_invalid"
TEXT = "text"
PRICE_MISSING = frozenset({WHOLESALE_PRICE_MISSING, RETAIL_PRICE_MISSING})


def _problem(code: str, **params: Any) -> Problem:
    return {"code": code, "params": params}


def wholesale_price_missing(*, item: str, reseller: str, reseller_id: str) -> Problem:
    return _problem(WHOLESALE_PRICE_MISSING, item=item, reseller=reseller, reseller_id=reseller_id)


def retail_price_missing(
    *, item: str, reseller: str, reseller_id: str, customer: str, customer_id: str
) -> Problem:
    return _problem(
        RETAIL_PRICE_MISSING,
        item=item,
        reseller=reseller,
        reseller_id=reseller_id,
        customer=customer,
        customer_id=customer_id,
    )


def einvoice_invalid(*, buyer: str, rules: Iterable[str], invoice_id: str) -> Problem:
    return _problem(EINVOICE_INVALID, buyer=buyer, rules=sorted(set(rules)), invoice_id=invoice_id)


def distinct(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in a stable order (by code, then parameters)."""
    keyed = {json.dumps(p, sort_keys=True): p for p in problems}
    return [keyed[key] for key in sorted(keyed)]


def as_problem(value: Any) -> Problem:
    """A stored problem as data; plain text (written before problems were data) as ``text``."""
    if isinstance(value, Mapping) and "code" in value:
        return {"code": str(value["code"]), "params": dict(value.get("params") or {})}
    return _problem(TEXT, text=str(value))


def item_label(item: str) -> str:
    """The name of a price item as people know it (never its code)."""
    try:
        return str(PriceItem(item).label)
    except ValueError:
        return gettext("unbekannte Position")


def problem_text(value: Any) -> str:
    """One problem in the active language (German unless the request asks otherwise)."""
    problem = as_problem(value)
    code, params = problem["code"], problem["params"]
    if code == WHOLESALE_PRICE_MISSING:
        return gettext(
            "Einkaufspreis für „%(item)s“ fehlt – die Rechnung der Plattform an %(reseller)s "
            "wurde nicht erstellt."
        ) % {"item": item_label(params.get("item", "")), "reseller": params.get("reseller", "")}
    if code == RETAIL_PRICE_MISSING:
        return gettext(
            "Verkaufspreis für „%(item)s“ fehlt in der Preisliste von %(reseller)s – die "
            "Rechnung an %(customer)s wurde nicht erstellt."
        ) % {
            "item": item_label(params.get("item", "")),
            "reseller": params.get("reseller", ""),
            "customer": params.get("customer", ""),
        }
    if code == EINVOICE_INVALID:
        return gettext(
            "Die E-Rechnung an %(buyer)s besteht die Prüfung nicht (%(rules)s) – sie bleibt "
            "ein Entwurf."
        ) % {"buyer": params.get("buyer", ""), "rules": ", ".join(params.get("rules", []))}
    return str(params.get("text", ""))


def missing_invoices(problems: Iterable[Any]) -> int:
    """How many invoices the problems kept from being created (one per buyer: a reseller's
    wholesale invoice, a customer's retail invoice)."""
    buyers = set()
    for value in problems:
        problem = as_problem(value)
        params = problem["params"]
        if problem["code"] == WHOLESALE_PRICE_MISSING:
            buyers.add(("reseller", params.get("reseller_id") or params.get("reseller")))
        elif problem["code"] == RETAIL_PRICE_MISSING:
            buyers.add(("customer", params.get("customer_id") or params.get("customer")))
    return len(buyers)


def described(value: Any) -> dict[str, Any]:
    """A problem with its text in the active language: ``{"code", "params", "message"}``."""
    problem = as_problem(value)
    return {**problem, "message": problem_text(problem)}
