"""Principal checks: which policy types take a Principal, NotPrincipal, service principals."""

from __future__ import annotations

from collections.abc import Iterator

from iamproof.ast import Effect, PrincipalBlock, PrincipalKey, Statement
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.findings import Finding
from iamproof.lint.policy_types import PolicyType

SOURCE_KEYS = frozenset(
    ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner")
)
"""Condition keys that pin the resource a service principal acts for (lower-case)."""


def check_principals(ctx: LintContext) -> Iterator[Finding]:
    for statement in ctx.policy.statements:
        block = statement.principal
        if block is None:
            yield from _missing(statement, ctx.policy_type)
            continue
        yield from _by_policy_type(statement, block, ctx.policy_type)
        yield from _not_principal(statement, block, ctx.policy_type)
        yield from _variables(block)
        if ctx.policy_type is PolicyType.RESOURCE:
            yield from _service_without_source(statement, block)


def _element(block: PrincipalBlock) -> str:
    return "NotPrincipal" if block.negated else "Principal"


def _missing(statement: Statement, policy_type: PolicyType) -> Iterator[Finding]:
    if policy_type.requires_principal:
        yield finding(
            "MISSING_PRINCIPAL",
            f"statement {_name(statement)} has no Principal; {policy_type.described} must name one",
            statement.span,
        )


def _by_policy_type(statement: Statement, block: PrincipalBlock, policy_type: PolicyType) -> Iterator[Finding]:
    element = _element(block)
    if policy_type.forbids_principal:
        yield finding(
            "UNSUPPORTED_PRINCIPAL",
            f"{element} is not supported in {policy_type.described}; the policy applies to whoever it is attached to",
            block.span,
        )
    elif policy_type is PolicyType.TRUST and block.negated:
        yield finding("UNSUPPORTED_PRINCIPAL", "NotPrincipal is not supported in a role trust policy", block.span)
    elif policy_type is PolicyType.RCP and (block.negated or not block.everyone):
        yield finding(
            "UNSUPPORTED_PRINCIPAL",
            f'a resource control policy supports only "Principal": "*", not this {element} (narrow it with'
            " conditions on aws:PrincipalArn or aws:PrincipalAccount)",
            block.span,
        )


def _not_principal(statement: Statement, block: PrincipalBlock, policy_type: PolicyType) -> Iterator[Finding]:
    if not block.negated or policy_type.forbids_principal or policy_type is PolicyType.TRUST:
        return
    if statement.effect is Effect.ALLOW:
        yield finding(
            "ALLOW_WITH_NOT_PRINCIPAL",
            "Allow with NotPrincipal allows every principal except those listed, anonymous callers included",
            block.span,
        )
    else:
        yield finding(
            "DENY_WITH_NOT_PRINCIPAL",
            "Deny with NotPrincipal can deny the listed principals too (list their account and role as well)"
            ' and always denies principals with a permissions boundary; prefer "Principal": "*" with'
            " ArnNotEquals on aws:PrincipalArn",
            block.span,
        )


def _variables(block: PrincipalBlock) -> Iterator[Finding]:
    for entry in block.entries:
        if "${" in entry.value:
            yield finding(
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                f"policy variables are not substituted in {_element(block)}: {entry.value!r} is literal text",
                entry.span,
            )


def _service_without_source(statement: Statement, block: PrincipalBlock) -> Iterator[Finding]:
    if statement.effect is not Effect.ALLOW or block.negated:
        return
    if any(condition.key_lower in SOURCE_KEYS for condition in statement.conditions):
        return
    for entry in block.entries:
        if entry.key is PrincipalKey.SERVICE:
            yield finding(
                "SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION",
                f"service principal {entry.value!r} is allowed without an aws:SourceArn, aws:SourceAccount or"
                " aws:SourceOrgID condition, so the service can act here for any AWS customer",
                entry.span,
            )


def _name(statement: Statement) -> str:
    return repr(statement.sid) if statement.sid else f"#{statement.index + 1}"
