"""Case files (design.md, "File formats"): the policies that bear on a request, and the request."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.evaluate.decision import PolicySet
from iamproof.evaluate.request import ContextValue, Request, RequestPrincipal, parse_principal, with_parent_user
from iamproof.parsing.documents import load_policy_file, policy_document_from_node, read_text
from iamproof.parsing.json_tree import (
    JArray,
    JBool,
    JNull,
    JNumber,
    JObject,
    JString,
    JValue,
    describe,
    parse_json,
    to_python,
)
from iamproof.span import Span

CASE_KEYS = ("policies", "request")
POLICY_KINDS = ("identity", "resource", "boundary", "session", "scps", "rcps")
REQUEST_KEYS = ("principal", "parent_user", "action", "resource", "resource_account", "aws_managed_key", "context")
_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9_.-]+$")
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Case:
    path: str
    policies: PolicySet
    request: Request
    request_span: Span


def load_case(path: str | Path) -> Case:
    """Load and check a case file; every problem is an InputError with its position."""
    name = str(path)
    root = _object(parse_json(read_text(path), name), "a case file")
    _check_keys(root, CASE_KEYS)
    base = Path(path).parent
    policies_member = root.get("policies")
    policies = _policy_set(_object(policies_member.value, "'policies'"), base) if policies_member else PolicySet()
    request_member = root.get("request")
    if request_member is None:
        raise InputError("case file has no 'request'", root.span)
    request_obj = _object(request_member.value, "'request'")
    return Case(name, policies, build_request(request_obj), request_obj.span)


def _policy_set(obj: JObject, base: Path) -> PolicySet:
    _check_keys(obj, POLICY_KINDS)

    def one(key: str) -> Policy | None:
        member = obj.get(key)
        return None if member is None else _policy(member.value, base)

    def many(key: str) -> tuple[Policy, ...]:
        member = obj.get(key)
        return () if member is None else tuple(_policy(item, base) for item in _array(member.value, f"'{key}'").items)

    def levels(key: str) -> tuple[tuple[Policy, ...], ...]:
        member = obj.get(key)
        if member is None:
            return ()
        rows = _array(member.value, f"'{key}' (a list of levels, each a list of policies)").items
        return tuple(tuple(_policy(p, base) for p in _array(row, f"each level of '{key}'").items) for row in rows)

    return PolicySet(many("identity"), one("resource"), one("boundary"), one("session"), levels("scps"), levels("rcps"))


def _policy(node: JValue, base: Path) -> Policy:
    """A policy given inline, or as the path of a policy file relative to the case file."""
    if isinstance(node, JString):
        return load_policy_file(base / node.value).policy
    return policy_document_from_node(node).policy


def build_request(obj: JObject) -> Request:
    _check_keys(obj, REQUEST_KEYS)
    principal = parse_principal(to_python(_required(obj, "principal")), _required(obj, "principal").span)
    parent = obj.get("parent_user")
    if parent is not None:
        principal = with_parent_user(principal, to_python(parent.value), parent.value.span)
    action_node = _string(_required(obj, "action"), "'action'")
    if not _ACTION.match(action_node.value):
        raise InputError(
            f"request action {action_node.value!r} must be one concrete action 'service:Name' (no wildcards)",
            action_node.span,
        )
    resource_node = _string(_required(obj, "resource"), "'resource'")
    if not resource_node.value:
        raise InputError(
            'request resource is empty; use "*" for actions without resource-level permissions',
            resource_node.span,
        )
    context_member = obj.get("context")
    context, multivalued = _context(context_member.value if context_member else None)
    account, assumed = _resource_account(obj, resource_node.value, principal)
    managed = aws_managed_key(obj, action_node.value)
    return Request(principal, action_node.value, resource_node.value, account, context, multivalued, assumed, managed)


def aws_managed_key(obj: JObject, action: str | None) -> bool:
    """The request's `aws_managed_key` (true: the resource is an AWS-managed KMS key); only for kms actions."""
    member = obj.get("aws_managed_key")
    if member is None:
        return False
    if not isinstance(member.value, JBool):
        raise InputError("'aws_managed_key' must be true or false", member.value.span)
    if member.value.value and action is not None and not action.lower().startswith("kms:"):
        raise InputError("'aws_managed_key' is only for a kms: action on a KMS key", member.value.span)
    return member.value.value


