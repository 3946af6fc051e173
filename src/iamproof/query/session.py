"""One symbolic query: encode the formulas, solve, decode the model, and re-check it concretely."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from iamproof.cells.deadline import Deadline, OutOfTime
from iamproof.cells.partition import PartitionTooLarge
from iamproof.cells.realize import realize
from iamproof.errors import InputError, InternalError
from iamproof.evaluate.case_file import build_request
from iamproof.evaluate.request import Request
from iamproof.parsing.json_tree import JObject, parse_json
from iamproof.query.neighbours import neighbour_models
from iamproof.query.polish import confirming, polish
from iamproof.query.solver import Checked, Outcome, Verdict, check, check_keeping, to_smt2
from iamproof.smt.decode import decode_request
from iamproof.smt.domains import ACTION_CHARS
from iamproof.smt.encode import Encoder
from iamproof.smt.formula import Formula, Slot, StrVar
from iamproof.smt.keys import KeyInfo
from iamproof.smt.wellformed import all_constraints

PROPOSITIONAL_SECONDS = 1.0  # at most, for the Boolean pre-check of a goal


@dataclass(frozen=True)
class Witness:
    """A concrete request the solver found, already confirmed by the concrete evaluator."""

    request: Request
    document: dict[str, Any]  # the `request` object of a case file


@dataclass
class Session:
    """Encodes every formula of a query with one encoder, so all share one set of cells.

    `timeout` bounds the whole query from the session's creation (cell partition, encoding and every
    solver call), unless a `deadline` shared with earlier stages is given. Past it, construction raises
    Unsupported and `solve` answers unknown.
    """

    formulas: Sequence[Formula]
    keys: dict[str, KeyInfo]
    timeout: float
    deadline: Deadline | None = None
    encoder: Encoder = field(init=False)
    lemmas: list[z3.BoolRef] = field(init=False, default_factory=list)  # combinations of patterns no value has
    propositional: dict[int, bool] = field(init=False, default_factory=dict)  # goal term id -> Boolean unsat
    checked: dict[tuple[int, bool], Checked] = field(init=False, default_factory=dict)  # (goal id, strict)
    constraints: dict[tuple[bool, int, int, int, int], list[z3.BoolRef]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.deadline is None:
            self.deadline = Deadline.after(self.timeout)
        self.encoder = Encoder(self.formulas, self.keys, self.deadline)
        for formula in self.formulas:
            self.encoder.encode(formula)

    def assertions(
        self, goal: Formula, extra: Sequence[z3.BoolRef] = (), resource_account: bool = True
    ) -> list[z3.BoolRef]:
        main = self.encoder.encode(goal)
        return [main, *extra, *self._constraints(resource_account)]

    def _constraints(self, resource_account: bool) -> list[z3.BoolRef]:
        """`all_constraints`, built again only when the encoder has new variables (decoding a model may
        add string variables): a diff's rounds and neighbours ask for them many times."""
        encoder = self.encoder
        key = (resource_account, len(encoder.strings), len(encoder.present), len(encoder.typed), len(encoder.read))
        found = self.constraints.get(key)
        if found is None:
            found = self.constraints[key] = all_constraints(encoder, resource_account)
        return found

    def smt2(self, goal: Formula) -> str:
        return to_smt2(self.assertions(goal))

    def solve(
        self,
        goal: Formula,
        confirm: Callable[[Request], bool],
        extra: Sequence[z3.BoolRef] = (),
        complete: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        until: float | None = None,
        like: dict[str, Any] | None = None,
    ) -> tuple[Outcome, Witness | None]:
        """Solve `goal`; a model is decoded and must satisfy `confirm` (the concrete evaluator).

        The witness is then made readable (`polish`) by changes the concrete evaluator confirms, first
        towards `like` (an earlier witness of the same query) when given. `until` (a `time.monotonic()`
        instant before the session's deadline) limits the solver checks of this call.
        """
        assert self.deadline is not None
        if self._propositionally_unsat(goal):
            return Outcome(Verdict.UNSAT), None
        strict = False  # the resource account in a string resource's ARN: enforced once a model needs it
        while True:
            remaining = self.deadline.remaining()
            if until is not None:
                remaining = min(remaining, until - time.monotonic())
            if remaining <= 0:
                return Outcome(Verdict.UNKNOWN, reason="the time limit passed before the solver ran"), None
            outcome = self._check(goal, [*extra, *self.lemmas], strict, remaining)
            if outcome.verdict is not Verdict.SAT:
                return outcome, None
            assert outcome.model is not None
            try:
                realized = self._realize(outcome.model)
            except (PartitionTooLarge, OutOfTime) as exc:
                return Outcome(Verdict.UNKNOWN, reason=f"searching a value for the proposed patterns: {exc}"), None
            if realized is None:
                continue  # a lemma now excludes the proposed combination of patterns
            document = decode_request(self.encoder, outcome.model, realized)
            if complete is not None:
                document = complete(document)
            try:
                request = request_from_document(document)
            except InputError:
                if strict or Slot.RESOURCE not in self.encoder.strings:
                    raise InternalError("the solver's witness is not a request " + _text(document)) from None
                strict = True  # the resource's ARN names another account than the resource account
                continue
            return outcome, self._witness(document, request, confirm, like)

    def neighbours(
        self,
        goal: Formula,
        outcome: Outcome,
        extra: Sequence[z3.BoolRef],
        slot: Slot,
        confirm: Callable[[Request], bool],
        services_used: set[str],
        like: dict[str, Any] | None = None,
    ) -> Iterator[tuple[Outcome, Witness]]:
        """Witnesses from models that differ from `outcome`'s only in `slot`'s cell (`neighbours.py`), each
        satisfying the goal's assertions with `extra`: no solver call. Each is decoded, confirmed by the
        concrete evaluator and polished like a solver's; a model whose request does not parse (a resource
        ARN that names another account) or whose patterns have no value is left out."""
        assert outcome.model is not None
        assertions = self.assertions(goal, [*extra, *self.lemmas], resource_account=False)
        for model in neighbour_models(self.encoder, outcome.model, assertions, slot, services_used):
            try:
                realized = self._realize(model)
            except (PartitionTooLarge, OutOfTime):
                return
            if realized is None:
                continue
            document = decode_request(self.encoder, model, realized)
            try:
                request = request_from_document(document)
            except InputError:
                continue
            witness = self._witness(document, request, confirm, like)
            like = witness.document
            yield Outcome(Verdict.SAT, model), witness

    def _check(self, goal: Formula, extra: list[z3.BoolRef], strict: bool, timeout: float) -> Outcome:
        """The goal's assertions and `extra`. The goal's own assertions are checked from scratch once and
        the solver kept (`Checked`); a round with more constraints (blocked witnesses, lemmas) is tried on
        it first, for at most the time the first check took, and then from scratch (at once, once a round
        on it ran out of time)."""
        key = (self.encoder.encode(goal).get_id(), strict)
        base = self.checked.get(key)
        if base is None and not extra:
            outcome, checked = check_keeping(self.assertions(goal, [], strict), timeout)
            if outcome.verdict is not Verdict.UNKNOWN:
                self.checked[key] = checked
            return outcome
        if base is not None and extra and not base.gave_up:
            started = time.monotonic()
            outcome = base.check_with(extra, min(timeout, base.slice()))
            if outcome.verdict is not Verdict.UNKNOWN:
                return outcome
            timeout -= time.monotonic() - started
            if timeout <= 0:
                return Outcome(Verdict.UNKNOWN, reason="the time limit passed while solving")
        return check(self.assertions(goal, extra, strict), timeout)

    def _propositionally_unsat(self, goal: Formula) -> bool:
        """Is the goal unsatisfiable with each string-theory atom read as a free Boolean? Then it is
        unsatisfiable (a model of the goal gives its atoms truth values). Two policies that differ only in
        how statements are grouped give such goals; Z3 was measured to spend seconds preparing their
        string atoms (regular expressions, prefixes) before its Boolean search finds the conflict, which
        this check finds in milliseconds. Only queries with string atoms other than "a variable is a
        constant" are checked: Z3 decides those atoms as cheaply as Booleans. The 135 diff1/equiv goals of
        every other gen-100 ... gen-300 pair have only such atoms; the check cost 3.8 s on them in all and
        proved 88 unsatisfiable, which Z3 proves so in 1.1 s in all, at most 0.08 s each (the median of three
        seeds; no goal took it over 0.2 s)."""
        atoms = self.encoder.string_atoms
        if not self.encoder.costly_atoms:
            return False
        main = self.encoder.encode(goal)
        known = self.propositional.get(main.get_id())
        if known is not None:
            return known
        ctx = self.encoder.ctx
        free = [(atom, z3.Bool(f"atom!{index}", ctx)) for index, atom in enumerate(atoms)]
        abstract = z3.substitute(main, *free)
        assert self.deadline is not None
        outcome = check([abstract], min(PROPOSITIONAL_SECONDS, self.deadline.remaining()))
        self.propositional[main.get_id()] = outcome.verdict is Verdict.UNSAT
        return self.propositional[main.get_id()]

    def _realize(self, model: z3.ModelRef) -> dict[StrVar, str] | None:
        """For each lazy slot, and each slot with features, a value with the signature the model proposes
        (with its cell); None after adding a lemma that excludes a proposal no value has."""
        values: dict[StrVar, str] = {}
        for slot, domain in self.encoder.lazy.items():
            matches = self.encoder.lazy_vars[slot]
            positive = frozenset(i for i, m in enumerate(matches) if z3.is_true(model.eval(m, model_completion=True)))
            negative = frozenset(range(len(matches))) - positive
            alphabet = ACTION_CHARS.__contains__ if slot is Slot.ACTION else None
            assert self.deadline is not None
            found = realize(domain.automata, positive, negative, alphabet=alphabet, deadline=self.deadline)
            if found.text is None:
                literals = [matches[i] if i in positive else z3.Not(matches[i]) for i in sorted(found.core)]
                self.lemmas.append(z3.Not(z3.And(*literals)) if literals else z3.BoolVal(False, self.encoder.ctx))
                return None
            values[slot] = found.text
        for slot, features in self.encoder.features.items():
            cells, var = self.encoder.cells[slot], self.encoder.cell_vars[slot]
            cell, proposed = model.eval(var, model_completion=True).as_long(), features.values(model)
            known = features.known_member(cells, cell, proposed)
            if known is not None:
                values[slot] = known
                continue
            positive, negative = features.proposal(cells, cell, proposed)
            assert self.deadline is not None
            found = realize(features.domain.automata, positive, negative, deadline=self.deadline)
            if found.text is None:
                agreeing, literals = features.refuted(cells, cell, found.core, proposed)
                self.lemmas.append(z3.Not(z3.And(self.encoder.cell_set(slot, agreeing), *literals)))
                return None
            values[slot] = found.text
        return values

    def _witness(
        self,
        document: dict[str, Any],
        request: Request,
        confirm: Callable[[Request], bool],
        like: dict[str, Any] | None = None,
    ) -> Witness:
        if not confirm(request):
            raise InternalError("the concrete evaluator rejects the solver's witness " + _text(document))
        polished = polish(document, confirming(confirm, request_from_document), like)
        if polished is not document:
            document, request = polished, request_from_document(polished)
        return Witness(request, document)

    def same_action_class(self, action: str) -> Callable[[str], bool]:
        """Does another action fall in the cell of `action` (every action pattern of the query matches both
        or neither)? The domain's head index reads only the patterns whose literal head starts the action.
        Without action cells, every action passes."""
        domain = self.encoder.cells.get(Slot.ACTION)
        if domain is None:
            return lambda _: True
        mine = domain.signature(action.lower())
        return lambda other: domain.signature(other.lower()) == mine

    def block(self, outcome: Outcome, slots: Sequence[Slot] = (Slot.ACTION, Slot.RESOURCE)) -> z3.BoolRef:
        """Excludes the action and resource (cells) of a model, so that the next witness differs. A resource
        with infix features is excluded by its cell, whatever its features: the next witness has a
        resource of another cell, not the same one with one infix more or less."""
        assert outcome.model is not None
        parts: list[z3.BoolRef] = []
        for slot in slots:
            if slot in self.encoder.lazy:
                matches = self.encoder.lazy_vars[slot]
                parts += [m == outcome.model.eval(m, model_completion=True) for m in matches]
                continue
            var = self.encoder.cell_vars.get(slot)
            term = var if var is not None else self.encoder.string(slot)
            parts.append(term == outcome.model.eval(term, model_completion=True))
        return z3.Not(z3.And(*parts))


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True)


def request_from_document(document: dict[str, Any]) -> Request:
    node = parse_json(json.dumps(document), "<witness>")
    assert isinstance(node, JObject)
    return build_request(node)
