"""Action, resource and principal matching (iam-semantics.md §2), NotAction/NotResource (§2.3)."""

from __future__ import annotations

from typing import Any

import pytest

from iamproof.evaluate.matching import PrincipalMatch, not_principal_exempts, principal_match
from iamproof.evaluate.request import parse_principal
from iamproof.evaluate.semantics import AwsStar, Semantics
from iamproof.parsing.documents import parse_policy_text
from iamproof.span import Span
from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    IMPLICIT,
    A,
    B,
    C,
    allow,
    case,
    decide,
    deny,
    federated,
    identity_case,
    policy,
    role,
    root,
    service,
    session,
    user,
)

# --- §2.1 actions -----------------------------------------------------------------------------------

ACTIONS = [
    ("s3:GetObject", "s3:getobject", True),
    ("S3:GETOBJECT", "s3:GetObject", True),
    ("IAM:listaccesskeys", "iam:ListAccessKeys", True),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:?GetObject", "s3:GetObject", False),
    ("s3:Get?bject", "s3:GetObject", True),
    ("s3:GetObjec?", "s3:GetObjectAcl", False),
    ("*", "ec2:RunInstances", True),
    ("s3:*", "s3x:GetObject", False),
    ("s3:*", "s3:GetObject", True),
    ("*:Get*", "ec2:GetConsoleOutput", True),
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("lambda:InvokeFunction", "lambda:Invoke", False),
    ("s3:GetObject", "s3:GetObjectAcl", False),
]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"), [pytest.param(p, a, e, id=f"{p}-vs-{a}") for p, a, e in ACTIONS]
)
def test_action_matching(pattern: str, action: str, expected: bool) -> None:
    assert (decide(identity_case([allow(pattern)], action)) == ALLOW) is expected
    # NotAction is the complement
    assert (decide(identity_case([allow(NotAction=pattern)], action)) == ALLOW) is not expected


# --- §2.2 resources ---------------------------------------------------------------------------------

