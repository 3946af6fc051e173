"""Witnesses read like real requests: a real action of some service when the model's cell holds one,
and the later witnesses of a diff polished towards the first."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamproof import catalogue
from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import polish as polish_module
from iamproof.query.polish import polish
from iamproof.query.relations import check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import decode


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


def allow(key: str, actions: list[str] | str) -> dict[str, Any]:
    return {"Effect": "Allow", key: actions, "Resource": "*"}


def test_a_notaction_witness_is_a_real_action_of_another_service() -> None:
    """The cell "neither s3 nor ec2" has the shortest member `e:a`, of no service; a real action of a
    service the patterns do not name is in the same cell."""
    old = subject("old", allow("Action", "s3:GetObject"))
    new = subject("new", allow("NotAction", ["s3:*", "ec2:*"]), allow("Action", "s3:GetObject"))
    result = check_no_new_access(old, new, max_witnesses=5, timeout=30)
    assert result.verdict is Verdict.SAT and result.witnesses
    for witness in result.witnesses:
        action = str(witness.document["action"])
        assert catalogue.canonical_action(action) == action
        assert action.split(":")[0] not in ("s3", "ec2")


def test_services_that_a_pattern_of_the_cell_rules_out_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """`kms:CreateAlias*` less `kms:CreateAlias` and the carve-outs that its filled texts fall in holds no
    catalogue action nor filled pattern; no other service's actions can match `kms:CreateAlias*`, so
    none is read, and the witness is the cell's shortest member."""
    read: list[str] = []
    actions_of = catalogue.actions_of

    def recording(service: str) -> tuple[str, ...]:
        read.append(service.lower())
        return actions_of(service)

    monkeypatch.setattr(decode.catalogue, "actions_of", recording)
    old = subject("old", allow("Action", "kms:CreateAlias"))
    carve_outs = {"Effect": "Deny", "Action": ["kms:CreateAliasE*", "kms:CreateAliasX*"], "Resource": "*"}
    new = subject("new", allow("Action", "kms:CreateAlias*"), carve_outs)
    result = check_no_new_access(old, new, max_witnesses=1, timeout=30)
    assert result.verdict is Verdict.SAT
    action = str(result.witnesses[0].document["action"]).lower()
    assert action.startswith("kms:createalias") and action[len("kms:createalias") :][:1] not in ("e", "x", "")
    assert set(read) == {"kms"}


UGLY = {
    "principal": "arn:aws:iam::000000000000:user/+",
    "action": "s3:PutObject",
    "resource": "arn:aws:s3:::b/x",
    "resource_account": "000000000000",
    "context": {"aws:SourceIp": "10.0.0.1", "aws:RequestedRegion": "eu-west-1"},
}
EARLIER = {
    "principal": "arn:aws:iam::111122223333:user/alice",
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::a/y",
    "resource_account": "111122223333",
    "context": {"aws:SourceIp": "10.0.0.1"},
}


def needs_source_ip(document: dict[str, Any]) -> bool:
    """A stand-in for the evaluator: the request needs its source IP, nothing else matters."""
    return "aws:SourceIp" in document.get("context", {})


def counting(confirm: Any) -> tuple[Any, list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def check(document: dict[str, Any]) -> bool:
        calls.append(document)
        return bool(confirm(document))

    return check, calls


def test_a_later_witness_is_polished_towards_the_earlier_one() -> None:
    confirm, calls = counting(needs_source_ip)
    result = polish(UGLY, confirm, EARLIER)
    assert result["principal"] == EARLIER["principal"] and result["context"] == EARLIER["context"]
    assert (result["action"], result["resource"]) == (UGLY["action"], UGLY["resource"])
    assert result["resource_account"] == "111122223333"  # the resource in the caller's own account
    assert result["resource"] == "arn:aws:s3:::b/x"
    assert len(calls) <= 3
    alone_confirm, alone_calls = counting(needs_source_ip)
    assert polish(UGLY, alone_confirm) == result  # the same request as polishing from scratch
    assert len(alone_calls) > len(calls)


def test_an_earlier_witness_the_evaluator_rejects_here_changes_nothing() -> None:
    """The earlier witness's context lacks what this one needs: the steps run as without it."""

    def needs_region(document: dict[str, Any]) -> bool:
        return document.get("context", {}).get("aws:RequestedRegion") == "eu-west-1"

    result = polish(UGLY, needs_region, EARLIER)
    assert result == polish(UGLY, needs_region)
    assert needs_region(result) and result["context"] == {"aws:RequestedRegion": "eu-west-1"}


def test_like_keeps_the_witness_action_and_resource_only() -> None:
    alike = polish_module._like(UGLY, {**EARLIER, "parent_user": "bob"})
    assert alike == {
        **EARLIER,
        "parent_user": "bob",
        "action": "s3:PutObject",
        "resource": "arn:aws:s3:::b/x",
        "resource_account": "000000000000",
    }
