"""Rounds that add constraints to a goal (blocked witnesses, lemmas) are tried on the goal's checked solver,
inside a push/pop and for a bounded time, and from scratch when that try does not answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import z3

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import solver as solver_module
from iamproof.query.relations import check_no_new_access
from iamproof.query.solver import Checked, Outcome, Verdict, check_keeping
from iamproof.query.subjects import Subject
from iamproof.smt import domains

B = "arn:aws:s3:::b/"
INFIXES = ["*ab*", "*cd*", "*ef*", "*gh*"]


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


def allow(actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


OLD = subject("old", allow(["s3:GetObject"], ["arn:aws:s3:::a/*"]))
NEW = subject(
    "new",
    allow(["s3:GetObject", "s3:PutObject", "sqs:SendMessage"], ["arn:aws:s3:::a/*", "arn:aws:s3:::c/*"]),
    allow(["ec2:StartInstances"], ["*"]),
)


def test_a_checked_solver_is_the_same_after_a_round() -> None:
    x = z3.Int("x")
    outcome, checked = check_keeping([x > 0, x < 10], 10.0)
    assert outcome.verdict is Verdict.SAT
    assert checked.check_with([x > 20], 10.0).verdict is Verdict.UNSAT
    second = checked.check_with([x > 5], 10.0)
    assert second.verdict is Verdict.SAT and second.model is not None
    assert 5 < second.model.eval(x).as_long() < 10
    assert checked.solver.num_scopes() == 0
    assert len(checked.solver.assertions()) == 2


def test_the_slice_of_a_round_is_the_first_checks_time_with_a_floor() -> None:
    solver = z3.Solver()
    assert Checked(solver, 0.3).slice() == 0.3
    assert Checked(solver, 0.001).slice() == pytest.approx(0.1)


def test_witness_rounds_add_to_the_checked_solver_only_inside_a_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assertions added to a checked solver at its base level would change it for every later round."""
    checked: set[int] = set()
    base_adds: list[int] = []
    scoped_checks: list[int] = []
    add, check = z3.Solver.add, z3.Solver.check

    def recording_add(self: z3.Solver, *args: Any) -> None:
        if id(self) in checked and self.num_scopes() == 0:
            base_adds.append(id(self))
        add(self, *args)

    def recording_check(self: z3.Solver, *args: Any) -> Any:
        checked.add(id(self))
        if self.num_scopes() > 0:
            scoped_checks.append(id(self))
        return check(self, *args)

    monkeypatch.setattr(z3.Solver, "add", recording_add)
    monkeypatch.setattr(z3.Solver, "check", recording_check)
    result = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)
    assert result.verdict is Verdict.SAT and len(result.witnesses) == 5
    assert scoped_checks  # the later witnesses were found on the kept solver
    assert base_adds == []


def test_a_round_the_kept_solver_does_not_answer_is_solved_from_scratch(monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental try that runs out of its slice (here: every one) never becomes the answer."""
    tries: list[float] = []

    def out_of_time(self: Checked, extra: list[z3.BoolRef], timeout_seconds: float) -> Outcome:
        tries.append(timeout_seconds)
        return Outcome(Verdict.UNKNOWN, reason="timeout")

    monkeypatch.setattr(Checked, "check_with", out_of_time)
    result = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)
    assert result.verdict is Verdict.SAT and len(result.witnesses) == 5
    assert len({(str(w.document["action"]).lower(), w.document["resource"]) for w in result.witnesses}) == 5
    assert tries and all(0 < seconds <= 30 for seconds in tries)


def test_a_lemma_round_is_tried_on_the_kept_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """OLD's `*a*` covers NEW's `*ab*`, which the features' Booleans alone do not say: the proposal of a
    resource with `*ab*` and without `*a*` is refuted by a lemma, and the round after it, on the kept solver,
    proves the diff passes."""
    rounds: list[int] = []
    original = Checked.check_with

    def counting(self: Checked, extra: list[z3.BoolRef], timeout_seconds: float) -> Outcome:
        rounds.append(len(extra))
        return original(self, extra, timeout_seconds)

    monkeypatch.setattr(Checked, "check_with", counting)
    old = subject("old", allow(["s3:GetObject"], [B + i for i in ["*a*", *INFIXES[1:]]]))
    new = subject("new", allow(["s3:GetObject"], [B + i for i in INFIXES]))
    assert check_no_new_access(old, new, timeout=30).verdict is Verdict.UNSAT
    assert rounds and all(count >= 1 for count in rounds)


def test_after_a_round_runs_out_of_time_the_later_rounds_start_from_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scoped: list[int] = []
    answer = solver_module._answer

    def slow_when_scoped(solver: z3.Solver) -> Outcome:
        if solver.num_scopes() > 0:
            scoped.append(id(solver))
            return Outcome(Verdict.UNKNOWN, reason="canceled")
        return answer(solver)

    monkeypatch.setattr(solver_module, "_answer", slow_when_scoped)
    result = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)
    assert result.verdict is Verdict.SAT and len(result.witnesses) == 5
    assert len(scoped) == 1  # one try on the kept solver; the other rounds went to new solvers
