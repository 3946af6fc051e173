"""Every element of the policy grammar parses into the right AST, with spans at the right line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iamproof.ast import (
    Condition,
    Effect,
    OperatorFamily,
    Policy,
    PrincipalKey,
    SetQualifier,
    Statement,
    ValueKind,
)
from iamproof.parsing.documents import DocumentShape, load_policy_file, parse_policy_text
from iamproof.span import Span

DATA = Path(__file__).parent / "data" / "parse"
MANAGED = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "aws-managed-policies"
A = "111122223333"


def parse(document: dict[str, Any]) -> Policy:
    return parse_policy_text(json.dumps(document, indent=2), "policy.json")


def one_statement(statement: dict[str, Any], version: str | None = "2012-10-17") -> Statement:
    document: dict[str, Any] = {"Statement": statement}
    if version is not None:
        document["Version"] = version
    policy = parse(document)
    assert len(policy.statements) == 1
    return policy.statements[0]


def allow(**members: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", **members}


def at(span: Span) -> tuple[int, int]:
    return span.line, span.column


# --- top-level elements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "variables"), [("2012-10-17", True), ("2008-10-17", False), (None, False)], ids=str
)
def test_version(version: str | None, variables: bool) -> None:
    document: dict[str, Any] = {"Statement": [allow()]}
    if version is not None:
        document["Version"] = version
    policy = parse(document)
    assert policy.version == version
    assert policy.variables_enabled is variables


def test_id_and_statement_list() -> None:
    policy = parse({"Id": "Q1", "Statement": [allow(Sid="First"), {**allow(), "Effect": "Deny", "Sid": "Second"}]})
    assert policy.id == "Q1"
    assert parse({"Statement": allow()}).id_span is None
    assert parse({"Statement": allow()}).statements[0].sid_span is None
    assert [(s.index, s.sid, s.effect) for s in policy.statements] == [
        (0, "First", Effect.ALLOW),
        (1, "Second", Effect.DENY),
    ]
    assert policy.file == "policy.json"


def test_statement_as_single_object() -> None:
    policy = parse({"Statement": allow(Sid="Only")})
    assert [(s.index, s.sid) for s in policy.statements] == [(0, "Only")]
    assert policy.id is None and policy.version is None


def test_empty_statement_list_is_a_policy_that_grants_nothing() -> None:
    assert parse({"Version": "2012-10-17", "Statement": []}).statements == ()


def test_escapes_and_non_ascii_are_decoded() -> None:
    statement = one_statement(allow(Sid="caf\u00e9 \u2603", Resource='arn:aws:s3:::b/\u00fc"q"\\'))
    assert statement.sid == "caf\u00e9 \u2603"
    assert statement.resource is not None
    assert statement.resource.items[0].text == 'arn:aws:s3:::b/\u00fc"q"\\'


# --- Principal / NotPrincipal --------------------------------------------------------------------------

PRINCIPALS = [
    ("everyone", "*", True, []),
    ("aws-star", {"AWS": "*"}, False, [("AWS", "*")]),
    ("account-id", {"AWS": A}, False, [("AWS", A)]),
    ("account-root", {"AWS": f"arn:aws:iam::{A}:root"}, False, [("AWS", f"arn:aws:iam::{A}:root")]),
    ("user", {"AWS": f"arn:aws:iam::{A}:user/div/alice"}, False, [("AWS", f"arn:aws:iam::{A}:user/div/alice")]),
    ("role", {"AWS": f"arn:aws:iam::{A}:role/service-role/R"}, False,
     [("AWS", f"arn:aws:iam::{A}:role/service-role/R")]),
    ("assumed-role", {"AWS": f"arn:aws:sts::{A}:assumed-role/R/s1"}, False,
     [("AWS", f"arn:aws:sts::{A}:assumed-role/R/s1")]),
    ("federated-user", {"AWS": f"arn:aws:sts::{A}:federated-user/bob"}, False,
     [("AWS", f"arn:aws:sts::{A}:federated-user/bob")]),
    ("other-partition", {"AWS": f"arn:aws-cn:iam::{A}:root"}, False, [("AWS", f"arn:aws-cn:iam::{A}:root")]),
    ("unique-ids", {"AWS": ["AIDAJQABLZS4A3QDU576Q", "AROADBQP57FF2AEXAMPLE"]}, False,
     [("AWS", "AIDAJQABLZS4A3QDU576Q"), ("AWS", "AROADBQP57FF2AEXAMPLE")]),
    ("service", {"Service": "apigateway.amazonaws.com"}, False, [("Service", "apigateway.amazonaws.com")]),
    ("service-list", {"Service": ["lambda.amazonaws.com", "apigateway.amazonaws.com"]}, False,
     [("Service", "lambda.amazonaws.com"), ("Service", "apigateway.amazonaws.com")]),
    ("federated-idp", {"Federated": "cognito-identity.amazonaws.com"}, False,
     [("Federated", "cognito-identity.amazonaws.com")]),
    ("federated-saml", {"Federated": f"arn:aws:iam::{A}:saml-provider/Okta"}, False,
     [("Federated", f"arn:aws:iam::{A}:saml-provider/Okta")]),
    ("canonical-user", {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, False,
     [("CanonicalUser", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be")]),
    ("several-types", {"Service": "sns.amazonaws.com", "AWS": [A, "*"]}, False,
     [("Service", "sns.amazonaws.com"), ("AWS", A), ("AWS", "*")]),
]  # fmt: skip


@pytest.mark.parametrize("element", ["Principal", "NotPrincipal"])
@pytest.mark.parametrize(("value", "everyone", "entries"), [pytest.param(*row[1:], id=row[0]) for row in PRINCIPALS])
def test_principal_forms(element: str, value: Any, everyone: bool, entries: list[tuple[str, str]]) -> None:
    block = one_statement(allow(**{element: value})).principal
    assert block is not None
    assert block.negated is (element == "NotPrincipal")
    assert block.everyone is everyone
    assert [(entry.key, entry.value) for entry in block.entries] == [(PrincipalKey(k), v) for k, v in entries]


def test_no_principal() -> None:
    assert one_statement(allow()).principal is None


# --- Action / NotAction, Resource / NotResource -----------------------------------------------------------


@pytest.mark.parametrize("element", ["Action", "NotAction"])
@pytest.mark.parametrize(
    "value",
    [
        "*",
        "s3:GetObject",
        ["s3:Get*", "IAM:listaccesskeys", "ec2:?escribe*"],
        ["*:*"],
        "s3:${aws:username}",
        ["s3:Get${aws:PrincipalTag/a:b}*", "${aws:x}:${s3:y}"],
    ],
    ids=str,
)
def test_actions(element: str, value: str | list[str]) -> None:
    statement = one_statement({"Effect": "Deny", element: value, "Resource": "*"})
    assert statement.action.negated is (element == "NotAction")
    assert [item.text for item in statement.action.items] == (value if isinstance(value, list) else [value])


RESOURCES = [
    "*",
    "arn:aws:s3:::bucket/*/test/*",
    [f"arn:aws:lambda:us-east-1:{A}:function:f", f"arn:aws:lambda:us-east-1:{A}:function:f:*"],
    "arn:aws:apigateway:us-east-1::/restapis/??????????",
    "execute-api:/prod/GET/pets",
    "arn:aws:waf:*",
    "arn:aws:s3:::bucket/${aws:username}/${aws:PrincipalTag/team, 'none'}/${*}${?}${$}",
]


@pytest.mark.parametrize("element", ["Resource", "NotResource"])
@pytest.mark.parametrize("value", RESOURCES, ids=str)
def test_resources(element: str, value: str | list[str]) -> None:
    resource = one_statement(allow(**{element: value})).resource
    assert resource is not None
    assert resource.negated is (element == "NotResource")
    assert [item.text for item in resource.items] == (value if isinstance(value, list) else [value])


def test_trust_policy_without_resource() -> None:
    statement = one_statement({"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                               "Action": "sts:AssumeRole"})  # fmt: skip
    assert statement.resource is None


# --- conditions -----------------------------------------------------------------------------------------

F = OperatorFamily
# Every base operator of iam-semantics §3.2 with its family and whether it is negated.
BASE_OPERATORS = [
    ("StringEquals", F.STRING, False), ("StringNotEquals", F.STRING, True),
    ("StringEqualsIgnoreCase", F.STRING, False), ("StringNotEqualsIgnoreCase", F.STRING, True),
    ("StringLike", F.STRING, False), ("StringNotLike", F.STRING, True),
    ("NumericEquals", F.NUMERIC, False), ("NumericNotEquals", F.NUMERIC, True),
    ("NumericLessThan", F.NUMERIC, False), ("NumericLessThanEquals", F.NUMERIC, False),
    ("NumericGreaterThan", F.NUMERIC, False), ("NumericGreaterThanEquals", F.NUMERIC, False),
    ("DateEquals", F.DATE, False), ("DateNotEquals", F.DATE, True),
    ("DateLessThan", F.DATE, False), ("DateLessThanEquals", F.DATE, False),
    ("DateGreaterThan", F.DATE, False), ("DateGreaterThanEquals", F.DATE, False),
    ("Bool", F.BOOL, False),
    ("BinaryEquals", F.BINARY, False),
    ("IpAddress", F.IP, False), ("NotIpAddress", F.IP, True),
    ("ArnEquals", F.ARN, False), ("ArnLike", F.ARN, False), ("ArnNotEquals", F.ARN, True), ("ArnNotLike", F.ARN, True),
    ("Null", F.NULL, False),
]  # fmt: skip
FAMILY_VALUES: dict[OperatorFamily, list[Any]] = {
    F.STRING: ["alice", "${aws:username}-*"],
    F.NUMERIC: [5, "-2.5", "1e3"],
    F.DATE: ["2024-01-01T00:00:00Z", "2024-06-30", 1700000000],
    F.BOOL: [True, "false"],
    F.BINARY: ["QUJD"],
    F.IP: ["203.0.113.0/24", "2001:db8::1"],
    F.ARN: [f"arn:aws:execute-api:us-east-1:{A}:a1b2c3/*/GET/pets", "arn:aws:iam::${aws:PrincipalAccount}:root"],
    F.NULL: ["true", False],
}


def conditions_of(block: dict[str, Any], version: str | None = "2012-10-17") -> tuple[Condition, ...]:
    return one_statement(allow(Condition=block), version=version).conditions


@pytest.mark.parametrize(("base", "family", "negated"), BASE_OPERATORS, ids=[row[0] for row in BASE_OPERATORS])
def test_every_operator_with_every_prefix_and_suffix(base: str, family: OperatorFamily, negated: bool) -> None:
    qualifiers = [("", None)] if family is F.NULL else [
        ("", None), ("ForAnyValue:", SetQualifier.FOR_ANY_VALUE), ("ForAllValues:", SetQualifier.FOR_ALL_VALUES)
    ]  # fmt: skip
    suffixes = [""] if family is F.NULL else ["", "IfExists"]
    block = {f"{q}{base}{s}": {"aws:Key": FAMILY_VALUES[family]} for q, _ in qualifiers for s in suffixes}
    parsed = conditions_of(block)
    assert len(parsed) == len(qualifiers) * len(suffixes)
    expected = [(f"{q}{base}{s}", qualifier, s == "IfExists") for q, qualifier in qualifiers for s in suffixes]
    for condition, (name, qualifier, if_exists) in zip(parsed, expected, strict=True):
        operator = condition.operator
        assert (operator.name, operator.base, operator.family, operator.negated) == (name, base, family, negated)
        assert (operator.qualifier, operator.if_exists) == (qualifier, if_exists)
        assert [value.text for value in condition.values] == [
            json.dumps(v) if not isinstance(v, str) else v for v in FAMILY_VALUES[family]
        ]


def test_condition_values_keep_their_json_type() -> None:
    (numeric,) = conditions_of({"NumericLessThan": {"s3:max-keys": [10, "20", 1.5e2]}})
    assert [(v.text, v.kind) for v in numeric.values] == [
        ("10", ValueKind.NUMBER), ("20", ValueKind.STRING), ("150.0", ValueKind.NUMBER)
    ]  # fmt: skip
    (boolean,) = conditions_of({"Bool": {"aws:SecureTransport": False}})
    assert [(v.text, v.kind) for v in boolean.values] == [("false", ValueKind.BOOL)]
    (string,) = conditions_of({"StringEquals": {"aws:SourceAccount": 111122223333}})
    assert [(v.text, v.kind) for v in string.values] == [("111122223333", ValueKind.NUMBER)]


def test_condition_keys_keep_their_case_and_blocks_are_flattened_in_order() -> None:
    parsed = conditions_of({
        "StringEquals": {"AWS:SourceAccount": A, "aws:PrincipalTag/Team": ["a", "b"]},
        "StringLike": {"aws:sourceaccount": "1111*"},
    })  # fmt: skip
    assert [(c.operator.name, c.key, c.key_lower, len(c.values)) for c in parsed] == [
        ("StringEquals", "AWS:SourceAccount", "aws:sourceaccount", 1),
        ("StringEquals", "aws:PrincipalTag/Team", "aws:principaltag/team", 2),
        ("StringLike", "aws:sourceaccount", "aws:sourceaccount", 1),
    ]


@pytest.mark.parametrize("version", ["2008-10-17", None], ids=str)
def test_malformed_variables_are_literal_text_without_2012(version: str | None) -> None:
    statement = one_statement(
        allow(Resource="arn:aws:s3:::b/${aws:username", Condition={"StringLike": {"s3:prefix": "${}"},
                                                                    "NumericEquals": {"s3:max-keys": "7"}}),
        version=version,
    )  # fmt: skip
    assert statement.resource is not None
    assert statement.resource.items[0].text == "arn:aws:s3:::b/${aws:username"
    assert [v.text for c in statement.conditions for v in c.values] == ["${}", "7"]


def test_variables_under_2012() -> None:
    statement = one_statement(allow(
        Resource="arn:aws:s3:::b/${aws:username}/*",
        Condition={"StringEquals": {"s3:prefix": ["${aws:PrincipalTag/team, 'default'}", "${$}{x}"]}},
    ))  # fmt: skip
    assert statement.resource is not None
    assert statement.resource.items[0].text == "arn:aws:s3:::b/${aws:username}/*"
    assert [v.text for v in statement.conditions[0].values] == ["${aws:PrincipalTag/team, 'default'}", "${$}{x}"]


# --- spans ------------------------------------------------------------------------------------------------


def test_spans_in_a_policy_file() -> None:
    document = load_policy_file(DATA / "resource_policy.json")
    assert document.shape is DocumentShape.POLICY
    policy = document.policy
    assert at(policy.span) == (1, 1)
    first, second = policy.statements
    assert at(first.span) == (5, 5) and at(second.span) == (16, 5)
    assert (first.span.end_line, first.span.end_column) == (15, 6)
    assert first.principal is not None
    assert at(first.principal.span) == (8, 20)
    assert at(first.principal.entries[0].span) == (8, 32)
    assert at(first.action.items[0].span) == (9, 17)
    assert policy.id_span is not None and at(policy.id_span) == (3, 9)
    assert first.sid_span is not None and at(first.sid_span) == (6, 14)
    assert second.sid_span is not None and at(second.sid_span) == (17, 14)
    arn_like = first.conditions[0]
    spans = (arn_like.operator_span, arn_like.key_span, arn_like.values[0].span)
    assert [at(span) for span in spans] == [(12, 9), (12, 21), (12, 38)]
    by_operator = {c.operator.name: c for c in second.conditions}
    bool_value = by_operator["BoolIfExists"].values[0]
    assert (bool_value.text, bool_value.kind, at(bool_value.span)) == ("false", ValueKind.BOOL, (24, 49))
    number = by_operator["NumericLessThanEquals"].values[0]
    assert (number.text, number.kind, at(number.span)) == ("10", ValueKind.NUMBER, (26, 50))
    assert second.principal is not None and second.principal.negated
    assert second.resource is not None and second.resource.negated and second.action.negated


@pytest.mark.parametrize("version", ["2012-10-17", "2008-10-17", None], ids=str)
def test_a_policy_variable_in_an_action_is_literal_text(version: str | None) -> None:
    """Variables are not substituted in Action (iam-semantics.md §3.4), so `${...}` and the colons inside it
    are part of the action's name, under every Version."""
    statement = one_statement(allow(Action="s3:${aws:username}", Resource="*"), version)
    assert [item.text for item in statement.action.items] == ["s3:${aws:username}"]


