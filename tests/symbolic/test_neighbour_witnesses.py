"""A diff's later witnesses can come from the first model with another action cell (`query/neighbours.py`):
no solver round, every such model checked against all assertions, every witness confirmed by the evaluator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import neighbours as neighbours_module
from iamproof.query import relations
from iamproof.query.neighbours import neighbour_models, satisfying_cells
from iamproof.query.relations import check_no_new_access
from iamproof.query.session import Session, request_from_document
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import domains
from iamproof.smt.formula import Slot


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


OLD = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
NEW = subject(
    "new",
    {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "sqs:SendMessage", "sns:Publish", "ec2:Describe*", "iam:List*", "kms:Decrypt"],
        "Resource": "*",
    },
)


# --- the cells a residue allows ------------------------------------------------------------------------

COMPARISONS = ["eq", "ne", "le", "ge", "lt", "gt"]


def residues(var: z3.ArithRef) -> st.SearchStrategy[z3.BoolRef]:
    def atom(op: str, k: int) -> z3.BoolRef:
        return {"eq": var == k, "ne": var != k, "le": var <= k, "ge": var >= k, "lt": var < k, "gt": var > k}[op]

    atoms = st.builds(atom, st.sampled_from(COMPARISONS), st.integers(-3, 40))
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda xs: z3.And(*xs), st.lists(inner, min_size=1, max_size=4)),
            st.builds(lambda xs: z3.Or(*xs), st.lists(inner, min_size=1, max_size=4)),
            st.builds(z3.Not, inner),
            st.builds(z3.Implies, inner, inner),
            st.builds(lambda a, b: a == b, inner, inner),
            st.builds(z3.If, inner, inner, inner),
        ),
        max_leaves=12,
    )


X = z3.Int("x")


@settings(max_examples=300, deadline=None)
@given(residue=residues(X), total=st.integers(1, 40))
def test_the_cells_read_off_a_residue_are_exactly_those_that_satisfy_it(residue: z3.BoolRef, total: int) -> None:
    for form in (residue, z3.simplify(residue)):
        cells = satisfying_cells(form, X, total)
        assert cells is not None
        expected = [i for i in range(total) if z3.is_true(z3.simplify(z3.substitute(residue, (X, z3.IntVal(i)))))]
        assert cells == expected


def test_a_residue_with_another_variable_gives_no_cells() -> None:
    y = z3.Int("y")
    assert satisfying_cells(z3.Or(X == 2, y == 3), X, 10) is None
    assert satisfying_cells(X + 1 == 3, X, 10) is None


# --- neighbour models ----------------------------------------------------------------------------------


def first_model(monkeypatch: pytest.MonkeyPatch) -> tuple[Session, Any, Any, Any]:
    """The session, goal and first outcome of the diff NEW against OLD."""
    seen: dict[str, Any] = {}
    solve = Session.solve

    def keeping(self: Session, goal: Any, *args: Any, **kwargs: Any) -> Any:
        outcome, witness = solve(self, goal, *args, **kwargs)
        if "outcome" not in seen and witness is not None:
            seen.update(session=self, goal=goal, outcome=outcome)
        return outcome, witness

    monkeypatch.setattr(Session, "solve", keeping)
    assert check_no_new_access(OLD, NEW, max_witnesses=1, timeout=30).verdict is Verdict.SAT
    return seen["session"], seen["goal"], seen["outcome"], seen["outcome"].model


def test_neighbour_models_change_only_the_cell_and_satisfy_every_assertion(monkeypatch: pytest.MonkeyPatch) -> None:
    session, goal, _, model = first_model(monkeypatch)
    var = session.encoder.cell_vars[Slot.ACTION]
    assertions = session.assertions(goal, resource_account=False)
    found = list(neighbour_models(session.encoder, model, assertions, Slot.ACTION, set()))
    assert len(found) >= 4
    cells = {other.eval(var, model_completion=True).as_long() for other in found}
    assert len(cells) == len(found) and model.eval(var, model_completion=True).as_long() not in cells
    for other in found:
        assert all(z3.is_true(other.eval(a, model_completion=True)) for a in assertions)
        for decl in model.decls():
            if decl.arity() == 0 and not decl.eq(var.decl()):
                assert other.eval(decl(), model_completion=True).eq(model.eval(decl(), model_completion=True))


def test_a_blocked_cell_is_no_neighbour(monkeypatch: pytest.MonkeyPatch) -> None:
    session, goal, _, model = first_model(monkeypatch)
    var = session.encoder.cell_vars[Slot.ACTION]
    loose = session.assertions(goal, resource_account=False)  # as the session checks a first model
    everything = list(neighbour_models(session.encoder, model, loose, Slot.ACTION, set()))
    blocked = everything[0].eval(var, model_completion=True)
    assertions = session.assertions(goal, [var != blocked], resource_account=False)
    rest = list(neighbour_models(session.encoder, model, assertions, Slot.ACTION, set()))
    assert len(rest) == len(everything) - 1
    assert all(not other.eval(var, model_completion=True).eq(blocked) for other in rest)


# --- diffs ---------------------------------------------------------------------------------------------


def test_later_witnesses_come_without_solver_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five new services: one solver check gives the first witness, its neighbours the other four."""
    calls: list[int] = []
    solve = Session.solve

    def counted(self: Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(Session, "solve", counted)
    result = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)
    assert result.verdict is Verdict.SAT and len(result.witnesses) == 5
    assert len(calls) == 1
    services = {str(w.document["action"]).split(":")[0].lower() for w in result.witnesses}
    assert len(services) == 5 and "s3" not in services  # one of each new service
    for witness in result.witnesses:
        assert witness.request == request_from_document(witness.document)
        assert NEW.allows(witness.request, DEFAULT_SEMANTICS) and not OLD.allows(witness.request, DEFAULT_SEMANTICS)


def test_without_neighbours_the_solver_rounds_find_the_same_services(monkeypatch: pytest.MonkeyPatch) -> None:
    with_neighbours = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)
    monkeypatch.setattr(Session, "neighbours", lambda *args, **kwargs: iter(()))
    without = check_no_new_access(OLD, NEW, max_witnesses=5, timeout=30)

    def services(result: relations.DiffResult) -> set[str]:
        return {str(w.document["action"]).split(":")[0].lower() for w in result.witnesses}

    assert len(without.witnesses) == 5
    assert services(with_neighbours) == services(without)


def test_a_deny_carve_out_holds_for_every_neighbour() -> None:
    new = subject(
        "new",
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "sqs:SendMessage", "sns:Publish", "ec2:Describe*", "iam:List*"],
            "Resource": "*",
        },
        {"Effect": "Deny", "Action": ["ec2:DescribeInstances", "iam:ListUsers"], "Resource": "*"},
    )
    result = check_no_new_access(OLD, new, max_witnesses=5, timeout=30)
    assert len(result.witnesses) == 5
    actions = {str(w.document["action"]).lower() for w in result.witnesses}
    assert not actions & {"ec2:describeinstances", "iam:listusers"}
    for witness in result.witnesses:
        assert new.allows(witness.request, DEFAULT_SEMANTICS)


def test_services_not_yet_listed_come_first() -> None:
    cells = [0, 1, 2, 3, 4, 5]
    services = ["s3", "s3", "sqs", "sqs", "sns", "ec2"]
    assert list(neighbours_module._varied(cells, services, {"s3"})) == [2, 4, 5, 0, 3, 1]
