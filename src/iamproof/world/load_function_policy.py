"""`aws lambda get-policy` output → the function and its resource-based policy.

The output is `{"Policy": "<policy JSON as a string>", "RevisionId": "..."}`; it does not name the
function, so the function is the one the statements' `Resource` names (unqualified: a permission on an
alias or version belongs to the same function). Statements naming different functions, or none, are
an error: the policy could not be attached to the right function.
"""

from __future__ import annotations

import re

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import JObject, JString
from iamproof.span import Span
from iamproof.world.load_fields import document_policy, required
from iamproof.world.model import Function, unqualified_function_arn

_FUNCTION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:*?]+(?::[^:*?]+)?")
_KEYS = frozenset(("Policy", "RevisionId", "ResponseMetadata"))


def is_function_policy(node: JObject) -> bool:
    """The Lambda shape: `Policy` holds a string (IAM's get-policy has an object there) or `RevisionId` is present."""
    policy = node.get("Policy")
    if policy is None:
        return False
    return isinstance(policy.value, JString) or (node.get("RevisionId") is not None and _only_known_keys(node))


def _only_known_keys(node: JObject) -> bool:
    return all(member.key in _KEYS for member in node.members)


def read_function_policy(node: JObject) -> Function:
    value = required(node, "Policy", "the output of aws lambda get-policy")
    if not isinstance(value, JString):
        raise InputError("'Policy' of aws lambda get-policy output must be the policy as a JSON string", value.span)
    policy = document_policy(value, "Policy", "the function policy")
    arn, span = _function_of(policy, value.span)
    return Function(arn, policy, span)


def _function_of(policy: Policy, where: Span) -> tuple[str, Span]:
    """The one unqualified function ARN the statements name, and where it is first named."""
    found: tuple[str, Span] | None = None
    for statement in policy.statements:
        if statement.resource is None or statement.resource.negated:
            raise InputError("a function policy statement must name the function in 'Resource'", statement.span)
        for item in statement.resource.items:
            if not _FUNCTION_ARN.fullmatch(item.text):
                raise InputError(
                    f"resource {item.text!r} is not a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
                    item.span,
                )
            arn = unqualified_function_arn(item.text)
            if found is None:
                found = (arn, item.span)
            elif arn != found[0]:
                raise InputError(
                    f"this function policy names two functions: {found[0]} (at {found[1]}) and {arn}", item.span
                )
    if found is None:
        raise InputError("the function policy has no statement, so it does not say which function it belongs to", where)
    return found
