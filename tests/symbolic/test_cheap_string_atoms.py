"""The Boolean pre-check runs only for queries with string atoms other than "a variable is a constant", and a
service principal named in a Principal element is such an atom (its name, lower-cased)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import z3

from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import session as session_module
from iamproof.query.relations import Relation, check_equivalent, check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import domains


def subject(label: str, kind: PolicyKind, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=kind)


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


@pytest.fixture
def boolean_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the checks of abstracted goals (their atoms are Booleans named `atom!N`)."""
    seen: list[int] = []
    check = session_module.check

    def recording(assertions: list[z3.BoolRef], timeout: float) -> Any:
        if any("atom!" in str(a) for a in assertions):
            seen.append(len(assertions))
        return check(assertions, timeout)

    monkeypatch.setattr(session_module, "check", recording)
    return seen


def grouped(kind: PolicyKind, condition: dict[str, Any], together: bool) -> Subject:
    actions = ["s3:GetObject", "s3:PutObject"]
    statements = (
        [{"Effect": "Allow", "Action": actions, "Resource": "*", "Condition": condition}]
        if together
        else [{"Effect": "Allow", "Action": a, "Resource": "*", "Condition": condition} for a in actions]
    )
    return subject("together" if together else "apart", kind, *statements)


def test_a_query_whose_string_atoms_equate_variables_with_constants_is_not_abstracted(
    boolean_checks: list[int],
) -> None:
    condition = {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}}
    one, two = grouped(PolicyKind.IDENTITY, condition, True), grouped(PolicyKind.IDENTITY, condition, False)
    assert check_equivalent(one, two, timeout=30).relation is Relation.EQUIVALENT
    assert boolean_checks == []


def test_a_query_with_a_policy_variable_is_abstracted_first(boolean_checks: list[int]) -> None:
    condition = {"StringLike": {"aws:PrincipalTag/team": "${aws:username}-*"}}
    one, two = grouped(PolicyKind.IDENTITY, condition, True), grouped(PolicyKind.IDENTITY, condition, False)
    assert check_equivalent(one, two, timeout=30).relation is Relation.EQUIVALENT
    assert boolean_checks  # both goals were proved empty by the Boolean abstraction


def service_policy(name: str) -> Subject:
    statement = {"Effect": "Allow", "Principal": {"Service": name}, "Action": "sqs:SendMessage", "Resource": "*"}
    return subject(name, PolicyKind.RESOURCE, statement)


def test_service_principals_are_compared_ignoring_case(boolean_checks: list[int]) -> None:
    upper, lower = service_policy("SNS.AmazonAWS.com"), service_policy("sns.amazonaws.com")
    assert check_equivalent(upper, lower, timeout=30).relation is Relation.EQUIVALENT
    assert boolean_checks == []


def test_a_new_service_principal_is_a_lower_case_witness() -> None:
    old, new = service_policy("sns.amazonaws.com"), service_policy("Events.AmazonAWS.com")
    result = check_no_new_access(old, new, timeout=30)
    assert result.verdict is Verdict.SAT
    witness = result.witnesses[0]
    assert witness.document["principal"] == {"Service": "events.amazonaws.com"}
    assert new.allows(witness.request, DEFAULT_SEMANTICS) and not old.allows(witness.request, DEFAULT_SEMANTICS)
