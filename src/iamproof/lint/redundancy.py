"""Redundant statements: a statement whose access another statement already grants (or denies).

Statement A is redundant given statement B when B has the same effect, the same Principal/NotPrincipal
(compared as sets of entries), every condition of B also appears in A (so B applies whenever A does), and
B's actions and resources include A's. Inclusion is tested with the conservative glob test of
`iamproof.lint.globs` (one pattern of B must cover each pattern of A; NotAction and NotResource are
handled by reversing the test), so a reported redundancy always holds, and some are missed. Of two
equivalent statements the later one is reported. Policies with more than `MAX_STATEMENTS` statements or
`MAX_ENTRIES` action and resource entries in all are not checked (the comparison of every pair of statements
grows with the square of their number).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from iamproof.ast import Policy, Statement
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.elements import action_glob, resource_includes, resource_pattern
from iamproof.lint.findings import Finding
from iamproof.lint.globs import is_universal, pattern_includes
from iamproof.patterns import Pattern, has_wildcard

Includes = Callable[[Pattern, Pattern], bool]
MAX_STATEMENTS = 500
MAX_ENTRIES = 5_000


@dataclass(frozen=True)
class _Access:
    """What a statement matches, reduced to comparable parts."""

    statement: Statement
    principal: object
    conditions: frozenset[object]
    actions: tuple[Pattern, ...]
    actions_negated: bool
    resources: tuple[Pattern, ...] | None
    resources_negated: bool


def check_redundant_statements(ctx: LintContext) -> Iterator[Finding]:
    entries = sum(len(s.action.items) + len(s.resource.items if s.resource else ()) for s in ctx.policy.statements)
    if entries > MAX_ENTRIES or len(ctx.policy.statements) > MAX_STATEMENTS:
        return
    accesses = [_access(statement, ctx.policy) for statement in ctx.policy.statements]
    for access in accesses:
        cover = next((other for other in accesses if _redundant_given(access, other)), None)
        if cover is not None:
            statement, other = access.statement, cover.statement
            yield finding(
                "REDUNDANT_STATEMENT",
                f"statement {_name(statement)} is contained in statement {_name(other)}"
                f" (line {other.span.line}): it allows or denies nothing more",
                statement.span,
            )


def _access(statement: Statement, policy: Policy) -> _Access:
    block = statement.principal
    principal = (
        None
        if block is None
        else (block.negated, block.everyone, frozenset((entry.key, entry.value) for entry in block.entries))
    )
    conditions = frozenset(
        (c.operator.name, c.key_lower, frozenset(v.text for v in c.values)) for c in statement.conditions
    )
    resource = statement.resource
    return _Access(
        statement=statement,
        principal=principal,
        conditions=conditions,
        actions=tuple(action_glob(item.text) for item in statement.action.items),
        actions_negated=statement.action.negated,
        resources=None if resource is None else tuple(resource_pattern(i.text, policy) for i in resource.items),
        resources_negated=resource is not None and resource.negated,
    )


def _redundant_given(inner: _Access, outer: _Access) -> bool:
    if inner is outer or inner.statement.effect is not outer.statement.effect:
        return False
    if inner.principal != outer.principal or not outer.conditions <= inner.conditions:
        return False
    if not _covers(outer.actions, outer.actions_negated, inner.actions, inner.actions_negated, pattern_includes):
        return False
    if not _resources_cover(inner, outer):
        return False
    if _equivalent(inner, outer):
        return inner.statement.index > outer.statement.index
    return True


def _resources_cover(inner: _Access, outer: _Access) -> bool:
    if inner.resources is None or outer.resources is None:
        return inner.resources is None and outer.resources is None
    return _covers(
        outer.resources, outer.resources_negated, inner.resources, inner.resources_negated, resource_includes
    )


def _equivalent(a: _Access, b: _Access) -> bool:
    """Does each cover the other (then only the later one is reported)?"""
    if a.conditions != b.conditions:
        return False
    actions = _covers(a.actions, a.actions_negated, b.actions, b.actions_negated, pattern_includes)
    return actions and _resources_cover(b, a)


def _covers(
    outer: Sequence[Pattern], outer_negated: bool, inner: Sequence[Pattern], inner_negated: bool, includes: Includes
) -> bool:
    """Does the set `outer` describes include the set `inner` describes (sound, conservative)?"""
    if not outer_negated and not inner_negated:
        return _each_covered(inner, outer, includes)
    if outer_negated and inner_negated:
        # complement(O) ⊇ complement(I)  ⇐  every pattern O excludes is excluded by I too
        return _each_covered(outer, inner, includes)
    if not outer_negated:
        return any(is_universal(o) for o in outer)
    return False


def _each_covered(patterns: Sequence[Pattern], by: Sequence[Pattern], includes: Includes) -> bool:
    """Is each pattern included in one of `by`? (A pattern without wildcards includes only itself.)"""
    literal = set(by)
    wild = [candidate for candidate in by if has_wildcard(candidate)]
    return all(p in literal or any(includes(w, p) for w in wild) for p in patterns)


def _name(statement: Statement) -> str:
    return repr(statement.sid) if statement.sid else f"#{statement.index + 1}"
