"""Timing of Z3's check() calls during a query: the first check of each solver, and later checks of it.

The first check() on a solver object is a query's own check ("main"). Later check() calls on the same
solver are counted apart (the "preference" fields, named after the witness-preference checks they first
measured; witnesses are now made readable concretely, `query/polish.py`): today they are the retries with
another random seed and the incremental rounds on a goal's kept solver (blocked witnesses, lemmas;
`query/solver.py`, `Checked`); a round that falls back to a new solver counts as a main check. The patch
only observes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3


@dataclass
class SolverClock:
    main_checks: int = 0
    main_seconds: float = 0.0
    preference_checks: int = 0
    preference_seconds: float = 0.0
    preference_unknown: int = 0
    seen: dict[int, tuple[z3.Solver, int]] = field(default_factory=dict)  # keeps solvers alive: ids stay unique

    def as_json(self) -> dict[str, Any]:
        return {
            "main_checks": self.main_checks,
            "main_seconds": round(self.main_seconds, 4),
            "preference_checks": self.preference_checks,
            "preference_seconds": round(self.preference_seconds, 4),
            "preference_unknown": self.preference_unknown,
        }


_current: list[SolverClock] = []
_original_check = z3.Solver.check


def _timed_check(self: z3.Solver, *assumptions: Any) -> Any:
    started = time.perf_counter()
    result = _original_check(self, *assumptions)
    seconds = time.perf_counter() - started
    if _current:
        clock = _current[-1]
        calls = clock.seen.get(id(self), (self, 0))[1]
        clock.seen[id(self)] = (self, calls + 1)
        if calls == 0:
            clock.main_checks += 1
            clock.main_seconds += seconds
        else:
            clock.preference_checks += 1
            clock.preference_seconds += seconds
            clock.preference_unknown += result == z3.unknown
    return result


def start() -> SolverClock:
    """Begin timing; returns the clock that stop() closes."""
    z3.Solver.check = _timed_check
    clock = SolverClock()
    _current.append(clock)
    return clock


def stop(clock: SolverClock) -> dict[str, Any]:
    _current.remove(clock)
    clock.seen.clear()
    return clock.as_json()
