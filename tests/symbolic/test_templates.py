"""Patterns with policy variables (`${aws:username}` inside a resource or a condition value): the prefix /
suffix encoding of `smt/templates.py` agrees with the concrete evaluator, and decides what a regular
expression over variables could not."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from iamproof.evaluate.decision import Decision, PolicyKind, PolicySet, evaluate
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.can import check_can
from iamproof.query.relations import Relation, check_equivalent
from iamproof.query.session import request_from_document
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from tests.symbolic.test_differential import pinned

PATTERNS = [
    "arn:aws:s3:::b/${aws:username}/*",  # prefix with the variable, then a wildcard
    "arn:aws:s3:::b/*/${aws:username}",  # a wildcard, then a suffix with the variable
    "arn:aws:s3:::b/${aws:username}",  # no wildcard at all
    "arn:aws:iam::*:user/${aws:username}",  # a wildcard in the account component
    "arn:aws:s3:::${aws:username}-?/x*",  # the variable first in the resource part, `?` after it
    "arn:aws:s3:::b/a*${aws:username}*z",  # the variable between two wildcards: regular expression
    "arn:aws:s3:::${aws:username}:x",  # a value with a colon would stay in the resource part
    "arn:aws:iam::${aws:username}:user/x",  # before the fifth colon: the entry matches nothing
    "arn:aws:s3:${aws:username}",  # fewer than five colons: the entry matches nothing
]
RESOURCES = [
    "arn:aws:s3:::b/alice/report.txt",
    "arn:aws:s3:::b/alice",
    "arn:aws:s3:::b/x/y/alice",
    "arn:aws:s3:::b/bob/alice/",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:s3:::alice-1/x",
    "arn:aws:s3:::alice-12/x",
    "arn:aws:s3:::b/aqalicez",
    "arn:aws:s3:::b/alicez",
    "arn:aws:s3:::alice:x",
    "arn:aws:iam::alice:user/x",
    "arn:aws:s3:alice",
]
USERS = ["alice", "bob"]


def _document(resource: str, user: str) -> dict[str, Any]:
    return {
        "principal": f"arn:aws:iam::111122223333:user/{user}",
        "action": "s3:GetObject",
        "resource": resource,
        "resource_account": "111122223333",
    }


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pinned_can_agrees_with_eval(pattern: str) -> None:
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": pattern}]}
    )
    policies = PolicySet(identity=(parse_policy_text(text, "<policy>"),))
    for resource, user in itertools.product(RESOURCES, USERS):
        document = _document(resource, user)
        expected = evaluate(policies, request_from_document(document)).decision is Decision.ALLOW
        result = check_can(policies, pinned(document), timeout=30)
        assert result.verdict is not Verdict.UNKNOWN, result.reason
        assert (result.verdict is Verdict.SAT) == expected, (pattern, resource, user)


def _subject(label: str, statements: list[dict[str, Any]]) -> Subject:
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return Subject(label, policy=parse_policy_text(text, label), kind=PolicyKind.IDENTITY)


def test_regrouped_resources_with_a_variable_are_equivalent() -> None:
    """Found by the metamorphic test (split-resources): unknown after 10 s while `${aws:username}` was a
    regular expression over a variable; equivalent at once now."""
    resources = [
        "arn:aws:execute-api:us-east-1:*:a1b2c3/*/GET/*",
        "arn:aws:s3:::bucket/*",
        "arn:aws:s3:::bucket/${aws:username}/*",
    ]
    not_action = ["S3:getobject", "ec2:Describe*"]
    grouped = _subject("a", [{"Effect": "Allow", "NotAction": not_action, "Resource": resources}])
    split = _subject("b", [{"Effect": "Allow", "NotAction": not_action, "Resource": [r]} for r in resources])
    result = check_equivalent(grouped, split, timeout=10)
    assert result.relation is Relation.EQUIVALENT, result.reason


def test_a_variable_prefix_gives_a_confirmed_witness() -> None:
    """Free principal and resource: the witness's resource sits under the witness user's own prefix."""
    old = _subject("old", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/shared/*"}])
    new = _subject(
        "new",
        [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/shared/*"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"},
        ],
    )
    result = check_equivalent(old, new, timeout=30)
    assert result.relation is Relation.LESS
    assert result.only_b is not None
    request = result.only_b.request
    assert request.principal.name is not None
    assert request.resource.startswith(f"arn:aws:s3:::b/home/{request.principal.name}/")
