"""Constraints that keep every model a request the concrete evaluator accepts and AWS could see."""

from __future__ import annotations

import z3

from iamproof.evaluate.request import USER_ARN, PrincipalType
from iamproof.smt.encode import PRINCIPAL_KINDS, Encoder, cell_membership
from iamproof.smt.formula import KeySlot, Slot
from iamproof.smt.keys import KeyType
from iamproof.smt.lazy_constraints import lazy_constraints

_MAX_CHAR = 0x2FFFF


class _Re:
    """The character classes of IAM names, accounts and actions, in one query's Z3 context."""

    def __init__(self, ctx: z3.Context) -> None:
        self.ctx = ctx
        self.digits = z3.Range("0", "9", ctx)
        self.iam_name = z3.Plus(
            z3.Union(z3.Range("a", "z", ctx), z3.Range("A", "Z", ctx), self.digits, *[self.text(c) for c in "+=,.@_-"])
        )
        service = z3.Union(z3.Range("a", "z", ctx), self.digits, self.text("-"))
        self.action = z3.Concat(
            z3.Plus(service), self.text(":"), z3.Plus(z3.Union(service, self.text("_"), self.text(".")))
        )
        self.account = z3.Loop(self.digits, 12, 12)
        self.no_colon = z3.Star(z3.Union(z3.Range(chr(0), "9", ctx), z3.Range(";", chr(_MAX_CHAR), ctx)))

    def text(self, text: str) -> z3.ReRef:
        return z3.Re(text, self.ctx)

    def range(self, low: str, high: str) -> z3.ReRef:
        return z3.Range(low, high, self.ctx)


def _kind(encoder: Encoder, kind: PrincipalType) -> z3.BoolRef:
    return encoder.kind == PRINCIPAL_KINDS.index(kind)


def principal_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Principal fields are well formed for the principal's kind (IAM naming rules)."""
    P = PrincipalType
    s = encoder.string
    r = _Re(encoder.ctx)
    iam = z3.Or(*[_kind(encoder, k) for k in (P.USER, P.ROLE_SESSION, P.FEDERATED_USER, P.ROOT)])
    partition = z3.Concat(r.text("aws"), z3.Star(z3.Union(r.range("a", "z"), r.text("-"))))
    service = z3.Plus(z3.Union(r.range("a", "z"), r.digits, r.text("."), r.text("-")))
    out = [
        encoder.kind >= 0,
        encoder.kind < len(PRINCIPAL_KINDS),
        z3.Implies(iam, z3.InRe(s(Slot.PRINCIPAL_PARTITION), partition)),
        z3.Implies(iam, z3.InRe(s(Slot.PRINCIPAL_ACCOUNT), r.account)),
        z3.Implies(
            z3.Or(_kind(encoder, P.USER), _kind(encoder, P.ROLE_SESSION), _kind(encoder, P.FEDERATED_USER)),
            z3.InRe(s(Slot.PRINCIPAL_NAME), r.iam_name),
        ),
        z3.Implies(
            _kind(encoder, P.USER), z3.InRe(s(Slot.PRINCIPAL_PATH), z3.Star(z3.Concat(r.iam_name, r.text("/"))))
        ),
        z3.Implies(_kind(encoder, P.ROLE_SESSION), z3.InRe(s(Slot.PRINCIPAL_SESSION), r.iam_name)),
        z3.Implies(_kind(encoder, P.SERVICE), z3.InRe(s(Slot.PRINCIPAL_VALUE), service)),
        z3.Implies(
            z3.Or(_kind(encoder, P.WEB_IDENTITY), _kind(encoder, P.CANONICAL_USER)),
            z3.InRe(s(Slot.PRINCIPAL_VALUE), z3.Plus(r.range("!", "~"))),
        ),
    ]
    if Slot.PRINCIPAL_PARENT in encoder.strings:  # only queries whose policies name IAM users
        out += _parent_constraints(encoder)
    return out


