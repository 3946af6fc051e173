"""A resource account that no formula reads is left to the decoder: the solver is not told it has 12 digits,
and the witness gets a 12-digit account that no literal of the query names (`decode.resource_account`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import z3

from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import session as session_module
from iamproof.query.relations import check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import domains
from iamproof.smt.decode import FRESH_ACCOUNT, resource_account
from iamproof.smt.encode import Encoder
from iamproof.smt.formula import Match, MatchMode, Slot, StrTerm, conj
from iamproof.smt.wellformed import resource_account_constraints

TABLE = "arn:aws:dynamodb:us-east-1:{}:table/t"


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


def allow(resource: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


def recorded_checks(monkeypatch: pytest.MonkeyPatch) -> list[list[z3.BoolRef]]:
    checks: list[list[z3.BoolRef]] = []
    keeping = session_module.check_keeping

    def recording(assertions: list[z3.BoolRef], timeout: float) -> Any:
        checks.append(list(assertions))
        return keeping(assertions, timeout)

    monkeypatch.setattr(session_module, "check_keeping", recording)
    return checks


def mentions_twelve_digits(assertions: list[z3.BoolRef]) -> bool:
    return any('Loop(Range("0", "9"), 12, 12)' in str(a) and "resource_account" in str(a) for a in assertions)


def test_an_unread_resource_account_is_not_solved_for_and_decodes_to_a_fresh_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = recorded_checks(monkeypatch)
    old = subject("old", allow(TABLE.format("111122223333")))
    new = subject("new", allow(TABLE.format("*")))
    result = check_no_new_access(old, new, max_witnesses=3, timeout=30)
    assert result.verdict is Verdict.SAT and len(result.witnesses) >= 2
    assert checks and not any(mentions_twelve_digits(assertions) for assertions in checks)
    for witness in result.witnesses:
        account, arn_account = witness.document["resource_account"], witness.document["resource"].split(":")[4]
        assert re.fullmatch("[0-9]{12}", account)
        assert arn_account in ("", account) and arn_account != "111122223333"
        assert new.allows(witness.request, DEFAULT_SEMANTICS) and not old.allows(witness.request, DEFAULT_SEMANTICS)
    assert any(w.document["resource"].split(":")[4] == str(FRESH_ACCOUNT) for w in result.witnesses)


def test_a_resource_account_a_condition_reads_is_solved_for(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = recorded_checks(monkeypatch)
    old = subject("old", allow("*", {"StringEquals": {"aws:ResourceAccount": "111122223333"}}))
    new = subject("new", allow("*", {"StringLike": {"aws:ResourceAccount": "1111*"}}))
    result = check_no_new_access(old, new, max_witnesses=1, timeout=30)
    assert result.verdict is Verdict.SAT
    assert checks and all(mentions_twelve_digits(assertions) for assertions in checks)
    account = result.witnesses[0].document["resource_account"]
    assert account.startswith("1111") and account != "111122223333" and len(account) == 12


def test_strict_constraints_always_say_twelve_digits() -> None:
    encoder = Encoder([conj([])], {})
    assert resource_account_constraints(encoder, resource_account=False) == []
    assert len(resource_account_constraints(encoder, resource_account=True)) == 1


def test_a_formula_that_reads_the_account_keeps_the_constraint() -> None:
    read = Match(StrTerm.of(Slot.RESOURCE_ACCOUNT), ("1111", "*"), MatchMode.PLAIN)  # type: ignore[arg-type]
    encoder = Encoder([read], {})
    assert len(resource_account_constraints(encoder, resource_account=False)) == 1


def test_the_fresh_account_avoids_every_literal_of_the_query() -> None:
    encoder = Encoder([conj([])], {})
    encoder.literals[Slot.PRINCIPAL_ACCOUNT] = {str(FRESH_ACCOUNT), str(FRESH_ACCOUNT + 1)}
    solver = z3.Solver(ctx=encoder.ctx)
    solver.add(encoder.string(Slot.RESOURCE_ACCOUNT) == z3.StringVal("x", encoder.ctx))
    assert solver.check() == z3.sat
    assert resource_account(encoder, solver.model()) == str(FRESH_ACCOUNT + 2)
