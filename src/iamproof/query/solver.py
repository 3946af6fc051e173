"""Running Z3: sat / unsat / unknown, with the solver's reason kept (unknown never becomes "no")."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

import z3


class Verdict(Enum):
    SAT = "sat"
    UNSAT = "unsat"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    model: z3.ModelRef | None = None
    reason: str = ""


def to_smt2(assertions: list[z3.BoolRef]) -> str:
    """The assertions as an SMT-LIB 2 script (with check-sat), for other solvers."""
    solver = z3.Solver(ctx=assertions[0].ctx) if assertions else z3.Solver()
    solver.add(*assertions)
    return str(solver.to_smt2())


def check(assertions: list[z3.BoolRef], timeout_seconds: float) -> Outcome:
    """A new solver for `assertions`: Z3 preprocesses them and solves from scratch."""
    return check_keeping(assertions, timeout_seconds)[0]


@dataclass
class Checked:
    """A solver that has answered on its own assertions, kept for later rounds that add constraints.

    Z3 solves such rounds in its incremental core, without the preprocessing of a first check. On the
    generated diffs that enumerate witnesses it was measured 2-3 times faster per round (a blocked
    witness: 0.02-0.06 s against 0.10-0.23 s from scratch), but on some rounds far slower (gen-200#7,
    a round after a lemma: 1.8 s against 0.06 s). So a round gets at most `seconds` (the first check's
    time, at least INCREMENTAL_MIN_SECONDS) before a new solver takes it from scratch; after one round
    that did not answer in time, the later rounds go to new solvers at once (`gave_up`)."""

    solver: z3.Solver
    seconds: float
    gave_up: bool = False

    def check_with(self, extra: list[z3.BoolRef], timeout_seconds: float) -> Outcome:
        """The kept assertions and `extra`, inside a push/pop: the solver is unchanged afterwards."""
        self.solver.push()
        try:
            self.solver.add(*extra)
            self.solver.set("timeout", max(1, int(timeout_seconds * 1000)))
            outcome = _answer(self.solver)
        finally:
            self.solver.pop()
        self.gave_up |= outcome.verdict is Verdict.UNKNOWN
        return outcome

    def slice(self) -> float:
        return max(INCREMENTAL_MIN_SECONDS, self.seconds)


INCREMENTAL_MIN_SECONDS = 0.1


PHASE_SELECTION = 0
"""Z3 decides a Boolean false first (its default caches the last phase). A query's formula is mostly
"this condition key is present", "this statement applies": models where they are false are the common
case and, for strings, the cheap one. Measured on AmazonRedshiftQueryEditor v3->v4 equiv (prefix and length
constraints between policy-variable keys and the principal; eight seeds): 0.04-0.41 s against 0.11-2.87 s,
and up to 13.9 s with another seed; on the 47 main checks of the gen-100 ... gen-300 diff1/equiv queries
(slower of two seeds each): 2.43 s in all against 3.01 s, the slowest 0.14 s against 0.30 s."""


def check_keeping(assertions: list[z3.BoolRef], timeout_seconds: float) -> tuple[Outcome, Checked]:
    """`check`, and the solver with the time it took, for rounds that add to the same assertions."""
    solver = z3.Solver(ctx=assertions[0].ctx) if assertions else z3.Solver()
    solver.set("phase_selection", PHASE_SELECTION)
    solver.add(*assertions)
    started = time.monotonic()
    outcome = _run(solver, timeout_seconds)
    return outcome, Checked(solver, time.monotonic() - started)


FIRST_SLICE_SECONDS = 1.0  # the first try's share of the time limit; each retry doubles it


def _run(solver: z3.Solver, timeout_seconds: float) -> Outcome:
    """Check with restarts: Z3's time on string constraints was measured to be heavy-tailed (one query of
    the managed-policy corpus: 0.05 to 1.3 s over six random seeds, and more than 10 s in a run where
    nothing but the ids of freed terms differed). A try that runs out of its slice is repeated with
    another random seed and twice the slice, until the time limit."""
    deadline = time.monotonic() + timeout_seconds
    slice_seconds, seed = FIRST_SLICE_SECONDS, 0
    while True:
        remaining = deadline - time.monotonic()
        last = remaining <= slice_seconds * 1.5  # too little time for a useful retry after this one
        solver.set("timeout", max(1, int((remaining if last else slice_seconds) * 1000)))
        solver.set("random_seed", seed)
        outcome = _answer(solver)
        if outcome.verdict is not Verdict.UNKNOWN or outcome.reason not in ("timeout", "canceled"):
            return outcome
        if last or deadline - time.monotonic() <= 0:
            return Outcome(Verdict.UNKNOWN, reason=f"the time limit passed while solving (z3: {outcome.reason})")
        slice_seconds, seed = slice_seconds * 2, seed + 1


def _answer(solver: z3.Solver) -> Outcome:
    try:
        result = solver.check()
    except z3.Z3Exception as exc:
        return Outcome(Verdict.UNKNOWN, reason=f"solver error: {exc}")
    if result == z3.sat:
        return Outcome(Verdict.SAT, solver.model())
    if result == z3.unsat:
        return Outcome(Verdict.UNSAT)
    return Outcome(Verdict.UNKNOWN, reason=solver.reason_unknown() or "unknown")
