"""Walk a formula and collect what the encoder needs to plan: atoms by variable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from iamproof.patterns import Glob
from iamproof.smt.formula import (
    And,
    BinaryIs,
    BoolIs,
    Compare,
    Formula,
    IpIn,
    KeySlot,
    Match,
    MatchMode,
    Not,
    Or,
    Present,
    Slot,
    StrEq,
    StrTerm,
    StrVar,
    TemplateMatch,
)


def walk(formulas: Iterable[Formula]) -> Iterator[Formula]:
    """Every node, each distinct object once."""
    seen: set[int] = set()
    stack = list(formulas)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, And | Or):
            stack.extend(node.args)
        elif isinstance(node, Not):
            stack.append(node.arg)


@dataclass
class AtomIndex:
    """Atoms of a query, grouped by the variable they constrain."""

    globs: dict[StrVar, set[tuple[Glob, MatchMode]]] = field(default_factory=dict)
    entangled: set[StrVar] = field(default_factory=set)  # in concatenations or equalities with other fields
    string_vars: set[StrVar] = field(default_factory=set)
    key_slots: set[KeySlot] = field(default_factory=set)
    compares: dict[KeySlot, set[Compare]] = field(default_factory=dict)
    binaries: dict[KeySlot, set[bytes]] = field(default_factory=dict)

    def add(self, node: Formula) -> None:
        if isinstance(node, Match):
            self._term(node.term)
            var = node.term.variable
            if var is not None:
                self.globs.setdefault(var, set()).add((node.glob, node.mode))
        elif isinstance(node, StrEq):
            for term in (node.left, node.right):
                self._term(term, entangle=True)
        elif isinstance(node, TemplateMatch):
            self._term(node.term, entangle=True)
            for piece in node.pieces:
                if isinstance(piece, StrTerm):
                    self._term(piece, entangle=True)
        elif isinstance(node, Present | BoolIs | IpIn):
            self.key_slots.add(node.slot)
        elif isinstance(node, Compare):
            self.key_slots.add(node.slot)
            self.compares.setdefault(node.slot, set()).add(node)
        elif isinstance(node, BinaryIs):
            self.key_slots.add(node.slot)
            self.binaries.setdefault(node.slot, set()).add(node.value)

    def _term(self, term: StrTerm, entangle: bool = False) -> None:
        many = len(term.parts) > 1
        for part in term.parts:
            if isinstance(part, str):
                continue
            self.string_vars.add(part)
            if isinstance(part, KeySlot):
                self.key_slots.add(part)
            if many or entangle:
                self.entangled.add(part)


def index_atoms(formulas: Iterable[Formula]) -> AtomIndex:
    index = AtomIndex()
    for node in walk(formulas):
        index.add(node)
    return index


CELL_CANDIDATES = (Slot.ACTION, Slot.RESOURCE)
