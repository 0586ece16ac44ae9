"""Billing-run problems become data (a code and its parameters) instead of English sentences.

Runs written before keep their problems readable: the three sentences earlier versions wrote are
parsed into their code and parameters; anything else is kept as ``{"code": "text"}``.
"""

import re

from django.db import migrations

WHOLESALE = re.compile(r"^no wholesale price for (?P<item>\w+) \((?P<reseller>.*)\)$")
RETAIL = re.compile(
    r"^no retail price for (?P<item>\w+) of (?P<reseller>.*) \((?P<customer>[^()]*)\)$"
)
EINVOICE = re.compile(r"^(?P<buyer>.*): e-invoice fails (?P<rules>[\w., -]+)$")


def _structured(text):
    if not isinstance(text, str):
        return text
    if match := WHOLESALE.match(text):
        return {"code": "wholesale_price_missing", "params": match.groupdict()}
    if match := RETAIL.match(text):
        return {"code": "retail_price_missing", "params": match.groupdict()}
    if match := EINVOICE.match(text):
        rules = [rule.strip() for rule in match["rules"].split(",") if rule.strip()]
        return {"code": "einvoice_invalid", "params": {"buyer": match["buyer"], "rules": rules}}
    return {"code": "text", "params": {"text": text}}


def _sentence(problem):
    if not isinstance(problem, dict):
        return problem
    code, params = problem.get("code"), problem.get("params", {})
    if code == "wholesale_price_missing":
        return f"no wholesale price for {params['item']} ({params['reseller']})"
    if code == "retail_price_missing":
        return (
            f"no retail price for {params['item']} of {params['reseller']} "
            f"({params['customer']})"
        )
    if code == "einvoice_invalid":
        return f"{params['buyer']}: e-invoice fails " + ", ".join(params.get("rules", []))
    return str(params.get("text", ""))


def _convert(apps, change):
    BillingRun = apps.get_model("billing", "BillingRun")
    for run in BillingRun.objects.exclude(problems=[]).only("pk", "problems"):
        converted = [change(problem) for problem in run.problems]
        if converted != run.problems:
            BillingRun.objects.filter(pk=run.pk).update(problems=converted)


def forwards(apps, schema_editor):
    _convert(apps, _structured)


def backwards(apps, schema_editor):
    _convert(apps, _sentence)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_drop_indexes_covered_by_composite_ones"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
