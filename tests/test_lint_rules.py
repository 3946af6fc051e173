"""Lint rules, one table row per situation: a policy (as a dict), the type it is read as, and the exact
list of finding codes expected (see `tests.test_lint_builder`)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamproof.lint import RULES, PolicyType, Severity, validate_policy
from tests.test_lint_builder import BUCKET, A, allow, build_policy, codes, deny, policy

CLEAN = policy(allow(Sid="ReadObjects"), allow(Action="s3:ListBucket", Resource=BUCKET))


def _with_id(document: dict[str, Any], policy_id: str = "cd3ad3d9-2776-4ef1-a904-4c229d1642ee") -> dict[str, Any]:
    return {**document, "Id": policy_id}


ROWS: list[tuple[str, dict[str, Any], str, list[str]]] = [
    ("clean identity policy", CLEAN, "identity", []),
    # actions
    ("action without a colon", policy(allow(Action="s3GetObject")), "identity", ["INVALID_ACTION_FORMAT"]),
    ("action with a space", policy(allow(Action="s3:Get Object")), "identity", ["INVALID_ACTION_FORMAT"]),
    ("action with a trailing space", policy(allow(Action="s3:GetObject ")), "identity", ["INVALID_ACTION_FORMAT"]),
    ("action with two colons", policy(allow(Action="s3:Get:Object")), "identity", ["INVALID_ACTION_FORMAT"]),
    (
        "policy variable in an action",
        policy(allow(Action="s3:${aws:username}")),
        "identity",
        ["VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    (
        "policy variable in a NotAction",
        policy(deny(Action=None, NotAction=["s3:*", "iam:${aws:username}"], Resource="*")),
        "identity",
        ["VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    (
        "policy variable in an action with a second colon",
        policy(allow(Action="s3:${aws:username}:Get")),
        "identity",
        ["INVALID_ACTION_FORMAT", "VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    (
        "policy variable as the whole action",
        policy(allow(Action="${aws:username}")),
        "identity",
        ["INVALID_ACTION_FORMAT", "VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    ("unknown service prefix", policy(allow(Action="s4:GetObject")), "identity", ["INVALID_SERVICE_IN_ACTION"]),
    ("unknown action name", policy(allow(Action="s3:GetObjekt")), "identity", ["INVALID_ACTION"]),
    ("API name that is no IAM action", policy(allow(Action="s3:ListObjectsV2")), "identity", ["INVALID_ACTION"]),
    ("wildcard matching no action", policy(allow(Action="s3:Frobnicate*")), "identity", ["INVALID_ACTION"]),
    ("question-mark pattern that matches", policy(allow(Action="s3:Get?bject")), "identity", []),
    ("Describe?* pattern", policy(allow(Action="ec2:Describe?*", Resource="*")), "identity", []),
    ("actions are case-insensitive", policy(allow(Action="S3:getobject")), "identity", []),
    ("wildcard in the service prefix", policy(allow(Action="s*:GetObject")), "identity", ["WILDCARD_IN_SERVICE_NAME"]),
    (
        "service wildcard matching no service",
        policy(allow(Action="zz*:GetObject")),
        "identity",
        ["INVALID_SERVICE_IN_ACTION", "WILDCARD_IN_SERVICE_NAME"],
    ),
    (
        "action covered by a wildcard",
        policy(allow(Action=["s3:Get*", "s3:GetObject"])),
        "identity",
        ["REDUNDANT_ACTION"],
    ),
    (
        "duplicate action in another case",
        policy(allow(Action=["s3:GetObject", "S3:GETOBJECT"])),
        "identity",
        ["REDUNDANT_ACTION"],
    ),
    (
        "unknown action is not also redundant",
        policy(allow(Action=["s3:*", "s3:GetObjekt"])),
        "identity",
        ["INVALID_ACTION"],
    ),
    # principals and policy types
    ("Principal in an identity policy", policy(allow(Principal={"AWS": A})), "identity", ["UNSUPPORTED_PRINCIPAL"]),
    ("Principal in an SCP", policy(allow(Principal="*")), "scp", ["UNSUPPORTED_PRINCIPAL"]),
    ("Principal in a permissions boundary", policy(allow(Principal="*")), "boundary", ["UNSUPPORTED_PRINCIPAL"]),
    ("no Principal in a resource policy", policy(allow()), "resource", ["MISSING_PRINCIPAL"]),
    ("resource policy for an account", policy(allow(Principal={"AWS": A})), "resource", []),
    (
        "Allow with NotPrincipal",
        policy(allow(NotPrincipal={"AWS": f"arn:aws:iam::{A}:root"})),
        "resource",
        ["ALLOW_WITH_NOT_PRINCIPAL"],
    ),
    (
        "Deny with NotPrincipal",
        policy(deny(NotPrincipal={"AWS": f"arn:aws:iam::{A}:root"})),
        "resource",
        ["DENY_WITH_NOT_PRINCIPAL"],
    ),
    (
        "policy variable in a principal",
        policy(allow(Principal={"AWS": f"arn:aws:iam::{A}:user/${{aws:username}}"})),
        "resource",
        ["VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    (
        "service principal without a source condition",
        policy(
            allow(
                Principal={"Service": "sns.amazonaws.com"},
                Action="sqs:SendMessage",
                Resource=f"arn:aws:sqs:us-east-1:{A}:queue",
            )
        ),
        "resource",
        ["SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION"],
    ),
    (
        "service principal pinned by aws:SourceArn",
        policy(
            allow(
                Principal={"Service": "sns.amazonaws.com"},
                Action="sqs:SendMessage",
                Resource=f"arn:aws:sqs:us-east-1:{A}:queue",
                Condition={"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{A}:topic"}},
            )
        ),
        "resource",
        [],
    ),
    # trust policies
    (
        "trust policy",
        policy(allow(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole", Resource=None)),
        "trust",
        [],
    ),
    (
        "trust policy with NotPrincipal",
        policy(allow(NotPrincipal={"AWS": A}, Action="sts:AssumeRole", Resource=None)),
        "trust",
        ["UNSUPPORTED_PRINCIPAL"],
    ),
    (
        "trust policy with a Resource",
        policy(allow(Principal={"AWS": A}, Action="sts:AssumeRole", Resource="*")),
        "trust",
        ["RESOURCE_IN_TRUST_POLICY"],
    ),
    (
        "trust policy without a Principal",
        policy(allow(Action="sts:AssumeRole", Resource=None)),
        "trust",
        ["MISSING_PRINCIPAL"],
    ),
    (
        "trust policy granting another action",
        policy(allow(Principal={"AWS": A}, Resource=None)),
        "trust",
        ["UNSUPPORTED_ACTION_IN_TRUST_POLICY"],
    ),
    # RCPs
    (
        "RCP deny",
        policy(
            deny(
                Principal="*",
                Action="s3:*",
                Resource="*",
                Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}},
            )
        ),
        "rcp",
        [],
    ),
    ("RCPFullAWSAccess", policy(allow(Principal="*", Action="*", Resource="*")), "rcp", []),
    ("RCP with an Allow", policy(allow(Principal="*")), "rcp", ["ALLOW_IN_RCP"]),
    ("RCP naming an account", policy(deny(Principal={"AWS": A})), "rcp", ["UNSUPPORTED_PRINCIPAL"]),
    # statements
    (
        "Allow with NotAction",
        policy(allow(Action=None, NotAction="iam:*", Resource="*")),
        "identity",
        ["ALLOW_WITH_NOT_ACTION"],
    ),
    ("Deny with NotAction", policy(deny(Action=None, NotAction="iam:*", Resource="*")), "identity", []),
    (
        "Allow with NotResource",
        policy(allow(Resource=None, NotResource=f"{BUCKET}/private/*")),
        "identity",
        ["ALLOW_WITH_NOT_RESOURCE"],
    ),
    ("no Resource in an identity policy", policy(allow(Resource=None)), "identity", ["MISSING_RESOURCE"]),
    # version, variables, Sids
    ("no Version", policy(allow(), version=None), "identity", ["MISSING_VERSION"]),
    ("Version 2008-10-17", policy(allow(), version="2008-10-17"), "identity", ["LEGACY_VERSION"]),
    (
        "variable with Version 2008-10-17",
        policy(allow(Resource=f"{BUCKET}/${{aws:username}}/*"), version="2008-10-17"),
        "identity",
        ["VARIABLE_UNSUPPORTED_IN_VERSION"],
    ),
    (
        "variable without a Version",
        policy(allow(Resource=f"{BUCKET}/${{aws:username}}/*"), version=None),
        "identity",
        ["MISSING_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION"],
    ),
    (
        "variable in a condition without a Version",
        policy(allow(Condition={"StringEquals": {"s3:prefix": "${aws:username}"}}), version=None),
        "identity",
        ["MISSING_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION"],
    ),
    ("variable with Version 2012-10-17", policy(allow(Resource=f"{BUCKET}/${{aws:username}}/*")), "identity", []),
    (
        "multivalued key as a variable",
        policy(allow(Resource=f"{BUCKET}/${{aws:TagKeys}}/*")),
        "identity",
        ["MULTIVALUED_KEY_AS_POLICY_VARIABLE"],
    ),
    (
        "unknown variable",
        policy(allow(Resource=f"{BUCKET}/${{aws:usrname}}/*")),
        "identity",
        ["UNKNOWN_GLOBAL_CONDITION_KEY"],
    ),
    (
        "variable in the account of an ARN",
        policy(allow(Resource="arn:aws:s3:${aws:username}::b/*")),
        "identity",
        ["VARIABLE_UNSUPPORTED_IN_ELEMENT"],
    ),
    (
        "duplicate Sid",
        policy(allow(Sid="S1"), allow(Sid="S1", Action="s3:ListBucket", Resource=BUCKET)),
        "identity",
        ["UNIQUE_SIDS_REQUIRED"],
    ),
    ("Sid with a dash", policy(allow(Sid="read-objects")), "identity", ["UNSUPPORTED_SID"]),
    ("Sid with a dash in a bucket policy", policy(allow(Sid="read-objects", Principal={"AWS": A})), "resource", []),
    ("empty Sid", policy(allow(Sid="")), "identity", ["EMPTY_SID_VALUE"]),
    ("no statements", policy(), "identity", ["MISSING_STATEMENT"]),
    # Id
    ("Id in an identity policy", _with_id(policy(allow())), "identity", ["ID_IN_IDENTITY_POLICY"]),
    ("Id in a permissions boundary", _with_id(policy(allow())), "boundary", ["ID_IN_IDENTITY_POLICY"]),
    ("Id in a session policy", _with_id(policy(allow())), "session", ["ID_IN_IDENTITY_POLICY"]),
    ("Id in a resource policy", _with_id(policy(allow(Principal={"AWS": A}))), "resource", []),
    ("Id in an SCP", _with_id(policy(allow())), "scp", []),
    # characters (TAB, LF, CR and U+0020 to U+00FF)
    ("snowman in a resource", policy(allow(Resource=f"{BUCKET}/\u2603/*")), "identity", ["UNSUPPORTED_CHARACTER"]),
    ("Latin-1 letters in a resource", policy(allow(Resource=f"{BUCKET}/caf\u00e9-\u00ff/*")), "identity", []),
    (
        "control character in a condition value",
        policy(allow(Condition={"StringEquals": {"s3:prefix": "home/\u0001"}})),
        "identity",
        ["UNSUPPORTED_CHARACTER"],
    ),
    (
        "TAB, LF and CR in a condition value",
        policy(allow(Condition={"StringEquals": {"s3:prefix": "a\tb\nc\rd"}})),
        "identity",
        [],
    ),
    (
        "character beyond Latin-1 in a condition key",
        policy(allow(Condition={"StringEquals": {"aws:PrincipalTag/\u0100": "x"}})),
        "identity",
        ["UNSUPPORTED_CHARACTER"],
    ),
    (
        "emoji in a principal",
        policy(allow(Principal={"AWS": f"arn:aws:iam::{A}:user/\U0001f600"})),
        "resource",
        ["UNSUPPORTED_CHARACTER"],
    ),
    ("snowman in a Sid", policy(allow(Sid="S\u2603", Principal={"AWS": A})), "resource", ["UNSUPPORTED_CHARACTER"]),
    (
        "snowman in an action",
        policy(allow(Action="s3:Get\u2603")),
        "identity",
        ["INVALID_ACTION_FORMAT", "UNSUPPORTED_CHARACTER"],
    ),
    (
        "snowman in the Id of an identity policy",
        _with_id(policy(allow()), "policy-\u2603"),
        "identity",
        ["UNSUPPORTED_CHARACTER", "ID_IN_IDENTITY_POLICY"],
    ),
    # redundant statements
    (
        "statement inside a broader one",
        policy(allow(), allow(Action="s3:*", Resource="*")),
        "identity",
        ["REDUNDANT_STATEMENT"],
    ),
    (
        "two equal statements: the later one is reported",
        policy(allow(Sid="A"), allow(Sid="B")),
        "identity",
        ["REDUNDANT_STATEMENT"],
    ),
    ("different effects are not redundant", policy(allow(), deny(Action="s3:*", Resource="*")), "identity", []),
    (
        "extra condition keeps a statement narrower, not redundant",
        policy(allow(Condition={"Bool": {"aws:SecureTransport": "true"}}), allow(Action="s3:GetObject*")),
        "identity",
        ["REDUNDANT_STATEMENT"],
    ),
    (
        "broader statement with a condition does not cover",
        policy(allow(), allow(Action="s3:*", Condition={"Bool": {"aws:SecureTransport": "true"}})),
        "identity",
        [],
    ),
    (
        "NotAction deny inside a broader NotAction deny",
        policy(
            allow(Action="s3:*", Resource="*"),
            deny(Action=None, NotAction=["iam:*", "s3:*"], Resource="*"),
            deny(Action=None, NotAction="iam:*", Resource="*"),
        ),
        "identity",
        ["REDUNDANT_STATEMENT"],
    ),
]


@pytest.mark.parametrize(
    ("document", "policy_type", "expected"),
    [pytest.param(document, kind, expected, id=name) for name, document, kind, expected in ROWS],
)
def test_rule(document: dict[str, Any], policy_type: str, expected: list[str]) -> None:
    assert codes(document, policy_type) == expected


def _padded(count: int, **elements: Any) -> dict[str, Any]:
    """A policy with `count` statements naming distinct buckets (to reach a size limit)."""
    statements = [
        allow(Sid=f"S{i}", Resource=f"arn:aws:s3:::bucket-number-{i:04d}/*", **elements) for i in range(count)
    ]
    return policy(*statements)


@pytest.mark.parametrize(
    ("document", "policy_type", "expected"),
    [
        (_padded(10), "identity", None),
        (_padded(80), "identity", "POLICY_SIZE_EXCEEDS_DEFAULT_LIMIT"),
        (_padded(80), "scp", "POLICY_SIZE_EXCEEDS_LIMIT"),
        (_padded(30, Principal={"AWS": A}, Action="sts:AssumeRole"), "resource", None),
        (_padded(400, Principal={"AWS": A}), "resource", "POLICY_SIZE_EXCEEDS_DEFAULT_LIMIT"),
        (_padded(60), "session", "POLICY_SIZE_EXCEEDS_LIMIT"),
    ],
)
def test_size_limits(document: dict[str, Any], policy_type: str, expected: str | None) -> None:
    found = {code for code in codes(document, policy_type) if code.startswith("POLICY_SIZE")}
    assert found == ({expected} if expected else set())


def test_findings_carry_the_span_of_what_they_concern() -> None:
    built = build_policy(policy(allow(Action=["s3:GetObject", "s3:GetObjekt"])))
    [found] = validate_policy(built, PolicyType.IDENTITY)
    assert found.span == built.statements[0].action.items[1].span
    assert (found.severity, "did you mean 's3:GetObject'" in found.message) == (Severity.ERROR, True)


@pytest.mark.parametrize(
    ("document", "policy_type", "expected"),
    [
        (policy(allow(Principal={"AWS": A})), "identity", "Principal is not supported in an identity policy;"),
        (policy(allow(Resource=None)), "identity", "an identity policy needs one"),
        (policy(allow(Principal="*")), "scp", "Principal is not supported in an SCP;"),
        (policy(allow(Resource=None, Principal="*")), "rcp", "an RCP needs one"),
        (policy(allow(Sid="read-objects")), "identity", "only ASCII letters and digits in an identity policy"),
        (policy(allow(Sid="read-objects")), "boundary", "only ASCII letters and digits in a permissions boundary"),
        (policy(allow()), "trust", "has no Principal; a trust policy must name one"),
        (_with_id(policy(allow())), "identity", "the Id element is not supported in an identity policy"),
    ],
)
def test_messages_name_the_policy_type_with_its_article(
    document: dict[str, Any], policy_type: str, expected: str
) -> None:
    messages = [item.message for item in validate_policy(build_policy(document), PolicyType(policy_type))]
    assert any(expected in message for message in messages), messages


def test_character_finding_names_the_character() -> None:
    built = build_policy(policy(allow(Resource=f"{BUCKET}/\u2603\u2603/*")))
    [found] = validate_policy(built, PolicyType.IDENTITY)
    resource = built.statements[0].resource
    assert resource is not None and found.span == resource.items[0].span
    assert "'\u2603' (U+2603) and 1 more such character;" in found.message


def test_findings_are_sorted_by_position() -> None:
    found = validate_policy(build_policy(policy(allow(Action="s4:X"), allow(Action="s5:Y"))), PolicyType.IDENTITY)
    assert [item.span.line for item in found] == sorted(item.span.line for item in found)
    assert len(found) == 2


_TEXT = st.text(alphabet="arn:aws3*?${}/ -_.XiamPoleGt", max_size=24)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, _TEXT, st.sampled_from(["StringLike", "ForAllValues:StringEquals", "ArnLike", "Null"]))
def test_any_policy_text_gives_findings_not_crashes(action: str, resource: str, key: str, operator: str) -> None:
    """Whatever the strings, validation ends with findings of known rules (never an exception)."""
    document = policy(allow(Action=action or "*", Resource=resource or "*", Condition={operator: {key or "k": "true"}}))
    for policy_type in PolicyType:
        found = validate_policy(build_policy(document), policy_type)
        assert {item.code for item in found} <= set(RULES)
