"""Condition blocks → formulas, with the evaluator's semantics (iamproof.evaluate.conditions)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from iamproof.ast import Condition, ConditionValue, OperatorFamily, SetQualifier
from iamproof.operators import base_operator
from iamproof.patterns import Glob, Variable, Wild, literal_glob, parse_glob, parse_pattern
from iamproof.smt.formula import (
    FALSE,
    TRUE,
    BinaryIs,
    BoolIs,
    Compare,
    Formula,
    IpIn,
    KeySlot,
    Match,
    MatchMode,
    Present,
    StrTerm,
    TemplateMatch,
    conj,
    disj,
    ite,
    neg,
)
from iamproof.smt.keys import MULTIVALUED_DERIVED, KeyInfo, KeyType, Unsupported
from iamproof.smt.request_terms import derived_cases
from iamproof.values import parse_binary, parse_bool, parse_date, parse_network, parse_number


@dataclass(frozen=True)
class ConditionCompiler:
    keys: dict[str, KeyInfo]

    def statement(self, conditions: tuple[Condition, ...], variables: bool) -> Formula:
        return conj(self.condition(condition, variables) for condition in conditions)

    def condition(self, condition: Condition, variables: bool) -> Formula:
        cases = derived_cases(condition.key_lower)
        if cases is not None:
            alternatives = [(case.guard, case.value) for case in cases]
            return disj(conj([guard, self._single(condition, value, variables)]) for guard, value in alternatives)
        return self._free(condition, variables)

    # --- derived keys: one value (or none) per principal kind ---------------------------------------

    def _single(self, condition: Condition, value: StrTerm | None, variables: bool) -> Formula:
        operator = condition.operator
        if operator.family is OperatorFamily.NULL:
            absent_result = _null_result(condition, absent=value is None)
            return TRUE if value is None and operator.if_exists else absent_result
        if value is None:
            if operator.if_exists or operator.qualifier is SetQualifier.FOR_ALL_VALUES:
                return TRUE
            return FALSE if operator.qualifier is SetQualifier.FOR_ANY_VALUE else _const(operator.negated)
        return self._value_ok(condition, lambda pv: self._string_match(condition, value, pv, variables))

    # --- free keys: k elements, each with a presence bit ---------------------------------------------

    def _free(self, condition: Condition, variables: bool) -> Formula:
        info = self.keys[condition.key_lower]
        operator = condition.operator
        slots = [KeySlot(condition.key_lower, e) for e in range(info.elements)]
        absent = neg(disj(Present(slot) for slot in slots))
        if operator.family is OperatorFamily.NULL:
            null = disj(_null_formula(value, absent) for value in condition.values)
            return disj([absent, null]) if operator.if_exists else null
        absent_result: Formula
        if operator.if_exists or operator.qualifier is SetQualifier.FOR_ALL_VALUES:
            absent_result = TRUE
        elif operator.qualifier is SetQualifier.FOR_ANY_VALUE:
            absent_result = FALSE
        else:
            absent_result = _const(operator.negated)
        per_element = [(Present(slot), self._element_ok(condition, slot, info, variables)) for slot in slots]
        if operator.qualifier is SetQualifier.FOR_ALL_VALUES:
            present_result = conj(disj([neg(present), ok]) for present, ok in per_element)
        else:
            present_result = disj(conj([present, ok]) for present, ok in per_element)
        return ite(absent, absent_result, present_result)

    def _element_ok(self, condition: Condition, slot: KeySlot, info: KeyInfo, variables: bool) -> Formula:
        family = condition.operator.family
        if family in (OperatorFamily.STRING, OperatorFamily.ARN):
            if info.type is not KeyType.STRING:
                raise Unsupported(f"context key {condition.key!r} is compared as {info.type.value} and as a string")
            term = StrTerm.of(slot)
            return self._value_ok(condition, lambda pv: self._string_match(condition, term, pv, variables))
        typed = _TYPED[family]
        return self._value_ok(condition, lambda pv: typed(condition, slot, pv))

    def _value_ok(self, condition: Condition, match: Callable[[ConditionValue], Formula]) -> Formula:
        """OR of the matches of the policy values (NOR for negated operators)."""
        matched = disj(match(value) for value in condition.values)
        return neg(matched) if condition.operator.negated else matched

    # --- string and ARN matching, policy variables included -----------------------------------------

    def _string_match(self, condition: Condition, term: StrTerm, value: ConditionValue, variables: bool) -> Formula:
        comparison = base_operator(condition.operator).comparison
        family = condition.operator.family
        if family is OperatorFamily.BOOL:
            expected = parse_bool(value.text)
            return Match(term, literal_glob("true" if expected else "false"), MatchMode.IGNORE_CASE)
        if family not in (OperatorFamily.STRING, OperatorFamily.ARN):
            raise Unsupported(f"{condition.operator.name} on the derived key {condition.key!r}")
        wildcards = comparison == "like"
        mode = (
            MatchMode.ARN
            if family is OperatorFamily.ARN
            else (MatchMode.IGNORE_CASE if comparison == "eq_ic" else MatchMode.PLAIN)
        )
        return self.pattern_match(term, value.text, wildcards=wildcards, mode=mode, variables=variables)

    def pattern_match(self, term: StrTerm, text: str, *, wildcards: bool, mode: MatchMode, variables: bool) -> Formula:
        """`term` matches the pattern `text`; policy variables become other request fields."""
        if not variables:
            return Match(term, parse_glob(text, wildcards=wildcards), mode)
        pattern = parse_pattern(text, wildcards=wildcards, variables=True)
        if not any(isinstance(part, Variable) for part in pattern):
            return Match(term, tuple(p for p in pattern if not isinstance(p, Variable)), mode)
        options = [self._variable_options(part) if isinstance(part, Variable) else [(TRUE, part)] for part in pattern]
        out: list[Formula] = []
        for combination in itertools.product(*options):
            guard = conj(g for g, _ in combination)
            pieces = [piece for _, piece in combination]
            if any(piece is None for piece in pieces):
                continue
            out.append(conj([guard, TemplateMatch(term, _group(pieces), mode)]))
        return disj(out)

    def _variable_options(self, variable: Variable) -> list[tuple[Formula, str | Wild | StrTerm | None]]:
        key = variable.key_lower
        if key in MULTIVALUED_DERIVED:
            return [(TRUE, variable.default)]  # a multivalued key never resolves as a variable
        cases = derived_cases(key)
        if cases is not None:
            return [(case.guard, case.value if case.value is not None else variable.default) for case in cases]
        info = self.keys.get(key)
        if info is not None and info.multivalued:
            return [(TRUE, variable.default)]  # the request holds a list: the variable has no value
        slot = KeySlot(key, 0)
        return [(Present(slot), StrTerm.of(slot)), (neg(Present(slot)), variable.default)]


def _group(pieces: list[str | Wild | StrTerm | None]) -> tuple[Glob | StrTerm, ...]:
    """Merge runs of literal text and wildcards into globs, keeping string terms apart."""
    out: list[Glob | StrTerm] = []
    run: list[str | Wild] = []
    for piece in pieces:
        if isinstance(piece, StrTerm):
            if run:
                out.append(tuple(run))
                run = []
            out.append(piece)
        elif piece is not None:
            run.append(piece)
    if run:
        out.append(tuple(run))
    return tuple(out)


def _const(value: bool) -> Formula:
    return TRUE if value else FALSE


def _null_result(condition: Condition, *, absent: bool) -> Formula:
    return _const(any(parse_bool(value.text) is absent for value in condition.values))


def _null_formula(value: ConditionValue, absent: Formula) -> Formula:
    return absent if parse_bool(value.text) else neg(absent)


def _numeric(condition: Condition, slot: KeySlot, value: ConditionValue) -> Formula:
    number = parse_number(value.text)
    assert number is not None
    return Compare(slot, base_operator(condition.operator).comparison, number)


def _date(condition: Condition, slot: KeySlot, value: ConditionValue) -> Formula:
    moment = parse_date(value.text)
    assert moment is not None
    return Compare(slot, base_operator(condition.operator).comparison, moment)


def _bool(condition: Condition, slot: KeySlot, value: ConditionValue) -> Formula:
    expected = parse_bool(value.text)
    assert expected is not None
    return BoolIs(slot, expected)


def _binary(condition: Condition, slot: KeySlot, value: ConditionValue) -> Formula:
    data = parse_binary(value.text)
    assert data is not None
    return BinaryIs(slot, data)


def _ip(condition: Condition, slot: KeySlot, value: ConditionValue) -> Formula:
    network = parse_network(value.text)
    assert network is not None
    return IpIn(slot, str(network))


_TYPED: dict[OperatorFamily, Callable[[Condition, KeySlot, ConditionValue], Formula]] = {
    OperatorFamily.NUMERIC: _numeric,
    OperatorFamily.DATE: _date,
    OperatorFamily.BOOL: _bool,
    OperatorFamily.BINARY: _binary,
    OperatorFamily.IP: _ip,
}
