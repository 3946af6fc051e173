"""String context keys matched only against constant patterns are abstracted into cells (or, past the
partition budget, realized one signature at a time), like the action and the resource.

Each test checks both where the key went (cells, lazy, or a Z3 string) and that the witness's value is
one the concrete evaluator, and a plain glob match, confirm."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import glob_match, parse_glob
from iamproof.query.relations import Relation, _Pair, check_equivalent, check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import domains, encode
from iamproof.smt.formula import KeySlot

TEAM = "aws:PrincipalTag/team"
SLOT = KeySlot(TEAM.lower())


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


def allow(condition: dict[str, Any] | None = None, resource: str = "*") -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    return statement


EMPTY = subject("empty", {"Effect": "Deny", "Action": "*", "Resource": "*"})
OLD = subject("old", allow({"StringLike": {TEAM: ["b*", "*-dev"]}}))
NEW = subject(
    "new",
    allow({"StringLike": {TEAM: ["b*", "*-dev", "ops-*"]}, "StringNotLike": {TEAM: ["*test*"]}}),
)


def encoder_of(old: Subject, new: Subject) -> encode.Encoder:
    return _Pair(old, new, DEFAULT_SEMANTICS, 30.0).session.encoder


def one(request: Any, key: str) -> str:
    values = request.lookup(key)
    assert values is not None and len(values) == 1, request
    return str(values[0])


def team_values(result: Any) -> list[str]:
    return [one(witness.request, TEAM) for witness in result.witnesses]


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


@pytest.fixture
def lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)


def _check_new_team_values() -> None:
    result = check_no_new_access(OLD, NEW, max_witnesses=3, timeout=30)
    assert result.verdict is Verdict.SAT
    values = team_values(result)
    assert values
    for value in values:  # new access only through "ops-*", never "*test*", and outside OLD's patterns
        assert glob_match(parse_glob("ops-*"), value), value
        assert not glob_match(parse_glob("*test*"), value), value
        assert not any(glob_match(parse_glob(p), value) for p in ("b*", "*-dev")), value
    for witness in result.witnesses:
        assert NEW.allows(witness.request, DEFAULT_SEMANTICS) and not OLD.allows(witness.request, DEFAULT_SEMANTICS)
    assert check_no_new_access(NEW, OLD, timeout=30).verdict is Verdict.SAT  # "btest" is OLD's only
    assert check_equivalent(OLD, NEW, timeout=30).relation is Relation.INCOMPARABLE


def test_string_like_key_is_cells_and_its_witness_is_confirmed() -> None:
    encoder = encoder_of(OLD, NEW)
    assert SLOT in encoder.cells
    assert SLOT not in encoder.strings
    _check_new_team_values()


def test_string_like_key_in_lazy_mode(lazy: None) -> None:
    encoder = encoder_of(OLD, NEW)
    assert SLOT in encoder.lazy
    assert SLOT not in encoder.cells
    assert SLOT not in encoder.strings
    _check_new_team_values()


@pytest.mark.parametrize("mode", ["cells", "lazy"])
def test_patterns_no_value_has_together_are_refuted(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A value would have to start with "a" and equal "b": the lazy mode adds a lemma, cells have no such cell."""
    if mode == "lazy":
        monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    new = subject("new", allow({"StringLike": {TEAM: "a*"}, "StringEquals": {TEAM: "b"}}))
    assert SLOT in (encoder_of(EMPTY, new).lazy if mode == "lazy" else encoder_of(EMPTY, new).cells)
    assert check_no_new_access(EMPTY, new, timeout=30).verdict is Verdict.UNSAT
    assert check_equivalent(EMPTY, new, timeout=30).relation is Relation.EQUIVALENT


