"""Models → concrete requests in the case-file format (`request` member), ready for the evaluator."""

from __future__ import annotations

import base64
import ctypes
import ipaddress
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal, localcontext
from typing import Any

import z3

from iamproof import catalogue
from iamproof.cells.partition import Cell
from iamproof.evaluate.request import PrincipalType
from iamproof.smt.domains import CellDomain
from iamproof.smt.encode import PRINCIPAL_KINDS, Encoder
from iamproof.smt.formula import KeySlot, Slot, StrVar
from iamproof.smt.keys import KeyType
from iamproof.smt.realistic import filled_patterns, first_member, resource_candidates

_FRESH_BINARY = b"iamproof-other"


def decode_request(encoder: Encoder, model: z3.ModelRef, realized: dict[StrVar, str] | None = None) -> dict[str, Any]:
    """The request a model describes, as the `request` object of a case file. `realized`: for the slots
    the encoder keeps lazy, a value with the signature the model gives them."""
    kind = PRINCIPAL_KINDS[_int(model, encoder.kind) % len(PRINCIPAL_KINDS)]
    realized = realized or {}
    action = _cell_string(encoder, model, Slot.ACTION, "", realized)
    account = resource_account(encoder, model)
    request: dict[str, Any] = {
        "principal": _principal(encoder, model, kind),
        **_parent_user(encoder, model, kind),
        "action": action,
        "resource": _cell_string(encoder, model, Slot.RESOURCE, action, realized, account),
        "resource_account": account,
    }
    if action.lower().startswith("kms:") and z3.is_true(model.eval(encoder.aws_managed_key, model_completion=True)):
        request["aws_managed_key"] = True
    context = _context(encoder, model, realized)
    if context:
        request["context"] = context
    return request


FRESH_ACCOUNT = 123456789012


def resource_account(encoder: Encoder, model: z3.ModelRef) -> str:
    """The model's resource account; if it is not 12 digits (the solver was not told, as no formula reads
    it: `wellformed.resource_account_constraints`), the first 12-digit account from 123456789012 on that
    no literal of the query names (the formulas tell it only from those literals)."""
    value = _string(encoder, model, Slot.RESOURCE_ACCOUNT)
    if re.fullmatch("[0-9]{12}", value):
        return value
    named = {text for texts in encoder.literals.values() for text in texts}
    for domain in (*encoder.cells.values(), *encoder.lazy.values()):
        named |= set(domain.accounts)
    fresh = FRESH_ACCOUNT
    while str(fresh) in named:
        fresh += 1
    return str(fresh)


def _int(model: z3.ModelRef, term: z3.ArithRef) -> int:
    return int(model.eval(term, model_completion=True).as_long())


def _string(encoder: Encoder, model: z3.ModelRef, var: Slot | KeySlot) -> str:
    return string_value(model.eval(encoder.string(var), model_completion=True))


def string_value(value: z3.SeqRef) -> str:
    """The exact characters of a string constant (`as_string()` escapes some of them as `\\u{..}`)."""
    ctx, ast = value.ctx_ref(), value.as_ast()
    length = z3.Z3_get_string_length(ctx, ast)
    codes = (ctypes.c_uint * length)()
    if length:
        z3.Z3_get_string_contents(ctx, ast, length, codes)
    return "".join(chr(code) for code in codes)


def _principal(encoder: Encoder, model: z3.ModelRef, kind: PrincipalType) -> Any:
    def s(slot: Slot) -> str:
        return _string(encoder, model, slot)

    P = PrincipalType
    part, acct = s(Slot.PRINCIPAL_PARTITION), s(Slot.PRINCIPAL_ACCOUNT)
    if kind is P.USER:
        return f"arn:{part}:iam::{acct}:user/{s(Slot.PRINCIPAL_PATH)}{s(Slot.PRINCIPAL_NAME)}"
    if kind is P.ROLE_SESSION:
        return f"arn:{part}:sts::{acct}:assumed-role/{s(Slot.PRINCIPAL_NAME)}/{s(Slot.PRINCIPAL_SESSION)}"
    if kind is P.FEDERATED_USER:
        return f"arn:{part}:sts::{acct}:federated-user/{s(Slot.PRINCIPAL_NAME)}"
    if kind is P.ROOT:
        return f"arn:{part}:iam::{acct}:root"
    if kind is P.ANONYMOUS:
        return "anonymous"
    key = {P.SERVICE: "Service", P.WEB_IDENTITY: "Federated", P.CANONICAL_USER: "CanonicalUser"}[kind]
    return {key: s(Slot.PRINCIPAL_VALUE)}


def _parent_user(encoder: Encoder, model: z3.ModelRef, kind: PrincipalType) -> dict[str, str]:
    """`parent_user` of a federated user, when the query mentions parents and the model gives one."""
    if kind is not PrincipalType.FEDERATED_USER or Slot.PRINCIPAL_PARENT not in encoder.strings:
        return {}
    parent = _string(encoder, model, Slot.PRINCIPAL_PARENT)
    return {"parent_user": parent} if parent else {}


