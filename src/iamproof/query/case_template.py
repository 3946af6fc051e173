"""Case files for `can`: the policies, and a request whose fields may be omitted or given as patterns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iamproof.errors import InputError
from iamproof.evaluate.case_file import aws_managed_key, context_from_node, policy_set_from_node
from iamproof.evaluate.decision import PolicySet
from iamproof.evaluate.request import parse_principal, with_parent_user
from iamproof.parsing.documents import read_text
from iamproof.parsing.json_tree import JObject, JString, JValue, describe, parse_json, to_python
from iamproof.patterns import parse_glob
from iamproof.query.template import RequestTemplate

REQUEST_KEYS = (
    "principal",
    "parent_user",
    "action",
    "resource",
    "resource_account",
    "aws_managed_key",
    "context",
    "other_context",
)


@dataclass(frozen=True)
class TemplateCase:
    path: str
    policies: PolicySet
    template: RequestTemplate


def load_template_case(path: str | Path) -> TemplateCase:
    name = str(path)
    root = parse_json(read_text(path), name)
    if not isinstance(root, JObject):
        raise InputError(f"a case file must be an object, not {describe(root)}", root.span)
    for member in root:
        if member.key not in ("policies", "request"):
            raise InputError(f"unknown key {member.key!r}; expected policies, request", member.key_span)
    policies_member = root.get("policies")
    policies = policy_set_from_node(policies_member.value, Path(path).parent) if policies_member else PolicySet()
    request_member = root.get("request")
    template = template_from_node(request_member.value) if request_member else RequestTemplate()
    return TemplateCase(name, policies, template)


def template_from_node(node: JValue) -> RequestTemplate:
    """`principal` exact; `action` and `resource` wildcard patterns; `context` pins keys (null: absent).

    `"other_context": "absent"` makes every key not listed absent; by default they are free.
    """
    if not isinstance(node, JObject):
        raise InputError(f"'request' must be an object, not {describe(node)}", node.span)
    for member in node:
        if member.key not in REQUEST_KEYS:
            raise InputError(
                f"unknown request key {member.key!r}; expected one of {', '.join(REQUEST_KEYS)}", member.key_span
            )
    given = node.get("principal")
    principal = parse_principal(to_python(given.value), given.value.span) if given else None
    parent = node.get("parent_user")
    if parent is not None:
        if principal is None:
            raise InputError("'parent_user' needs the request's federated-user 'principal'", parent.key_span)
        principal = with_parent_user(principal, to_python(parent.value), parent.value.span)
    action, resource = _pattern(node, "action"), _pattern(node, "resource")
    account = _pattern(node, "resource_account")
    context_member = node.get("context")
    context, multivalued = context_from_node(context_member.value) if context_member else ({}, frozenset())
    closed = _pattern(node, "other_context")
    if closed not in (None, "absent", "free"):
        raise InputError('\'other_context\' must be "absent" or "free"', node.span)
    return RequestTemplate(
        principal=principal,
        action=parse_glob(action) if action is not None else None,
        resource=parse_glob(resource) if resource is not None else None,
        resource_account=account,
        context=dict(context),
        closed_context=closed == "absent",
        multivalued=multivalued,
        spelling=_spelling(context_member.value) if context_member else {},
        aws_managed_key=aws_managed_key(node, action) if node.get("aws_managed_key") else None,
    )


def _spelling(node: JValue) -> dict[str, str]:
    return {member.key.lower(): member.key for member in node} if isinstance(node, JObject) else {}


def _pattern(node: JObject, key: str) -> str | None:
    member = node.get(key)
    if member is None:
        return None
    if not isinstance(member.value, JString) or not member.value.value:
        raise InputError(f"request {key!r} must be a non-empty string", member.value.span)
    return member.value.value