FN = f"arn:aws:lambda:us-east-1:{A}:function"
RESOURCES = [
    # rule 2: `*` crosses `/` within a segment, but literal text must still appear
    ("arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/1/2/test/3/x.jpg", True),
    ("arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B//test/x.jpg", True),
    ("arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/1/test/", True),
    ("arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/test/x.jpg", False),
    ("arn:aws:s3:::B/*/test/*", "arn:aws:s3:::B/1/2/test.jpg", False),
    # rule 3 and the Lambda qualifier table of §2.5
    (f"{FN}:f", f"{FN}:f", True),
    (f"{FN}:f", f"{FN}:f:1", False),
    (f"{FN}:f:*", f"{FN}:f", False),
    (f"{FN}:f:*", f"{FN}:f:1", True),
    (f"{FN}:f:*", f"{FN}:f:PROD", True),
    (f"{FN}:f*", f"{FN}:f", True),
    (f"{FN}:f*", f"{FN}:f:1", True),
    (f"{FN}:f*", f"{FN}:g", False),
    (f"{FN}:f:$LATEST", f"{FN}:f:$LATEST", True),
    (f"{FN}:f:$LATEST", f"{FN}:f:1", False),
    # rule 4 [AMBIG]: per-segment matching; `*` or `?` in region/account does not cross `:`
    (f"arn:aws:sqs:*:{A}:q", f"arn:aws:sqs:us-east-1:{A}:q", True),
    (f"arn:aws:sqs:us-*:{A}:q", f"arn:aws:sqs:eu-west-1:{A}:q", False),
    # a whole-string glob would let the region `*` absorb "us-east-1:111122223333:x"
    (f"arn:aws:sqs:*:{A}:q", f"arn:aws:sqs:us-east-1:{A}:x:{A}:q", False),
    ("arn:aws:sqs:us-east-1:1111222?3333:q", f"arn:aws:sqs:us-east-1:{A}:q", True),
    ("arn:aws:sqs:us-east-1:*:q", f"arn:aws:sqs:us-east-1:{A}:q", True),
    ("arn:aws:s3:*::bkt", "arn:aws:s3:::bkt", True),
    ("arn:aws:s3:::bkt", "arn:aws:s3:us-east-1::bkt", False),
    ("arn:*:s3:::bkt", "arn:aws-cn:s3:::bkt", True),
    ("arn:aws:execute-api:us-east-1:*:*", f"arn:aws:execute-api:us-east-1:{A}:api/prod/GET/pets", True),
    ("arn:aws:execute-api:us-east-1:*:*", f"arn:aws:execute-api:us-west-2:{A}:api/prod/GET/pets", False),
    ("arn:aws:apigateway:us-east-1::/restapis/*", "arn:aws:apigateway:us-east-1::/restapis/a/stages/p", True),
    # README choice 3: an entry with fewer than five colons is one whole-string glob (`*` crosses `:`)
    ("arn:aws:s3:*", "arn:aws:s3:::bkt/k", True),
    ("arn:aws:iam::*", f"arn:aws:iam::{A}:role/r", True),
    ("arn:aws:iam::*", "arn:aws:s3:::bkt", False),
    # README choice 26: a wildcard in the service segment (forbidden by rule 1; validate: ERROR) is a wildcard
    ("arn:aws:s*:::bkt/*", "arn:aws:s3:::bkt/k", True),
    ("arn:aws:s?:::bkt/*", "arn:aws:s3:::bkt/k", True),
    # rule 7 [AMBIG]: the Resource element is case-sensitive
    ("arn:aws:s3:::Bkt/*", "arn:aws:s3:::bkt/x", False),
    # §2.5 IAM paths
    (f"arn:aws:iam::{A}:user/*", f"arn:aws:iam::{A}:user/JohnDoe", True),
    (f"arn:aws:iam::{A}:user/*", f"arn:aws:iam::{A}:user/div/sub/JaneDoe", True),
    (f"arn:aws:iam::{A}:user/division_abc*", f"arn:aws:iam::{A}:user/division_abc/sub/JaneDoe", True),
    (f"arn:aws:iam::{A}:user/division_abc*", f"arn:aws:iam::{A}:user/JohnDoe", False),
    # "*" matches everything, including resources that are not ARNs
    ("*", "*", True),
    ("*", "arn:aws:s3:::bkt", True),
    ("*", "not-an-arn", True),
    ("arn:aws:s3:::*", "*", False),
    ("arn:*:*:*:*:*", "*", False),
]


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"), [pytest.param(p, r, e, id=f"{p}-vs-{r}") for p, r, e in RESOURCES]
)
def test_resource_matching(pattern: str, resource: str, expected: bool) -> None:
    assert (decide(identity_case([allow("*", pattern)], "s3:GetObject", resource)) == ALLOW) is expected
    # NotResource is the complement
    assert (decide(identity_case([allow("*", NotResource=pattern)], "s3:GetObject", resource)) == ALLOW) is (
        not expected
    )


