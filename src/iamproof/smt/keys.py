"""Context keys in the symbolic request: which are derived from the principal, and each free key's type.

A free key's type comes from the operators the query applies to it; a key compared both as a string
and as a number (say) makes the query unsupported (answer unknown), never a silent guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from iamproof.ast import OperatorFamily, Policy, SetQualifier
from iamproof.patterns import Variable, parse_pattern, variables_of


class Unsupported(Exception):
    """The query cannot be answered exactly: a construct the symbolic engine cannot encode, a cell
    partition past its size limit, or the query's time limit; its verdict is unknown, with this reason."""


class KeyType(Enum):
    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    IP = "ip"
    BINARY = "binary"


DERIVED_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:principalservicename",
        "aws:principalservicenameslist",
        "aws:username",
        "aws:userid",
        "aws:resourceaccount",
    }
)

MULTIVALUED_DERIVED = frozenset({"aws:principalservicenameslist"})

MULTIVALUED_GLOBAL_KEYS = frozenset(
    {
        "aws:tagkeys",
        "aws:calledvia",
        "aws:principalservicenameslist",
        "aws:principalorgpaths",
        "aws:resourceorgpaths",
        "aws:sourceorgpaths",
    }
)

_FAMILY_TYPES = {
    OperatorFamily.STRING: KeyType.STRING,
    OperatorFamily.ARN: KeyType.STRING,
    OperatorFamily.NUMERIC: KeyType.NUMBER,
    OperatorFamily.DATE: KeyType.DATE,
    OperatorFamily.BOOL: KeyType.BOOL,
    OperatorFamily.IP: KeyType.IP,
    OperatorFamily.BINARY: KeyType.BINARY,
}


@dataclass
class KeyInfo:
    name: str  # as first written
    types: set[KeyType] = field(default_factory=set)
    multivalued: bool = False
    atoms: int = 0  # distinct conditions on the key (bounds the elements a multivalued key needs)

    @property
    def type(self) -> KeyType:
        if len(self.types) > 1:
            kinds = " and ".join(sorted(t.value for t in self.types))
            raise Unsupported(f"context key {self.name!r} is compared as {kinds}")
        return next(iter(self.types), KeyType.STRING)

    @property
    def elements(self) -> int:
        return max(1, self.atoms) if self.multivalued else 1


def collect_keys(policies: Iterable[Policy], multivalued_keys: frozenset[str] = frozenset()) -> dict[str, KeyInfo]:
    """Every context key the policies read (conditions and policy variables), with its inferred type."""
    keys: dict[str, KeyInfo] = {}
    distinct: dict[str, set[tuple[object, ...]]] = {}
    for policy in policies:
        for statement in policy.statements:
            for condition in statement.conditions:
                info = keys.setdefault(condition.key_lower, KeyInfo(condition.key))
                # identical conditions (the same in both policies of a diff, or repeated) are one atom
                atom = (condition.operator.name, tuple(v.text for v in condition.values), policy.variables_enabled)
                distinct.setdefault(condition.key_lower, set()).add(atom)
                info.atoms = len(distinct[condition.key_lower])
                if condition.operator.family is not OperatorFamily.NULL:
                    info.types.add(_FAMILY_TYPES[condition.operator.family])
                if condition.operator.qualifier in (SetQualifier.FOR_ANY_VALUE, SetQualifier.FOR_ALL_VALUES):
                    info.multivalued = True
                stringy = condition.operator.family in (OperatorFamily.STRING, OperatorFamily.ARN)
                if policy.variables_enabled and stringy:
                    _note_variables((v.text for v in condition.values), keys)
            if policy.variables_enabled and statement.resource is not None:
                _note_variables((item.text for item in statement.resource.items), keys)
    for lowered, info in keys.items():
        if lowered in MULTIVALUED_GLOBAL_KEYS or lowered in multivalued_keys:
            info.multivalued = True
    return keys


def _note_variables(texts: Iterable[str], keys: dict[str, KeyInfo]) -> None:
    for text in texts:
        for variable in variables_of(parse_pattern(text, variables=True)):
            info = keys.setdefault(variable.key_lower, KeyInfo(variable.key))
            info.types.add(KeyType.STRING)


def variable_key(variable: Variable) -> str:
    return variable.key_lower
