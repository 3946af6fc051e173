"""Helpers that read policy elements as patterns: actions, resources and ARN fields."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from iamproof.ast import ActionBlock, Policy, Statement
from iamproof.lint.globs import is_universal, pattern_includes
from iamproof.patterns import (
    Glob,
    Pattern,
    PatternSyntaxError,
    Variable,
    Wild,
    glob_match,
    parse_glob,
    parse_pattern,
    split_at_colons,
)

ROLE_ASSUMPTION_ACTIONS = ("sts:assumerole*", "sts:tagsession", "sts:setsourceidentity", "sts:setcontext")
"""What a role trust policy controls (lower-case patterns)."""


@lru_cache(maxsize=65536)
def action_glob(text: str) -> Glob:
    """An action as a lower-case glob (actions are case-insensitive; `${...}` is literal in them)."""
    return parse_glob(text.lower())


def block_covers_action(block: ActionBlock, action: str) -> bool:
    """Does an Action/NotAction block match the concrete action `action`?"""
    hit = any(glob_match(action_glob(item.text), action.lower()) for item in block.items)
    return hit != block.negated


def action_within(text: str, allowed: Iterable[str]) -> bool:
    """Is every action the pattern `text` matches also matched by one of the `allowed` patterns?"""
    inner = action_glob(text)
    return any(pattern_includes(action_glob(outer), inner) for outer in allowed)


def is_trust_action(text: str) -> bool:
    """Does the action pattern name only role-assumption actions (sts:AssumeRole*, sts:TagSession, ...)?"""
    return action_within(text, ROLE_ASSUMPTION_ACTIONS)


def resource_pattern(text: str, policy: Policy) -> Pattern:
    """A Resource entry as a pattern; policy variables count only under Version 2012-10-17."""
    try:
        return parse_pattern(text, variables=policy.variables_enabled)
    except PatternSyntaxError:
        return parse_pattern(text)


@lru_cache(maxsize=16384)
def arn_fields(pattern: Pattern) -> tuple[Pattern, ...] | None:
    """The six fields of an ARN pattern (split at its first five literal colons); None if it has fewer."""
    fields = split_at_colons(pattern, 6)
    return None if fields is None else tuple(fields)


def as_glob(pattern: Pattern) -> Glob | None:
    """The pattern as a glob, or None if it holds a policy variable."""
    parts: list[str | Wild] = []
    for part in pattern:
        if isinstance(part, Variable):
            return None
        parts.append(part)
    return tuple(parts)


def field_text(field: Pattern) -> str | None:
    """The literal text of an ARN field, or None if it holds a wildcard or a variable."""
    if all(isinstance(part, str) for part in field):
        return "".join(part for part in field if isinstance(part, str))
    return None


def statement_actions_universal(statement: Statement) -> bool:
    """Does the statement's Action match every action (`*`)?"""
    block = statement.action
    return not block.negated and any(is_universal(action_glob(item.text)) for item in block.items)


def resource_includes(outer: Pattern, inner: Pattern) -> bool:
    """True only if every resource `inner` matches is matched by `outer` (field by field for ARNs)."""
    if is_universal(outer):
        return True
    outer_fields, inner_fields = arn_fields(outer), arn_fields(inner)
    if outer_fields is None or inner_fields is None:
        return outer == inner
    pairs = zip(reversed(outer_fields), reversed(inner_fields), strict=True)  # the resource part first
    return all(o == i or pattern_includes(o, i) for o, i in pairs)
