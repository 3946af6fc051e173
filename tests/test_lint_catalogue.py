"""The action catalogue API and the table of global condition keys."""

from __future__ import annotations

import pytest

from iamproof import catalogue
from iamproof.catalogue import KeyBase, KeyType, parse_key_type
from iamproof.lint.global_keys import GLOBAL_KEYS, global_key
from iamproof.lint.keys import KeyStatus, lookup_key
from iamproof.patterns import parse_glob

STRING = KeyType(KeyBase.STRING, multivalued=False)
STRINGS = KeyType(KeyBase.STRING, multivalued=True)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("s3", True), ("S3", True), ("lambda", True), ("execute-api", True), ("s4", False), ("", False)],
)
def test_service_exists(prefix: str, expected: bool) -> None:
    assert catalogue.service_exists(prefix) is expected


@pytest.mark.parametrize(
    ("service", "name", "expected"),
    [
        ("s3", "GetObject", True),
        ("S3", "getobject", True),
        ("lambda", "InvokeFunction", True),
        ("lambda", "Invoke", False),
        ("iam", "PassRole", True),
        ("apigateway", "GET", True),
        ("apigateway", "HEAD", False),
        ("nosuchservice", "GetObject", False),
    ],
)
def test_action_exists(service: str, name: str, expected: bool) -> None:
    assert catalogue.action_exists(service, name) is expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [("S3:getobject", "s3:GetObject"), ("iam:passrole", "iam:PassRole"), ("s3:Nope", None), ("s3", None)],
)
def test_canonical_action(action: str, expected: str | None) -> None:
    assert catalogue.canonical_action(action) == expected


def test_actions_of_lists_catalogue_spellings() -> None:
    names = catalogue.actions_of("sts")
    assert "AssumeRole" in names and list(names) == sorted(names)
    assert catalogue.actions_of("nosuchservice") == ()


@pytest.mark.parametrize(
    ("service", "pattern", "must_contain", "must_not_contain"),
    [
        ("s3", "get*", "GetObject", "PutObject"),
        ("s3", "Get?bject", "GetObject", "GetObjectAcl"),
        ("ec2", "describe?*", "DescribeInstances", "RunInstances"),
        ("iam", "pass*", "PassRole", "GetRole"),
    ],
)
def test_match_action_names(service: str, pattern: str, must_contain: str, must_not_contain: str) -> None:
    names = catalogue.match_action_names(service, parse_glob(pattern.lower()))
    assert must_contain in names and must_not_contain not in names


def test_match_services() -> None:
    matched = catalogue.match_services(parse_glob("s3*"))
    assert "s3" in matched and "s3-object-lambda" in matched and "sqs" not in matched


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("String", STRING),
        ("ArrayOfString", STRINGS),
        ("ArrayOfARN", KeyType(KeyBase.ARN, multivalued=True)),
        ("Bool", KeyType(KeyBase.BOOL, multivalued=False)),
        ("IPAddress", KeyType(KeyBase.IP, multivalued=False)),
        ("Numeric", KeyType(KeyBase.NUMERIC, multivalued=False)),
        ("Mystery", None),
    ],
)
def test_parse_key_type(name: str, expected: KeyType | None) -> None:
    assert parse_key_type(name) == expected
    if expected is not None:
        assert expected.name == name


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("s3:prefix", STRING),
        ("S3:PREFIX", STRING),
        ("s3:max-keys", KeyType(KeyBase.NUMERIC, multivalued=False)),
        ("aws:TagKeys", STRINGS),
        ("aws:ResourceTag/team", STRING),
        ("ec2:ResourceTag/aws:cloudformation:stack-id", STRING),
        ("s3:ExistingObjectTag/env", STRING),
        ("kms:EncryptionContext:purpose", STRING),
        ("dynamodb:Attributes", STRINGS),
        ("s3:nosuchkey", None),
        ("nosuchservice:key", None),
    ],
)
def test_condition_key_type(key: str, expected: KeyType | None) -> None:
    assert catalogue.condition_key_type(key) == expected


def test_arn_templates() -> None:
    templates = catalogue.arn_templates("iam")
    assert any(t.endswith(":role/${RoleNameWithPath}") for t in templates)
    assert "lambda" in catalogue.arn_services() and "execute-api" in catalogue.arn_services()
    assert catalogue.arn_templates("nosuchservice") == ()


def test_data_version_is_the_pinned_package() -> None:
    assert catalogue.data_version() == "0.1.202610271"


# --- global keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "base", "multivalued"),
    [
        ("aws:SourceArn", KeyBase.ARN, False),
        ("aws:sourcearn", KeyBase.ARN, False),
        ("aws:PrincipalOrgPaths", KeyBase.STRING, True),
        ("aws:CalledVia", KeyBase.STRING, True),
        ("aws:CalledViaFirst", KeyBase.STRING, False),
        ("aws:SourceIp", KeyBase.IP, False),
        ("aws:MultiFactorAuthPresent", KeyBase.BOOL, False),
        ("aws:TokenIssueTime", KeyBase.DATE, False),
        ("aws:PrincipalTag/team", KeyBase.STRING, False),
        ("aws:username", KeyBase.STRING, False),
    ],
)
def test_global_key_types(key: str, base: KeyBase, multivalued: bool) -> None:
    entry = global_key(key)
    assert entry is not None and entry.type == KeyType(base, multivalued)


def test_unknown_global_key() -> None:
    assert global_key("aws:NoSuchKey") is None


@pytest.mark.parametrize("template", ["aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys"])
def test_global_table_agrees_with_the_catalogue(template: str) -> None:
    """The three global keys the catalogue lists must have the same type in our table."""
    ours = next(key for key in GLOBAL_KEYS if key.name == template)
    assert catalogue.condition_key_type(template.replace("${TagKey}", "team")) == ours.type


def test_global_table_has_no_duplicates() -> None:
    names = [key.name.lower() for key in GLOBAL_KEYS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("aws:SourceVpc", KeyStatus.KNOWN),
        ("s3:prefix", KeyStatus.KNOWN),
        ("aws:SourceVpcc", KeyStatus.UNKNOWN_GLOBAL),
        ("s3:prefx", KeyStatus.UNKNOWN_SERVICE_KEY),
        ("SourceVpc", KeyStatus.BAD_FORMAT),
        (":x", KeyStatus.BAD_FORMAT),
        ("accounts.google.com:aud", KeyStatus.KNOWN),
        ("token.actions.mycorp.ghe.com:repository", KeyStatus.KNOWN),
        ("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub", KeyStatus.OPEN),
    ],
)
def test_lookup_key(key: str, status: KeyStatus) -> None:
    assert lookup_key(key).status is status