def test_other_sample_policies() -> None:
    identity = load_policy_file(DATA / "identity_policy.json").policy
    assert identity.variables_enabled
    assert [c.operator.name for c in identity.statements[0].conditions] == ["StringEqualsIgnoreCase"]
    trust = load_policy_file(DATA / "trust_policy.json").policy
    assert trust.version == "2008-10-17"
    (statement,) = trust.statements
    assert statement.resource is None
    assert statement.principal is not None
    assert [(e.key, e.value) for e in statement.principal.entries] == [
        (PrincipalKey.SERVICE, "apigateway.amazonaws.com"),
        (PrincipalKey.SERVICE, "lambda.amazonaws.com"),
        (PrincipalKey.FEDERATED, "cognito-identity.amazonaws.com"),
    ]
    assert statement.conditions[0].values[0].text == "${not a variable"


# --- AWS CLI output shapes ----------------------------------------------------------------------------------

CLI_SHAPES = [
    # file, shape, statement span, first action span, the text found at the action span
    ("lambda_get_policy.json", DocumentShape.FUNCTION_POLICY, (2, 78), (2, 186), '\\"lambda:InvokeFunction\\"'),
    ("get_policy_version_encoded.json", DocumentShape.POLICY_VERSION, (3, 81), (3, 128), "%22s3%3AListBucket%22"),
    ("get_policy_version.json", DocumentShape.POLICY_VERSION, (6, 17), (8, 31), '"s3:ListBucket"'),
    ("get_role_policy.json", DocumentShape.INLINE_POLICY, (7, 13), (9, 27), '"lambda:InvokeFunction"'),
]


