"""Running Z3: sat / unsat / unknown, with the solver's reason kept (unknown never becomes "no")."""

from __future__ import annotations

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
    solver = z3.Solver(ctx=assertions[0].ctx) if assertions else z3.Solver()
    solver.set("timeout", max(1, int(timeout_seconds * 1000)))
    solver.add(*assertions)
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
