"""Request templates for `can`: fields pinned, given as patterns, or left free."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iamproof.evaluate.conditions import arn_like
from iamproof.evaluate.request import PrincipalType, Request, RequestPrincipal
from iamproof.patterns import Glob, glob_match, literal_glob
from iamproof.smt.formula import (
    TRUE,
    AwsManagedKey,
    BinaryIs,
    BoolIs,
    Compare,
    Formula,
    IpIn,
    KeySlot,
    Match,
    MatchMode,
    Present,
    PrincipalIs,
    Slot,
    StrTerm,
    conj,
    disj,
    neg,
)
from iamproof.smt.keys import DERIVED_KEYS, KeyInfo, KeyType, Unsupported
from iamproof.values import parse_address, parse_binary, parse_bool, parse_date, parse_number


@dataclass(frozen=True)
class RequestTemplate:
    """What a `can` question fixes about the request. Unset fields range over every value."""

    principal: RequestPrincipal | None = None
    action: Glob | None = None  # case-insensitive glob
    resource: Glob | None = None  # ARN glob, matched per component
    resource_account: str | None = None
    context: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # lower-case key -> values; None: absent
    closed_context: bool = False  # keys not in `context` are absent
    multivalued: frozenset[str] = frozenset()  # pinned keys written as lists
    spelling: dict[str, str] = field(default_factory=dict)  # lower-case key -> as the case file writes it
    aws_managed_key: bool | None = None  # the resource is an AWS-managed KMS key; None: either

    def fits(self, request: Request) -> bool:
        """Does a concrete request fit this template? (Checked on every witness.)"""
        if self.principal is not None and self.principal != request.principal:
            return False
        if self.action is not None and not glob_match(self.action, request.action, ignore_case=True):
            return False
        if self.resource is not None and not arn_like(self.resource, request.resource):
            return False
        if self.resource_account is not None and self.resource_account != request.resource_account:
            return False
        if self.aws_managed_key is not None and self.aws_managed_key != request.aws_managed_key:
            return False
        return all(set(request.lookup(key) or ()) == set(values or ()) for key, values in self.context.items())

    def complete(self, document: dict[str, Any]) -> dict[str, Any]:
        """Write the pinned context values into a decoded witness, as the template spells them.

        The solver already made the decoded values equal to the pinned ones (as numbers, dates, ...);
        this keeps their spelling, and adds pinned keys that no policy reads.
        """
        context = {key: value for key, value in document.get("context", {}).items() if key.lower() not in self.context}
        for key, values in self.context.items():
            if values:
                context[self.spelling.get(key, key)] = list(values) if len(values) > 1 else values[0]
        document = {k: v for k, v in document.items() if k != "context"}
        return {**document, "context": context} if context else document

    def widen_keys(self, keys: dict[str, KeyInfo]) -> None:
        """Give multivalued keys enough elements for the pinned values."""
        for key, values in self.context.items():
            if key in DERIVED_KEYS:
                raise Unsupported(f"pinning the derived key {key!r}")
            info = keys.get(key)
            if info is None:
                continue
            if key in self.multivalued or (values is not None and len(values) > 1):
                info.multivalued = True
            if values is not None:
                info.atoms = max(info.atoms, len(values))

    def formula(self, keys: dict[str, KeyInfo]) -> Formula:
        parts: list[Formula] = []
        if self.principal is not None:
            parts.append(principal_formula(self.principal))
        if self.action is not None:
            lowered = tuple(p.lower() if isinstance(p, str) else p for p in self.action)
            parts.append(Match(StrTerm.of(Slot.ACTION), lowered, MatchMode.IGNORE_CASE))
        if self.resource is not None:
            parts.append(Match(StrTerm.of(Slot.RESOURCE), self.resource, MatchMode.ARN))
        if self.resource_account is not None:
            parts.append(_equals(Slot.RESOURCE_ACCOUNT, self.resource_account))
        if self.aws_managed_key is not None:
            parts.append(AwsManagedKey() if self.aws_managed_key else neg(AwsManagedKey()))
        for key, info in keys.items():
            if key in DERIVED_KEYS:
                continue
            if key in self.context:
                parts.append(_pinned_key(key, info, self.context[key]))
            elif self.closed_context:
                parts.append(neg(disj(Present(KeySlot(key, e)) for e in range(info.elements))))
        return conj(parts)


def _equals(slot: Slot, value: str) -> Formula:
    return Match(StrTerm.of(slot), literal_glob(value), MatchMode.PLAIN)


def principal_formula(principal: RequestPrincipal) -> Formula:
    kind = principal.type
    parts: list[Formula] = [PrincipalIs(kind.value)]
    if kind.is_iam:
        parts += [_equals(Slot.PRINCIPAL_PARTITION, principal.partition)]
        parts += [_equals(Slot.PRINCIPAL_ACCOUNT, principal.account or "")]
    if kind in (PrincipalType.USER, PrincipalType.ROLE_SESSION, PrincipalType.FEDERATED_USER):
        parts.append(_equals(Slot.PRINCIPAL_NAME, principal.name or ""))
    if kind is PrincipalType.USER:
        assert principal.arn is not None and principal.name is not None
        path = principal.arn.split(":user/", 1)[1][: -len(principal.name)]
        parts.append(_equals(Slot.PRINCIPAL_PATH, path))
    if kind is PrincipalType.ROLE_SESSION:
        parts.append(_equals(Slot.PRINCIPAL_SESSION, principal.session or ""))
    if kind is PrincipalType.FEDERATED_USER:
        parts.append(_equals(Slot.PRINCIPAL_PARENT, principal.parent or ""))
    if principal.value is not None:
        parts.append(_equals(Slot.PRINCIPAL_VALUE, principal.value))
    return conj(parts)


def _pinned_key(key: str, info: KeyInfo, values: tuple[str, ...] | None) -> Formula:
    slots = [KeySlot(key, e) for e in range(info.elements)]
    if not values:
        return neg(disj(Present(slot) for slot in slots))
    if len(values) > len(slots):
        raise Unsupported(f"context key {key!r} pinned to more values than the model holds")
    kind = info.type
    each_pinned = conj(disj(conj([Present(s), _value_is(s, kind, v)]) for s in slots) for v in values)
    only_pinned = conj(disj([neg(Present(s)), disj(_value_is(s, kind, v) for v in values)]) for s in slots)
    return conj([each_pinned, only_pinned])


def _value_is(slot: KeySlot, kind: KeyType, value: str) -> Formula:
    if kind is KeyType.STRING:
        return Match(StrTerm.of(slot), literal_glob(value), MatchMode.PLAIN)
    if kind in (KeyType.NUMBER, KeyType.DATE):
        number = parse_number(value) if kind is KeyType.NUMBER else parse_date(value)
        if number is None:
            raise Unsupported(f"pinned value {value!r} of {slot.key!r} is not a {kind.value}")
        return Compare(slot, "eq", number)
    if kind is KeyType.BOOL:
        flag = parse_bool(value)
        if flag is None:
            raise Unsupported(f"pinned value {value!r} of {slot.key!r} is not a boolean")
        return BoolIs(slot, flag)
    if kind is KeyType.IP:
        address = parse_address(value)
        if address is None:
            raise Unsupported(f"pinned value {value!r} of {slot.key!r} is not an IP address")
        return IpIn(slot, f"{address}/{address.max_prefixlen}")
    data = parse_binary(value)
    if data is None:
        raise Unsupported(f"pinned value {value!r} of {slot.key!r} is not base64")
    return BinaryIs(slot, data)


__all__ = ["TRUE", "RequestTemplate", "principal_formula"]