def _parent_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Only a federated user has a parent: none (""), or an IAM user of its own partition and account.

    Formulas compare the parent only for equality with literal user ARNs (the policies' and a pinned
    request's), so a parent that none of them names behaves exactly like none: the parent ranges over ""
    and those literals, which keeps string concatenation out of the query."""
    parent = encoder.string(Slot.PRINCIPAL_PARENT)
    none = parent == z3.StringVal("", encoder.ctx)
    options = [none]
    for name in sorted(encoder.literals.get(Slot.PRINCIPAL_PARENT, set())):
        if m := USER_ARN.match(name):
            options.append(
                z3.And(
                    parent == z3.StringVal(name, encoder.ctx),
                    encoder.string(Slot.PRINCIPAL_PARTITION) == z3.StringVal(m.group(1), encoder.ctx),
                    encoder.string(Slot.PRINCIPAL_ACCOUNT) == z3.StringVal(m.group(2), encoder.ctx),
                )
            )
    return [z3.Implies(z3.Not(_kind(encoder, PrincipalType.FEDERATED_USER)), none), z3.Or(*options)]


def context_constraints(encoder: Encoder, resource_account: bool = True) -> list[z3.BoolRef]:
    """Present string values are non-empty (AWS turns empty values into null, and a request reads "" as
    absent), even for keys only tested for presence; a string resource is non-empty (and, with
    `resource_account`, carries the resource account in its ARN); typed values in range."""
    out: list[z3.BoolRef] = []
    for slot in list(encoder.present):
        abstract = slot in encoder.cells or slot in encoder.lazy  # non-empty by the domain's shape
        if encoder.key_type(slot) is KeyType.STRING and not abstract:
            encoder.string(slot)
    for var, value in encoder.strings.items():
        if isinstance(var, KeySlot):
            out.append(z3.Implies(encoder.presence(var), z3.Length(value) > 0))
        elif var is Slot.RESOURCE:
            # without `resource_account`, not even "non-empty": a model with an empty resource is solved again
            # with every constraint (measured: `len(resource) > 0` alone took a CodeCommit diff from 0.02 s
            # to 2-5 s, although the goal's patterns imply it)
            out += resource_string_constraints(encoder, value) if resource_account else []
        elif var is Slot.ACTION:
            out.append(z3.InRe(value, _Re(encoder.ctx).action))
    for slot, value in encoder.typed.items():
        if slot in encoder.ipv6:
            out.append(z3.Implies(z3.Not(encoder.ipv6[slot]), z3.Extract(127, 32, value) == 0))
        if slot in encoder.binaries:
            out += [value >= 0, value <= len(encoder.binaries[slot])]
    return out


def resource_string_constraints(encoder: Encoder, resource: z3.SeqRef) -> list[z3.BoolRef]:
    """A resource kept as a string (not cells) is non-empty, and a 12-digit account component of its ARN
    is the resource account (as the request builder reads it)."""
    r = _Re(encoder.ctx)
    colon, no_colon = r.text(":"), r.no_colon
    head, account, rest = (
        z3.String(f"{encoder.tag}.resource.{part}", encoder.ctx) for part in ("head", "account", "rest")
    )
    separator = z3.StringVal(":", encoder.ctx)
    components = z3.And(
        resource == z3.Concat(head, separator, account, separator, rest),
        z3.InRe(head, z3.Concat(no_colon, colon, no_colon, colon, no_colon, colon, no_colon)),
        z3.InRe(account, no_colon),
    )
    short = z3.InRe(resource, z3.Concat(no_colon, *[z3.Option(z3.Concat(colon, no_colon)) for _ in range(4)]))
    own_account = z3.Implies(z3.InRe(account, r.account), account == encoder.string(Slot.RESOURCE_ACCOUNT))
    return [z3.Length(resource) > 0, z3.Or(short, z3.And(components, own_account))]


def cell_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Each cell variable names a cell; a resource cell fixes or frees the resource's account."""
    out: list[z3.BoolRef] = []
    for slot, domain in encoder.cells.items():
        var = encoder.cell_vars[slot]
        total = len(domain.cells)
        out += [var >= 0, var < total]
        if slot is not Slot.RESOURCE:
            continue
        account = encoder.string(Slot.RESOURCE_ACCOUNT)
        by_literal: dict[str, list[int]] = {}
        other_twelve: list[int] = []
        for cell in domain.cells:
            literal = domain.cell_account(cell)
            if literal is not None:
                by_literal.setdefault(literal, []).append(cell.index)
            elif domain.has_twelve_digit_account(cell):
                other_twelve.append(cell.index)
        for literal, cells in sorted(by_literal.items()):
            out.append(z3.Implies(cell_membership(var, cells, total), account == z3.StringVal(literal, encoder.ctx)))
        if other_twelve and domain.accounts:
            others = z3.And(*[account != z3.StringVal(a, encoder.ctx) for a in domain.accounts])
            out.append(z3.Implies(cell_membership(var, other_twelve, total), others))
    return out


def resource_account_constraints(encoder: Encoder, resource_account: bool = True) -> list[z3.BoolRef]:
    """The resource account is 12 digits. When no formula of the query reads it (no condition on
    aws:ResourceAccount, no same-account test, no value pinned by a case) and not `resource_account`, the
    solver is not told: the formulas see it only through the cells' (in)equalities with literal accounts,
    which any other 12-digit account satisfies as well, and the decoder puts one in its place
    (`decode.resource_account`). Z3's regular expression for it, beside those (in)equalities, made some
    checks heavy-tailed: the equiv of gen-100#1 (with cells for its context keys) took 0.35-3 s over six
    seeds with it and 0.03 s without."""
    if not resource_account and Slot.RESOURCE_ACCOUNT not in encoder.atoms.string_vars | encoder.read:
        return []
    return [z3.InRe(encoder.string(Slot.RESOURCE_ACCOUNT), _Re(encoder.ctx).account)]


def all_constraints(encoder: Encoder, resource_account: bool = True) -> list[z3.BoolRef]:
    """Every well-formedness constraint. Without `resource_account`, a resource kept as a string may name
    an account other than the resource account, or be empty, and an unread resource account need not be 12
    digits (cheaper to solve; a model whose request does not parse is solved again with them)."""
    context = context_constraints(encoder, resource_account) + resource_account_constraints(encoder, resource_account)
    return principal_constraints(encoder) + cell_constraints(encoder) + lazy_constraints(encoder) + context
