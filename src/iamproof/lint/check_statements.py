"""Statement checks: NotAction/NotResource with Allow, iam:PassRole on every role, required elements."""

from __future__ import annotations

from collections.abc import Iterator

from iamproof.ast import Effect, Statement
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.elements import (
    action_glob,
    arn_fields,
    as_glob,
    block_covers_action,
    resource_pattern,
    statement_actions_universal,
)
from iamproof.lint.findings import Finding
from iamproof.lint.globs import is_universal, pattern_includes
from iamproof.lint.policy_types import PolicyType
from iamproof.patterns import Pattern, glob_match, parse_pattern

_RESOURCE_REQUIRED = (
    PolicyType.IDENTITY,
    PolicyType.BOUNDARY,
    PolicyType.SESSION,
    PolicyType.RESOURCE,
    PolicyType.RCP,
)
_ROLES = parse_pattern("role/*")


def check_statements(ctx: LintContext) -> Iterator[Finding]:
    for statement in ctx.policy.statements:
        yield from _required_elements(statement, ctx.policy_type)
        if statement.effect is Effect.ALLOW and ctx.policy_type.grants_access:
            yield from _allow_with_negation(statement)
            yield from _pass_role(ctx, statement)
        rcp_allow = statement.effect is Effect.ALLOW and ctx.policy_type is PolicyType.RCP
        if rcp_allow and not _is_full_access(statement):
            yield finding(
                "ALLOW_IN_RCP",
                "a resource control policy can only deny; Allow statements are not supported",
                statement.span,
            )


def _required_elements(statement: Statement, policy_type: PolicyType) -> Iterator[Finding]:
    if statement.resource is None and policy_type in _RESOURCE_REQUIRED:
        yield finding(
            "MISSING_RESOURCE",
            f"the statement has no Resource or NotResource; {policy_type.described} needs one",
            statement.span,
        )
    if statement.resource is not None and policy_type is PolicyType.TRUST:
        element = "NotResource" if statement.resource.negated else "Resource"
        yield finding(
            "RESOURCE_IN_TRUST_POLICY",
            f"a role trust policy cannot have {element}; the role itself is the resource",
            statement.resource.span,
        )


def _allow_with_negation(statement: Statement) -> Iterator[Finding]:
    if statement.action.negated:
        yield finding(
            "ALLOW_WITH_NOT_ACTION",
            "Allow with NotAction allows every action of every service except those listed",
            statement.action.span,
        )
    if statement.resource is not None and statement.resource.negated:
        yield finding(
            "ALLOW_WITH_NOT_RESOURCE",
            "Allow with NotResource allows the actions on every resource except those listed",
            statement.resource.span,
        )


def _pass_role(ctx: LintContext, statement: Statement) -> Iterator[Finding]:
    block = statement.resource
    if block is None or not block.items or not block_covers_action(statement.action, "iam:PassRole"):
        return
    patterns = [resource_pattern(item.text, ctx.policy) for item in block.items]
    if block.negated:
        if not any(_every_role(pattern, item.text) for pattern, item in zip(patterns, block.items, strict=True)):
            yield finding(
                "PASS_ROLE_WITH_NOT_RESOURCE",
                "iam:PassRole is allowed with NotResource: every role not listed can be passed to a service",
                block.span,
            )
        return
    for item, pattern in zip(block.items, patterns, strict=True):
        scope = _every_role(pattern, item.text)
        if scope:
            yield finding(
                "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                f"{_pass_role_source(statement)} on {item.text!r}, which covers {scope}; name the roles that"
                " may be passed",
                item.span,
            )
            return


def _pass_role_source(statement: Statement) -> str:
    """How the statement's actions allow iam:PassRole, for the message."""
    if statement.action.negated:
        return "iam:PassRole is allowed through NotAction"
    for item in statement.action.items:
        if item.text.lower() == "iam:passrole":
            return "iam:PassRole is allowed"
    covering = next(item.text for item in statement.action.items if _names_pass_role(item.text))
    return f"iam:PassRole is allowed through {covering!r}"


def _names_pass_role(text: str) -> bool:
    """Does the action pattern match iam:PassRole?"""
    return glob_match(action_glob(text), "iam:passrole")


def _every_role(pattern: Pattern, text: str) -> str | None:
    """If the resource pattern covers every role of an account (or of all accounts), say which; else None."""
    if is_universal(pattern):
        return "every resource, so every role"
    fields = arn_fields(pattern)
    if fields is None:
        return None
    globs = [as_glob(field) for field in fields]
    partition, service, region, account, resource = globs[1:]
    if partition is None or service is None or region is None or resource is None:
        return None
    if not (glob_match(service, "iam") and glob_match(region, "") and pattern_includes(resource, _ROLES)):
        return None
    if account is not None and is_universal(account):
        return "every role of every account"
    return f"every role of account {text.split(':', 5)[4]!r}"


def _is_full_access(statement: Statement) -> bool:
    """Is this RCPFullAWSAccess's statement (Allow, Principal "*", Action "*", Resource "*", no condition)?"""
    principal, resource = statement.principal, statement.resource
    return (
        principal is not None
        and principal.everyone
        and not principal.negated
        and statement_actions_universal(statement)
        and resource is not None
        and not resource.negated
        and any(item.text == "*" for item in resource.items)
        and not statement.conditions
    )
