"""Hypothesis strategies: random policies of every shape, and random concrete requests over the same names."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

A, B = "111122223333", "444455556666"

REQUEST_PRINCIPALS: list[Any] = [
    f"arn:aws:iam::{A}:user/alice",
    f"arn:aws:iam::{A}:user/div/bob",
    f"arn:aws:sts::{A}:assumed-role/Admin/s1",
    f"arn:aws:sts::{B}:assumed-role/Dev/s2",
    f"arn:aws:iam::{B}:root",
    f"arn:aws:iam::{A}:root",
    f"arn:aws:sts::{A}:federated-user/fed",
    f"arn:aws:iam::{B}:user/carol",
    {"Service": "apigateway.amazonaws.com"},
    {"Federated": "cognito-identity.amazonaws.com"},
    "anonymous",
]
PARENT_USERS = [f"arn:aws:iam::{A}:user/alice", f"arn:aws:iam::{A}:user/div/bob"]
POLICY_PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": A},
    {"AWS": f"arn:aws:iam::{B}:root"},
    {"AWS": f"arn:aws:iam::{A}:user/alice"},
    {"AWS": [f"arn:aws:iam::{A}:user/div/bob", f"arn:aws:iam::{A}:root"]},
    {"AWS": f"arn:aws:iam::{A}:role/path/Admin"},
    {"AWS": f"arn:aws:sts::{A}:assumed-role/Admin/s1"},
    {"AWS": [f"arn:aws:sts::{B}:assumed-role/Dev/s2", f"arn:aws:iam::{B}:role/Dev", B]},
    {"Service": "apigateway.amazonaws.com"},
    {"Service": ["lambda.amazonaws.com", "apigateway.amazonaws.com"]},
    {"Federated": "cognito-identity.amazonaws.com"},
]
REQUEST_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListAllMyBuckets",
    "ec2:DescribeInstances",
    "iam:PassRole",
    "lambda:InvokeFunction",
    "execute-api:Invoke",
    "sqs:SendMessage",
    "sts:AssumeRole",
    "kms:Decrypt",
]
POLICY_ACTIONS = [
    *REQUEST_ACTIONS,
    "s3:Get*",
    "s3:*",
    "*",
    "ec2:Describe*",
    "S3:getobject",
    "s3:?etObject",
    "lambda:Invoke*",
]
REQUEST_RESOURCES = [
    ("arn:aws:s3:::bucket/alice/x", A),
    ("arn:aws:s3:::bucket/test/1/x.jpg", B),
    ("arn:aws:s3:::other", A),
    ("*", None),
    (f"arn:aws:lambda:us-east-1:{A}:function:f", None),
    (f"arn:aws:lambda:us-east-1:{A}:function:f:1", None),
    (f"arn:aws:lambda:us-east-1:{B}:function:g", None),
    (f"arn:aws:execute-api:us-east-1:{A}:a1b2c3/prod/GET/pets", None),
    (f"arn:aws:sqs:us-east-1:{A}:queue", None),
    (f"arn:aws:iam::{A}:role/path/Admin", None),
    (f"arn:aws:kms:us-east-1:{A}:key/1234abcd", None),
    (f"arn:aws:kms:us-east-1:{B}:key/5678", None),
]
POLICY_RESOURCES = [
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:s3:::bucket/*/test/*",
    "arn:aws:s3:::bucket/*lic*",
    "arn:aws:lambda:*:*:function:*g*",
    "arn:aws:s3:::other",
    "arn:aws:lambda:*:*:function:f*",
    f"arn:aws:lambda:us-east-1:{A}:function:f:*",
    f"arn:aws:lambda:us-east-1:{A}:function:f",
    "arn:aws:execute-api:us-east-1:*:a1b2c3/*/GET/*",
    f"arn:aws:sqs:us-east-1:{A}:*",
    "execute-api:/*/GET/*",
    "execute-api:/prod/*",
    f"arn:aws:iam::{A}:role/*",
    "arn:aws:kms:*:*:key/*",
]
CONDITIONS: list[tuple[str, str, list[Any]]] = [
    ("IpAddress", "aws:SourceIp", ["203.0.113.0/24"]),
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8", "2001:db8::/32"]),
    ("Bool", "aws:SecureTransport", ["true"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", [False]),
    ("DateGreaterThan", "aws:CurrentTime", ["2024-01-01T00:00:00Z"]),
    ("DateLessThan", "aws:CurrentTime", ["1735689600"]),
    ("NumericLessThanEquals", "s3:max-keys", [10]),
    ("NumericGreaterThan", "s3:max-keys", ["2.5"]),
    ("StringEquals", "aws:PrincipalTag/team", ["blue", "red"]),
    ("StringNotEquals", "aws:PrincipalTag/team", ["blue"]),
    ("StringLike", "aws:PrincipalTag/Team", ["b*"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["BLUE"]),
    ("StringNotLikeIfExists", "aws:PrincipalTag/team", ["r?d"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"]),
    ("ForAllValues:StringLike", "aws:TagKeys", ["a*"]),
    ("ForAllValues:StringNotLike", "aws:TagKeys", ["key1*"]),
    ("ArnLike", "aws:SourceArn", [f"arn:aws:execute-api:us-east-1:{A}:a1b2c3/*"]),
    ("ArnNotEquals", "aws:SourceArn", ["arn:aws:s3:::bkt"]),
    ("StringLike", "aws:SourceArn", ["arn:aws:*:*:111122223333:*"]),
    ("StringEquals", "aws:SourceAccount", [A]),
    ("StringEquals", "aws:username", ["alice"]),
    ("StringLike", "aws:PrincipalArn", [f"arn:aws:iam::{A}:*"]),
    ("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/Admin"]),
    ("ArnEquals", "aws:PrincipalArn", [f"arn:aws:iam::{A}:root"]),
    ("StringEquals", "aws:PrincipalAccount", [A]),
    ("StringNotEquals", "aws:PrincipalAccount", [A, B]),
    ("StringEquals", "aws:PrincipalType", ["AssumedRole"]),
    ("Bool", "aws:PrincipalIsAWSService", ["true"]),
    ("StringEquals", "aws:PrincipalServiceName", ["apigateway.amazonaws.com"]),
    ("StringEquals", "aws:ResourceAccount", [A]),
    ("Null", "aws:SourceIp", ["true"]),
    ("Null", "aws:TagKeys", ["false"]),
    ("StringEquals", "aws:ResourceTag/owner", ["${aws:username}"]),
    ("StringLike", "aws:ResourceTag/owner", ["team-${aws:PrincipalTag/team, 'none'}"]),
    ("StringNotEquals", "aws:ResourceTag/owner", ["${aws:username}"]),
    ("BinaryEquals", "aws:RequestTag/blob", ["QUJD"]),
    ("StringEquals", "aws:ResourceTag/owner", ["${aws:TagKeys}"]),
    ("StringLike", "aws:ResourceTag/owner", ["${aws:PrincipalServiceNamesList, 'alice'}"]),
]
CONTEXT_VALUES: dict[str, list[Any]] = {
    "aws:SourceIp": ["203.0.113.5", "10.1.2.3", "2001:db8::1", "198.51.100.7"],
    "aws:SecureTransport": [True, False, "true"],
    "aws:MultiFactorAuthPresent": [True, False],
    "aws:CurrentTime": ["2023-06-01T00:00:00Z", "2024-06-01T12:00:00Z", "2026-01-01T00:00:00Z", "1704067200"],
    "s3:max-keys": [1, 10, 11, "2.5", 3],
    "aws:PrincipalTag/team": ["blue", "red", "BLUE", "green", "rod"],
    "aws:TagKeys": [["a"], ["a", "b"], ["key1x"], ["key2", "a"], ["c"]],
    "aws:SourceArn": [
        f"arn:aws:execute-api:us-east-1:{A}:a1b2c3/prod/GET/pets",
        "arn:aws:s3:::bkt",
        "arn:aws:sqs:us-east-1:111122223333:q",
    ],
    "aws:SourceAccount": [A, B],
    "aws:ResourceTag/owner": ["alice", "team-blue", "team-none", "bob"],
    "aws:RequestTag/blob": ["QUJD", "QUJE"],
}


def _condition_block(picks: list[tuple[str, str, list[Any]]]) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for operator, key, values in picks:
        keys = block.setdefault(operator, {})
        if key.lower() not in {k.lower() for k in keys}:
            keys[key] = values if len(values) > 1 else values[0]
    return block


@st.composite
def statements(draw: st.DrawFn, with_principal: bool) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    if with_principal:
        statement["NotPrincipal" if draw(st.integers(0, 9)) == 0 else "Principal"] = draw(
            st.sampled_from(POLICY_PRINCIPALS)
        )
        if "NotPrincipal" in statement and statement["NotPrincipal"] == "*":
            statement["Principal"] = statement.pop("NotPrincipal")
    actions = draw(st.lists(st.sampled_from(POLICY_ACTIONS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(POLICY_RESOURCES), min_size=1, max_size=3))
    statement["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = resources
    picks = draw(st.lists(st.sampled_from(CONDITIONS), max_size=3))
    if picks:
        statement["Condition"] = _condition_block(picks)
    return statement


@st.composite
def policies(draw: st.DrawFn, with_principal: bool = False) -> str:
    version = draw(st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17"]))
    body = {"Version": version, "Statement": draw(st.lists(statements(with_principal), min_size=1, max_size=4))}
    return json.dumps(body)


@st.composite
def policy_sets(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["identity"] = draw(st.lists(policies(), min_size=1, max_size=2))
    if draw(st.booleans()):
        out["resource"] = draw(policies(with_principal=True))
    if draw(st.integers(0, 3)) == 0:
        out["boundary"] = draw(policies())
    if draw(st.integers(0, 4)) == 0:
        out["session"] = draw(policies())
    if draw(st.integers(0, 4)) == 0:
        out["scps"] = draw(st.lists(st.lists(policies(), min_size=1, max_size=2), min_size=1, max_size=2))
    if draw(st.integers(0, 5)) == 0:
        out["rcps"] = draw(st.lists(st.lists(policies(), min_size=1, max_size=1), min_size=1, max_size=2))
    return out


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    resource, account = draw(st.sampled_from(REQUEST_RESOURCES))
    request: dict[str, Any] = {
        "principal": draw(st.sampled_from(REQUEST_PRINCIPALS)),
        "action": draw(st.sampled_from(REQUEST_ACTIONS)),
        "resource": resource,
    }
    if request["principal"] == f"arn:aws:sts::{A}:federated-user/fed" and draw(st.booleans()):
        request["parent_user"] = draw(st.sampled_from(PARENT_USERS))  # §4.1: the IAM user behind the session
    if request["action"].startswith("kms:") and draw(st.booleans()):
        request["aws_managed_key"] = True  # §4.3: RCPs do not apply to it
    if account is not None or resource == "*" or draw(st.booleans()):
        request["resource_account"] = account or draw(st.sampled_from([A, B]))
    keys = draw(st.lists(st.sampled_from(sorted(CONTEXT_VALUES)), max_size=5, unique=True))
    request["context"] = {key: draw(st.sampled_from(CONTEXT_VALUES[key])) for key in keys}
    return request
