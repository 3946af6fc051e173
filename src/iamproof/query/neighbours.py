"""More models without the solver: a model with another cell for one slot, everything else kept.

A diff's witnesses after the first differ in their action (or resource). The goal, with every other
variable fixed to the first model's values, is a formula over that slot's cell id alone: Z3's simplifier
reduces it to a Boolean combination of comparisons of the cell id with constants (`residue`), whose
satisfying cells are computed as intervals. Each such cell gives a model (a copy of the first with that
cell) that is checked to satisfy every assertion before it is used; the session then decodes and confirms
it like a solver's model. On the generated 300-statement diffs this takes milliseconds where a solver
round takes 0.1-0.2 s.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator, Sequence

import z3

from iamproof.smt.domains import CellDomain
from iamproof.smt.encode import Encoder
from iamproof.smt.formula import Slot


def neighbour_models(
    encoder: Encoder,
    model: z3.ModelRef,
    assertions: Sequence[z3.BoolRef],
    slot: Slot,
    services_used: set[str],
) -> Iterator[z3.ModelRef]:
    """Models that differ from `model` only in `slot`'s cell and satisfy `assertions` (checked for each
    one). The cells that a pattern names by its service come first (`s3:Get*` names S3 actions, while
    `*` or a NotAction's remainder name none), then the others; each group gives one cell of each
    service in turn, services not in `services_used` first. None when the slot has no cells, or when
    the goal with the other values fixed is not a formula over the cell id alone."""
    var = encoder.cell_vars.get(slot)
    if var is None:
        return
    whole = z3.And(*assertions)
    residue = _residue(whole, model, var)
    domain = encoder.cells[slot]
    current = model.eval(var, model_completion=True).as_long()
    cells = [cell for cell in satisfying_cells(residue, var, len(domain.cells)) or () if cell != current]
    services = {cell: slot_service(slot, domain.cells[cell].witnesses[0]) for cell in cells}
    named: list[int] = []
    others: list[int] = []
    for cell in cells:
        (named if _named(domain, slot, cell, services[cell]) else others).append(cell)
    for cell in itertools.chain(_varied(named, services, services_used), _varied(others, services, services_used)):
        candidate = copy.copy(model)
        candidate.update_value(var, z3.IntVal(cell, var.ctx))
        if z3.is_true(candidate.eval(whole, model_completion=True)):
            yield candidate


def _residue(whole: z3.BoolRef, model: z3.ModelRef, var: z3.ArithRef) -> z3.BoolRef:
    """`whole` with every constant the model gives, except `var`, replaced by its value; simplified."""
    fixed = [(decl(), model[decl]) for decl in model.decls() if decl.arity() == 0 and not decl.eq(var.decl())]
    substituted = z3.substitute(whole, *fixed) if fixed else whole
    return z3.simplify(substituted)


Intervals = list[tuple[int, int]]  # disjoint, sorted, inclusive


def satisfying_cells(residue: z3.BoolRef, var: z3.ArithRef, total: int) -> list[int] | None:
    """The ids in 0..total-1 that satisfy `residue`, a Boolean combination of comparisons of `var` with
    integer constants, computed as intervals in one pass over the formula (read through Z3's C API: the
    residue of a large query has thousands of nodes). None when the residue holds anything else (then no
    id is claimed)."""
    walk = _IntervalWalk(var.ctx_ref(), var.as_ast(), total)
    try:
        found = walk.intervals(residue.as_ast())
    except _NotIntervals:
        return None
    return [cell for low, high in found for cell in range(low, high + 1)]


class _NotIntervals(Exception):
    """The residue is not a Boolean combination of comparisons of the cell id with constants."""


_CONNECTIVES = (z3.Z3_OP_AND, z3.Z3_OP_OR, z3.Z3_OP_NOT, z3.Z3_OP_IMPLIES, z3.Z3_OP_ITE, z3.Z3_OP_EQ)
_FLIPPED = {z3.Z3_OP_LE: z3.Z3_OP_GE, z3.Z3_OP_GE: z3.Z3_OP_LE, z3.Z3_OP_LT: z3.Z3_OP_GT, z3.Z3_OP_GT: z3.Z3_OP_LT}


class _IntervalWalk:
    """The cells each node of a residue allows, by node id (the nodes are the residue's own: no reference
    counts are taken, the residue keeps them alive)."""

    def __init__(self, ctx: z3.ContextObj, var: z3.Ast, total: int) -> None:
        self.ctx, self.var, self.total = ctx, var, total
        self.everything: Intervals = [(0, total - 1)] if total > 0 else []
        self.memo: dict[int, Intervals] = {}

    def intervals(self, node: z3.Ast) -> Intervals:
        key = z3.Z3_get_ast_id(self.ctx, node)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._intervals(node)
        return found

    def _intervals(self, node: z3.Ast) -> Intervals:
        if z3.Z3_get_ast_kind(self.ctx, node) != z3.Z3_APP_AST:
            raise _NotIntervals
        app = z3.Z3_to_app(self.ctx, node)
        kind = z3.Z3_get_decl_kind(self.ctx, z3.Z3_get_app_decl(self.ctx, app))
        args = [z3.Z3_get_app_arg(self.ctx, app, i) for i in range(z3.Z3_get_app_num_args(self.ctx, app))]
        if kind == z3.Z3_OP_TRUE:
            return self.everything
        if kind == z3.Z3_OP_FALSE:
            return []
        if kind not in _CONNECTIVES or (kind == z3.Z3_OP_EQ and not self._boolean(args[0])):
            return self._comparison(kind, args)
        parts = [self.intervals(arg) for arg in args]
        total = self.total
        if kind == z3.Z3_OP_AND:
            return _fold(_intersect, parts, self.everything)
        if kind == z3.Z3_OP_OR:
            return _fold(_union, parts, [])
        if kind == z3.Z3_OP_NOT:
            return _complement(parts[0], total)
        if kind == z3.Z3_OP_IMPLIES:
            return _union(_complement(parts[0], total), parts[1])
        if kind == z3.Z3_OP_EQ:  # of two Booleans
            both = _intersect(parts[0], parts[1])
            return _union(both, _intersect(_complement(parts[0], total), _complement(parts[1], total)))
        chosen = _intersect(parts[0], parts[1])  # if-then-else
        return _union(chosen, _intersect(_complement(parts[0], total), parts[2]))

    def _boolean(self, node: z3.Ast) -> bool:
        return bool(z3.Z3_get_sort_kind(self.ctx, z3.Z3_get_sort(self.ctx, node)) == z3.Z3_BOOL_SORT)

    def _comparison(self, kind: int, args: list[z3.Ast]) -> Intervals:
        if kind not in (z3.Z3_OP_EQ, z3.Z3_OP_DISTINCT, *_FLIPPED) or len(args) != 2:
            raise _NotIntervals
        left, right = args
        if z3.Z3_is_eq_ast(self.ctx, left, self.var) and self._numeral(right):
            k = int(z3.Z3_get_numeral_string(self.ctx, right))
        elif z3.Z3_is_eq_ast(self.ctx, right, self.var) and self._numeral(left):
            k, kind = int(z3.Z3_get_numeral_string(self.ctx, left)), _FLIPPED.get(kind, kind)
        else:
            raise _NotIntervals
        last = self.total - 1
        low, high = {
            z3.Z3_OP_EQ: (k, k),
            z3.Z3_OP_DISTINCT: (k, k),
            z3.Z3_OP_LE: (0, k),
            z3.Z3_OP_LT: (0, k - 1),
            z3.Z3_OP_GE: (k, last),
            z3.Z3_OP_GT: (k + 1, last),
        }[kind]
        found = [(max(low, 0), min(high, last))] if max(low, 0) <= min(high, last) else []
        return _complement(found, self.total) if kind == z3.Z3_OP_DISTINCT else found

    def _numeral(self, node: z3.Ast) -> bool:
        return bool(z3.Z3_get_ast_kind(self.ctx, node) == z3.Z3_NUMERAL_AST)


def _fold(
    operation: Callable[[Intervals, Intervals], Intervals], parts: list[Intervals], start: Intervals
) -> Intervals:
    result = start
    for part in parts:
        result = operation(result, part)
    return result


def _intersect(one: Intervals, other: Intervals) -> Intervals:
    out: Intervals = []
    i = j = 0
    while i < len(one) and j < len(other):
        low, high = max(one[i][0], other[j][0]), min(one[i][1], other[j][1])
        if low <= high:
            out.append((low, high))
        if one[i][1] < other[j][1]:
            i += 1
        else:
            j += 1
    return out


def _union(one: Intervals, other: Intervals) -> Intervals:
    out: Intervals = []
    for low, high in sorted(one + other):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


def _complement(found: Intervals, total: int) -> Intervals:
    out: Intervals = []
    start = 0
    for low, high in found:
        if start < low:
            out.append((start, low - 1))
        start = high + 1
    if start <= total - 1:
        out.append((start, total - 1))
    return out


def slot_service(slot: Slot, text: str) -> str:
    """The service an action (`s3` for `s3:GetObject`) or a resource ARN (its third component) names."""
    if slot is Slot.ACTION:
        return text.split(":", 1)[0].lower()
    parts = text.split(":")
    return parts[2] if len(parts) > 2 else ""


def _named(domain: CellDomain, slot: Slot, cell: int, service: str) -> bool:
    """Does a pattern that matches the cell name its service in its literal head?"""
    prefix = f"{service}:" if slot is Slot.ACTION else f"arn:aws:{service}:"
    return any(domain.automata[index].head.startswith(prefix) for index in domain.cells[cell].signature)


def _varied(cells: list[int], services: dict[int, str], used: set[str]) -> Iterator[int]:
    """`cells` with one cell of each service in turn (services not in `used` first), in id order."""
    by_service: dict[str, list[int]] = {}
    for cell in cells:
        by_service.setdefault(services[cell], []).append(cell)
    order = sorted(by_service, key=lambda service: service in used)  # stable: first appearance otherwise
    queues = [iter(by_service[service]) for service in order]
    while queues:
        still = []
        for queue in queues:
            following = next(queue, None)
            if following is not None:
                yield following
                still.append(queue)
        queues = still
