"""Constraints that keep every model a request the concrete evaluator accepts and AWS could see."""

from __future__ import annotations

import z3

from iamproof.evaluate.request import PrincipalType
from iamproof.smt.encode import PRINCIPAL_KINDS, Encoder
from iamproof.smt.formula import KeySlot, Slot

_IAM_NAME = z3.Union(z3.Range("a", "z"), z3.Range("A", "Z"), z3.Range("0", "9"), *[z3.Re(c) for c in "+=,.@_-"])
_DIGITS = z3.Range("0", "9")


def _name() -> z3.ReRef:
    return z3.Plus(_IAM_NAME)


def _kind(encoder: Encoder, kind: PrincipalType) -> z3.BoolRef:
    return encoder.kind == PRINCIPAL_KINDS.index(kind)


def principal_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Principal fields are well formed for the principal's kind (IAM naming rules)."""
    P = PrincipalType
    s = encoder.string
    iam = z3.Or(*[_kind(encoder, k) for k in (P.USER, P.ROLE_SESSION, P.FEDERATED_USER, P.ROOT)])
    out = [
        encoder.kind >= 0,
        encoder.kind < len(PRINCIPAL_KINDS),
        z3.Implies(
            iam,
            z3.InRe(
                s(Slot.PRINCIPAL_PARTITION), z3.Concat(z3.Re("aws"), z3.Star(z3.Union(z3.Range("a", "z"), z3.Re("-"))))
            ),
        ),
        z3.Implies(iam, z3.InRe(s(Slot.PRINCIPAL_ACCOUNT), z3.Loop(_DIGITS, 12, 12))),
        z3.Implies(
            z3.Or(_kind(encoder, P.USER), _kind(encoder, P.ROLE_SESSION), _kind(encoder, P.FEDERATED_USER)),
            z3.InRe(s(Slot.PRINCIPAL_NAME), _name()),
        ),
        z3.Implies(_kind(encoder, P.USER), z3.InRe(s(Slot.PRINCIPAL_PATH), z3.Star(z3.Concat(_name(), z3.Re("/"))))),
        z3.Implies(_kind(encoder, P.ROLE_SESSION), z3.InRe(s(Slot.PRINCIPAL_SESSION), _name())),
        z3.Implies(
            _kind(encoder, P.SERVICE),
            z3.InRe(
                s(Slot.PRINCIPAL_VALUE),
                z3.Plus(z3.Union(z3.Range("a", "z"), z3.Range("0", "9"), z3.Re("."), z3.Re("-"))),
            ),
        ),
        z3.Implies(
            z3.Or(_kind(encoder, P.WEB_IDENTITY), _kind(encoder, P.CANONICAL_USER)),
            z3.InRe(s(Slot.PRINCIPAL_VALUE), z3.Plus(z3.Range("!", "~"))),
        ),
        z3.InRe(s(Slot.RESOURCE_ACCOUNT), z3.Loop(_DIGITS, 12, 12)),
    ]
    return out


def context_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Present string values are non-empty (AWS turns empty values into null); typed values in range."""
    out: list[z3.BoolRef] = []
    for var, value in encoder.strings.items():
        if isinstance(var, KeySlot):
            out.append(z3.Implies(encoder.presence(var), z3.Length(value) > 0))
    for slot, value in encoder.typed.items():
        if slot in encoder.ipv6:
            out.append(z3.Implies(z3.Not(encoder.ipv6[slot]), z3.Extract(127, 32, value) == 0))
        if slot in encoder.binaries:
            out += [value >= 0, value <= len(encoder.binaries[slot])]
    return out


def cell_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Each cell variable names a cell; a resource cell fixes or frees the resource's account."""
    out: list[z3.BoolRef] = []
    for slot, domain in encoder.cells.items():
        var = encoder.cell_vars[slot]
        out += [var >= 0, var < len(domain.cells)]
        if slot is not Slot.RESOURCE:
            continue
        account = encoder.string(Slot.RESOURCE_ACCOUNT)
        for cell in domain.cells:
            literal = domain.cell_account(cell)
            if literal is not None:
                out.append(z3.Implies(var == cell.index, account == z3.StringVal(literal)))
            elif domain.has_twelve_digit_account(cell):
                others = [account != z3.StringVal(a) for a in domain.accounts]
                out.append(z3.Implies(var == cell.index, z3.And(*others)) if others else z3.BoolVal(True))
    return out


def all_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    return principal_constraints(encoder) + cell_constraints(encoder) + context_constraints(encoder)
