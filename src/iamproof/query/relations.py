"""equiv and diff: how the requests two subjects allow compare, with verified witnesses."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum

import z3

from iamproof.catalogue import actions_of
from iamproof.cells.deadline import Deadline
from iamproof.evaluate.request import Request
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics
from iamproof.gc_pause import pausing_collector
from iamproof.query.neighbours import slot_service
from iamproof.query.session import Session, Witness
from iamproof.query.solver import Outcome, Verdict
from iamproof.query.subjects import Subject, compile_subject
from iamproof.smt.formula import Formula, Slot, conj, neg
from iamproof.smt.keys import Unsupported, collect_keys


class Relation(Enum):
    EQUIVALENT = "equivalent"
    LESS = "less"  # A allows a strict subset of what B allows
    MORE = "more"
    INCOMPARABLE = "incomparable"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EquivResult:
    relation: Relation
    only_a: Witness | None  # allowed by A, not by B
    only_b: Witness | None
    reason: str = ""
    smt2: str = ""


@dataclass(frozen=True)
class DiffResult:
    verdict: Verdict  # SAT: new access found (fail); UNSAT: pass; UNKNOWN
    witnesses: tuple[Witness, ...] = ()
    reason: str = ""
    smt2: str = ""


@dataclass
class _Pair:
    a: Subject
    b: Subject
    semantics: Semantics
    timeout: float
    session: Session = field(init=False)

    def __post_init__(self) -> None:
        deadline = Deadline.after(self.timeout)  # the time limit covers compiling too
        keys = collect_keys(self.a.policies() + self.b.policies())
        self.keys = keys
        self.compiled_a = compile_subject(self.a, keys, self.semantics)
        self.compiled_b = compile_subject(self.b, keys, self.semantics)
        self.session = Session([self.compiled_a.allowed, self.compiled_b.allowed], keys, self.timeout, deadline)

    def goal(self, first: Subject, second: Subject) -> Formula:
        allowed = {id(self.a): self.compiled_a.allowed, id(self.b): self.compiled_b.allowed}
        return conj([allowed[id(first)], neg(allowed[id(second)])])

    def only(self, first: Subject, second: Subject, count: int = 1) -> DiffResult:
        goal = self.goal(first, second)

        def confirm(request: Request) -> bool:
            return first.allows(request, self.semantics) and not second.allows(request, self.semantics)

        found = _Listing(self.session)
        witnesses = found.witnesses
        started = time.monotonic()
        until: float | None = None  # for the witnesses after the first
        rounds = 0
        while len(witnesses) < count and rounds < count:
            rounds += 1
            if until is not None and time.monotonic() >= until:
                break
            like = witnesses[-1].document if witnesses else None
            outcome, witness = self.session.solve(goal, confirm, found.pairs + found.actions, until=until, like=like)
            if witness is None and found.actions and outcome.verdict is Verdict.UNSAT:
                outcome, witness = self.session.solve(goal, confirm, found.pairs, until=until, like=like)
                found.actions = []
            if outcome.verdict is Verdict.UNKNOWN:
                if witnesses:
                    break
                return DiffResult(Verdict.UNKNOWN, (), outcome.reason)
            if witness is None:
                break
            if until is None:
                spent = time.monotonic() - started
                until = time.monotonic() + max(MORE_WITNESSES_MIN_SECONDS, MORE_WITNESSES_FACTOR * spent)
            found.add(witness, outcome)
            if len(witnesses) < count:
                self._add_neighbours(goal, outcome, found, confirm, count, until)
        if witnesses and len(witnesses) < count:
            witnesses += siblings(witnesses, count - len(witnesses), confirm, self.session.same_action_class)
        return DiffResult(Verdict.SAT if witnesses else Verdict.UNSAT, tuple(witnesses))

    def _add_neighbours(
        self,
        goal: Formula,
        outcome: Outcome,
        found: _Listing,
        confirm: Callable[[Request], bool],
        count: int,
        until: float,
    ) -> None:
        """Witnesses whose model is `outcome`'s with another action (or, once actions are no longer
        blocked, another resource), without a solver round (`Session.neighbours`)."""
        witnesses = found.witnesses
        slots = (Slot.ACTION,) if found.actions else (Slot.ACTION, Slot.RESOURCE)
        for slot in slots:
            used = {slot_service(slot, str(w.document[slot.value])) for w in witnesses}
            blocks = found.pairs + found.actions
            models = self.session.neighbours(goal, outcome, blocks, slot, confirm, used, witnesses[-1].document)
            while len(witnesses) < count and time.monotonic() < until:
                neighbour, witness = next(models, (None, None))
                if neighbour is None or witness is None:
                    break
                found.add(witness, neighbour)


@dataclass
class _Listing:
    """A diff's witnesses so far, and the constraints that keep the next ones distinct from them."""

    session: Session
    witnesses: list[Witness] = field(default_factory=list)
    pairs: list[z3.BoolRef] = field(default_factory=list)  # excludes each earlier (action, resource)
    actions: list[z3.BoolRef] = field(default_factory=list)  # excludes each earlier action: tried first, for variety

    def add(self, witness: Witness, outcome: Outcome) -> None:
        """Lists `witness` (unless polishing made it an earlier one) and blocks its (action, resource) and,
        for the first witness and while later ones are still asked for other actions, its action."""
        first = not self.witnesses
        if not any(_same_access(witness, earlier) for earlier in self.witnesses):
            self.witnesses.append(witness)
        self.pairs.append(self.session.block(outcome))
        if first or self.actions:
            self.actions.append(self.session.block(outcome, (Slot.ACTION,)))


