"""Condition rules, as a table of (policy, policy type, expected finding codes)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_lint_builder import allow, codes, deny, policy

ROWS: list[tuple[str, dict[str, Any], str, list[str]]] = [
    # conditions
    (
        "Null with IfExists",
        policy(allow(Condition={"NullIfExists": {"aws:TagKeys": "true"}})),
        "identity",
        ["NULL_WITH_IF_EXISTS"],
    ),
    (
        "key without a prefix",
        policy(allow(Condition={"StringEquals": {"SourceVpc": "vpc-1"}})),
        "identity",
        ["INVALID_CONDITION_KEY_FORMAT"],
    ),
    (
        "unknown global key",
        policy(allow(Condition={"IpAddress": {"aws:SourceIpp": "10.0.0.0/8"}})),
        "identity",
        ["UNKNOWN_GLOBAL_CONDITION_KEY"],
    ),
    (
        "unknown service key",
        policy(allow(Condition={"StringEquals": {"s3:prefx": "home/"}})),
        "identity",
        ["UNKNOWN_CONDITION_KEY"],
    ),
    (
        "key of no service",
        policy(allow(Condition={"StringEquals": {"nosuchservice:Key": "x"}})),
        "identity",
        ["UNKNOWN_CONDITION_KEY"],
    ),
    (
        "identity-provider key",
        policy(
            allow(
                Principal={"Federated": "accounts.google.com"},
                Action="sts:AssumeRoleWithWebIdentity",
                Resource=None,
                Condition={"StringEquals": {"accounts.google.com:aud": "app"}},
            )
        ),
        "trust",
        [],
    ),
    (
        "tag key from a catalogue template",
        policy(allow(Condition={"StringEquals": {"s3:ExistingObjectTag/env": "prod"}})),
        "identity",
        [],
    ),
    (
        "numeric operator on an IP key",
        policy(allow(Condition={"NumericLessThan": {"aws:SourceIp": 3}})),
        "identity",
        ["CONDITION_TYPE_MISMATCH"],
    ),
    (
        "ARN operator on a string key",
        policy(allow(Condition={"ArnLike": {"aws:username": "arn:aws:iam::*"}})),
        "identity",
        ["CONDITION_TYPE_MISMATCH"],
    ),
    (
        "string value that is no Bool",
        policy(allow(Condition={"StringEquals": {"aws:SecureTransport": "yes"}})),
        "identity",
        ["CONDITION_TYPE_MISMATCH"],
    ),
    (
        "string operator on a Bool key",
        policy(allow(Condition={"StringEquals": {"aws:SecureTransport": "true"}})),
        "identity",
        [],
    ),
    (
        "numeric operator on aws:EpochTime",
        policy(allow(Condition={"NumericGreaterThan": {"aws:EpochTime": 1700000000}})),
        "identity",
        [],
    ),
    (
        "date operator on aws:CurrentTime",
        policy(allow(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}})),
        "identity",
        [],
    ),
    (
        "Bool with true and false",
        policy(allow(Condition={"Bool": {"aws:SecureTransport": ["true", "false"]}})),
        "identity",
        ["BOOL_WITH_MULTIPLE_VALUES"],
    ),
    (
        "ForAllValues on a single-valued key in an Allow",
        policy(allow(Condition={"ForAllValues:StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
        "identity",
        ["FORALLVALUES_WITH_SINGLE_VALUED_KEY"],
    ),
    (
        "ForAllValues on a single-valued key in a Deny",
        policy(allow(), deny(Condition={"ForAllValues:StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
        "identity",
        ["SET_OPERATOR_WITH_SINGLE_VALUED_KEY"],
    ),
    (
        "ForAnyValue with a negated operator on a single-valued key",
        policy(allow(Condition={"ForAnyValue:StringNotEquals": {"aws:RequestedRegion": "us-east-1"}})),
        "identity",
        ["SET_OPERATOR_WITH_SINGLE_VALUED_KEY"],
    ),
    (
        "ForAnyValue with the meaning of the plain operator",
        policy(allow(Condition={"ForAnyValue:StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
        "identity",
        ["UNNECESSARY_SET_OPERATOR"],
    ),
    (
        "ForAllValues on a multivalued key",
        policy(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}})),
        "identity",
        [],
    ),
    (
        "plain operator on a multivalued key",
        policy(allow(Condition={"StringEquals": {"aws:TagKeys": "env"}})),
        "identity",
        ["MULTIVALUED_KEY_WITH_PLAIN_OPERATOR"],
    ),
    ("Null on a multivalued key", policy(allow(Condition={"Null": {"aws:TagKeys": "false"}})), "identity", []),
]


@pytest.mark.parametrize(
    ("document", "policy_type", "expected"),
    [pytest.param(document, kind, expected, id=name) for name, document, kind, expected in ROWS],
)
def test_rule(document: dict[str, Any], policy_type: str, expected: list[str]) -> None:
    assert codes(document, policy_type) == expected
