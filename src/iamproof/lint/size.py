"""Policy size limits (docs/iam-semantics.md §1.4).

The size is measured on the smallest JSON text of the policy: the AST written back without optional
whitespace and with one-item lists as single values. The text a user submits is at least this long, so a
policy reported as too large is too large however it is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from iamproof.ast import Condition, Policy, PrincipalBlock, Statement, ValueKind
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.findings import Finding
from iamproof.lint.policy_types import PolicyType


@dataclass(frozen=True)
class SizeLimit:
    default: int | None
    """The usual limit; exceeding it is a warning when a larger quota can apply."""
    hard: int | None
    """The most AWS allows for this policy type; exceeding it is an error."""
    counts_whitespace: bool
    note: str


LIMITS: dict[PolicyType, SizeLimit] = {
    PolicyType.IDENTITY: SizeLimit(
        6144,
        None,
        False,
        "customer managed policies allow 6,144 characters and a role's inline policies 10,240 together;"
        " only AWS managed policies can be larger",
    ),
    PolicyType.BOUNDARY: SizeLimit(None, 6144, False, "a permissions boundary is a managed policy (6,144)"),
    PolicyType.SESSION: SizeLimit(None, 2048, False, "session policies allow 2,048 characters"),
    PolicyType.TRUST: SizeLimit(2048, 4096, False, "trust policies allow 2,048 characters, 4,096 if raised"),
    PolicyType.SCP: SizeLimit(None, 5120, True, "SCPs allow 5,120 characters, whitespace included"),
    PolicyType.RCP: SizeLimit(None, 5120, True, "RCPs allow 5,120 characters, whitespace included"),
    PolicyType.RESOURCE: SizeLimit(
        20480, None, False, "S3 bucket and Lambda function policies allow 20 KB; API Gateway and SQS 8,192"
    ),
}


def check_size(ctx: LintContext) -> Iterator[Finding]:
    limit = LIMITS[ctx.policy_type]
    size = policy_size(ctx.policy, counts_whitespace=limit.counts_whitespace)
    what = "characters" if limit.counts_whitespace else "characters without whitespace"
    kind = ctx.policy_type.value
    if limit.hard is not None and size > limit.hard:
        yield finding(
            "POLICY_SIZE_EXCEEDS_LIMIT",
            f"the {kind} policy has at least {size:,} {what}, more than the {limit.hard:,} AWS allows ({limit.note})",
            ctx.policy.span,
        )
    elif limit.default is not None and size > limit.default:
        yield finding(
            "POLICY_SIZE_EXCEEDS_DEFAULT_LIMIT",
            f"the {kind} policy has at least {size:,} {what}, more than the usual {limit.default:,} ({limit.note})",
            ctx.policy.span,
        )


def policy_size(policy: Policy, *, counts_whitespace: bool) -> int:
    """Characters of the policy's minified JSON text (whitespace inside strings excluded unless counted)."""
    text = minified_json(policy)
    return len(text) if counts_whitespace else sum(1 for char in text if not char.isspace())


def minified_json(policy: Policy) -> str:
    """The policy as compact JSON text."""
    members = []
    if policy.version is not None:
        members.append(_member("Version", _string(policy.version)))
    if policy.id is not None:
        members.append(_member("Id", _string(policy.id)))
    statements = ",".join(_statement(statement) for statement in policy.statements)
    members.append(_member("Statement", f"[{statements}]"))
    return "{" + ",".join(members) + "}"


def _statement(statement: Statement) -> str:
    members = []
    if statement.sid is not None:
        members.append(_member("Sid", _string(statement.sid)))
    members.append(_member("Effect", _string(statement.effect.value)))
    if statement.principal is not None:
        name = "NotPrincipal" if statement.principal.negated else "Principal"
        members.append(_member(name, _principal(statement.principal)))
    action = statement.action
    members.append(_member("NotAction" if action.negated else "Action", _list([_string(i.text) for i in action.items])))
    if statement.resource is not None:
        name = "NotResource" if statement.resource.negated else "Resource"
        members.append(_member(name, _list([_string(item.text) for item in statement.resource.items])))
    if statement.conditions:
        members.append(_member("Condition", _conditions(statement.conditions)))
    return "{" + ",".join(members) + "}"


def _principal(block: PrincipalBlock) -> str:
    if block.everyone:
        return _string("*")
    grouped: dict[str, list[str]] = {}
    for entry in block.entries:
        grouped.setdefault(entry.key.value, []).append(_string(entry.value))
    return "{" + ",".join(_member(key, _list(values)) for key, values in grouped.items()) + "}"


def _conditions(conditions: tuple[Condition, ...]) -> str:
    grouped: dict[str, list[str]] = {}
    for condition in conditions:
        values = [_string(v.text) if v.kind is ValueKind.STRING else v.text for v in condition.values]
        grouped.setdefault(condition.operator.name, []).append(_member(condition.key, _list(values)))
    return "{" + ",".join(_member(op, "{" + ",".join(keys) + "}") for op, keys in grouped.items()) + "}"


def _member(key: str, value: str) -> str:
    return f"{_string(key)}:{value}"


def _list(values: list[str]) -> str:
    return values[0] if len(values) == 1 else "[" + ",".join(values) + "]"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
