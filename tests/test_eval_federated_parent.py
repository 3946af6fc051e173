"""§4.1 step 4 / §4.2: a resource-based policy that names the IAM user behind a federated-user session
(`parent_user` in the request) grants like one naming a role ARN: no identity allow is needed, but the
session policy (which a federated session always needs) and a boundary still limit it. The symbolic
engine agrees on each row (`can` with the request pinned)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from iamproof.errors import InputError
from iamproof.evaluate.case_file import load_case
from iamproof.query.can import check_can
from iamproof.query.solver import Verdict
from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    IMPLICIT,
    A,
    B,
    allow,
    case,
    decide,
    deny,
    federated,
    policy,
    user,
    write_case,
)
from tests.symbolic.test_differential import pinned

BUCKET = "arn:aws:s3:::bkt/key"
FED = federated("fed")
BOB = user("bob")
NAMES_BOB = policy(allow("s3:GetObject", BUCKET, Principal={"AWS": BOB}))
SESSION_ALL = policy(allow("s3:*", "*"))


def _case(policies: dict[str, Any], parent: str | None = BOB, principal: str = FED) -> dict[str, Any]:
    document = case(policies, principal, "s3:GetObject", BUCKET, resource_account=A)
    if parent is not None:
        document["request"]["parent_user"] = parent
    return document


ROWS = [
    pytest.param({"resource": NAMES_BOB, "session": SESSION_ALL}, BOB, ALLOW, id="parent-named-session-allows"),
    pytest.param({"resource": NAMES_BOB}, BOB, IMPLICIT, id="parent-named-no-session-policy"),
    pytest.param(
        {"resource": NAMES_BOB, "session": policy(allow("s3:PutObject", "*"))},
        BOB,
        IMPLICIT,
        id="parent-named-session-policy-silent",
    ),
    pytest.param(
        {"resource": NAMES_BOB, "session": SESSION_ALL, "boundary": policy(allow("ec2:*", "*"))},
        BOB,
        IMPLICIT,
        id="parent-named-boundary-silent",
    ),
    pytest.param(
        {"resource": NAMES_BOB, "session": SESSION_ALL, "identity": [policy(deny("s3:*", "*"))]},
        BOB,
        EXPLICIT,
        id="parent-named-explicit-deny-wins",
    ),
    pytest.param({"resource": NAMES_BOB, "session": SESSION_ALL}, None, IMPLICIT, id="no-parent-given"),
    pytest.param({"resource": NAMES_BOB, "session": SESSION_ALL}, user("alice"), IMPLICIT, id="another-parent"),
    pytest.param(
        {"resource": policy(allow("s3:GetObject", BUCKET, Principal={"AWS": FED}))},
        BOB,
        ALLOW,
        id="session-arn-named-needs-no-session-policy",
    ),
]


@pytest.mark.parametrize(("policies", "parent", "expected"), ROWS)
def test_resource_policy_naming_the_parent_user(policies: dict[str, Any], parent: str | None, expected: str) -> None:
    document = _case(policies, parent)
    assert decide(document) == expected
    with tempfile.TemporaryDirectory() as directory:
        loaded = load_case(write_case(document, Path(directory)))
    result = check_can(loaded.policies, pinned(document["request"]), timeout=60)
    assert result.verdict is (Verdict.SAT if expected == ALLOW else Verdict.UNSAT)


@pytest.mark.parametrize(
    ("principal", "parent", "message"),
    [
        (user("u"), BOB, "only for a federated-user principal"),
        (FED, user("bob", account=B), "own account"),
        (FED, "arn:aws:iam::111122223333:role/r", "must be an IAM user ARN"),
        (FED, 7, "must be an IAM user ARN"),
    ],
)
def test_parent_user_is_checked(principal: str, parent: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decide(_case({"session": SESSION_ALL}, parent, principal))