@pytest.mark.parametrize(
    ("statements", "action", "resource", "expected"),
    [
        # #7 / rule 6: actions without resource-level permissions are requested on "*"
        pytest.param([allow("s3:ListAllMyBuckets", "*")], "s3:ListAllMyBuckets", "*", ALLOW, id="list-buckets-star"),
        pytest.param(
            [allow(NotAction="s3:DeleteBucket", resource="arn:aws:s3:::*")],
            "s3:ListAllMyBuckets",
            "*",
            IMPLICIT,
            id="ex07-arn-does-not-cover-star",
        ),
        pytest.param(
            [allow("ec2:Describe*", "arn:aws:ec2:*:*:*")],
            "ec2:DescribeInstances",
            "*",
            IMPLICIT,
            id="wildcard-arn-does-not-cover-star",
        ),
        # §2.3 NotAction with Allow: every other action, every service, limited to the statement's resources
        pytest.param(
            [allow(NotAction="iam:*", resource="arn:aws:s3:::bkt/*")],
            "s3:GetObject",
            "arn:aws:s3:::bkt/x",
            ALLOW,
            id="notaction-allow-other-service",
        ),
        pytest.param(
            [allow(NotAction="iam:*", resource="arn:aws:s3:::bkt/*")],
            "ec2:RunInstances",
            "*",
            IMPLICIT,
            id="notaction-allow-limited-to-resources",
        ),
        pytest.param(
            [allow(NotAction=["iam:*", "s3:Delete*"])],
            "s3:DeleteObject",
            "arn:aws:s3:::b/k",
            IMPLICIT,
            id="notaction-list-excludes-each",
        ),
        # NotAction with Deny denies the rest and never grants
        pytest.param(
            [deny(NotAction="iam:*")], "iam:CreateUser", user("x"), IMPLICIT, id="notaction-deny-grants-nothing"
        ),
        pytest.param(
            [allow("*"), deny(NotAction="iam:*")],
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            EXPLICIT,
            id="notaction-deny-denies-rest",
        ),
        pytest.param(
            [allow("*"), deny(NotAction="iam:*")], "iam:CreateUser", user("x"), ALLOW, id="notaction-deny-spares-listed"
        ),
        # NotResource only affects resources the statement's actions apply to
        pytest.param(
            [allow("*"), deny("s3:*", NotResource="arn:aws:s3:::bkt/*")],
            "ec2:RunInstances",
            "*",
            ALLOW,
            id="notresource-deny-ec2-untouched",
        ),
        pytest.param(
            [allow("*"), deny("s3:*", NotResource="arn:aws:s3:::bkt/*")],
            "s3:GetObject",
            "arn:aws:s3:::other/x",
            EXPLICIT,
            id="notresource-deny-other-bucket",
        ),
        pytest.param(
            [allow("*"), deny("s3:*", NotResource="arn:aws:s3:::bkt/*")],
            "s3:GetObject",
            "arn:aws:s3:::bkt/x",
            ALLOW,
            id="notresource-deny-spares-listed",
        ),
        pytest.param(
            [allow("*"), deny("s3:*", NotResource="arn:aws:s3:::bkt/*")],
            "s3:ListAllMyBuckets",
            "*",
            EXPLICIT,
            id="notresource-deny-covers-star-resource",
        ),
        # Allow + Action:* + NotResource: everything else, including IAM (the self-escalation risk)
        pytest.param(
            [allow("*", NotResource="arn:aws:s3:::HR/*")],
            "s3:GetObject",
            "arn:aws:s3:::HR/x",
            IMPLICIT,
            id="notresource-allow-excludes-listed",
        ),
        pytest.param(
            [allow("*", NotResource="arn:aws:s3:::HR/*")],
            "iam:PutUserPolicy",
            user(),
            ALLOW,
            id="notresource-allow-self-escalation",
        ),
        pytest.param(
            [allow(NotAction="s3:*", NotResource="arn:aws:s3:::HR/*")],
            "ec2:RunInstances",
            "*",
            ALLOW,
            id="notaction-and-notresource",
        ),
        pytest.param(
            [allow(NotAction="s3:*", NotResource="arn:aws:s3:::HR/*")],
            "s3:GetObject",
            "arn:aws:s3:::x/y",
            IMPLICIT,
            id="notaction-and-notresource-excluded-action",
        ),
    ],
)
def test_statement_elements(statements: list[dict[str, Any]], action: str, resource: str, expected: str) -> None:
    assert decide(identity_case(statements, action, resource)) == expected


# --- §2.2 / §2.5: API Gateway's `execute-api:/...` shorthand in an API's resource policy --------------

API = f"arn:aws:execute-api:us-east-1:{A}:api1"


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        pytest.param("execute-api:/*", f"{API}/prod/GET/pets", ALLOW, id="whole-api"),
        pytest.param("execute-api:/prod/GET/pets", f"{API}/prod/GET/pets", ALLOW, id="one-method"),
        pytest.param("execute-api:/prod/GET/pets", f"{API}/prod/POST/pets", IMPLICIT, id="other-verb"),
        pytest.param("execute-api:/*/GET/*", f"{API}/test/GET/pets/a1", ALLOW, id="any-stage"),
        pytest.param("execute-api:/*", f"arn:aws:lambda:us-east-1:{A}:function:f", IMPLICIT, id="not-an-api"),
    ],
)
def test_execute_api_shorthand_in_resource_policy(pattern: str, resource: str, expected: str) -> None:
    api_policy = policy(allow("*", pattern, Principal="*"))
    assert decide(case({"resource": api_policy}, user(), "execute-api:Invoke", resource)) == expected


