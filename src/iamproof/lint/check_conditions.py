"""Condition checks: operators against the key's type and arity, unknown keys, Null with IfExists."""

from __future__ import annotations

from collections.abc import Iterator

from iamproof.ast import Condition, Effect, OperatorFamily, SetQualifier, Statement
from iamproof.catalogue import KeyBase
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.findings import Finding
from iamproof.lint.keys import KeyInfo, KeyStatus, lookup_key
from iamproof.values import parse_bool, parse_number

_F = OperatorFamily
_COMPATIBLE: dict[OperatorFamily, frozenset[KeyBase]] = {
    _F.STRING: frozenset((KeyBase.STRING, KeyBase.ARN, KeyBase.BOOL, KeyBase.NUMERIC)),
    _F.ARN: frozenset((KeyBase.ARN,)),
    _F.NUMERIC: frozenset((KeyBase.NUMERIC,)),
    _F.DATE: frozenset((KeyBase.DATE,)),
    _F.BOOL: frozenset((KeyBase.BOOL,)),
    _F.IP: frozenset((KeyBase.IP,)),
    _F.BINARY: frozenset((KeyBase.BINARY,)),
}
"""Which key types each operator family can compare with (Null works with every key)."""

_STATUS_CODES = {
    KeyStatus.BAD_FORMAT: "INVALID_CONDITION_KEY_FORMAT",
    KeyStatus.UNKNOWN_GLOBAL: "UNKNOWN_GLOBAL_CONDITION_KEY",
    KeyStatus.UNKNOWN_SERVICE_KEY: "UNKNOWN_CONDITION_KEY",
}


def check_conditions(ctx: LintContext) -> Iterator[Finding]:
    for statement in ctx.policy.statements:
        for condition in statement.conditions:
            yield from _check_condition(statement, condition)


def _check_condition(statement: Statement, condition: Condition) -> Iterator[Finding]:
    operator = condition.operator
    if operator.family is _F.NULL and operator.if_exists:
        yield finding(
            "NULL_WITH_IF_EXISTS",
            f"{operator.name!r}: IfExists cannot be combined with Null, which already tests whether the key exists",
            condition.operator_span,
        )
    if operator.family is _F.BOOL and {v.text.lower() for v in condition.values} >= {"true", "false"}:
        yield finding(
            "BOOL_WITH_MULTIPLE_VALUES",
            f"Bool condition on {condition.key!r} lists both true and false, so it holds whenever the key is present",
            condition.key_span,
        )
    info = lookup_key(condition.key)
    if info.status in _STATUS_CODES:
        yield finding(_STATUS_CODES[info.status], info.message, condition.key_span)
    if info.type is not None:
        yield from _check_arity(statement, condition, info)
        yield from _check_type(condition, info)


def _check_arity(statement: Statement, condition: Condition, info: KeyInfo) -> Iterator[Finding]:
    assert info.type is not None
    qualifier = condition.operator.qualifier
    if qualifier is None:
        if info.type.multivalued and condition.operator.family is not _F.NULL:
            yield finding(
                "MULTIVALUED_KEY_WITH_PLAIN_OPERATOR",
                f"{condition.key!r} is multivalued ({info.type.name}); how {condition.operator.name!r} treats"
                " several values is undocumented: use ForAnyValue or ForAllValues",
                condition.operator_span,
            )
        return
    if not info.type.multivalued:
        yield from _set_operator_on_single_value(statement, condition)


def _set_operator_on_single_value(statement: Statement, condition: Condition) -> Iterator[Finding]:
    """A set operator on a single-valued key means the plain operator, except when the key is absent:
    ForAllValues is then true and ForAnyValue false, where the plain operator is false (true if negated)."""
    operator = condition.operator
    for_all = operator.qualifier is SetQualifier.FOR_ALL_VALUES
    differs = not operator.if_exists and (for_all != operator.negated)
    name, key = operator.name, condition.key
    if not differs:
        yield finding(
            "UNNECESSARY_SET_OPERATOR",
            f"{name!r} on the single-valued key {key!r} means the same as the plain operator; drop the"
            f" {operator.qualifier.value if operator.qualifier else ''} prefix",
            condition.operator_span,
        )
    elif for_all and statement.effect is Effect.ALLOW:
        yield finding(
            "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            f"{name!r} on the single-valued key {key!r} is also true when the key is absent, so this Allow"
            " applies to requests without it; use the plain operator",
            condition.operator_span,
        )
    else:
        absent = "applies" if for_all else "does not apply"
        yield finding(
            "SET_OPERATOR_WITH_SINGLE_VALUED_KEY",
            f"{name!r} on the single-valued key {key!r}: unlike the plain operator, the condition {absent} when"
            " the key is absent",
            condition.operator_span,
        )


def _check_type(condition: Condition, info: KeyInfo) -> Iterator[Finding]:
    assert info.type is not None
    family = condition.operator.family
    if family is _F.NULL:
        return
    type_name = info.type.name
    if not _COMPATIBLE[family].intersection(info.bases):
        yield finding(
            "CONDITION_TYPE_MISMATCH",
            f"{condition.operator.name!r} compares {family.value} values, but {condition.key!r} is of type {type_name}",
            condition.operator_span,
        )
        return
    if family is not _F.STRING or KeyBase.STRING in info.bases or KeyBase.ARN in info.bases:
        return
    for value in condition.values:
        if not _string_value_fits(value.text, info.bases):
            yield finding(
                "CONDITION_TYPE_MISMATCH",
                f"value {value.text!r} can never equal a value of {condition.key!r}, which is of type {type_name}",
                value.span,
            )


def _string_value_fits(text: str, bases: tuple[KeyBase, ...]) -> bool:
    if "*" in text or "?" in text or "${" in text:
        return True
    if KeyBase.BOOL in bases and parse_bool(text) is not None:
        return True
    return KeyBase.NUMERIC in bases and parse_number(text) is not None
