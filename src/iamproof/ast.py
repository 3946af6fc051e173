"""The policy AST: frozen dataclasses and enums, each node with the span it came from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from iamproof.span import Span

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


class Effect(Enum):
    ALLOW = "Allow"
    DENY = "Deny"


class PrincipalKey(Enum):
    AWS = "AWS"
    SERVICE = "Service"
    FEDERATED = "Federated"
    CANONICAL_USER = "CanonicalUser"


class OperatorFamily(Enum):
    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Bool"
    BINARY = "Binary"
    IP = "IpAddress"
    ARN = "Arn"
    NULL = "Null"


class SetQualifier(Enum):
    FOR_ANY_VALUE = "ForAnyValue"
    FOR_ALL_VALUES = "ForAllValues"


class ValueKind(Enum):
    """The JSON type a condition value was written with."""

    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"


@dataclass(frozen=True)
class Text:
    """A string as written in the policy (an action, resource or principal), with its span."""

    text: str
    span: Span


@dataclass(frozen=True)
class PrincipalEntry:
    key: PrincipalKey
    value: str
    span: Span


@dataclass(frozen=True)
class PrincipalBlock:
    """`Principal` or `NotPrincipal` (negated). `everyone` is the bare string "*"."""

    negated: bool
    everyone: bool
    entries: tuple[PrincipalEntry, ...]
    span: Span


@dataclass(frozen=True)
class ActionBlock:
    """`Action` or `NotAction` (negated)."""

    negated: bool
    items: tuple[Text, ...]
    span: Span


@dataclass(frozen=True)
class ResourceBlock:
    """`Resource` or `NotResource` (negated)."""

    negated: bool
    items: tuple[Text, ...]
    span: Span


@dataclass(frozen=True)
class Operator:
    """A condition operator, e.g. `ForAnyValue:StringNotLikeIfExists`."""

    name: str
    base: str
    family: OperatorFamily
    negated: bool
    if_exists: bool
    qualifier: SetQualifier | None


@dataclass(frozen=True)
class ConditionValue:
    text: str
    kind: ValueKind
    span: Span


@dataclass(frozen=True)
class Condition:
    """One operator applied to one key: its values are ORed (NORed for negated operators)."""

    operator: Operator
    operator_span: Span
    key: str
    key_span: Span
    values: tuple[ConditionValue, ...]

    @property
    def key_lower(self) -> str:
        return self.key.lower()


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: Effect
    principal: PrincipalBlock | None
    action: ActionBlock
    resource: ResourceBlock | None
    conditions: tuple[Condition, ...]
    span: Span
    sid_span: Span | None = None  # the Sid string, when the statement has one


@dataclass(frozen=True)
class Policy:
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    span: Span
    id_span: Span | None = None  # the Id string, when the policy has one

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17."""
        return self.version == VERSION_2012

    @property
    def file(self) -> str:
        return self.span.file
