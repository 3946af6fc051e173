"""check_no_new_access returns up to max_witnesses distinct requests even when the policies' patterns leave
only one class of new actions (`s3:*` against `s3:GetObject`): the other witnesses are real catalogue actions
of that class, each confirmed by the concrete evaluator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iamproof.catalogue import action_exists
from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import relations
from iamproof.query.relations import check_no_new_access
from iamproof.query.session import Session, request_from_document
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    text = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return Subject(label, policy=parse_policy_text(text, label), kind=PolicyKind.IDENTITY)


def test_one_class_of_new_actions_still_gives_five_distinct_witnesses() -> None:
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    new = subject("new", {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})
    result = check_no_new_access(old, new, max_witnesses=5)
    assert result.verdict is Verdict.SAT
    actions = [w.request.action for w in result.witnesses]
    assert len(actions) == 5 and len({a.lower() for a in actions}) == 5
    for witness in result.witnesses:
        service, _, name = witness.request.action.partition(":")
        assert service == "s3" and action_exists(service, name)
        assert new.allows(witness.request, DEFAULT_SEMANTICS) and not old.allows(witness.request, DEFAULT_SEMANTICS)
        assert witness.request == request_from_document(witness.document)  # the request is what the output says
    assert "s3:GetObject" not in actions


def test_a_sibling_of_a_kms_witness_keeps_its_aws_managed_key_and_context() -> None:
    old = subject("old", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    new = subject(
        "new",
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "v"}}},
    )
    result = check_no_new_access(old, new, max_witnesses=5)
    assert len(result.witnesses) == 5
    for witness in result.witnesses:
        assert witness.request == request_from_document(witness.document)
        assert witness.request.lookup("aws:SourceVpc") == ("v",)


def test_siblings_respect_a_deny_carve_out() -> None:
    """Every sibling is checked against both policies: the Deny's actions never appear."""
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    new = subject(
        "new",
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["s3:A*", "s3:B*", "s3:C*"], "Resource": "*"},
    )
    result = check_no_new_access(old, new, max_witnesses=5)
    assert len(result.witnesses) == 5
    assert all(not w.request.action.split(":")[1].startswith(("A", "B", "C")) for w in result.witnesses)


def test_no_sibling_when_only_one_action_is_new() -> None:
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    new = subject("new", {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"})
    result = check_no_new_access(old, new, max_witnesses=5)
    assert {w.request.action for w in result.witnesses} == {"s3:PutObject"}  # other resources, no other action


def test_witnesses_after_the_first_share_a_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time for further solver witnesses, the diff answers with its first one (and catalogue
    siblings) instead of searching on; with the default budget the solver finds the other services too."""
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    new = subject(
        "new", {"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage", "sns:Publish"], "Resource": "*"}
    )
    full = check_no_new_access(old, new, max_witnesses=5, timeout=30)
    assert {w.request.action.partition(":")[0] for w in full.witnesses} == {"sqs", "sns"}
    monkeypatch.setattr(relations, "MORE_WITNESSES_MIN_SECONDS", 0.0)
    monkeypatch.setattr(relations, "MORE_WITNESSES_FACTOR", 0.0)
    calls: list[int] = []
    solve = Session.solve

    def counted(self: Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(Session, "solve", counted)
    cut = check_no_new_access(old, new, max_witnesses=5, timeout=30)
    assert cut.verdict is Verdict.SAT
    assert len(calls) == 1
    assert len({w.request.action.partition(":")[0] for w in cut.witnesses}) == 1


def test_witnesses_stay_distinct_when_polish_writes_star() -> None:
    """An action without resource types is polished to the resource `*`; two witnesses of that action in
    different resource cells must not become the same request."""
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    new = subject(
        "new",
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": ["*", "arn:aws:s3:::b", "arn:aws:s3:::c*"]},
    )
    result = check_no_new_access(old, new, max_witnesses=5)
    assert result.verdict is Verdict.SAT
    pairs = [(w.request.action.lower(), w.request.resource) for w in result.witnesses]
    assert len(pairs) == len(set(pairs))
    assert ("s3:listallmybuckets", "*") in pairs


def test_siblings_ask_the_evaluator_only_about_actions_of_the_witness_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """The policies' action patterns decide a catalogue action's class: actions the Deny names (another
    class) are never evaluated as siblings."""
    old = subject("old", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    new = subject(
        "new",
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["s3:A*", "s3:B*", "s3:C*"], "Resource": "*"},
    )
    pair = relations._Pair(old, new, DEFAULT_SEMANTICS, 30.0)
    in_class = pair.session.same_action_class("s3:PutObject")
    assert in_class("s3:DeleteObject") and in_class("s3:putobject")
    assert not in_class("s3:AbortMultipartUpload") and not in_class("s3:GetObject")
    asked: list[str] = []
    allows = Subject.allows

    def recording(self: Subject, request: Any, semantics: Any) -> bool:
        asked.append(request.action)
        return allows(self, request, semantics)

    monkeypatch.setattr(Subject, "allows", recording)
    result = check_no_new_access(old, new, max_witnesses=5)
    assert len(result.witnesses) == 5
    assert not [a for a in asked if a.split(":")[1].startswith(("A", "B", "C"))]
