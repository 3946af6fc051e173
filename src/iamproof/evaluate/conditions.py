"""Condition evaluation with the exact semantics of every operator family (iam-semantics.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from iamproof.ast import Condition, ConditionValue, OperatorFamily, SetQualifier
from iamproof.errors import InputError
from iamproof.evaluate.request import Request
from iamproof.operators import base_operator
from iamproof.patterns import (
    Glob,
    Variable,
    glob_match,
    literal_glob,
    parse_glob,
    parse_pattern,
    resolve,
    split_at_colons,
)
from iamproof.values import parse_address, parse_binary, parse_bool, parse_date, parse_network, parse_number


@dataclass
class ConditionContext:
    """What condition evaluation needs: the request, whether variables apply, and a sink for notes."""

    request: Request
    variables: bool
    notes: list[str] = field(default_factory=list)

    def lookup_variable(self, variable: Variable) -> str | None:
        """A policy variable's value: a single-valued key's value; None when absent or multivalued
        (only single-valued keys may be used as policy variables, §3.3; a list in the context is
        multivalued even when it holds one value)."""
        values = self.request.lookup(variable.key)
        if values is None or len(values) != 1 or self.request.is_multivalued(variable.key):
            return None
        return values[0]


def conditions_hold(conditions: tuple[Condition, ...], ctx: ConditionContext) -> bool:
    """All conditions of a statement (operator blocks and keys are ANDed)."""
    return all(condition_holds(condition, ctx) for condition in conditions)


def condition_holds(condition: Condition, ctx: ConditionContext) -> bool:
    operator = condition.operator
    values = ctx.request.lookup(condition.key)
    if operator.family is OperatorFamily.NULL:
        if values is None and operator.if_exists:
            return True
        return _null_holds(condition, values is None)
    if values is None:
        if operator.if_exists or operator.qualifier is SetQualifier.FOR_ALL_VALUES:
            return True
        if operator.qualifier is SetQualifier.FOR_ANY_VALUE:
            return False
        return operator.negated
    if operator.qualifier is None and len(values) > 1:
        ctx.notes.append(
            f"[AMBIG §3.3] {operator.name} on {condition.key!r}, which has {len(values)} values in the request:"
            " evaluated as ForAnyValue"
        )
    if operator.qualifier is SetQualifier.FOR_ALL_VALUES:
        return all(_value_holds(condition, value, ctx) for value in values)
    return any(_value_holds(condition, value, ctx) for value in values)


def _null_holds(condition: Condition, absent: bool) -> bool:
    return any(parse_bool(value.text) is absent for value in condition.values)


def _value_holds(condition: Condition, request_value: str, ctx: ConditionContext) -> bool:
    """One request value against the policy values: OR of matches, or NOR for negated operators."""
    matched = any(_matches(condition, request_value, value, ctx) for value in condition.values)
    return not matched if condition.operator.negated else matched


def _matches(condition: Condition, request_value: str, policy_value: ConditionValue, ctx: ConditionContext) -> bool:
    family = condition.operator.family
    if family is OperatorFamily.STRING:
        return _string_matches(condition, request_value, policy_value, ctx)
    if family is OperatorFamily.ARN:
        glob = _resolved(policy_value, ctx, wildcards=True)
        return glob is not None and arn_like(glob, request_value)
    typed = _TYPED[family]
    return typed(condition, request_value, policy_value)


def _string_matches(
    condition: Condition, request_value: str, policy_value: ConditionValue, ctx: ConditionContext
) -> bool:
    comparison = base_operator(condition.operator).comparison
    glob = _resolved(policy_value, ctx, wildcards=comparison == "like")
    if glob is None:
        return False
    if comparison == "like":
        return glob_match(glob, request_value)
    text = "".join(part for part in glob if isinstance(part, str))
    if comparison == "eq_ic":
        return text.lower() == request_value.lower()
    return text == request_value


def _resolved(policy_value: ConditionValue, ctx: ConditionContext, *, wildcards: bool) -> Glob | None:
    """The policy value with its variables substituted; None (matches nothing) if one is unresolved."""
    if not ctx.variables:
        return parse_glob(policy_value.text) if wildcards else literal_glob(policy_value.text)
    pattern = parse_pattern(policy_value.text, wildcards=wildcards, variables=True)
    return resolve(pattern, ctx.lookup_variable)


def arn_like(glob: Glob, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated components matched on its own.

    A pattern with fewer than five colons (such as "*") is matched against the whole value.
    """
    pieces = split_at_colons(glob)
    if pieces is None:
        return glob_match(glob, value)
    parts = value.split(":", 5)
    if len(parts) < 6:
        return False
    return all(glob_match(piece, part) for piece, part in zip(pieces, parts, strict=True))


# --- typed families ------------------------------------------------------------------------------


def _request_error(condition: Condition, request_value: str, expected: str) -> InputError:
    return InputError(
        f"request value {request_value!r} of context key {condition.key!r} is not {expected},"
        f" as {condition.operator.name} needs",
        condition.key_span,
    )


def _compare(comparison: str, left: Decimal, right: Decimal) -> bool:
    return {
        "eq": left == right,
        "lt": left < right,
        "le": left <= right,
        "gt": left > right,
        "ge": left >= right,
    }[comparison]


def _numeric(condition: Condition, request_value: str, policy_value: ConditionValue) -> bool:
    left = parse_number(request_value)
    if left is None:
        raise _request_error(condition, request_value, "a number")
    right = parse_number(policy_value.text)
    assert right is not None
    return _compare(base_operator(condition.operator).comparison, left, right)


def _date(condition: Condition, request_value: str, policy_value: ConditionValue) -> bool:
    left = parse_date(request_value)
    if left is None:
        raise _request_error(condition, request_value, "an ISO 8601 date or epoch seconds")
    right = parse_date(policy_value.text)
    assert right is not None
    return _compare(base_operator(condition.operator).comparison, left, right)


def _bool(condition: Condition, request_value: str, policy_value: ConditionValue) -> bool:
    left = parse_bool(request_value)
    if left is None:
        raise _request_error(condition, request_value, "true or false")
    return left == parse_bool(policy_value.text)


def _binary(condition: Condition, request_value: str, policy_value: ConditionValue) -> bool:
    left = parse_binary(request_value)
    if left is None:
        raise _request_error(condition, request_value, "base64")
    return left == parse_binary(policy_value.text)


def _ip(condition: Condition, request_value: str, policy_value: ConditionValue) -> bool:
    address = parse_address(request_value)
    if address is None:
        raise _request_error(condition, request_value, "an IP address")
    network = parse_network(policy_value.text)
    assert network is not None
    return address.version == network.version and address in network


_TYPED: dict[OperatorFamily, Callable[[Condition, str, ConditionValue], bool]] = {
    OperatorFamily.NUMERIC: _numeric,
    OperatorFamily.DATE: _date,
    OperatorFamily.BOOL: _bool,
    OperatorFamily.BINARY: _binary,
    OperatorFamily.IP: _ip,
}