def test_execute_api_shorthand_is_not_expanded_in_identity_policies() -> None:
    document = identity_case(
        [allow("execute-api:Invoke", "execute-api:/*")], "execute-api:Invoke", f"{API}/prod/GET/pets"
    )
    assert decide(document) == IMPLICIT


# --- §2.4 principal matching -------------------------------------------------------------------------

AUTH = Semantics(aws_star=AwsStar.AUTHENTICATED)
EVERY = Semantics(aws_star=AwsStar.EVERYONE)
M = PrincipalMatch
ANON = "anonymous"
APIGW = service("apigateway.amazonaws.com")

PRINCIPALS = [
    # (Principal element, request principal, match with --aws-star everyone, match with authenticated)
    ({"AWS": A}, user(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": A}, root(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": A}, session(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": A}, federated(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": A}, user("u", B), M.NONE, M.NONE),
    ({"AWS": A}, ANON, M.NONE, M.NONE),
    ({"AWS": root()}, user(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": root()}, session(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": root(B)}, user(), M.NONE, M.NONE),
    ({"AWS": user()}, user(), M.EXACT, M.EXACT),
    ({"AWS": user()}, user("u", path="div/"), M.NONE, M.NONE),
    ({"AWS": user("u", path="div/")}, user("u", path="div/"), M.EXACT, M.EXACT),
    ({"AWS": user("U")}, user("u"), M.NONE, M.NONE),
    ({"AWS": user()}, user("u", B), M.NONE, M.NONE),
    ({"AWS": role("R")}, session("R", "s1"), M.ROLE, M.ROLE),
    ({"AWS": role("R", path="team/")}, session("R", "s1"), M.ROLE, M.ROLE),
    ({"AWS": role("R2")}, session("R", "s1"), M.NONE, M.NONE),
    ({"AWS": role("R", B)}, session("R", "s1"), M.NONE, M.NONE),
    ({"AWS": role("R")}, user("R"), M.NONE, M.NONE),
    ({"AWS": session("R", "s1")}, session("R", "s1"), M.EXACT, M.EXACT),
    ({"AWS": session("R", "s1")}, session("R", "s2"), M.NONE, M.NONE),
    ({"AWS": federated()}, federated(), M.EXACT, M.EXACT),
    ({"AWS": "AIDAJQABLZS4A3QDU576Q"}, user(), M.NONE, M.NONE),
    ({"Service": "apigateway.amazonaws.com"}, APIGW, M.SERVICE, M.SERVICE),
    ({"Service": ["s3.amazonaws.com", "apigateway.amazonaws.com"]}, APIGW, M.SERVICE, M.SERVICE),
    ({"Service": "lambda.amazonaws.com"}, APIGW, M.NONE, M.NONE),
    ({"Service": "apigateway.amazonaws.com"}, user(), M.NONE, M.NONE),
    ({"AWS": A}, APIGW, M.NONE, M.NONE),
    (
        {"Federated": "cognito-identity.amazonaws.com"},
        {"Federated": "cognito-identity.amazonaws.com"},
        M.FEDERATED,
        M.FEDERATED,
    ),
    (
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"},
        M.CANONICAL,
        M.CANONICAL,
    ),
    ("*", user("x", C), M.EVERYONE, M.EVERYONE),
    ("*", ANON, M.EVERYONE, M.EVERYONE),
    ("*", APIGW, M.EVERYONE, M.EVERYONE),
    ({"AWS": "*"}, user("x", C), M.EVERYONE, M.EVERYONE),
    ({"AWS": "*"}, session("R", "s", C), M.EVERYONE, M.EVERYONE),
    ({"AWS": "*"}, ANON, M.EVERYONE, M.NONE),
    ({"AWS": "*"}, APIGW, M.EVERYONE, M.NONE),
    ({"AWS": [user("x"), A]}, user(), M.ACCOUNT, M.ACCOUNT),
    ({"AWS": [A, session()]}, session(), M.EXACT, M.EXACT),
]


