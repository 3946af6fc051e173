"""Checks are restarted with another random seed and twice the time slice when a try runs out of time."""

from __future__ import annotations

from typing import Any

import z3

from iamproof.query import solver as solver_module
from iamproof.query.solver import Verdict


class _Solver:
    """Times out on the first `slow` tries, then answers unsat; records the settings of each try."""

    def __init__(self, slow: int) -> None:
        self.slow = slow
        self.settings: list[dict[str, Any]] = [{}]

    def set(self, name: str, value: Any) -> None:
        self.settings[-1][name] = value

    def check(self) -> Any:
        self.settings.append({})
        if len(self.settings) - 1 <= self.slow:
            return z3.unknown
        return z3.unsat

    def reason_unknown(self) -> str:
        return "timeout"


def test_a_try_that_times_out_is_repeated_with_another_seed_and_a_longer_slice() -> None:
    fake = _Solver(slow=2)
    outcome = solver_module._run(fake, 30.0)
    assert outcome.verdict is Verdict.UNSAT
    tries = fake.settings[:-1]
    assert [t["random_seed"] for t in tries] == [0, 1, 2]
    first = solver_module.FIRST_SLICE_SECONDS * 1000
    assert [t["timeout"] for t in tries] == [int(first), int(2 * first), int(4 * first)]


def test_the_last_try_gets_the_rest_of_the_time_and_unknown_keeps_its_reason() -> None:
    fake = _Solver(slow=100)
    outcome = solver_module._run(fake, 2.0)
    assert outcome.verdict is Verdict.UNKNOWN
    assert "time limit" in outcome.reason
    tries = fake.settings[:-1]
    assert [t["random_seed"] for t in tries] == [0, 1]  # after a 1 s slice, the last try takes the rest
    assert tries[0]["timeout"] == int(solver_module.FIRST_SLICE_SECONDS * 1000)
    assert 1900 <= tries[1]["timeout"] <= 2000


def test_every_solver_decides_booleans_false_first(monkeypatch: Any) -> None:
    """The phase that makes the policy-variable checks of the managed corpus fast (`PHASE_SELECTION`)."""
    settings: list[tuple[str, Any]] = []
    original = z3.Solver.set

    def recording(self: z3.Solver, *args: Any, **kwargs: Any) -> None:
        settings.append(args[:2])
        original(self, *args, **kwargs)

    monkeypatch.setattr(z3.Solver, "set", recording)
    x = z3.Bool("x")
    outcome, _ = solver_module.check_keeping([z3.Or(x, z3.Not(x))], 10.0)
    assert outcome.verdict is Verdict.SAT
    assert ("phase_selection", 0) in settings