@pytest.mark.parametrize("mode", ["cells", "lazy"])
def test_ignore_case_and_arn_modes(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if mode == "lazy":
        monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    arn = "aws:SourceArn"
    old = subject(
        "old",
        allow({"StringEqualsIgnoreCase": {TEAM: "Blue"}, "ArnLike": {arn: "arn:aws:sqs:*:111122223333:q*"}}),
    )
    new = subject(
        "new",
        allow({"StringEqualsIgnoreCase": {TEAM: ["Blue", "RED"]}, "ArnLike": {arn: "arn:aws:sqs:*:*:q*"}}),
    )
    encoder = encoder_of(old, new)
    held = encoder.lazy if mode == "lazy" else encoder.cells
    assert SLOT in held and KeySlot(arn.lower()) in held
    result = check_no_new_access(old, new, max_witnesses=3, timeout=30)
    assert result.verdict is Verdict.SAT
    for witness in result.witnesses:
        team, source = one(witness.request, TEAM), one(witness.request, arn)
        assert team.lower() in ("blue", "red")
        parts = source.split(":", 5)
        assert len(parts) == 6 and parts[:3] == ["arn", "aws", "sqs"] and ":" not in parts[3] + parts[4]
        assert parts[5].startswith("q")
        assert team.lower() == "red" or parts[4] != "111122223333"
    assert check_no_new_access(new, old, timeout=30).verdict is Verdict.UNSAT


@pytest.mark.parametrize("mode", ["cells", "lazy"])
def test_multivalued_key_elements(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if mode == "lazy":
        monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    keys = "aws:TagKeys"
    old = subject("old", allow({"ForAllValues:StringLike": {keys: ["env*", "team"]}}))
    new = subject("new", allow({"ForAllValues:StringLike": {keys: ["env*", "team", "cost-*"]}}))
    encoder = encoder_of(old, new)
    held = encoder.lazy if mode == "lazy" else encoder.cells
    assert KeySlot(keys.lower(), 0) in held
    result = check_no_new_access(old, new, max_witnesses=2, timeout=30)
    assert result.verdict is Verdict.SAT
    for witness in result.witnesses:
        values = witness.request.lookup(keys)
        assert values, witness.document
        assert all(any(glob_match(parse_glob(p), v) for p in ("env*", "team", "cost-*")) for v in values)
        assert any(v.startswith("cost-") for v in values)
    assert check_no_new_access(new, old, timeout=30).verdict is Verdict.UNSAT


def test_a_key_inside_a_policy_variable_stays_a_string() -> None:
    """A key whose value is also spliced into another pattern is entangled: no cells, a Z3 string."""
    new = subject(
        "new",
        allow({"StringLike": {TEAM: "b*"}}, resource="arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"),
    )
    encoder = encoder_of(EMPTY, new)
    assert SLOT not in encoder.cells and SLOT not in encoder.lazy
    result = check_no_new_access(EMPTY, new, timeout=30)
    assert result.verdict is Verdict.SAT
    team = one(result.witnesses[0].request, TEAM)
    assert team.startswith("b")
    assert result.witnesses[0].request.resource.startswith(f"arn:aws:s3:::bucket/{team}/")


@pytest.mark.parametrize("mode", ["cells", "lazy"])
def test_case_and_components_decide_the_answer(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers that only hold if the cells fold case for *IgnoreCase and split ARNs at their colons."""
    if mode == "lazy":
        monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    exact = subject("exact", allow({"StringEquals": {TEAM: "BLUE"}}))
    folded = subject("folded", allow({"StringEqualsIgnoreCase": {TEAM: "blue"}}))
    assert check_no_new_access(folded, exact, timeout=30).verdict is Verdict.UNSAT
    result = check_no_new_access(exact, folded, timeout=30)
    assert result.verdict is Verdict.SAT
    team = one(result.witnesses[0].request, TEAM)
    assert team.lower() == "blue" and team != "BLUE"

    arn = "aws:SourceArn"
    pattern = "arn:aws:sqs:*:*:q*"
    components = subject("components", allow({"ArnLike": {arn: pattern}}))
    whole = subject("whole", allow({"StringLike": {arn: pattern}}))
    assert check_no_new_access(whole, components, timeout=30).verdict is Verdict.UNSAT
    result = check_no_new_access(components, whole, timeout=30)
    assert result.verdict is Verdict.SAT
    source = one(result.witnesses[0].request, arn)
    assert glob_match(parse_glob(pattern), source)
    parts = source.split(":", 5)
    assert len(parts) < 6 or not parts[5].startswith("q")