def _resource_account(obj: JObject, resource: str, principal: RequestPrincipal) -> tuple[str | None, bool]:
    parts = resource.split(":")
    in_arn = parts[4] if len(parts) >= 6 and _ACCOUNT.match(parts[4]) else None
    member = obj.get("resource_account")
    if member is not None:
        node = _string(member.value, "'resource_account'")
        if not _ACCOUNT.match(node.value):
            raise InputError("'resource_account' must be a 12-digit account ID", node.span)
        if in_arn is not None and node.value != in_arn:
            raise InputError(f"'resource_account' contradicts the account {in_arn} in the resource ARN", node.span)
        return node.value, False
    if in_arn is not None:
        return in_arn, False
    if principal.type.is_iam:
        return principal.account, True
    raise InputError(f'the account that owns {resource!r} is unknown: add "resource_account" to the request', obj.span)


def _context(node: JValue | None) -> tuple[dict[str, ContextValue | None], frozenset[str]]:
    if node is None:
        return {}, frozenset()
    obj = _object(node, "'context'")
    context: dict[str, ContextValue | None] = {}
    multivalued: set[str] = set()
    for member in obj:
        key = member.key.lower()
        if key in context:
            raise InputError(
                f"context key {member.key!r} is repeated (key names are case-insensitive)", member.key_span
            )
        if isinstance(member.value, JArray):
            multivalued.add(key)
            values = tuple(_scalar(item, member.key) for item in member.value.items)
            context[key] = tuple(v for v in values if v)
        elif isinstance(member.value, JNull):
            context[key] = None
        else:
            value = _scalar(member.value, member.key)
            context[key] = (value,) if value else None
    return context, frozenset(multivalued)


def _scalar(node: JValue, key: str) -> str:
    if isinstance(node, JString):
        return node.value
    if isinstance(node, JNumber):
        return node.text
    if isinstance(node, JBool):
        return "true" if node.value else "false"
    raise InputError(
        f"context value of {key!r} must be a string, number, boolean or a list of them, not {describe(node)}",
        node.span,
    )


def _required(obj: JObject, key: str) -> JValue:
    member = obj.get(key)
    if member is None:
        raise InputError(f"request has no {key!r}", obj.span)
    return member.value


def _object(node: JValue, what: str) -> JObject:
    if not isinstance(node, JObject):
        raise InputError(f"{what} must be an object, not {describe(node)}", node.span)
    return node


def _array(node: JValue, what: str) -> JArray:
    if not isinstance(node, JArray):
        raise InputError(f"{what} must be a list, not {describe(node)}", node.span)
    return node


def _string(node: JValue, what: str) -> JString:
    if not isinstance(node, JString):
        raise InputError(f"{what} must be a string, not {describe(node)}", node.span)
    return node


def _check_keys(obj: JObject, allowed: tuple[str, ...]) -> None:
    for member in obj:
        if member.key not in allowed:
            raise InputError(f"unknown key {member.key!r}; expected one of {', '.join(allowed)}", member.key_span)


def policy_set_from_node(node: JValue, base: Path) -> PolicySet:
    """The `policies` member of a case file (policy paths relative to `base`)."""
    return _policy_set(_object(node, "'policies'"), base)


def context_from_node(node: JValue) -> tuple[dict[str, ContextValue | None], frozenset[str]]:
    """The `context` member of a request: lower-cased keys to values (None: absent), and the list-valued keys."""
    return _context(node)
