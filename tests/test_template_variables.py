"""The tests' ``string_if_invalid``: unknown variables fail in portal templates only."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.template.base import Origin

from tests.template_variables import InvalidTemplateVariable, portal_templates_dir


def _template(source: str, *, in_portal: bool) -> Template:
    engine = Engine.get_default()
    name = str(portal_templates_dir() / "portal" / "example.html") if in_portal else "elsewhere"
    return Template(source, origin=Origin(name=name), engine=engine)


def test_unknown_variable_in_a_portal_template_fails() -> None:
    template = _template("<p>{{ invoice.numbr }}</p>", in_portal=True)
    with pytest.raises(InvalidTemplateVariable, match=r"example.html:1: unknown variable"):
        template.render(Context({"invoice": {"number": "RE-1"}}))


def test_known_variables_and_tags_that_allow_missing_ones_still_render() -> None:
    template = _template(
        "{{ invoice.number }}{% if missing %}x{% endif %}{% for i in missing %}{% endfor %}",
        in_portal=True,
    )
    assert template.render(Context({"invoice": {"number": "RE-1"}})) == "RE-1"


def test_other_templates_keep_django_silence_with_filters() -> None:
    template = _template("[{{ missing }}|{{ missing|default:'x' }}]", in_portal=False)
    assert template.render(Context({})) == "[|x]"


def test_a_variable_with_a_default_is_optional_in_portal_templates() -> None:
    template = _template(
        "{{ reseller.issuer.tax_number|default:'–' }}/{{ r.issuer.updated_at|date:'d.m.Y'|default:'–' }}",
        in_portal=True,
    )
    assert template.render(Context({"reseller": {}, "r": {}})) == "–/–"
