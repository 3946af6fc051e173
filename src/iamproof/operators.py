"""The table of condition operators: family and negation of every base operator AWS defines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamproof.ast import Operator, OperatorFamily, SetQualifier


@dataclass(frozen=True)
class BaseOperator:
    name: str
    family: OperatorFamily
    negated: bool
    comparison: str  # "eq", "lt", "le", "gt", "ge", "like", "eq_ic", "null"


_F = OperatorFamily
BASE_OPERATORS: dict[str, BaseOperator] = {
    op.name: op
    for op in (
        BaseOperator("StringEquals", _F.STRING, False, "eq"),
        BaseOperator("StringNotEquals", _F.STRING, True, "eq"),
        BaseOperator("StringEqualsIgnoreCase", _F.STRING, False, "eq_ic"),
        BaseOperator("StringNotEqualsIgnoreCase", _F.STRING, True, "eq_ic"),
        BaseOperator("StringLike", _F.STRING, False, "like"),
        BaseOperator("StringNotLike", _F.STRING, True, "like"),
        BaseOperator("NumericEquals", _F.NUMERIC, False, "eq"),
        BaseOperator("NumericNotEquals", _F.NUMERIC, True, "eq"),
        BaseOperator("NumericLessThan", _F.NUMERIC, False, "lt"),
        BaseOperator("NumericLessThanEquals", _F.NUMERIC, False, "le"),
        BaseOperator("NumericGreaterThan", _F.NUMERIC, False, "gt"),
        BaseOperator("NumericGreaterThanEquals", _F.NUMERIC, False, "ge"),
        BaseOperator("DateEquals", _F.DATE, False, "eq"),
        BaseOperator("DateNotEquals", _F.DATE, True, "eq"),
        BaseOperator("DateLessThan", _F.DATE, False, "lt"),
        BaseOperator("DateLessThanEquals", _F.DATE, False, "le"),
        BaseOperator("DateGreaterThan", _F.DATE, False, "gt"),
        BaseOperator("DateGreaterThanEquals", _F.DATE, False, "ge"),
        BaseOperator("Bool", _F.BOOL, False, "eq"),
        BaseOperator("BinaryEquals", _F.BINARY, False, "eq"),
        BaseOperator("IpAddress", _F.IP, False, "in"),
        BaseOperator("NotIpAddress", _F.IP, True, "in"),
        BaseOperator("ArnEquals", _F.ARN, False, "like"),
        BaseOperator("ArnLike", _F.ARN, False, "like"),
        BaseOperator("ArnNotEquals", _F.ARN, True, "like"),
        BaseOperator("ArnNotLike", _F.ARN, True, "like"),
        BaseOperator("Null", _F.NULL, False, "null"),
    )
}

_OPERATOR_RE = re.compile(r"^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$")


class UnknownOperator(ValueError):
    """Raised by `parse_operator` with a message that may suggest the intended spelling."""


def parse_operator(name: str) -> Operator:
    """Parse an operator name such as `ForAllValues:StringLikeIfExists`; raise UnknownOperator."""
    match = _OPERATOR_RE.match(name)
    base = BASE_OPERATORS.get(match.group(2)) if match else None
    if match is None or base is None:
        raise UnknownOperator(_unknown_message(name))
    qualifier = SetQualifier(match.group(1)) if match.group(1) else None
    if base.family is OperatorFamily.NULL and qualifier is not None:
        raise UnknownOperator(f"condition operator {name!r}: Null cannot be used with {qualifier.value}")
    return Operator(
        name=name,
        base=base.name,
        family=base.family,
        negated=base.negated,
        if_exists=match.group(3) is not None,
        qualifier=qualifier,
    )


def base_operator(operator: Operator) -> BaseOperator:
    return BASE_OPERATORS[operator.base]


def _unknown_message(name: str) -> str:
    lowered = name.lower()
    for qualifier in ("", "ForAnyValue:", "ForAllValues:"):
        for base in BASE_OPERATORS:
            for suffix in ("", "IfExists"):
                candidate = f"{qualifier}{base}{suffix}"
                if candidate.lower() == lowered:
                    return f"unknown condition operator {name!r}; operator names are case-sensitive: {candidate!r}"
    return f"unknown condition operator {name!r}"
