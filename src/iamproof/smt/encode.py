"""Formulas → Z3 terms. Actions, resources and string context keys matched only against constant patterns
(with a wildcard, case folding or ARN components among them) become cell ids; other strings are Z3 strings;
numbers and dates scaled integers; IP addresses 128-bit vectors."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

import z3

from iamproof.cells.deadline import NO_DEADLINE, Deadline, OutOfTime
from iamproof.cells.partition import PartitionTooLarge
from iamproof.evaluate.request import PrincipalType
from iamproof.patterns import Glob, Wild, split_at_colons
from iamproof.smt.atoms import CELL_CANDIDATES, AtomIndex, index_atoms
from iamproof.smt.domains import CellDomain, cell_domain, domain_automata, remember_too_large
from iamproof.smt.features import Features, split_features
from iamproof.smt.formula import (
    And,
    AwsManagedKey,
    BinaryIs,
    BoolIs,
    Compare,
    Const,
    Formula,
    IpIn,
    KeySlot,
    Match,
    MatchMode,
    Not,
    Or,
    Present,
    PrincipalIs,
    Slot,
    StrEq,
    StrTerm,
    StrVar,
    TemplateMatch,
)
from iamproof.smt.keys import KeyInfo, KeyType, Unsupported
from iamproof.smt.regex import glob_regex, string_literal
from iamproof.smt.templates import Field, Item, Text, glob_items, template_match

PRINCIPAL_KINDS = tuple(PrincipalType)
_DEADLINE_EVERY = 1024  # formula nodes between two looks at the clock
CELL_TIME_SHARE = 0.15  # of the time left, for one cell partition
CELL_STATE_BUDGET = 30_000  # product automaton states of one cell partition


@dataclass
class Encoder:
    """Translates the formulas of one query; owns its Z3 variables."""

    formulas: Sequence[Formula]
    keys: dict[str, KeyInfo]
    deadline: Deadline = NO_DEADLINE
    atoms: AtomIndex = field(init=False)
    cells: dict[StrVar, CellDomain] = field(init=False, default_factory=dict)
    strings: dict[StrVar, z3.SeqRef] = field(init=False, default_factory=dict)
    present: dict[KeySlot, z3.BoolRef] = field(init=False, default_factory=dict)
    typed: dict[KeySlot, z3.ExprRef] = field(init=False, default_factory=dict)
    scales: dict[KeySlot, int] = field(init=False, default_factory=dict)
    binaries: dict[KeySlot, list[bytes]] = field(init=False, default_factory=dict)
    ipv6: dict[KeySlot, z3.BoolRef] = field(init=False, default_factory=dict)
    cell_vars: dict[StrVar, z3.ArithRef] = field(init=False, default_factory=dict)
    kind: z3.ArithRef = field(init=False)
    _memo: dict[int, tuple[Formula, z3.BoolRef]] = field(init=False, default_factory=dict)
    tag: str = field(init=False)
    ctx: z3.Context = field(init=False, repr=False)  # one context per query: answers do not depend on history
    string_slots: dict[StrVar, str] = field(init=False, default_factory=dict)  # cell candidates kept as strings
    literals: dict[StrVar, set[str]] = field(init=False, default_factory=dict)  # literals a string is equated to
    lazy: dict[StrVar, CellDomain] = field(init=False, default_factory=dict)  # automata, realized per signature
    lazy_vars: dict[StrVar, list[z3.BoolRef]] = field(init=False, default_factory=dict)  # "matches automaton i"
    features: dict[StrVar, Features] = field(init=False, default_factory=dict)  # infix patterns beside cells
    constraints: dict[str, list[z3.BoolRef]] = field(init=False, default_factory=dict)  # built once, by name
    string_atoms: list[z3.BoolRef] = field(init=False, default_factory=list)  # string-theory atoms encoded
    costly_atoms: int = field(init=False, default=0)  # those that are more than "a variable is a constant"
    read: set[StrVar] = field(init=False, default_factory=set)  # string variables an encoded formula reads
    _nodes: int = field(init=False, default=0)
    _regexes: dict[tuple[Glob, bool, bool], z3.ReRef] = field(init=False, default_factory=dict)
    _cell_sets: dict[tuple[StrVar, tuple[int, ...]], z3.BoolRef] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.ctx = z3.Context()
        self.tag = "q"
        self.atoms = index_atoms(self.formulas)
        self.kind = z3.Int(f"{self.tag}.principal.kind", self.ctx)
        self.aws_managed_key = z3.Bool(f"{self.tag}.resource.aws_managed_key", self.ctx)
        for slot in CELL_CANDIDATES:
            if slot not in self.atoms.entangled:
                self._plan_cells(slot)
        for var, globs in sorted(self.atoms.globs.items(), key=lambda item: repr(item[0])):
            if isinstance(var, KeySlot) and self._context_cells(var, globs):
                self._plan_cells(var)

    def _context_cells(self, slot: KeySlot, globs: set[tuple[Glob, MatchMode]]) -> bool:
        """A string context key gets cells when it is only matched against constant patterns and one of
        them needs more than string equality (a wildcard, case folding, ARN components); a key compared
        only with literals stays a Z3 string (equality with constants is cheap for the solver, and was
        measured slower as cells)."""
        if slot in self.atoms.entangled or self.key_type(slot) is not KeyType.STRING:
            return False
        return any(mode is not MatchMode.PLAIN or not all(isinstance(p, str) for p in glob) for glob, mode in globs)

    def _plan_cells(self, slot: StrVar) -> None:
        """Cells for `slot`, unless its partition passes its budget (a share of the time left, a number of
        automaton states): then one Boolean per pattern, whose values the session realizes one signature at
        a time (`lazy`). Patterns that need more than automata can say (a wildcard in an ARN's account)
        keep the slot a string, matched with regular expressions. A resource's infix patterns, when it has
        several, are Booleans beside its cells (`features`)."""
        globs = self.atoms.globs.get(slot, set())
        kept, shapes = split_features(globs) if slot is Slot.RESOURCE else (frozenset(globs), {})
        budget = Deadline(min(self.deadline.at, time.monotonic() + CELL_TIME_SHARE * self.deadline.remaining()))
        try:
            domain = cell_domain(slot, kept, budget, CELL_STATE_BUDGET)
            if shapes:
                every = domain_automata(slot, kept.union(shapes))
                self.features[slot] = Features.of(domain, every, shapes, f"{self.tag}.{_name(slot)}", self.ctx)
        except Unsupported as exc:
            self.string_slots[slot] = str(exc)
            return
        except (PartitionTooLarge, OutOfTime) as exc:
            if self.deadline.expired():
                raise Unsupported(f"{_name(slot)} patterns: {exc}") from exc
            remember_too_large(slot, kept)
            domain = domain_automata(slot, globs)
            self.lazy[slot] = domain
            names = (f"{self.tag}.{_name(slot)}.matches[{i}]" for i in range(len(domain.automata)))
            self.lazy_vars[slot] = [z3.Bool(name, self.ctx) for name in names]
            return
        self.cells[slot] = domain
        self.cell_vars[slot] = z3.Int(f"{self.tag}.{_name(slot)}.cell", self.ctx)

    def realized_domain(self, slot: StrVar) -> CellDomain:
        """The automata a realized value of a lazy slot, or of a slot with features, was searched with."""
        return self.lazy[slot] if slot in self.lazy else self.features[slot].domain

    # --- variables ---------------------------------------------------------------------------------

    def string(self, var: StrVar) -> z3.SeqRef:
        if var not in self.strings:
            name = var.value if isinstance(var, Slot) else f"{var.key}[{var.element}]"
            self.strings[var] = z3.String(f"{self.tag}.{name}", self.ctx)
        return self.strings[var]

    def presence(self, slot: KeySlot) -> z3.BoolRef:
        if slot not in self.present:
            self.present[slot] = z3.Bool(f"{self.tag}.{slot.key}[{slot.element}].present", self.ctx)
        return self.present[slot]

    def key_type(self, slot: KeySlot) -> KeyType:
        info = self.keys.get(slot.key)
        return info.type if info is not None else KeyType.STRING

    def typed_value(self, slot: KeySlot) -> z3.ExprRef:
        if slot in self.typed:
            return self.typed[slot]
        kind = self.key_type(slot)
        name = f"{self.tag}.{slot.key}[{slot.element}]"
        value: z3.ExprRef
        if kind in (KeyType.NUMBER, KeyType.DATE):
            self.scales[slot] = max((_scale(c.value) for c in self.atoms.compares.get(slot, ())), default=0) + 1
            value = z3.Int(name, self.ctx)
        elif kind is KeyType.BOOL:
            value = z3.Bool(name, self.ctx)
        elif kind is KeyType.IP:
            value = z3.BitVec(name, 128, self.ctx)
            self.ipv6[slot] = z3.Bool(name + ".v6", self.ctx)
        elif kind is KeyType.BINARY:
            self.binaries[slot] = sorted(self.atoms.binaries.get(slot, set()))
            value = z3.Int(name, self.ctx)
        else:
            return self.string(slot)
        self.typed[slot] = value
        return value

    def regex(self, glob: Glob, ignore_case: bool, arn: bool) -> z3.ReRef:
        key = (glob, ignore_case, arn)
        found = self._regexes.get(key)
        if found is None:
            found = self._regexes[key] = glob_regex(glob, self.ctx, ignore_case=ignore_case, arn=arn)
        return found

    def term(self, term: StrTerm) -> z3.SeqRef:
        self.read.update(p for p in term.parts if not isinstance(p, str))
        parts = [string_literal(p, self.ctx) if isinstance(p, str) else self.string(p) for p in term.parts]
        if not parts:
            return z3.StringVal("", self.ctx)
        return parts[0] if len(parts) == 1 else z3.Concat(*parts)

    # --- formulas ----------------------------------------------------------------------------------

    def encode(self, node: Formula) -> z3.BoolRef:
        key = id(node)
        cached = self._memo.get(key)
        if cached is None or cached[0] is not node:
            # the node is kept alive with its term, so that its id cannot be reused by another node
            cached = (node, self._encode(node))
            self._memo[key] = cached
        return cached[1]

    def _encode(self, node: Formula) -> z3.BoolRef:
        self._nodes += 1
        if self._nodes % _DEADLINE_EVERY == 0 and self.deadline.expired():
            raise Unsupported("the time limit passed while encoding the query")
        if isinstance(node, Const):
            return z3.BoolVal(node.value, self.ctx)
        if isinstance(node, And):
            return _junction(z3.Z3_mk_and, [self.encode(arg) for arg in node.args])
        if isinstance(node, Or):
            return _junction(z3.Z3_mk_or, [self.encode(arg) for arg in node.args])
        if isinstance(node, Not):
            arg = self.encode(node.arg)
            return z3.BoolRef(z3.Z3_mk_not(arg.ctx_ref(), arg.as_ast()), arg.ctx)
        if isinstance(node, Match):
            return self._match(node)
        if isinstance(node, AwsManagedKey):
            return self.aws_managed_key
        if isinstance(node, PrincipalIs):
            return self.kind == PRINCIPAL_KINDS.index(PrincipalType(node.kind))
        if isinstance(node, Present):
            return self.presence(node.slot)
        return self._typed_atom(node)

    def _typed_atom(self, node: Formula) -> z3.BoolRef:
        if isinstance(node, StrEq):
            if node.ignore_case:
                raise Unsupported("case-insensitive comparison of two request fields")
            return self._string_atom(self.term(node.left) == self.term(node.right))
        if isinstance(node, TemplateMatch):
            return self._template(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, BoolIs):
            value = self.typed_value(node.slot)
            return value if node.value else z3.Not(value)
        if isinstance(node, IpIn):
            return self._ip(node)
        if isinstance(node, BinaryIs):
            index = self.typed_value(node.slot)
            return index == self.binaries[node.slot].index(node.value)
        raise Unsupported(f"formula node {type(node).__name__}")

    def _match(self, node: Match) -> z3.BoolRef:
        var = node.term.variable
        if var is not None and var in self.features:
            feature = self.features[var].matches.get((node.glob, node.mode))
            if feature is not None:
                return feature
        if var is not None and var in self.cells:
            return self.cell_set(var, self.cells[var].cells_matching(node.glob, node.mode))
        if var is not None and var in self.lazy:
            return self.lazy_vars[var][self.lazy[var].index[(node.glob, node.mode)]]
        term = self.term(node.term)
        literal = all(isinstance(p, str) for p in node.glob)
        if literal and node.mode is not MatchMode.IGNORE_CASE:
            text = "".join(p for p in node.glob if isinstance(p, str))
            if var is not None:
                self.literals.setdefault(var, set()).add(text)
            return self._string_atom(term == string_literal(text, self.ctx), costly=var is None)
        regex = self.regex(node.glob, node.mode is MatchMode.IGNORE_CASE, node.mode is MatchMode.ARN)
        return self._string_atom(z3.InRe(term, regex))

    def _string_atom(self, atom: z3.BoolRef, costly: bool = True) -> z3.BoolRef:
        """Records an atom of the string theory (see `string_atoms`); `costly` unless it only equates a
        variable with a constant."""
        self.string_atoms.append(atom)
        self.costly_atoms += costly
        return atom

    def cell_set(self, slot: StrVar, cells: Sequence[int]) -> z3.BoolRef:
        """The cell variable is one of `cells` (sorted): runs of consecutive ids become ranges; shared by
        patterns with the same cells."""
        key = (slot, tuple(cells))
        found = self._cell_sets.get(key)
        if found is None:
            found = self._cell_sets[key] = cell_membership(self.cell_vars[slot], cells, len(self.cells[slot].cells))
        return found

    def _template(self, node: TemplateMatch) -> z3.BoolRef:
        """A pattern that embeds the other fields' values: prefix, suffix and a constant middle
        (`templates.py`), else membership in a regular expression with `str.to_re` of the terms.

        No fresh variables: a template may occur under a negation, where an existential would be unsound.
        """
        if node.mode is MatchMode.IGNORE_CASE:
            raise Unsupported("a policy variable inside a case-insensitive comparison")
        pieces: list[Glob | StrTerm] = list(node.pieces)
        items: list[Item] = []
        if node.mode is MatchMode.ARN:
            head = pieces[0] if pieces and not isinstance(pieces[0], StrTerm) else None
            split = split_at_colons(head) if isinstance(head, tuple) else None
            if split is None:
                raise Unsupported("a policy variable before the fifth colon of an ARN pattern")
            for component in split[:5]:
                items += [*glob_items(component, ":", self.ctx), Text(":")]
            pieces[0] = split[5]
        for piece in pieces:
            items += [Field(self.term(piece))] if isinstance(piece, StrTerm) else glob_items(piece, "", self.ctx)
        return self._string_atom(template_match(self.term(node.term), items))

    def _compare(self, node: Compare) -> z3.BoolRef:
        value = self.typed_value(node.slot)
        with localcontext() as exact:
            exact.prec = 2000  # values are bounded by the parser; scale them without rounding
            constant = int(node.value.scaleb(self.scales[node.slot]))
        if node.op == "eq":
            return value == constant
        if node.op == "lt":
            return value < constant
        if node.op == "le":
            return value <= constant
        if node.op == "gt":
            return value > constant
        return value >= constant

    def _ip(self, node: IpIn) -> z3.BoolRef:
        value = self.typed_value(node.slot)
        network = ipaddress.ip_network(node.network)
        v6 = self.ipv6[node.slot]
        width = 128 if network.version == 6 else 32
        bits = int(network.network_address)
        if network.prefixlen == 0:
            prefix_ok: z3.BoolRef = z3.BoolVal(True, self.ctx)
        else:
            high = width - 1
            low = width - network.prefixlen
            prefix_ok = z3.Extract(high, low, value) == (bits >> low)
        return z3.And(v6 if network.version == 6 else z3.Not(v6), prefix_ok)


def _name(var: StrVar) -> str:
    return var.value if isinstance(var, Slot) else f"{var.key}[{var.element}]"


def _junction(make: Callable[..., z3.Ast], args: list[z3.BoolRef]) -> z3.BoolRef:
    """z3.And / z3.Or without the Python-side coercions (the arguments are Booleans of one context)."""
    if len(args) == 1:
        return args[0]
    ctx = args[0].ctx
    array = (z3.Ast * len(args))(*[arg.as_ast() for arg in args])
    return z3.BoolRef(make(ctx.ref(), len(args), array), ctx)


def cell_membership(var: z3.ArithRef, cells: Sequence[int], total: int) -> z3.BoolRef:
    """`var` (a cell id in 0..total-1) is in `cells` (sorted), as few comparisons as the runs allow.

    Built with Z3's C API directly: a large query has thousands of these comparisons."""
    if not cells:
        return z3.BoolVal(False, var.ctx)
    if len(cells) == total:
        return z3.BoolVal(True, var.ctx)
    ctx = var.ctx
    ref, ast, sort = ctx.ref(), var.as_ast(), var.sort().ast
    keep: list[z3.ExprRef] = []  # every intermediate term is held, so that Z3 keeps it alive

    def held(term: z3.Ast) -> z3.Ast:
        keep.append(z3.ExprRef(term, ctx))
        return term

    def number(value: int) -> z3.Ast:
        return held(z3.Z3_mk_int(ref, value, sort))

    parts: list[z3.Ast] = []
    for start, end in _runs(cells):
        if start == end:
            parts.append(held(z3.Z3_mk_eq(ref, ast, number(start))))
            continue
        bounds = []
        if start > 0:
            bounds.append(held(z3.Z3_mk_ge(ref, ast, number(start))))
        if end < total - 1:
            bounds.append(held(z3.Z3_mk_le(ref, ast, number(end))))
        parts.append(bounds[0] if len(bounds) == 1 else held(z3.Z3_mk_and(ref, 2, (z3.Ast * 2)(*bounds))))
    if len(parts) == 1:
        return z3.BoolRef(parts[0], ctx)
    return z3.BoolRef(z3.Z3_mk_or(ref, len(parts), (z3.Ast * len(parts))(*parts)), ctx)


def _runs(cells: Sequence[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive ids, as (first, last)."""
    runs: list[tuple[int, int]] = []
    start = previous = cells[0]
    for cell in cells[1:]:
        if cell != previous + 1:
            runs.append((start, previous))
            start = cell
        previous = cell
    runs.append((start, previous))
    return runs


def _scale(value: Decimal) -> int:
    """Digits after the decimal point (without rounding: no context arithmetic)."""
    exponent = value.as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def make_encoder(formulas: Sequence[Formula], keys: dict[str, KeyInfo], deadline: Deadline = NO_DEADLINE) -> Encoder:
    return Encoder(formulas, keys, deadline)


__all__ = ["Encoder", "Wild", "make_encoder"]
