"""Constraints on the pattern Booleans of lazy slots (`Encoder.lazy`) and of features beside cells
(`Encoder.features`): facts about which patterns can match one value together, stated up front so that
the solver rarely proposes a combination that the automata search then has to refute (each refutation
costs a solver call)."""

from __future__ import annotations

import z3

from iamproof.patterns import Glob, Wild, split_at_colons
from iamproof.smt.domains import CellDomain
from iamproof.smt.encode import Encoder
from iamproof.smt.formula import Slot

_END = "\0"  # marks a head that is the whole text (a literal component)


def lazy_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """Slots realized one signature at a time: the value has the domain's shape; a resource's ARN fixes or
    frees the resource account, as for cells; patterns whose literal heads (or tails) differ are disjoint."""
    known = encoder.constraints.get("lazy")
    if known is None:
        known = encoder.constraints["lazy"] = _lazy_constraints(encoder)
    return known


def _lazy_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    out = _feature_constraints(encoder)
    for slot, domain in encoder.lazy.items():
        matches = encoder.lazy_vars[slot]
        out.append(matches[0])
        if not isinstance(slot, Slot):
            continue  # context keys: patterns in several modes (ignoring case, per ARN component)
        for end in ("head", "tail"):
            out += _literal_ends(encoder, slot, domain, end)
        out += _components(encoder, slot, domain)
        if slot is not Slot.RESOURCE or domain.twelve_digits is None:
            continue
        account = encoder.string(Slot.RESOURCE_ACCOUNT)
        literal = {name: matches[index] for name, index in domain.accounts.items()}
        twelve = matches[domain.twelve_digits]
        for name, match in literal.items():
            out.append(z3.Implies(match, z3.And(twelve, account == z3.StringVal(name, encoder.ctx))))
        if len(literal) > 1:
            out.append(z3.AtMost(*literal.values(), 1))
        for index, name in domain.literal_accounts.items():  # what a pattern's literal account implies
            implied = literal[name] if name in literal else z3.Not(twelve)
            out.append(z3.Implies(matches[index], implied))
        if literal:
            others = [account != z3.StringVal(name, encoder.ctx) for name in literal]
            out.append(z3.Implies(z3.And(twelve, *[z3.Not(m) for m in literal.values()]), z3.And(*others)))
    return out


def _feature_constraints(encoder: Encoder) -> list[z3.BoolRef]:
    """A value that has an infix feature matches the feature's shape (`features.py`)."""
    out: list[z3.BoolRef] = []
    for slot, features in encoder.features.items():
        cells = encoder.cells[slot]
        for key, match in features.matches.items():
            out.append(z3.Implies(match, encoder.cell_set(slot, cells.cells_matching(*features.shapes[key]))))
    return out


def _literal_ends(encoder: Encoder, slot: Slot, domain: CellDomain, end: str) -> list[z3.BoolRef]:
    """A value that matches a pattern starts with the pattern's literal head (the text before its first
    wildcard) and ends with its literal tail. Heads form a tree under "is a prefix of"; siblings diverge,
    so a value has at most one of them: one Boolean per head, implied by the patterns that have it."""
    texts: dict[int, str] = {}
    for (glob, _), index in domain.index.items():
        parts = glob if end == "head" else tuple(reversed(glob))
        text = ""
        for part in parts:
            if not isinstance(part, str):
                break
            text += part if end == "head" else part[::-1]
        if text:
            texts[index] = text.lower() if slot is Slot.ACTION else text
    if not texts:
        return []
    known = {text: z3.Bool(f"{encoder.tag}.{slot.value}.{end}[{text}]", encoder.ctx) for text in texts.values()}
    out = [z3.Implies(encoder.lazy_vars[slot][index], known[text]) for index, text in texts.items()]
    return out + _tree(known)


def _tree(known: dict[str, z3.BoolRef]) -> list[z3.BoolRef]:
    """Booleans "the text starts with key": a key implies its longest proper prefix among the keys, and
    keys under one parent diverge, so at most one of them holds."""
    out: list[z3.BoolRef] = []
    children: dict[str, list[z3.BoolRef]] = {}
    stack: list[str] = []
    for text in sorted(known):
        while stack and not text.startswith(stack[-1]):
            stack.pop()
        parent = stack[-1] if stack else ""
        if parent:
            out.append(z3.Implies(known[text], known[parent]))
        children.setdefault(parent, []).append(known[text])
        stack.append(text)
    out += [z3.AtMost(*group, 1) for group in children.values() if len(group) > 1]
    return out


def _components(encoder: Encoder, slot: Slot, domain: CellDomain) -> list[z3.BoolRef]:
    """Per ARN component (service and name, for actions): a pattern's literal component fixes the value's,
    a `prefix*` component fixes how it starts; a pattern made only of such components and `*` matches
    exactly when every component does."""
    pieces_of = 6 if slot is Slot.RESOURCE else 2
    keys: dict[int, dict[str, z3.BoolRef]] = {}
    out: list[z3.BoolRef] = []
    for (glob, _), index in domain.index.items():
        lowered = tuple(p.lower() if isinstance(p, str) and slot is Slot.ACTION else p for p in glob)
        pieces = split_at_colons(lowered, pieces_of)
        if pieces is None:
            continue
        needs: list[z3.BoolRef] = []
        simple = True
        for component, piece in enumerate(pieces):
            key, exact = _component_key(piece)
            simple = simple and exact
            if key is None:
                continue
            names = keys.setdefault(component, {})
            if key not in names:
                names[key] = z3.Bool(f"{encoder.tag}.{slot.value}.component{component}[{key!r}]", encoder.ctx)
            needs.append(names[key])
        match = encoder.lazy_vars[slot][index]
        out += [z3.Implies(match, need) for need in needs]
        if simple:
            out.append(z3.Implies(z3.And(*needs) if needs else z3.BoolVal(True, encoder.ctx), match))
    for names in keys.values():
        out += _tree(names)
    return out


def _component_key(piece: Glob) -> tuple[str | None, bool]:
    """(key, exact): the component's literal text (ending in _END) or literal head; `exact` when the key
    alone decides the component (a literal, `*`, or a literal followed by a final `*`)."""
    head = ""
    for position, part in enumerate(piece):
        if isinstance(part, str):
            head += part
            continue
        rest = piece[position:]
        return (head or None), rest == (Wild.STAR,)
    return head + _END, True
