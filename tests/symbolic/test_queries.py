"""Tables for the query library: equiv, diff, can, check-not-granted, check-public."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamproof.cli import run
from iamproof.errors import InternalError
from iamproof.evaluate.decision import PolicyKind, PolicySet
from iamproof.evaluate.request import PrincipalType
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import parse_glob
from iamproof.query import subjects
from iamproof.query.access_checks import check_access_not_granted, check_no_public_access
from iamproof.query.can import check_can
from iamproof.query.relations import Relation, check_equivalent, check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.query.template import RequestTemplate

A, B = "111122223333", "444455556666"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def subject(text: str, kind: PolicyKind = PolicyKind.IDENTITY, label: str = "p") -> Subject:
    return Subject(label, policy=parse_policy_text(text, label), kind=kind)


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


EQUIV_CASES = [
    ("same", policy(allow("s3:GetObject")), policy(allow("s3:getobject")), Relation.EQUIVALENT),
    ("wider", policy(allow("s3:GetObject")), policy(allow("s3:Get*")), Relation.LESS),
    ("narrower", policy(allow("s3:*")), policy(allow("s3:*"), deny("s3:Delete*")), Relation.MORE),
    ("disjoint", policy(allow("s3:GetObject")), policy(allow("s3:PutObject")), Relation.INCOMPARABLE),
    (
        "deny-carve-out-equals-narrower-allow",
        policy(allow("s3:*", "arn:aws:s3:::b/*"), deny("s3:*", "arn:aws:s3:::b/private/*")),
        policy(allow("s3:*", "arn:aws:s3:::b/*"), deny("*", "arn:aws:s3:::b/private/*")),
        Relation.EQUIVALENT,
    ),
    (
        "question-mark-is-one-char",
        policy(allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/??????????")),
        policy(allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/*")),
        Relation.LESS,
    ),
    (
        "condition-narrows",
        policy(allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}})),
        policy(allow("s3:GetObject")),
        Relation.LESS,
    ),
    (
        "ip-subnet",
        policy(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/25"}})),
        policy(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
        Relation.LESS,
    ),
    (
        "numeric-bound",
        policy(allow("s3:ListBucket", Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}})),
        policy(allow("s3:ListBucket", Condition={"NumericLessThan": {"s3:max-keys": "10.5"}})),
        Relation.LESS,
    ),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), EQUIV_CASES, ids=[c[0] for c in EQUIV_CASES])
def test_equiv_relation(name: str, a: str, b: str, expected: Relation) -> None:
    result = check_equivalent(subject(a, label="a"), subject(b, label="b"))
    assert result.relation is expected, result
    assert (result.only_a is not None) == (expected in (Relation.MORE, Relation.INCOMPARABLE))
    assert (result.only_b is not None) == (expected in (Relation.LESS, Relation.INCOMPARABLE))


def test_equiv_of_resource_policies_compares_principals() -> None:
    one = policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    two = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    result = check_equivalent(subject(one, PolicyKind.RESOURCE, "one"), subject(two, PolicyKind.RESOURCE, "two"))
    assert result.relation is Relation.LESS
    assert result.only_b is not None
    principal = result.only_b.request.principal
    assert principal.type is PrincipalType.ANONYMOUS or principal.account != A


def test_diff_witnesses_are_distinct_and_granted_by_new() -> None:
    old = policy(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    new = policy(allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"]))
    result = check_no_new_access(subject(old, label="old"), subject(new, label="new"), max_witnesses=5)
    assert result.verdict is Verdict.SAT
    pairs = {(w.request.action.lower(), w.request.resource) for w in result.witnesses}
    assert len(pairs) == len(result.witnesses) == 5
    assert {w.request.action.lower() for w in result.witnesses} >= {"s3:putobject", "s3:deleteobject"}


def test_diff_pass_is_proved() -> None:
    old = policy(allow("s3:*"))
    new = policy(allow("s3:Get*"), deny("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert check_no_new_access(subject(old), subject(new)).verdict is Verdict.UNSAT


def test_unsupported_construct_is_unknown_with_reason() -> None:
    old = policy(allow("s3:GetObject", Condition={"StringEquals": {"s3:max-keys": "ten"}}))
    new = policy(allow("s3:GetObject", Condition={"NumericLessThan": {"s3:max-keys": "10"}}))
    result = check_no_new_access(subject(old), subject(new))
    assert result.verdict is Verdict.UNKNOWN
    assert "s3:max-keys" in result.reason


CAN_CASES = [
    ("action-pattern-yes", RequestTemplate(action=parse_glob("s3:Get*")), Verdict.SAT),
    ("action-pattern-no", RequestTemplate(action=parse_glob("s3:Put*")), Verdict.UNSAT),
    ("resource-pattern-yes", RequestTemplate(resource=parse_glob("arn:aws:s3:::b/private/*")), Verdict.SAT),
    ("resource-pattern-no", RequestTemplate(resource=parse_glob("arn:aws:s3:::c/*")), Verdict.UNSAT),
    ("tls-pinned-off", RequestTemplate(context={"aws:securetransport": ("false",)}), Verdict.UNSAT),
    ("tls-absent-only", RequestTemplate(closed_context=True), Verdict.UNSAT),
]


@pytest.mark.parametrize(("name", "template", "expected"), CAN_CASES, ids=[c[0] for c in CAN_CASES])
def test_can(name: str, template: RequestTemplate, expected: Verdict) -> None:
    identity = parse_policy_text(
        policy(allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    )
    result = check_can(PolicySet(identity=(identity,)), template)
    assert result.verdict is expected
    if expected is Verdict.SAT:
        assert result.witness is not None
        assert template.fits(result.witness.request)
        assert result.witness.request.lookup("aws:SecureTransport") == ("true",)


NOT_GRANTED_CASES = [
    (["s3:DeleteObject"], [], Verdict.UNSAT),
    (["s3:Get*"], [], Verdict.SAT),
    (["s3:GetObject"], ["arn:aws:s3:::other/*"], Verdict.UNSAT),
    (["s3:GetObject"], ["arn:aws:s3:::b/x"], Verdict.SAT),
    ([], ["arn:aws:s3:::b/*"], Verdict.SAT),
]


@pytest.mark.parametrize(("actions", "resources", "expected"), NOT_GRANTED_CASES)
def test_check_access_not_granted(actions: list[str], resources: list[str], expected: Verdict) -> None:
    text = policy(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::b/*"))
    assert check_access_not_granted(subject(text), actions, resources).verdict is expected


def _resource_policy(principal: Any, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "lambda:InvokeFunction",
        "Resource": f"arn:aws:lambda:us-east-1:{A}:function:f",
    }
    if condition:
        statement["Condition"] = condition
    return policy(statement)


PUBLIC_CASES = [
    ("star", "*", None, Verdict.SAT),
    ("own-account", {"AWS": A}, None, Verdict.UNSAT),
    ("other-account", {"AWS": B}, None, Verdict.SAT),
    ("service-no-source", {"Service": "apigateway.amazonaws.com"}, None, Verdict.SAT),
    (
        "service-source-account",
        {"Service": "apigateway.amazonaws.com"},
        {"StringEquals": {"aws:SourceAccount": A}},
        Verdict.UNSAT,
    ),
    ("star-org", "*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, Verdict.UNSAT),
    ("star-account-condition", "*", {"StringEquals": {"aws:PrincipalAccount": A}}, Verdict.UNSAT),
    ("star-vpce", "*", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}, Verdict.UNSAT),
    ("star-ip-only", "*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, Verdict.SAT),
]


@pytest.mark.parametrize(("name", "principal", "condition", "expected"), PUBLIC_CASES, ids=[c[0] for c in PUBLIC_CASES])
def test_check_no_public_access(name: str, principal: Any, condition: dict[str, Any] | None, expected: Verdict) -> None:
    text = _resource_policy(principal, condition)
    result = check_no_public_access(subject(text, PolicyKind.RESOURCE), A)
    assert result.verdict is expected, result
    if expected is Verdict.SAT:
        assert result.witness is not None
        request = result.witness.request
        assert request.principal.account != A


def test_a_witness_the_evaluator_rejects_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(policy(allow("s3:GetObject")))
    new.write_text(policy(allow("s3:*")))
    monkeypatch.setattr(subjects.Subject, "allows", lambda self, request, semantics: False)
    with pytest.raises(InternalError):
        check_no_new_access(subject(old.read_text()), subject(new.read_text()))
    assert run(["diff", str(old), str(new)]) == 4
    assert "concrete evaluator rejects" in capsys.readouterr().err