@pytest.mark.parametrize(
    ("name", "shape", "statement_at", "action_at", "written"), CLI_SHAPES, ids=[row[0] for row in CLI_SHAPES]
)
def test_cli_shapes(
    name: str, shape: DocumentShape, statement_at: tuple[int, int], action_at: tuple[int, int], written: str
) -> None:
    path = DATA / name
    document = load_policy_file(path)
    assert document.shape is shape
    (statement,) = document.policy.statements
    assert statement.span.file == str(path)
    assert at(statement.span) == statement_at
    action = statement.action.items[0]
    assert at(action.span) == action_at
    line = path.read_text(encoding="utf-8").split("\n")[action.span.line - 1]
    assert line[action.span.column - 1 :].startswith(written)
    assert action.text == written.replace("\\", "").replace("%22", "").replace("%3A", ":").strip('"')


def test_lambda_policy_details() -> None:
    policy = load_policy_file(DATA / "lambda_get_policy.json").policy
    assert (policy.version, policy.id) == ("2012-10-17", "default")
    (statement,) = policy.statements
    assert statement.principal is not None
    assert at(statement.principal.entries[0].span) == (2, 145)
    (condition,) = statement.conditions
    assert (condition.operator.name, condition.key) == ("ArnLike", "AWS:SourceArn")


def test_encodings(tmp_path: Path) -> None:
    text = json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*", "Sid": "\u00e9t\u00e9"}})
    for encoding, prefix in (("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-be", b"\xfe\xff")):
        path = tmp_path / f"{encoding}-{len(prefix)}.json"
        path.write_bytes(prefix + text.encode(encoding))
        (statement,) = load_policy_file(path).policy.statements
        assert statement.sid == "\u00e9t\u00e9"
        assert at(statement.action.items[0].span) == (1, text.index('"s3:*"') + 1)


@pytest.mark.skipif(not MANAGED.is_dir(), reason=f"the AWS managed policy corpus is not present at {MANAGED}")
def test_every_aws_managed_policy_version_parses() -> None:
    files = sorted(MANAGED.glob("*/*.json"))
    assert len(files) > 1000
    statements = 0
    for file in files:
        statements += len(load_policy_file(file).policy.statements)
    assert statements > len(files)