def _block(element: Any, *, negated: bool = False) -> Any:
    import json

    key = "NotPrincipal" if negated else "Principal"
    effect = "Deny" if negated else "Allow"
    text = json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": effect, key: element, "Action": "*", "Resource": "*"}}
    )
    block = parse_policy_text(text).statements[0].principal
    assert block is not None
    return block


def _principal(value: Any) -> Any:
    return parse_principal(value, Span.whole_file("<test>"))


@pytest.mark.parametrize(
    ("element", "caller", "everyone", "authenticated"),
    [pytest.param(e, c, m1, m2, id=f"{e}-vs-{c}") for e, c, m1, m2 in PRINCIPALS],
)
def test_principal_match(element: Any, caller: Any, everyone: PrincipalMatch, authenticated: PrincipalMatch) -> None:
    block = _block(element)
    assert principal_match(block, _principal(caller), EVERY) is everyone
    assert principal_match(block, _principal(caller), AUTH) is authenticated


NOT_PRINCIPALS = [
    # (NotPrincipal element, caller, exempt?)  [AMBIG §4.3]: every level of the hierarchy must be listed
    ({"AWS": user("Bob", B)}, user("Bob", B), False),
    ({"AWS": [user("Bob", B), root(B)]}, user("Bob", B), True),
    ({"AWS": [user("Bob", B), B]}, user("Bob", B), True),
    ({"AWS": root(B)}, user("Bob", B), False),
    ({"AWS": root(B)}, root(B), True),
    ({"AWS": [user("Bob", B), root(B)]}, user("Alice", B), False),
    ({"AWS": [session("R", "s1"), role("R"), root()]}, session("R", "s1"), True),
    ({"AWS": [session("R", "s1"), root()]}, session("R", "s1"), False),
    ({"AWS": [role("R"), root()]}, session("R", "s1"), False),
    ({"AWS": [session("R", "s1"), role("R"), root()]}, session("R", "s2"), False),
    ({"AWS": [federated("f"), root()]}, federated("f"), True),
    ({"Service": "apigateway.amazonaws.com"}, APIGW, True),
    ({"Service": "lambda.amazonaws.com"}, APIGW, False),
    ({"AWS": [root(), user()]}, ANON, False),
    ("*", ANON, True),
    ("*", user(), True),
    ({"AWS": "*"}, user(), True),
]


@pytest.mark.parametrize(
    ("element", "caller", "exempt"),
    [pytest.param(e, c, x, id=f"{e}-vs-{c}") for e, c, x in NOT_PRINCIPALS],
)
def test_not_principal_hierarchy(element: Any, caller: Any, exempt: bool) -> None:
    assert not_principal_exempts(_block(element, negated=True), _principal(caller), EVERY) is exempt


@pytest.mark.parametrize(
    ("principal_element", "caller", "semantics", "expected"),
    [
        # decisions: a resource policy granting s3:GetObject on a bucket in A; callers have no identity policy
        pytest.param({"AWS": "*"}, ANON, EVERY, ALLOW, id="aws-star-everyone-admits-anonymous"),
        pytest.param({"AWS": "*"}, ANON, AUTH, IMPLICIT, id="aws-star-authenticated-rejects-anonymous"),
        pytest.param({"AWS": "*"}, APIGW, AUTH, IMPLICIT, id="aws-star-authenticated-rejects-service"),
        pytest.param("*", ANON, AUTH, ALLOW, id="bare-star-always-admits-anonymous"),
        pytest.param({"AWS": "*"}, user(), AUTH, ALLOW, id="aws-star-same-account-user"),
        pytest.param({"AWS": A}, ANON, EVERY, IMPLICIT, id="account-never-admits-anonymous"),
        pytest.param({"Service": "apigateway.amazonaws.com"}, APIGW, EVERY, ALLOW, id="service-by-name"),
    ],
)
def test_principal_forms_in_decisions(principal_element: Any, caller: Any, semantics: Semantics, expected: str) -> None:
    resource_policy = policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal=principal_element))
    document = case({"resource": resource_policy}, caller, "s3:GetObject", "arn:aws:s3:::bkt/k", resource_account=A)
    assert decide(document, semantics) == expected
