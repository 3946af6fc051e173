"""Resource and iam:PassRole rules, as tables of (policy, policy type, expected finding codes)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_lint_builder import BUCKET, A, allow, codes, deny, policy

ROWS: list[tuple[str, dict[str, Any], str, list[str]]] = [
    # resources
    ("resource that is not an ARN", policy(allow(Resource="s3:::bucket")), "identity", ["INVALID_ARN_PREFIX"]),
    (
        "API Gateway shorthand in an identity policy",
        policy(allow(Action="execute-api:Invoke", Resource="execute-api:/*")),
        "identity",
        ["INVALID_ARN_PREFIX"],
    ),
    (
        "API Gateway shorthand in a resource policy",
        policy(allow(Principal="*", Action="execute-api:Invoke", Resource="execute-api:/*")),
        "resource",
        [],
    ),
    ("ARN with too few fields", policy(allow(Resource="arn:aws:s3:bucket")), "identity", ["MISSING_ARN_FIELD"]),
    ("short ARN ending in a wildcard", policy(allow(Action="waf:GetRule", Resource="arn:aws:waf:*")), "identity", []),
    ("unknown partition", policy(allow(Resource="arn:awz:s3:::b/*")), "identity", ["INVALID_PARTITION"]),
    (
        "wildcard in the ARN service",
        policy(allow(Resource="arn:aws:s*:::b/*")),
        "identity",
        ["WILDCARD_IN_ARN_SERVICE"],
    ),
    ("upper-case ARN service", policy(allow(Resource="arn:aws:S3:::b/*")), "identity", ["INVALID_ARN_SERVICE_CASE"]),
    ("unknown ARN service", policy(allow(Resource="arn:aws:nosuchservice:::b")), "identity", ["UNKNOWN_ARN_SERVICE"]),
    (
        "wildcard inside a resource-type word",
        policy(allow(Action="iam:GetUser", Resource=f"arn:aws:iam::{A}:u*")),
        "identity",
        ["WILDCARD_IN_RESOURCE_TYPE"],
    ),
    (
        "resource-type word written out",
        policy(allow(Action="iam:GetUser", Resource=f"arn:aws:iam::{A}:user/*")),
        "identity",
        [],
    ),
    (
        "region in an IAM ARN",
        policy(allow(Action="iam:GetRole", Resource=f"arn:aws:iam:us-east-1:{A}:role/r")),
        "identity",
        ["ARN_MATCHES_NO_RESOURCE_TYPE"],
    ),
    (
        "missing resource-type word",
        policy(allow(Action="secretsmanager:GetSecretValue", Resource=f"arn:aws:secretsmanager:*:{A}:db-*")),
        "identity",
        ["ARN_MATCHES_NO_RESOURCE_TYPE"],
    ),
    (
        "malformed region",
        policy(allow(Action="ec2:StartInstances", Resource=f"arn:aws:ec2:useast1:{A}:instance/*")),
        "identity",
        ["INVALID_ARN_REGION"],
    ),
    (
        "malformed account",
        policy(allow(Action="ec2:StartInstances", Resource="arn:aws:ec2:us-east-1:1234:instance/*")),
        "identity",
        ["INVALID_ARN_ACCOUNT"],
    ),
    (
        "AWS-owned account field",
        policy(allow(Action="iam:GetPolicy", Resource="arn:aws:iam::aws:policy/ReadOnlyAccess")),
        "identity",
        [],
    ),
    (
        "resource covered by another",
        policy(allow(Resource=[f"{BUCKET}/*", f"{BUCKET}/logs/*"])),
        "identity",
        ["REDUNDANT_RESOURCE"],
    ),
]


@pytest.mark.parametrize(
    ("document", "policy_type", "expected"),
    [pytest.param(document, kind, expected, id=name) for name, document, kind, expected in ROWS],
)
def test_rule(document: dict[str, Any], policy_type: str, expected: list[str]) -> None:
    assert codes(document, policy_type) == expected


PASS_ROLE_ROWS: list[tuple[str | list[str], str, bool]] = [
    ("iam:PassRole", "*", True),
    ("iam:Pass*", "*", True),
    ("iam:*", "*", True),
    ("*", "*", True),
    ("iam:PassRole", f"arn:aws:iam::{A}:role/*", True),
    ("iam:PassRole", "arn:aws:iam::*:role/*", True),
    ("iam:PassRole", f"arn:aws:iam::{A}:*", True),
    ("iam:PassRole", f"arn:aws:iam::{A}:role/app-*", False),
    ("iam:PassRole", f"arn:aws:iam::{A}:role/service-role/app", False),
    ("iam:GetRole", "*", False),
    (["iam:GetRole", "iam:PassRole"], f"arn:aws:iam::{A}:user/*", False),
]


@pytest.mark.parametrize(("actions", "resource", "expected"), PASS_ROLE_ROWS)
def test_pass_role_on_every_role(actions: str | list[str], resource: str, expected: bool) -> None:
    found = codes(policy(allow(Action=actions, Resource=resource)))
    assert ("PASS_ROLE_WITH_STAR_IN_RESOURCE" in found) is expected


@pytest.mark.parametrize(
    ("effect", "not_resource", "expected"),
    [
        (allow, f"arn:aws:iam::{A}:role/admin", ["ALLOW_WITH_NOT_RESOURCE", "PASS_ROLE_WITH_NOT_RESOURCE"]),
        (allow, "arn:aws:iam::*:role/*", ["ALLOW_WITH_NOT_RESOURCE"]),
        (deny, f"arn:aws:iam::{A}:role/admin", []),
    ],
)
def test_pass_role_with_not_resource(effect: Any, not_resource: str, expected: list[str]) -> None:
    document = policy(effect(Action="iam:PassRole", Resource=None, NotResource=not_resource))
    assert codes(document) == expected