def _cell_string(
    encoder: Encoder, model: z3.ModelRef, slot: Slot, action: str, realized: dict[StrVar, str], account: str = ""
) -> str:
    """The action, or the resource (of `action`, in the resource account `account`), a model's cell gives."""
    domain = encoder.cells.get(slot)
    if slot in realized:
        domain = encoder.realized_domain(slot)
        text = realized[slot]
        cell = Cell(-1, domain.signature(text), [text])
    elif domain is None:
        return _string(encoder, model, slot)
    else:
        cell = domain.cells[_int(model, encoder.cell_vars[slot])]
    if slot is Slot.ACTION:
        return _readable_action(domain, cell)
    return _with_account(domain, cell, _readable_resource(domain, cell, action, account), account)


def _readable_action(domain: CellDomain, cell: Cell) -> str:
    service = cell.witnesses[0].split(":", 1)[0]
    real = (f"{service}:{name}" for name in catalogue.actions_of(service))
    candidates = itertools.chain(real, filled_patterns(domain, cell, arn=False))
    found = first_member(domain, cell, (c.lower() for c in candidates))
    if found is None:
        found = first_member(domain, cell, _other_services(domain, cell, service))
    if found is None:
        return cell.witnesses[0]
    return catalogue.canonical_action(found) or found


def _other_services(domain: CellDomain, cell: Cell, service: str) -> Iterator[str]:
    """The first action of each other catalogue service whose actions the cell's patterns may match: a
    cell such as "none of the patterns but the NotAction's" holds actions of every service the patterns
    do not name, while its shortest member (`e:a`) names none. Services that a pattern of the cell rules
    out by its literal head (`kms:createalias*`) are skipped without reading their actions."""
    positive = [domain.automata[index] for index in cell.signature]
    for other in catalogue.services():
        prefix = f"{other}:"
        if other == service or not all(automaton.may_start_with(prefix) for automaton in positive):
            continue
        names = catalogue.actions_of(other)
        if names:
            yield f"{prefix}{names[0]}".lower()


def _readable_resource(domain: CellDomain, cell: Cell, action: str, account: str) -> str:
    """A member of the resource cell that reads like a resource of the witness's action (an object ARN
    for `s3:GetObject`, `*` for `s3:ListAllMyBuckets`), else a filled pattern, else the shortest member."""
    return first_member(domain, cell, resource_candidates(domain, cell, action, account)) or cell.witnesses[0]


def _with_account(domain: CellDomain, cell: Cell, text: str, account: str) -> str:
    if domain.cell_account(cell) is not None or not domain.has_twelve_digit_account(cell):
        return text
    parts = text.split(":", 5)
    parts[4] = account
    return ":".join(parts)


def _context(encoder: Encoder, model: z3.ModelRef, realized: dict[StrVar, str]) -> dict[str, Any]:
    values: dict[str, list[Any]] = {}
    for slot, present in sorted(encoder.present.items(), key=lambda item: (item[0].key, item[0].element)):
        if not z3.is_true(model.eval(present, model_completion=True)):
            continue
        values.setdefault(slot.key, []).append(_value(encoder, model, slot, realized))
    context: dict[str, Any] = {}
    for key, items in values.items():
        info = encoder.keys.get(key)
        multivalued = info is not None and info.multivalued
        context[info.name if info is not None else key] = items if multivalued else items[0]
    return context


def _value(encoder: Encoder, model: z3.ModelRef, slot: KeySlot, realized: dict[StrVar, str]) -> Any:
    kind = encoder.key_type(slot)
    if slot in realized:
        return realized[slot]
    if slot in encoder.cells:
        domain = encoder.cells[slot]
        cell = domain.cells[_int(model, encoder.cell_vars[slot])]
        candidates = itertools.chain(filled_patterns(domain, cell, arn=True), filled_patterns(domain, cell, arn=False))
        return first_member(domain, cell, candidates) or cell.witnesses[0]
    if kind is KeyType.STRING:
        return _string(encoder, model, slot)
    value = model.eval(encoder.typed_value(slot), model_completion=True)
    if kind in (KeyType.NUMBER, KeyType.DATE):
        with localcontext() as exact:
            exact.prec = 2000
            number = Decimal(value.as_long()).scaleb(-encoder.scales[slot])
            integral = number == number.to_integral_value()
            return str(int(number)) if integral else format(number.normalize(), "f")
    if kind is KeyType.BOOL:
        return "true" if z3.is_true(value) else "false"
    if kind is KeyType.IP:
        bits = value.as_long()
        v6 = z3.is_true(model.eval(encoder.ipv6[slot], model_completion=True))
        return str(ipaddress.IPv6Address(bits) if v6 else ipaddress.IPv4Address(bits & 0xFFFFFFFF))
    options = encoder.binaries[slot] + [_fresh_binary(encoder.binaries[slot])]
    return base64.b64encode(options[value.as_long()]).decode("ascii")


def _fresh_binary(known: list[bytes]) -> bytes:
    candidate = _FRESH_BINARY
    while candidate in known:
        candidate += b"+"
    return candidate
