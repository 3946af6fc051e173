"""Running Z3: sat / unsat / unknown, with the solver's reason kept (unknown never becomes "no")."""

from __future__ import annotations

from collections.abc import Sequence
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
    return Checker(assertions).check((), timeout_seconds)


class Checker:
    """A solver for one set of assertions, checked again after each addition (a lemma that excludes the
    last model's proposal): what the solver learnt in one check serves the next."""

    def __init__(self, assertions: list[z3.BoolRef]) -> None:
        self.solver = z3.Solver(ctx=assertions[0].ctx) if assertions else z3.Solver()
        self.solver.add(*assertions)

    def check(self, more: Sequence[z3.BoolRef], timeout_seconds: float) -> Outcome:
        if more:
            self.solver.add(*more)
        return _run(self.solver, timeout_seconds)


def _run(solver: z3.Solver, timeout_seconds: float) -> Outcome:
    solver.set("timeout", max(1, int(timeout_seconds * 1000)))
    try:
        result = solver.check()
    except z3.Z3Exception as exc:
        return Outcome(Verdict.UNKNOWN, reason=f"solver error: {exc}")
    if result == z3.sat:
        return Outcome(Verdict.SAT, solver.model())
    if result == z3.unsat:
        return Outcome(Verdict.UNSAT)
    reason = solver.reason_unknown() or "unknown"
    if reason in ("timeout", "canceled"):
        reason = f"the time limit passed while solving (z3: {reason})"
    return Outcome(Verdict.UNKNOWN, reason=reason)
