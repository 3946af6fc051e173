"""Policy documents found inside templates and plans → Policy ASTs with spans into those files.

A document may be a (resolved) object node or a JSON string (Terraform plans, some templates); a
string is parsed with positions that point into the outer file. Placeholder literals are made to fit
where the policy grammar demands a shape (an ARN resource, a principal ARN, a `service:action`), so an
unresolved value never makes a valid document invalid; the literal stays in the text, recognisable.
"""

from __future__ import annotations

from collections.abc import Callable

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import JArray, JMember, JObject, JString, JValue, parse_embedded_json
from iamproof.parsing.policy_builder import build_policy
from iamproof.world.placeholders import has_placeholder

STAND_IN_ACCOUNT = "000000000000"


def policy_from_node(node: JValue, what: str) -> Policy:
    """Build the policy of `node` (an object, or a JSON string holding one); `what` names it in errors."""
    document = parse_string_document(node, what) if isinstance(node, JString) else node
    try:
        return build_policy(_fit_placeholders(document))
    except InputError as exc:
        raise InputError(f"{exc.message} (in {what})", exc.span or node.span) from None


def parse_string_document(node: JString, what: str) -> JValue:
    """A JSON document held in a string, parsed with positions inside the file."""
    at = node.locator()
    try:
        return parse_embedded_json(node.value, node.span.file, at)
    except InputError as exc:
        raise InputError(f"{exc.message} (in the JSON text of {what})", exc.span) from None


def _fit_placeholders(document: JValue) -> JValue:
    if not isinstance(document, JObject):
        return document
    statements = document.get("Statement")
    if statements is None:
        return document
    value = statements.value
    if isinstance(value, JArray):
        fitted: JValue = JArray(tuple(_fit_statement(item) for item in value.items), value.span)
    else:
        fitted = _fit_statement(value)
    return _replace(document, "Statement", fitted)


def _fit_statement(node: JValue) -> JValue:
    if not isinstance(node, JObject):
        return node
    for key in ("Resource", "NotResource"):
        node = _map_member(node, key, _fit_resource)
    for key in ("Action", "NotAction"):
        node = _map_member(node, key, _fit_action)
    for key in ("Principal", "NotPrincipal"):
        principal = node.get(key)
        if principal is not None and isinstance(principal.value, JObject):
            node = _replace(node, key, _map_member(principal.value, "AWS", _fit_principal))
    return node


def _fit_resource(value: str) -> str:
    return value if value == "*" or value.startswith(("arn:", "execute-api:/")) else f"arn:{value}"


def _fit_action(value: str) -> str:
    return value if value.count(":") == 1 else "unresolved:" + value.replace(":", "/")


def _fit_principal(value: str) -> str:
    if value.isdigit() and len(value) == 12:
        return value
    parts = value.split(":")
    if len(parts) >= 6 and parts[2] in ("iam", "sts") and parts[4].isdigit() and len(parts[4]) == 12:
        return value
    safe = value.replace(":", "/").replace("*", "_").replace("?", "_")
    return f"arn:aws:iam::{STAND_IN_ACCOUNT}:role/{safe}"


def _map_member(node: JObject, key: str, fit: Callable[[str], str]) -> JObject:
    found = node.get(key)
    if found is None:
        return node
    return _replace(node, key, _fit_strings(found.value, fit))


def _fit_strings(value: JValue, fit: Callable[[str], str]) -> JValue:
    if isinstance(value, JString) and has_placeholder(value.value):
        return JString(fit(value.value), value.span)
    if isinstance(value, JArray):
        return JArray(tuple(_fit_strings(item, fit) for item in value.items), value.span)
    return value


def _replace(node: JObject, key: str, value: JValue) -> JObject:
    members = tuple(JMember(m.key, m.key_span, value) if m.key == key else m for m in node.members)
    return JObject(members, node.span)
