"""Running Z3: sat / unsat / unknown, with the solver's reason kept (unknown never becomes "no")."""

from __future__ import annotations

import os
import threading
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
    """A new solver for `assertions` (see `Session.solve` for why never an incremental one); with two
    cores or more, a portfolio of them."""
    if PORTFOLIO < 2 or not assertions:
        solver = z3.Solver(ctx=assertions[0].ctx) if assertions else z3.Solver()
        solver.add(*assertions)
        return _run(solver, timeout_seconds)
    return _portfolio(assertions, timeout_seconds, PORTFOLIO)


PORTFOLIO = min(2, os.cpu_count() or 1)
"""Solvers run at once on one check, each in a context of its own with its own random seeds; the first
answer wins and the others are interrupted. Z3's time on one problem is heavy-tailed (the same
assertions of a generated 100-statement diff took 0.04 to 0.5 s from one fresh solver to the next); the
first of two answers cut that query's median check from 0.21 to 0.09 s and its slowest from 0.48 to
0.15 s (benchmarks/README.md). The price is the CPU time of the losing solver."""
SEED_STRIDE = 1000  # member k's seeds: k * SEED_STRIDE, then one more per restart


def _portfolio(assertions: list[z3.BoolRef], timeout_seconds: float, members: int) -> Outcome:
    """The first SAT or UNSAT of `members` solvers on copies of `assertions`; a model is translated back to
    the assertions' context. The assertions' own context is never used by the threads (an interrupt
    could leave it cancelled), only copies of them."""
    home = assertions[0].ctx
    contexts = [z3.Context() for _ in range(members)]
    solvers = []
    for ctx in contexts:
        solver = z3.Solver(ctx=ctx)
        solver.add(*[assertion.translate(ctx) for assertion in assertions])
        solvers.append(solver)
    outcomes: list[Outcome | None] = [None] * members
    winner: list[int] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        outcome = _run(solvers[index], timeout_seconds, first_seed=index * SEED_STRIDE)
        outcomes[index] = outcome
        if outcome.verdict is Verdict.UNKNOWN:
            return
        with lock:
            if winner:
                return
            winner.append(index)
        for other, ctx in enumerate(contexts):
            if other != index:
                ctx.interrupt()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if not winner:
        first = outcomes[0]
        assert first is not None
        return first
    outcome = outcomes[winner[0]]
    assert outcome is not None
    if outcome.model is None:
        return outcome
    return Outcome(outcome.verdict, outcome.model.translate(home), outcome.reason)


FIRST_SLICE_SECONDS = 1.0  # the first try's share of the time limit; each retry doubles it


def _run(solver: z3.Solver, timeout_seconds: float, first_seed: int = 0) -> Outcome:
    """Check with restarts: Z3's time on string constraints was measured to be heavy-tailed (one query of
    the managed-policy corpus: 0.05 to 1.3 s over six random seeds, and more than 10 s in a run where
    nothing but the ids of freed terms differed). A try that runs out of its slice is repeated with
    another random seed and twice the slice, until the time limit."""
    deadline = time.monotonic() + timeout_seconds
    slice_seconds, seed = FIRST_SLICE_SECONDS, first_seed
    while True:
        remaining = deadline - time.monotonic()
        last = remaining <= slice_seconds * 1.5  # too little time for a useful retry after this one
        solver.set("timeout", max(1, int((remaining if last else slice_seconds) * 1000)))
        solver.set("random_seed", seed)
        try:
            result = solver.check()
        except z3.Z3Exception as exc:
            return Outcome(Verdict.UNKNOWN, reason=f"solver error: {exc}")
        if result == z3.sat:
            return Outcome(Verdict.SAT, solver.model())
        if result == z3.unsat:
            return Outcome(Verdict.UNSAT)
        reason = solver.reason_unknown() or "unknown"
        if reason not in ("timeout", "canceled"):
            return Outcome(Verdict.UNKNOWN, reason=reason)
        if last or deadline - time.monotonic() <= 0:
            return Outcome(Verdict.UNKNOWN, reason=f"the time limit passed while solving (z3: {reason})")
        slice_seconds, seed = slice_seconds * 2, seed + 1
