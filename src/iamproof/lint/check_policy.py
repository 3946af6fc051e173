"""Policy-level checks: statements, Version and policy variables, Id, Sids."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamproof.ast import VERSION_2008, OperatorFamily, Policy
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.findings import Finding
from iamproof.lint.keys import KeyStatus, lookup_key
from iamproof.patterns import PatternSyntaxError, parse_pattern, variables_of
from iamproof.span import Span

_SID = re.compile(r"^[A-Za-z0-9]*$")
_VARIABLE_FAMILIES = (OperatorFamily.STRING, OperatorFamily.ARN)


def check_policy(ctx: LintContext) -> Iterator[Finding]:
    policy = ctx.policy
    if not policy.statements:
        yield finding("MISSING_STATEMENT", "'Statement' is empty: the policy has no effect", policy.span)
    yield from _check_version(policy)
    yield from _check_variables(policy)
    yield from _check_id(ctx)
    yield from _check_sids(ctx)


def _check_version(policy: Policy) -> Iterator[Finding]:
    uses_variables = any("${" in text for text, _ in _variable_sites(policy))
    if policy.version is None:
        yield finding(
            "MISSING_VERSION",
            'the policy has no Version, so it uses the 2008-10-17 language; add "Version": "2012-10-17"',
            policy.span,
        )
    elif policy.version == VERSION_2008 and not uses_variables:
        yield finding("LEGACY_VERSION", "Version 2008-10-17 is the legacy policy language; use 2012-10-17", policy.span)


def _variable_sites(policy: Policy) -> Iterator[tuple[str, Span]]:
    """Texts where policy variables are substituted: resources and string/ARN condition values."""
    for statement in policy.statements:
        if statement.resource is not None:
            for item in statement.resource.items:
                yield item.text, item.span
        for condition in statement.conditions:
            if condition.operator.family in _VARIABLE_FAMILIES:
                for value in condition.values:
                    yield value.text, value.span


def _check_variables(policy: Policy) -> Iterator[Finding]:
    for text, span in _variable_sites(policy):
        if "${" not in text:
            continue
        if not policy.variables_enabled:
            version = "Version 2008-10-17" if policy.version == VERSION_2008 else "no Version"
            yield finding(
                "VARIABLE_UNSUPPORTED_IN_VERSION",
                f"{text!r} uses a policy variable, but with {version} `${{...}}` is literal text; use"
                ' "Version": "2012-10-17"',
                span,
            )
            continue
        yield from _check_variable_keys(text, span)


def _check_variable_keys(text: str, span: Span) -> Iterator[Finding]:
    try:
        pattern = parse_pattern(text, variables=True)
    except PatternSyntaxError:
        return
    for variable in variables_of(pattern):
        info = lookup_key(variable.key)
        if info.status is KeyStatus.UNKNOWN_GLOBAL:
            yield finding("UNKNOWN_GLOBAL_CONDITION_KEY", f"policy variable: {info.message}", span)
        elif info.status is KeyStatus.UNKNOWN_SERVICE_KEY:
            yield finding("UNKNOWN_CONDITION_KEY", f"policy variable: {info.message}", span)
        elif info.type is not None and info.type.multivalued:
            yield finding(
                "MULTIVALUED_KEY_AS_POLICY_VARIABLE",
                f"policy variable ${{{variable.key}}} names a multivalued key ({info.type.name}); only"
                " single-valued keys can be used as policy variables",
                span,
            )


def _check_id(ctx: LintContext) -> Iterator[Finding]:
    policy = ctx.policy
    if policy.id is not None and ctx.policy_type.identity_based:
        yield finding(
            "ID_IN_IDENTITY_POLICY",
            f"the Id element is not supported in {ctx.policy_type.described} (it is meant for resource-based"
            " policies) and changes nothing here; remove it",
            policy.id_span or policy.span,
        )


def _check_sids(ctx: LintContext) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for statement in ctx.policy.statements:
        sid = statement.sid
        if sid is None:
            continue
        if sid == "":
            yield finding("EMPTY_SID_VALUE", "the Sid is empty; remove it or name the statement", statement.span)
            continue
        if sid in seen:
            yield finding(
                "UNIQUE_SIDS_REQUIRED",
                f"Sid {sid!r} is also the Sid of statement #{seen[sid] + 1}; Sids must be unique",
                statement.span,
            )
        seen.setdefault(sid, statement.index)
        if ctx.policy_type.stored_by_iam and not _SID.match(sid):
            yield finding(
                "UNSUPPORTED_SID",
                f"Sid {sid!r} may contain only ASCII letters and digits in {ctx.policy_type.described}",
                statement.span,
            )
