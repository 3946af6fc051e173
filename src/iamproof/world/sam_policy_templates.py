"""SAM policy templates (`- DynamoDBCrudPolicy: {TableName: !Ref Orders}` in a function's Policies), expanded
from the definitions the AWS SAM translator ships (`samtranslator/policy_templates_data`), so that the policy
the deployed role gets is analysed, not a placeholder.

A template's definition refers to its parameters with `Ref`; each such `Ref` becomes the value the function
gives (itself possibly an intrinsic, which the template's resolver then resolves like any other). The
expanded nodes carry the span of the policy-template entry, so findings point at that line.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from iamproof.parsing.json_tree import JBool, JNull, JNumber, JObject, JValue
from iamproof.span import Span
from iamproof.world.nodes import array, obj, string


@cache
def policy_templates() -> dict[str, Any]:
    """Template name → {"Definition": ..., "Parameters": ...}, from the SAM translator's data file."""
    from samtranslator.policy_templates_data import POLICY_TEMPLATES_FILE

    with open(POLICY_TEMPLATES_FILE, encoding="utf-8") as handle:
        templates: dict[str, Any] = json.load(handle)["Templates"]
    return templates


def translator_version() -> str:
    from samtranslator import __version__

    return str(__version__)


class TemplateError(ValueError):
    """The entry names no SAM policy template, or does not give its parameters."""


def expand_policy_template(name: str, values: JValue, span: Span) -> JValue:
    """The policy document of SAM policy template `name` with the parameters in `values`."""
    template = policy_templates().get(name)
    if template is None:
        raise TemplateError(f"{name} is not a SAM policy template (SAM translator {translator_version()})")
    parameters = set(template.get("Parameters") or {})
    given: dict[str, JValue] = {}
    if isinstance(values, JObject):
        given = {m.key: m.value for m in values.members}
    elif parameters:
        raise TemplateError(f"SAM policy template {name} needs the parameters {', '.join(sorted(parameters))}")
    missing = sorted(parameters - set(given))
    if missing:
        raise TemplateError(f"SAM policy template {name} is missing the parameter(s) {', '.join(missing)}")
    unknown = sorted(set(given) - parameters)
    if unknown:
        raise TemplateError(f"SAM policy template {name} has no parameter(s) {', '.join(unknown)}")
    document = dict(template["Definition"])
    document.setdefault("Version", "2012-10-17")
    return _node(document, span, given)


def _node(value: Any, span: Span, given: dict[str, JValue]) -> JValue:
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in given:
            return given[value["Ref"]]
        return obj([(key, _node(item, span, given)) for key, item in value.items()], span)
    if isinstance(value, list):
        return array([_node(item, span, given) for item in value], span)
    if isinstance(value, bool):
        return JBool(value, span)
    if isinstance(value, int | float):
        return JNumber(str(value), span)
    if value is None:
        return JNull(span)
    return string(str(value), span)