def _same_access(one: Witness, other: Witness) -> bool:
    """Same action and resource (the distinctness that `diff` promises)."""
    a, b = one.document, other.document
    return str(a["action"]).lower() == str(b["action"]).lower() and a["resource"] == b["resource"]


MORE_WITNESSES_MIN_SECONDS = 0.5
MORE_WITNESSES_FACTOR = 1.0
"""The witnesses after the first share a time budget: the time the first took, at least 0.5 s (and
never past the query's time limit), so that they cost at most about as much as the answer itself. A diff
that found new access answers with the witnesses found by then rather than spend the whole time limit on
the fifth (the managed-policy corpus had `diff5` queries at the 10 s limit whose `diff1` took 1-5 s).
With at least 2 s instead, 39 of the 61 failing generated diffs up to 300 statements listed 5 witnesses
and 14 of 450 queries took over 1 s; with 0.5 s, 33 and 10 (benchmarks/README.md)."""

SIBLINGS_TRIED = 400  # catalogue actions considered per witness


def siblings(
    found: list[Witness],
    wanted: int,
    confirm: Callable[[Request], bool],
    same_class: Callable[[str], Callable[[str], bool]],
) -> list[Witness]:
    """More witnesses with other actions of the same services, each confirmed by the concrete evaluator.

    The solver distinguishes actions only as far as the policies' patterns do: `s3:*` against `s3:GetObject`
    leaves one class of other S3 actions, so blocking the first witness's class ends its search. Real
    actions of that class (`same_class(witness action)` tells them; the patterns alone decide it, so the
    evaluator is asked only about them) are further distinct witnesses."""
    used = {w.document["action"].lower() for w in found}
    extra: list[Witness] = []
    for witness in found:
        service = witness.request.service
        in_class = same_class(str(witness.document["action"]))
        for name in actions_of(service)[:SIBLINGS_TRIED]:
            action = f"{service}:{name}"
            if action.lower() in used or not in_class(action):
                continue
            document = {**witness.document, "action": action}
            request = replace(witness.request, action=action)  # what the document reads as: same service
            if not confirm(request):
                continue
            used.add(action.lower())
            extra.append(Witness(request, document))
            if len(extra) == wanted:
                return extra
    return extra


@pausing_collector
def check_equivalent(
    a: Subject,
    b: Subject,
    *,
    semantics: Semantics = DEFAULT_SEMANTICS,
    timeout: float = 30.0,
    emit_smt2: bool = False,
) -> EquivResult:
    """The relation between the requests A allows and the requests B allows."""
    try:
        pair = _Pair(a, b, semantics, timeout)
        forward = pair.only(a, b)
        backward = pair.only(b, a)
    except Unsupported as exc:
        return EquivResult(Relation.UNKNOWN, None, None, str(exc))
    smt2 = ""
    if emit_smt2:
        smt2 = "; requests A allows and B does not\n" + pair.session.smt2(pair.goal(a, b))
        smt2 += "(reset)\n; requests B allows and A does not\n" + pair.session.smt2(pair.goal(b, a))
    if Verdict.UNKNOWN in (forward.verdict, backward.verdict):
        reason = forward.reason or backward.reason
        return EquivResult(Relation.UNKNOWN, _first(forward), _first(backward), reason, smt2)
    relation = {
        (False, False): Relation.EQUIVALENT,
        (False, True): Relation.LESS,
        (True, False): Relation.MORE,
        (True, True): Relation.INCOMPARABLE,
    }[(bool(forward.witnesses), bool(backward.witnesses))]
    return EquivResult(relation, _first(forward), _first(backward), "", smt2)


@pausing_collector
def check_no_new_access(
    old: Subject,
    new: Subject,
    *,
    max_witnesses: int = 5,
    semantics: Semantics = DEFAULT_SEMANTICS,
    timeout: float = 30.0,
    emit_smt2: bool = False,
) -> DiffResult:
    """Access Analyzer's check-no-new-access: requests NEW allows that OLD does not."""
    try:
        pair = _Pair(old, new, semantics, timeout)
        result = pair.only(new, old, max_witnesses)
    except Unsupported as exc:
        return DiffResult(Verdict.UNKNOWN, (), str(exc))
    if emit_smt2:
        smt2 = "; requests NEW allows and OLD does not\n" + pair.session.smt2(pair.goal(new, old))
        result = DiffResult(result.verdict, result.witnesses, result.reason, smt2)
    return result


def _first(result: DiffResult) -> Witness | None:
    return result.witnesses[0] if result.witnesses else None
