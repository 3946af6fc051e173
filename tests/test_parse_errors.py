"""Every malformed input gives InputError at the exact line and column of the offending token or element.

Positions are 1-based and count characters (a byte order mark takes no column). Statement-level rows
use `statement(...)`, whose layout puts the n-th statement member on line 3 + n, starting at column 5:

    1 {
    2   "Version": "2012-10-17",
    3   "Statement": {
    4     "Effect": "Allow",        <- member 1: key at column 5, its value at column len(key) + 9
    5     ...
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from iamproof.ast import OperatorFamily, Policy
from iamproof.errors import InputError
from iamproof.parsing.documents import load_policy_file, policy_document_from_node
from iamproof.parsing.json_tree import parse_json


def statement(*members: str, version: str | None = "2012-10-17") -> str:
    head = f'  "Version": "{version}",' if version else '  "Id": "no-version",'
    body = ",\n".join(f"    {member}" for member in members)
    return f'{{\n{head}\n  "Statement": {{\n{body}\n  }}\n}}'


ALLOW = '"Effect": "Allow"'
GET = '"Action": "s3:GetObject"'
ANY = '"Resource": "*"'


def condition(operator: str, key: str, value: str, version: str | None = "2012-10-17") -> str:
    """Line 6 is `    "Condition": {"<operator>": {"<key>": <value>}}`."""
    return statement(ALLOW, GET, f'"Condition": {{"{operator}": {{"{key}": {value}}}}}', version=version)


def principal(value: str) -> str:
    """Line 6 is `    "Principal": <value>`; the value starts at column 18."""
    return statement(ALLOW, GET, f'"Principal": {value}')


JSON_ROWS = [
    # --- trailing commas, quotes, comments ------------------------------------------------------
    ("trailing-comma-list", '{"Statement": [1, 2,]}', 1, 20, "trailing comma before ']' is not allowed"),
    ("trailing-comma-object", '{\n  "Version": "2012-10-17",\n}', 2, 26, "trailing comma before '}'"),
    ("single-quoted-key", "{'Version': 1}", 1, 2, "single-quoted strings are not JSON"),
    ("single-quoted-value", "{\n  \"Effect\": 'Allow'\n}", 2, 13, "use double quotes"),
    ("line-comment", '{\n  // why\n  "Statement": []\n}', 2, 3, "comments are not allowed in JSON"),
    ("block-comment", '{"Statement": /* none */ []}', 1, 15, "comments are not allowed"),
    ("hash-comment", "# policy\n{}", 1, 1, "comments are not allowed"),
    # --- strings ---------------------------------------------------------------------------------
    ("unterminated-string-eof", '{"Statement": "abc', 1, 15, "unterminated string"),
    ("unterminated-string-eol", '{\n  "Sid": "abc\n}', 2, 10, "closing '\"' is missing"),
    ("tab-in-string", '{"Sid": "a\tb"}', 1, 11, "control character U+0009 is not allowed in a string; write it as \\t"),
    ("control-char-in-string", '["\x01"]', 1, 3, "control character U+0001"),
    ("bad-escape", '["a\\q"]', 1, 4, "invalid escape '\\q'"),
    ("bad-unicode-escape", '["\\u12G4"]', 1, 3, "invalid \\u escape"),
    ("lone-surrogate", '["x\\ud800y"]', 1, 4, "unpaired surrogate \\ud800"),
    ("raw-surrogate", '["ab\udc00"]', 1, 5, "unpaired surrogate \\udc00"),
    ("typographic-quotes", "{\u201cVersion\u201d: 1}", 1, 2, "typographic quote (U+201C)"),
    ("unquoted-key", '{Version: "2012-10-17"}', 1, 2, "unexpected 'Version'; strings must be in double quotes"),
    # --- structure -------------------------------------------------------------------------------
    ("missing-colon", '{"Version" "2012-10-17"}', 1, 12, "expected ':' after the key \"Version\""),
    ("missing-colon-long-key", '{"' + "k" * 60 + '" 1}', 1, 65, "expected ':' after the key \"" + "k" * 36 + "..."),
    ("missing-comma-members", '{\n  "Version": "2012-10-17"\n  "Statement": []\n}', 3, 3, "is a comma missing?"),
    ("missing-comma-items", '["a" "b"]', 1, 6, "expected ',' or ']' after a list item"),
    ("missing-value", '{"a": }', 1, 7, 'expected the value of the key "a"'),
    ("missing-key", "{,}", 1, 2, "expected a key in double quotes or '}'"),
    ("double-comma", "[1,,2]", 1, 4, "expected a value after ','"),
    ("colon-in-list", "[1: 2]", 1, 3, "unexpected ':'; expected ',' or ']'"),
    ("mismatched-bracket", '{"Statement": [}', 1, 16, "the list opened at line 1, column 15 must be closed with ']'"),
    ("stray-closer", "]", 1, 1, "unexpected ']'; expected a JSON value"),
    ("eof-in-list", '{"Statement": [', 1, 16, "unexpected end of input: the list opened at line 1, column 15"),
    ("eof-after-key", '{"Version"', 1, 11, "the object opened at line 1, column 1 is not closed"),
    ("eof-before-blank-lines", '{\n  "a": 1\n\n', 2, 9, "the object opened at line 1, column 1 is not closed"),
    ("garbage-after-value", '{"Statement": []} x', 1, 19, "unexpected 'x' after the end of the JSON value"),
    ("second-value", "{}\n{}", 2, 1, "unexpected '{' after the end of the JSON value"),
    ("extra-closer", "[1, 2]]", 1, 7, "unexpected ']' after the end of the JSON value"),
    ("empty-file", "", 1, 1, "empty input; expected a JSON value"),
    ("blank-file", "  \n\t\n", 1, 1, "empty input"),
    ("bom-then-error", '\ufeff{"Statement": 1,}', 1, 16, "trailing comma before '}'"),
    ("bom-inside", '{"a": \ufeff1}', 1, 7, "unexpected character a byte order mark (U+FEFF)"),
    # --- numbers and literals --------------------------------------------------------------------
    ("leading-zero", '{"Id": 0123}', 1, 8, "invalid number '0123': a JSON number cannot have leading zeros"),
    ("nan", "[NaN]", 1, 2, "'NaN' is not a JSON number"),
    ("plus-sign", "[+1]", 1, 2, "cannot start with '+'"),
    ("trailing-dot", "[1.]", 1, 2, "needs a digit after the decimal point"),
    ("leading-dot", "[.5]", 1, 2, "needs a digit before the decimal point"),
    ("empty-exponent", "[1e]", 1, 2, "needs digits in its exponent"),
    ("hex-number", "[0x1F]", 1, 2, "hexadecimal numbers are not JSON"),
    ("capital-true", '{"a": True}', 1, 7, "JSON literals are lower-case: true"),
    ("python-none", '{"a": None}', 1, 7, "JSON writes a missing value as null"),
    ("unquoted-date", '{"Version": 2012-10-17}', 1, 13, 'write a date as a string: "2012-10-17"'),
    # --- duplicates and depth --------------------------------------------------------------------
    (
        "duplicate-key",
        '{\n  "Statement": [],\n  "Statement": []\n}',
        3,
        3,
        "duplicate key 'Statement' (first at line 2, column 3)",
    ),
    (
        "duplicate-statement-key",
        '{"Statement": {"Effect": "Allow", "Effect": "Deny"}}',
        1,
        35,
        "duplicate key 'Effect' (first at line 1, column 16)",
    ),
    ("deep-nesting", "[" * 100_000, 1, 101, "nested more than 100 levels deep"),
]

POLICY_ROWS = [
    # --- wrong types of the policy elements ------------------------------------------------------
    ("not-an-object", '["Statement"]', 1, 1, "a policy document must be an object, not a list"),
    ("version-type", '{"Version": 1, "Statement": []}', 1, 13, "'Version' must be a string, not a number"),
    ("version-value", '{"Version": "2012-10-18", "Statement": []}', 1, 13, "unsupported Version '2012-10-18'"),
    ("id-type", '{"Id": ["x"], "Statement": []}', 1, 8, "'Id' must be a string, not a list"),
    ("no-statement", '{"Version": "2012-10-17"}', 1, 1, "policy has no 'Statement'"),
    ("statement-type", '{"Statement": "Allow"}', 1, 15, "'Statement' must be an object or a list of objects"),
    ("statement-item-type", '{"Statement": [{}, 1]}', 1, 16, "statement has no 'Effect'"),
    ("statement-item-number", '{"Statement": [1]}', 1, 16, "a statement must be an object, not a number"),
    ("sid-type", statement('"Sid": 7', ALLOW, GET), 4, 12, "'Sid' must be a string, not a number"),
    ("effect-type", statement('"Effect": true', GET), 4, 15, "'Effect' must be a string, not a boolean"),
    ("no-effect", statement(GET, ANY), 3, 16, "statement has no 'Effect'"),
    ("effect-case", statement('"Effect": "allow"', GET), 4, 15,
     "must be \"Allow\" or \"Deny\" (case-sensitive), not 'allow'"),
    ("action-type", statement(ALLOW, '"Action": {"s3": "*"}'), 5, 15,
     "'Action' must be a string or a list of strings, not an object"),
    ("action-item-type", statement(ALLOW, '"Action": ["s3:GetObject", 5]'), 5, 32,
     "each item of 'Action' must be a string, not a number"),
    ("action-empty-list", statement(ALLOW, '"NotAction": []'), 5, 18, "'NotAction' is an empty list"),
    ("action-empty-name", statement(ALLOW, '"Action": ""'), 5, 15, "empty action name in 'Action'"),
    ("action-no-service", statement(ALLOW, '"Action": "GetObject"'), 5, 15,
     "action 'GetObject' must be written 'service:action'"),
    ("action-no-colon", statement(ALLOW, '"Action": ["s3:*", "s3GetObject"]'), 5, 24,
     "action 's3GetObject' must be written 'service:action'"),
    ("action-two-colons", statement(ALLOW, '"NotAction": "s3:Get:Object"'), 5, 18,
     "action 's3:Get:Object' must be written 'service:action'"),
    ("action-colon-after-variable", statement(ALLOW, '"Action": "s3:${aws:username}:Get"'), 5, 15,
     "action 's3:${aws:username}:Get' must be written 'service:action'"),
    ("action-only-variable", statement(ALLOW, '"Action": "${aws:username}"'), 5, 15,
     "action '${aws:username}' must be written 'service:action'"),
    ("action-and-notaction", statement(ALLOW, GET, '"NotAction": "s3:*"'), 6, 5,
     "statement has both 'Action' and 'NotAction'"),
    ("neither-action", statement(ALLOW, ANY), 3, 16, "statement has neither 'Action' nor 'NotAction'"),
    ("resource-type", statement(ALLOW, GET, '"Resource": null'), 6, 17,
     "'Resource' must be a string or a list of strings, not null"),
    ("resource-and-notresource", statement(ALLOW, GET, ANY, '"NotResource": "*"'), 7, 5,
     "both 'Resource' and 'NotResource'"),
    ("resource-not-arn", statement(ALLOW, GET, '"Resource": "my-bucket"'), 6, 17,
     "resource 'my-bucket' must be \"*\" or an ARN"),
    ("resource-empty-list", statement(ALLOW, GET, '"Resource": []'), 6, 17, "'Resource' is an empty list"),
    ("unknown-policy-element", '{"Statements": []}', 1, 2,
     "unknown policy element 'Statements'; expected one of Version, Id, Statement"),
    ("policy-element-case", '{"statement": []}', 1, 2, "element names are case-sensitive: 'Statement'"),
    ("unknown-statement-element", statement(ALLOW, GET, '"Actions": "s3:*"'), 6, 5,
     "unknown statement element 'Actions'"),
    ("statement-element-case", statement(ALLOW, GET, '"resource": "*"'), 6, 5,
     "element names are case-sensitive: 'Resource'"),
    # --- principals --------------------------------------------------------------------------------
    ("principal-and-notprincipal", statement(ALLOW, GET, '"Principal": "*"', '"NotPrincipal": "*"'), 7, 5,
     "both 'Principal' and 'NotPrincipal'"),
    ("principal-string", principal('"arn:aws:iam::111122223333:root"'), 6, 18,
     "'Principal' must be \"*\" or an object such as {\"AWS\": ...}"),
    ("principal-type", principal('["*"]'), 6, 18, "'Principal' must be an object, not a list"),
    ("principal-empty", principal("{}"), 6, 18, "'Principal' is an empty object"),
    ("principal-key-case", principal('{"aws": "*"}'), 6, 19,
     "unknown principal type 'aws'; element names are case-sensitive: 'AWS'"),
    ("principal-value-type", principal('{"AWS": 111122223333}'), 6, 26,
     "'AWS' must be a string or a list of strings, not a number"),
    ("principal-wildcard-in-arn", principal('{"AWS": "arn:aws:iam::111122223333:user/*"}'), 6, 58,
     "wildcards are not allowed in principal"),
    ("principal-wildcard-account", principal('{"AWS": "arn:aws:iam::*:root"}'), 6, 40,
     "\"*\" may only stand on its own"),
    ("principal-bad-account-in-arn", principal('{"AWS": "arn:aws:iam::11112222333:root"}'), 6, 40,
     "the account ID must be 12 digits, not '11112222333'"),
    ("principal-bad-account-id", principal('{"AWS": "11112222333"}'), 6, 26, "an account ID has 12 digits, not 11"),
    ("principal-group", principal('{"AWS": "arn:aws:iam::111122223333:group/dev"}'), 6, 53,
     "an IAM group cannot be a principal"),
    ("principal-not-arn", principal('{"AWS": "alice"}'), 6, 26, "invalid AWS principal 'alice'"),
    ("principal-service-wildcard", principal('{"Service": "*.amazonaws.com"}'), 6, 31,
     "wildcards are not allowed in principal"),
    ("principal-empty-service", principal('{"Service": [""]}'), 6, 31, "empty Service principal"),
    # --- conditions --------------------------------------------------------------------------------
    ("condition-type", statement(ALLOW, GET, '"Condition": []'), 6, 18, "'Condition' must be an object, not a list"),
    ("operator-block-type", statement(ALLOW, GET, '"Condition": {"Bool": "true"}'), 6, 27,
     "the block of operator 'Bool' must be an object, not a string"),
    ("operator-unknown", condition("StringEqualz", "aws:username", '"a"'), 6, 19,
     "unknown condition operator 'StringEqualz'"),
    ("operator-case", condition("stringEquals", "aws:username", '"a"'), 6, 19,
     "operator names are case-sensitive: 'StringEquals'"),
    ("operator-null-foranyvalue", condition("ForAnyValue:Null", "aws:TagKeys", '"true"'), 6, 19,
     "Null cannot be used with ForAnyValue"),
    ("operator-null-ifexists", condition("NullIfExists", "aws:TagKeys", '"true"'), 6, 19,
     "Null cannot be used with IfExists"),
    ("operator-no-keys", statement(ALLOW, GET, '"Condition": {"Bool": {}}'), 6, 27,
     "operator 'Bool' has no condition keys"),
    ("condition-keys-case", condition("StringEquals", "aws:username", '"a", "AWS:UserName": "b"'), 6, 57,
     "condition key 'AWS:UserName' repeats 'aws:username'"),
    ("condition-value-object", condition("StringEquals", "aws:username", '{"a": 1}'), 6, 52,
     "must be a string, number or boolean (or a list of them), not an object"),
    ("condition-value-null", condition("StringEquals", "aws:username", '["a", null]'), 6, 58, "not null"),
    ("condition-value-nested-list", condition("StringEquals", "aws:username", '[["a"]]'), 6, 53, "not a list"),
    ("condition-empty-values", condition("StringEquals", "aws:username", "[]"), 6, 52, "has an empty list of values"),
    ("variable-unterminated", condition("StringLike", "s3:prefix", '"home/${aws:username"'), 6, 53,
     "unterminated policy variable"),
    ("variable-empty", statement(ALLOW, GET, '"Resource": "arn:aws:s3:::b/${}"'), 6, 33,
     "invalid policy variable '${}'"),
    ("variable-after-escape", statement(ALLOW, GET, '"Resource": "arn:aws:s3:::\\u0062/${}"'), 6, 38,
     "invalid policy variable"),
    ("variable-in-numeric", condition("NumericLessThan", "s3:max-keys", '"${aws:username}"'), 6, 55,
     "policy variables are not allowed in Numeric condition values"),
    ("variable-in-bool", condition("Bool", "aws:SecureTransport", '"${aws:x}"'), 6, 52,
     "policy variables are not allowed in Bool condition values"),
    ("numeric-malformed", condition("NumericEquals", "s3:max-keys", '"12a"'), 6, 52,
     "Numeric condition value must be a number, not '12a'"),
    ("numeric-tiny", condition("NumericEquals", "s3:max-keys", '"1e-999999999"'), 6, 52,
     "Numeric condition value '1e-999999999' is out of range"),
    ("numeric-huge", condition("NumericEquals", "s3:max-keys", "1e309"), 6, 52, "magnitude between 1e-308 and 1e308"),
    ("numeric-many-digits", condition("NumericEquals", "s3:max-keys", "0." + "1" * 39), 6, 52, "at most 38 digits"),
    ("date-out-of-range", condition("DateLessThan", "aws:EpochTime", '"253402300800"'), 6, 53,
     "Date condition value '253402300800' is out of range (years 1 to 9999)"),
    ("date-malformed", condition("DateLessThan", "aws:CurrentTime", '"2024-13-01"'), 6, 55,
     "Date condition value must be an ISO 8601 date or epoch seconds"),
    ("ip-malformed", condition("IpAddress", "aws:SourceIp", '"10.0.0.256"'), 6, 49,
     "must be an IPv4 or IPv6 address or CIDR block"),
    ("binary-malformed", condition("BinaryEquals", "s3:x", '"abc"'), 6, 44,
     "Binary condition value must be a base64 value, not 'abc'"),
    ("bool-malformed", condition("Bool", "aws:SecureTransport", '"yes"'), 6, 51,
     "Bool condition value must be true or false, not 'yes'"),
    ("null-malformed", condition("Null", "aws:TokenIssueTime", '"maybe"'), 6, 50,
     "Null condition value must be true or false"),
]  # fmt: skip


def load(text: str, *, lenient: bool = False) -> Policy:
    """Parse `text` as a policy file would be (bare document or AWS CLI output)."""
    return policy_document_from_node(parse_json(text, "policy.json"), lenient=lenient).policy


def assert_error_at(caught: pytest.ExceptionInfo[InputError], file: str, line: int, column: int, message: str) -> None:
    error = caught.value
    assert error.span is not None
    assert (error.span.file, error.span.line, error.span.column) == (file, line, column), error.message
    assert message in error.message
    assert str(error) == f"{file}:{line}:{column}: {error.message}"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"), [pytest.param(*row[1:], id=row[0]) for row in JSON_ROWS + POLICY_ROWS]
)
def test_malformed_input(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load(text)
    assert_error_at(caught, "policy.json", line, column, message)


LENIENT_ROWS = ("action-no-service", "action-no-colon", "action-two-colons", "action-colon-after-variable",
                "action-only-variable", "operator-null-ifexists")  # fmt: skip
"""Rows that lenient loading (`iamproof validate`) keeps in the AST, for lint to report as ERROR findings."""


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [pytest.param(*row[1:], id=row[0]) for row in JSON_ROWS + POLICY_ROWS if row[0] not in LENIENT_ROWS],
)
def test_lenient_loading_rejects_every_other_error(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load(text, lenient=True)
    assert_error_at(caught, "policy.json", line, column, message)


@pytest.mark.parametrize(
    ("text", "line", "column"), [pytest.param(*row[1:4], id=row[0]) for row in POLICY_ROWS if row[0] in LENIENT_ROWS]
)
def test_lenient_loading_keeps_what_lint_reports(text: str, line: int, column: int) -> None:
    (kept,) = load(text, lenient=True).statements
    spans = [item.span for item in kept.action.items] + [c.operator_span for c in kept.conditions]
    assert (line, column) in [(span.line, span.column) for span in spans]


def test_lenient_loading_keeps_null_with_if_exists_as_written() -> None:
    (kept,) = load(condition("NullIfExists", "aws:TagKeys", '"true"'), lenient=True).statements
    operator = kept.conditions[0].operator
    assert (operator.name, operator.family, operator.if_exists) == ("NullIfExists", OperatorFamily.NULL, True)


def test_rows_are_distinct_and_plenty() -> None:
    rows = JSON_ROWS + POLICY_ROWS
    assert len({row[0] for row in rows}) == len(rows)
    assert len({row[1] for row in rows}) == len(rows)
    assert len(rows) >= 40


def test_variables_are_checked_only_under_2012() -> None:
    """Under 2008-10-17 (or with no Version) `${` is literal text, so the same values are accepted."""
    for version in ("2008-10-17", None):
        text = condition("StringLike", "s3:prefix", '"home/${aws:username"', version=version)
        (with_condition,) = load(text).statements
        assert with_condition.conditions[0].values[0].text == "home/${aws:username"
        (with_resource,) = load(statement(ALLOW, GET, '"Resource": "arn:aws:s3:::b/${}"', version=version)).statements
        assert with_resource.resource is not None
        assert with_resource.resource.items[0].text == "arn:aws:s3:::b/${}"


# --- files: bytes, encodings, AWS CLI shapes ----------------------------------------------------------

FILE_ROWS = [
    ("invalid-utf8", b'{"Sid": "\xc3\xa9\xff"}', 1, 11, "not valid UTF-8 text (byte 0xFF at offset 11)"),
    ("invalid-utf8-line-2", b'{\n  "Sid": "\xe2\x82"\n}', 2, 11, "not valid UTF-8 text (byte 0xE2 at offset 12)"),
    ("invalid-utf8-after-bom", b'\xef\xbb\xbf{"\xc0": 1}', 1, 3, "not valid UTF-8"),
    ("utf8-bom-then-error", b'\xef\xbb\xbf{\n  "Version": 1,\n}', 2, 15, "trailing comma"),
    ("utf16-then-error", '{"Statement": [1,]}'.encode("utf-16"), 1, 17, "trailing comma before ']'"),
    ("nul-bytes", b'{"Statement": \x00}', 1, 15, "unexpected character U+0000"),
]


@pytest.mark.parametrize(("data", "line", "column", "message"), [pytest.param(*r[1:], id=r[0]) for r in FILE_ROWS])
def test_malformed_file(tmp_path: Path, data: bytes, line: int, column: int, message: str) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        load_policy_file(path)
    assert_error_at(caught, str(path), line, column, message)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    with pytest.raises(InputError, match="cannot read file: No such file or directory") as caught:
        load_policy_file(path)
    assert str(caught.value).startswith(f"{path}:1:1: ")


LAMBDA_BAD = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "lambda:*"}]})
LAMBDA_VARIABLE = (
    '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::\\u00e9/${}"}}'
)
ENCODED_BAD = quote(json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "bucket"}}), safe="")
CLI_ROWS = [
    # `    "Policy": "{\"Version\": ...` : the embedded "allow" starts at its escaped quote.
    ("lambda-policy-error", {"Policy": LAMBDA_BAD, "RevisionId": "r"}, 2, 75, "not 'allow'"),
    ("lambda-policy-syntax", {"Policy": '{"Statement": [}', "RevisionId": "r"}, 2, 33,
     "(in the policy text of the 'Policy' string)"),
    ("lambda-policy-eof", {"Policy": '{"Statement": [', "RevisionId": "r"}, 2, 33,
     "the list opened at line 2, column 32 is not closed"),
    # 102 characters of the embedded text come before `${`; 17 quotes and 1 backslash are escaped in the file.
    ("lambda-policy-variable", {"Policy": LAMBDA_VARIABLE}, 2, 136, "invalid policy variable '${}'"),
    ("lambda-policy-type", {"Policy": 5}, 2, 15, "a policy document must be an object, not a number"),
    ("policy-version-encoded", {"PolicyVersion": {"Document": ENCODED_BAD}}, 3, 142, "resource 'bucket' must be"),
    ("policy-version-type", {"PolicyVersion": ["x"]}, 2, 22, "'PolicyVersion' must be an object"),
    ("policy-version-no-document", {"PolicyVersion": {"VersionId": "v1"}}, 2, 22, "'PolicyVersion' has no 'Document'"),
    ("role-policy-error", {"RoleName": "r", "PolicyDocument": {"Statement": {"Effect": "Allow"}}}, 4, 22,
     "neither 'Action' nor 'NotAction'"),
]  # fmt: skip


@pytest.mark.parametrize(("output", "line", "column", "message"), [pytest.param(*r[1:], id=r[0]) for r in CLI_ROWS])
def test_malformed_cli_output(tmp_path: Path, output: object, line: int, column: int, message: str) -> None:
    path = tmp_path / "output.json"
    path.write_text(json.dumps(output, indent=4), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policy_file(path)
    assert_error_at(caught, str(path), line, column, message)
