"""A small solver-independent formula language over the fields of a symbolic request.

Constructors fold constants (`conj([])` is TRUE, `conj([.., FALSE, ..])` is FALSE, ...), so that a
query whose assertions fold to a constant never reaches the solver.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from iamproof.patterns import Glob


class Slot(Enum):
    """Fields of the symbolic request that are not context keys."""

    ACTION = "action"
    RESOURCE = "resource"
    RESOURCE_ACCOUNT = "resource_account"
    PRINCIPAL_PARTITION = "principal.partition"
    PRINCIPAL_ACCOUNT = "principal.account"
    PRINCIPAL_PATH = "principal.path"
    PRINCIPAL_NAME = "principal.name"
    PRINCIPAL_SESSION = "principal.session"
    PRINCIPAL_VALUE = "principal.value"
    PRINCIPAL_PARENT = "principal.parent"  # federated user: its IAM user's ARN, or "" (none given)


@dataclass(frozen=True)
class KeySlot:
    """Element `element` of context key `key` (lower-cased); single-valued keys have element 0 only."""

    key: str
    element: int = 0


StrVar = Slot | KeySlot


@dataclass(frozen=True)
class StrTerm:
    """A concatenation of literal strings and string variables."""

    parts: tuple[str | StrVar, ...]

    @staticmethod
    def of(var: StrVar) -> StrTerm:
        return StrTerm((var,))

    @property
    def variable(self) -> StrVar | None:
        """The variable, if the term is exactly one variable."""
        if len(self.parts) == 1 and not isinstance(self.parts[0], str):
            return self.parts[0]
        return None


class MatchMode(Enum):
    PLAIN = "plain"  # whole-string glob, case-sensitive
    IGNORE_CASE = "ignore_case"  # whole-string, case-insensitive (actions, *IgnoreCase)
    ARN = "arn"  # per ARN component (Resource element, Arn* operators)


class Formula:
    """Base class of formula nodes."""


@dataclass(frozen=True)
class Const(Formula):
    value: bool


TRUE = Const(True)
FALSE = Const(False)


@dataclass(frozen=True)
class And(Formula):
    args: tuple[Formula, ...]
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(("And", self.args)))

    def __hash__(self) -> int:  # computed once: formulas are deep, and conj/disj hash them often
        return self._hash


@dataclass(frozen=True)
class Or(Formula):
    args: tuple[Formula, ...]
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(("Or", self.args)))

    def __hash__(self) -> int:  # computed once: formulas are deep, and conj/disj hash them often
        return self._hash


@dataclass(frozen=True)
class Not(Formula):
    arg: Formula
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(("Not", self.arg)))

    def __hash__(self) -> int:  # computed once: formulas are deep, and conj/disj hash them often
        return self._hash


@dataclass(frozen=True)
class Match(Formula):
    """`term` matches `glob` (literal text in the glob is literal; `*`/`?` are wildcards)."""

    term: StrTerm
    glob: Glob
    mode: MatchMode


@dataclass(frozen=True)
class StrEq(Formula):
    """Two string terms are equal (policy variables resolved to other request fields)."""

    left: StrTerm
    right: StrTerm
    ignore_case: bool = False


@dataclass(frozen=True)
class TemplateMatch(Formula):
    """`term` matches a pattern built from literal globs and other string terms (policy variables)."""

    term: StrTerm
    pieces: tuple[Glob | StrTerm, ...]
    mode: MatchMode


@dataclass(frozen=True)
class Present(Formula):
    """Context key element is present in the request."""

    slot: KeySlot


@dataclass(frozen=True)
class Compare(Formula):
    """Numeric or date comparison of a context key element with a constant (dates as epoch seconds)."""

    slot: KeySlot
    op: str  # eq lt le gt ge
    value: Decimal


@dataclass(frozen=True)
class IpIn(Formula):
    slot: KeySlot
    network: str  # CIDR text, normalized


@dataclass(frozen=True)
class BoolIs(Formula):
    slot: KeySlot
    value: bool


@dataclass(frozen=True)
class BinaryIs(Formula):
    slot: KeySlot
    value: bytes


@dataclass(frozen=True)
class PrincipalIs(Formula):
    """The principal is of this kind (an `iamproof.evaluate.request.PrincipalType` value)."""

    kind: str


@dataclass(frozen=True)
class AwsManagedKey(Formula):
    """The resource is an AWS-managed KMS key (a flag of the request)."""


def conj(args: Iterable[Formula]) -> Formula:
    out: list[Formula] = []
    for arg in args:
        if arg == FALSE:
            return FALSE
        if arg == TRUE:
            continue
        if isinstance(arg, And):
            out.extend(arg.args)
        else:
            out.append(arg)
    out = list(dict.fromkeys(out))
    if not out:
        return TRUE
    return out[0] if len(out) == 1 else And(tuple(out))


def disj(args: Iterable[Formula]) -> Formula:
    out: list[Formula] = []
    for arg in args:
        if arg == TRUE:
            return TRUE
        if arg == FALSE:
            continue
        if isinstance(arg, Or):
            out.extend(arg.args)
        else:
            out.append(arg)
    out = list(dict.fromkeys(out))
    if not out:
        return FALSE
    return out[0] if len(out) == 1 else Or(tuple(out))


def neg(arg: Formula) -> Formula:
    if isinstance(arg, Const):
        return Const(not arg.value)
    if isinstance(arg, Not):
        return arg.arg
    return Not(arg)


def implies(left: Formula, right: Formula) -> Formula:
    return disj([neg(left), right])


def ite(condition: Formula, then: Formula, otherwise: Formula) -> Formula:
    return disj([conj([condition, then]), conj([neg(condition), otherwise])])
