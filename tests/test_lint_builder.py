"""Building policy ASTs for the lint tests without the parser, so each table row exercises a lint rule
itself, including shapes a stricter parser would already refuse.

`build_policy` turns a policy written as a Python dict into the AST; `codes` validates it and lists the
finding codes in order.
"""

from __future__ import annotations

from typing import Any

from iamproof.ast import (
    ActionBlock,
    Condition,
    ConditionValue,
    Effect,
    Operator,
    OperatorFamily,
    Policy,
    PrincipalBlock,
    PrincipalEntry,
    PrincipalKey,
    ResourceBlock,
    Statement,
    Text,
    ValueKind,
)
from iamproof.lint import PolicyType, validate_policy
from iamproof.operators import parse_operator
from iamproof.span import Span

FILE = "policy.json"
V2012 = "2012-10-17"
A = "111122223333"
BUCKET = "arn:aws:s3:::example-bucket"


# --- a small AST builder ------------------------------------------------------------------------------


class _Spans:
    """Hands out distinct spans: statement n lives on line n + 2, items left to right."""

    def __init__(self) -> None:
        self.line, self.column = 1, 1

    def next_line(self) -> None:
        self.line, self.column = self.line + 1, 1

    def take(self, width: int = 1) -> Span:
        span = Span(FILE, self.line, self.column, self.line, self.column + width)
        self.column += width + 2
        return span


def _texts(value: str | list[str], spans: _Spans) -> tuple[Text, ...]:
    values = [value] if isinstance(value, str) else value
    return tuple(Text(item, spans.take(len(item) + 2)) for item in values)


def _principal(statement: dict[str, Any], spans: _Spans) -> PrincipalBlock | None:
    for name, negated in (("Principal", False), ("NotPrincipal", True)):
        value = statement.get(name)
        if value == "*":
            return PrincipalBlock(negated, True, (), spans.take(3))
        if isinstance(value, dict):
            entries = tuple(
                PrincipalEntry(PrincipalKey(key), text.text, text.span)
                for key, raw in value.items()
                for text in _texts(raw, spans)
            )
            return PrincipalBlock(negated, False, entries, spans.take())
    return None


def _operator(name: str) -> Operator:
    if name == "NullIfExists":  # accepted by AWS's grammar, refused by some parsers: build it by hand
        return Operator(name, "Null", OperatorFamily.NULL, False, True, None)
    return parse_operator(name)


def _value(raw: object, spans: _Spans) -> ConditionValue:
    if isinstance(raw, bool):
        return ConditionValue("true" if raw else "false", ValueKind.BOOL, spans.take())
    if isinstance(raw, int | float):
        return ConditionValue(str(raw), ValueKind.NUMBER, spans.take())
    return ConditionValue(str(raw), ValueKind.STRING, spans.take(len(str(raw)) + 2))


def _conditions(block: dict[str, dict[str, Any]], spans: _Spans) -> tuple[Condition, ...]:
    conditions = []
    for name, keys in block.items():
        operator, operator_span = _operator(name), spans.take(len(name) + 2)
        for key, raw in keys.items():
            key_span = spans.take(len(key) + 2)
            values = tuple(_value(item, spans) for item in (raw if isinstance(raw, list) else [raw]))
            conditions.append(Condition(operator, operator_span, key, key_span, values))
    return tuple(conditions)


def _statement(index: int, statement: dict[str, Any], spans: _Spans) -> Statement:
    spans.next_line()
    start = Span(FILE, spans.line, 5, spans.line, 6)
    negated = "NotAction" in statement
    action = ActionBlock(negated, _texts(statement["NotAction" if negated else "Action"], spans), spans.take())
    resource = None
    for name, resource_negated in (("Resource", False), ("NotResource", True)):
        if name in statement:
            resource = ResourceBlock(resource_negated, _texts(statement[name], spans), spans.take())
    return Statement(
        index=index,
        sid=statement.get("Sid"),
        effect=Effect(statement.get("Effect", "Allow")),
        principal=_principal(statement, spans),
        action=action,
        resource=resource,
        conditions=_conditions(statement.get("Condition", {}), spans),
        span=start,
    )


def build_policy(document: dict[str, Any]) -> Policy:
    """A Policy AST for a policy written as a Python dict (no parser involved)."""
    spans = _Spans()
    raw = document["Statement"]
    statements = tuple(_statement(i, s, spans) for i, s in enumerate(raw if isinstance(raw, list) else [raw]))
    return Policy(document.get("Version"), document.get("Id"), statements, Span(FILE, 1, 1, spans.line + 1, 2))


def policy(*statements: dict[str, Any], version: str | None = V2012) -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def allow(**elements: Any) -> dict[str, Any]:
    """An Allow statement; Action s3:GetObject on the example bucket's objects unless given."""
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}
    statement.update(elements)
    return {key: value for key, value in statement.items() if value is not None}


def deny(**elements: Any) -> dict[str, Any]:
    return {**allow(**elements), "Effect": "Deny"}


def codes(document: dict[str, Any], policy_type: str = "identity") -> list[str]:
    return [item.code for item in validate_policy(build_policy(document), PolicyType(policy_type))]


# --- the builder itself --------------------------------------------------------------------------------


def test_builder_keeps_every_element() -> None:
    built = build_policy(
        policy(allow(Sid="S", NotPrincipal={"AWS": A}, Condition={"Bool": {"aws:SecureTransport": True}}))
    )
    statement = built.statements[0]
    assert (statement.sid, statement.effect, built.version) == ("S", Effect.ALLOW, V2012)
    assert statement.principal is not None and statement.principal.negated
    assert statement.conditions[0].values[0].kind is ValueKind.BOOL
