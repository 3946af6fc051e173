"""Condition operators (iam-semantics.md §3): every row of §3.2, IfExists, the §3.1 combination rules,
the §3.3 set operators, §3.4 policy variables, key-name case, and errors for bad operators and values.

Most rows ask: does `Allow s3:GetObject on * if <condition>` allow a request by user u in A whose context
is the given one? That is exactly "does the condition hold".
"""

from __future__ import annotations

from typing import Any

import pytest

from iamproof.errors import InputError
from iamproof.parsing.documents import parse_policy_text
from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    V2008,
    A,
    allow,
    case,
    condition_allows,
    decide,
    deny,
    identity_case,
    policy,
    run,
    session,
    user,
)

ABSENT = object()  # the key is not in the request
K = "test:Key"


def holds(operator: str, policy_value: Any, request_value: Any, key: str = K, **kwargs: Any) -> bool:
    context = None if request_value is ABSENT else {key: request_value}
    return condition_allows({operator: {key: policy_value}}, context, **kwargs)


def rows(operator: str, table: list[tuple[Any, Any, bool]]) -> list[Any]:
    return [
        pytest.param(
            operator,
            policy_value,
            request_value,
            expected,
            id=f"{operator}-{policy_value!r}-{'absent' if request_value is ABSENT else repr(request_value)}",
        )
        for policy_value, request_value, expected in table
    ]


# --- §3.2, one table per operator; every table has the absent-key column ---------------------------

STRING = [
    *rows(
        "StringEquals",
        [
            ("abc", "abc", True),
            ("abc", "ABC", False),
            ("abc", "abcd", False),
            ("a*", "abc", False),
            ("a*", "a*", True),
            ("a?c", "abc", False),
            ("abc", ABSENT, False),
        ],
    ),
    *rows(
        "StringNotEquals", [("abc", "abc", False), ("abc", "ABC", True), ("abc", "xyz", True), ("abc", ABSENT, True)]
    ),
    *rows(
        "StringEqualsIgnoreCase",
        [
            ("AbC", "abc", True),
            ("AbC", "ABC", True),
            ("AbC", "abd", False),
            ("a*", "ABC", False),
            ("AbC", ABSENT, False),
        ],
    ),
    *rows("StringNotEqualsIgnoreCase", [("AbC", "abc", False), ("AbC", "abd", True), ("AbC", ABSENT, True)]),
    *rows(
        "StringLike",
        [
            ("a*c", "abbbc", True),
            ("a*c", "ac", True),
            ("a*c", "ab", False),
            ("a?c", "abc", True),
            ("a?c", "ac", False),
            ("a?c", "abbc", False),
            ("A*", "abc", False),
            ("a*", "a/b:c", True),
            ("*", "", False),
            ("??", "ab", True),
            ("abc", "abc", True),
            ("a*", ABSENT, False),
        ],
    ),
    *rows(
        "StringNotLike",
        [("a*", "abc", False), ("a*", "xbc", True), ("a?", "ab", False), ("a?", "abc", True), ("a*", ABSENT, True)],
    ),
]

NUMERIC = [
    *rows(
        "NumericEquals",
        [
            ("10", "10", True),
            ("10", "10.0", True),
            ("10", "11", False),
            (10, "10", True),
            ("0.5", ".5", True),
            ("-3", "-3.000", True),
            ("10", ABSENT, False),
        ],
    ),
    *rows("NumericNotEquals", [("10", "10", False), ("10", "11", True), ("10", ABSENT, True)]),
    *rows("NumericLessThan", [("10", "9.5", True), ("10", "10", False), ("10", "-100", True), ("10", ABSENT, False)]),
    *rows("NumericLessThanEquals", [("10", "10", True), ("10", "10.01", False), ("10", ABSENT, False)]),
    *rows("NumericGreaterThan", [("1.5", "1.50001", True), ("1.5", "1.5", False), ("1.5", ABSENT, False)]),
    *rows(
        "NumericGreaterThanEquals", [("-1", "-1", True), ("-1", "-2", False), ("-1", "0", True), ("-1", ABSENT, False)]
    ),
]

T0 = "2020-01-01T00:00:00Z"
EPOCH0 = "1577836800"
DATE = [
    *rows(
        "DateEquals",
        [
            (T0, T0, True),
            (T0, EPOCH0, True),
            (EPOCH0, T0, True),
            (T0, "2020-01-01T01:00:00+01:00", True),
            ("2020-01-01", T0, True),
            (T0, "2020-01-01T00:00:00.000Z", True),
            (T0, "2020-01-01T00:00:01Z", False),
            (T0, ABSENT, False),
        ],
    ),
    *rows("DateNotEquals", [(T0, T0, False), (T0, "2021-01-01T00:00:00Z", True), (T0, ABSENT, True)]),
    *rows(
        "DateLessThan",
        [
            (T0, "2019-12-31T23:59:59Z", True),
            (T0, T0, False),
            (T0, "1577836799", True),
            (T0, "2020-01-01T00:00:00-00:01", False),
            (T0, ABSENT, False),
        ],
    ),
    *rows("DateLessThanEquals", [(T0, T0, True), (T0, "2020-01-01T00:00:00.5Z", False), (T0, ABSENT, False)]),
    *rows(
        "DateGreaterThan",
        [
            (EPOCH0, "2020-01-01T00:00:01Z", True),
            (EPOCH0, T0, False),
            (T0, "2020-01-01T00:00:00.5Z", True),
            (EPOCH0, ABSENT, False),
        ],
    ),
    *rows("DateGreaterThanEquals", [(T0, T0, True), (T0, "2019-06-01T00:00:00Z", False), (T0, ABSENT, False)]),
]

BOOL = rows(
    "Bool",
    [
        ("true", "true", True),
        ("true", "false", False),
        ("false", "false", True),
        (True, True, True),
        (True, "false", False),
        (False, False, True),
        ("true", ABSENT, False),
        ("false", ABSENT, False),
    ],
)

BINARY = rows(
    "BinaryEquals", [("QmluYXJ5", "QmluYXJ5", True), ("QmluYXJ5", "QmluYXJ6", False), ("QmluYXJ5", ABSENT, False)]
)

IP = [
    *rows(
        "IpAddress",
        [
            ("203.0.113.0/24", "203.0.113.5", True),
            ("203.0.113.0/24", "203.0.114.5", False),
            ("203.0.113.5", "203.0.113.5", True),
            ("203.0.113.5", "203.0.113.6", False),
            ("2001:db8::/32", "2001:db8:1::1", True),
            ("2001:db8::/32", "2001:db9::1", False),
            ("2001:db8::1", "2001:db8::1", True),
            ("2001:db8::1", "2001:db8::2", False),
            ("0.0.0.0/0", "2001:db8::1", False),
            ("::/0", "203.0.113.5", False),
            ("203.0.113.0/24", ABSENT, False),
        ],
    ),
    *rows(
        "NotIpAddress",
        [
            ("203.0.113.0/24", "203.0.113.5", False),
            ("203.0.113.0/24", "198.51.100.1", True),
            ("2001:db8::/32", "2001:db8::5", False),
            ("203.0.113.0/24", ABSENT, True),
        ],
    ),
]

ROLE_X = "arn:aws:iam::111122223333:role/x"
ARN = [
    *rows(
        "ArnEquals",
        [
            ("arn:aws:s3:::bkt", "arn:aws:s3:::bkt", True),
            ("arn:aws:s3:::bkt", "arn:aws:s3:::bkt2", False),
            ("arn:aws:iam::*:role/*", ROLE_X, True),
            ("arn:aws:s3:::bkt", ABSENT, False),
        ],
    ),
    *rows(
        "ArnLike",
        [
            ("arn:aws:iam::*:role/*", ROLE_X, True),
            ("arn:aws:iam::*:role/X", ROLE_X, False),
            ("arn:aws:iam::1111222?3333:role/x", ROLE_X, True),
            ("arn:aws:*:*:*:*", ROLE_X, True),
            ("arn:aws:iam::*:role/*", "not-an-arn", False),
            ("arn:aws:iam::*:role/*", ABSENT, False),
        ],
    ),
    *rows(
        "ArnNotEquals",
        [
            ("arn:aws:s3:::bkt", "arn:aws:s3:::bkt", False),
            ("arn:aws:s3:::bkt", "arn:aws:s3:::b", True),
            ("arn:aws:s3:::bkt", ABSENT, True),
        ],
    ),
    *rows(
        "ArnNotLike",
        [
            ("arn:aws:iam::*:role/*", ROLE_X, False),
            ("arn:aws:iam::*:user/*", ROLE_X, True),
            ("arn:aws:iam::*:role/*", ABSENT, True),
        ],
    ),
]

NULL = [
    *rows(
        "Null",
        [
            ("true", ABSENT, True),
            ("true", "x", False),
            ("false", ABSENT, False),
            ("false", "x", True),
            (True, ABSENT, True),
            ("true", "", True),
            ("false", [], False),
        ],
    ),
]


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [*STRING, *NUMERIC, *DATE, *BOOL, *BINARY, *IP, *ARN, *NULL],
)
def test_operator(operator: str, policy_value: Any, request_value: Any, expected: bool) -> None:
    assert holds(operator, policy_value, request_value) is expected


# --- note 4: StringLike spans colons, ArnLike does not ---------------------------------------------

NOTE4_PATTERN = "arn:aws:someservice:*:111122223333:finance/*"
NOTE4_VALUE = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"


@pytest.mark.parametrize(
    ("operator", "pattern", "value", "expected"),
    [
        pytest.param("StringLike", NOTE4_PATTERN, NOTE4_VALUE, True, id="note4-stringlike-spans-colons"),
        pytest.param("ArnLike", NOTE4_PATTERN, NOTE4_VALUE, False, id="note4-arnlike-component-wise"),
        pytest.param("ArnEquals", NOTE4_PATTERN, NOTE4_VALUE, False, id="note4-arnequals-component-wise"),
        pytest.param("ArnNotLike", NOTE4_PATTERN, NOTE4_VALUE, True, id="note4-arnnotlike-component-wise"),
        pytest.param(
            "ArnLike",
            "arn:aws:sqs:*:111122223333:q",
            "arn:aws:sqs:us-east-1:x:111122223333:q",
            False,
            id="arnlike-region-star-does-not-cross-colon",
        ),
        pytest.param(
            "StringLike",
            "arn:aws:sqs:*:111122223333:q",
            "arn:aws:sqs:us-east-1:x:111122223333:q",
            True,
            id="stringlike-region-star-crosses-colon",
        ),
        pytest.param(
            "ArnLike",
            "arn:aws:lambda:*:*:function:f*",
            "arn:aws:lambda:us-east-1:1:function:f:3",
            True,
            id="arnlike-resource-part-star-crosses-colon",
        ),
        pytest.param("ArnLike", "*", "anything:at:all", True, id="arnlike-bare-star-whole-value-ambig9"),
    ],
)
def test_arn_versus_string_like(operator: str, pattern: str, value: str, expected: bool) -> None:
    assert holds(operator, pattern, value, key="aws:SourceArn") is expected


# --- IfExists on every family, and note 5 ---------------------------------------------------------

IF_EXISTS = [
    ("StringEqualsIfExists", "abc", "abc", True),
    ("StringEqualsIfExists", "abc", "x", False),
    ("StringNotEqualsIfExists", "abc", "abc", False),
    ("StringLikeIfExists", "a*", "x", False),
    ("StringNotLikeIfExists", "a*", "x", True),
    ("StringEqualsIgnoreCaseIfExists", "A", "a", True),
    ("NumericLessThanIfExists", "5", "7", False),
    ("NumericNotEqualsIfExists", "5", "5", False),
    ("DateGreaterThanIfExists", T0, "2019-01-01T00:00:00Z", False),
    ("DateNotEqualsIfExists", T0, T0, False),
    ("BoolIfExists", "true", "false", False),
    ("BinaryEqualsIfExists", "QmluYXJ5", "QmluYXJ6", False),
    ("IpAddressIfExists", "10.0.0.0/8", "11.0.0.1", False),
    ("NotIpAddressIfExists", "10.0.0.0/8", "10.0.0.1", False),
    ("ArnLikeIfExists", "arn:aws:s3:::b*", "arn:aws:s3:::x", False),
    ("ArnNotEqualsIfExists", "arn:aws:s3:::b", "arn:aws:s3:::b", False),
]


@pytest.mark.parametrize(
    ("operator", "policy_value", "present_value", "present_expected"),
    [pytest.param(*row, id=row[0]) for row in IF_EXISTS],
)
def test_if_exists(operator: str, policy_value: str, present_value: str, present_expected: bool) -> None:
    assert holds(operator, policy_value, ABSENT) is True, "absent key: IfExists makes the condition true"
    assert holds(operator, policy_value, present_value) is present_expected, "present key: the base operator"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(None, EXPLICIT, id="note5-key-missing-still-denies"),
        pytest.param({"aws:PrincipalTag/dept": "other"}, EXPLICIT, id="note5-other-value-denies"),
        pytest.param({"aws:PrincipalTag/dept": "eng"}, ALLOW, id="note5-listed-value-not-denied"),
    ],
)
def test_deny_with_string_not_equals_if_exists(context: dict[str, Any] | None, expected: str) -> None:
    document = identity_case(
        [allow("*", "*"), deny("*", "*", Condition={"StringNotEqualsIfExists": {"aws:PrincipalTag/dept": "eng"}})],
        context=context,
    )
    assert decide(document) == expected


# --- §3.1 combination rules ---------------------------------------------------------------------------

COMBINATIONS = [
    # several operator blocks: AND
    (
        {"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:n": "5"}},
        {"k:a": "1", "k:n": "4"},
        True,
        "blocks-and-both",
    ),
    (
        {"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:n": "5"}},
        {"k:a": "1", "k:n": "6"},
        False,
        "blocks-and-one-false",
    ),
    ({"StringEquals": {"k:a": "1"}, "NumericLessThan": {"k:n": "5"}}, {"k:n": "4"}, False, "blocks-and-one-absent"),
    # several keys in one block: AND
    ({"StringEquals": {"k:a": "1", "k:b": "2"}}, {"k:a": "1", "k:b": "2"}, True, "keys-and-both"),
    ({"StringEquals": {"k:a": "1", "k:b": "2"}}, {"k:a": "1", "k:b": "3"}, False, "keys-and-one-false"),
    # several values for one key: OR
    ({"StringEquals": {"k:a": ["1", "2"]}}, {"k:a": "2"}, True, "values-or-second"),
    ({"StringEquals": {"k:a": ["1", "2"]}}, {"k:a": "3"}, False, "values-or-none"),
    ({"NumericEquals": {"k:a": ["1", "2"]}}, {"k:a": "1"}, True, "numeric-values-or"),
    ({"IpAddress": {"k:a": ["10.0.0.0/8", "192.168.0.0/16"]}}, {"k:a": "192.168.1.1"}, True, "ip-values-or"),
    # negated operators: NOR
    ({"StringNotEquals": {"k:a": ["1", "2"]}}, {"k:a": "1"}, False, "string-not-equals-nor-first"),
    ({"StringNotEquals": {"k:a": ["1", "2"]}}, {"k:a": "2"}, False, "string-not-equals-nor-second"),
    ({"StringNotEquals": {"k:a": ["1", "2"]}}, {"k:a": "3"}, True, "string-not-equals-nor-neither"),
    ({"StringNotEqualsIgnoreCase": {"k:a": ["A", "B"]}}, {"k:a": "b"}, False, "string-not-equals-ic-nor"),
    ({"StringNotLike": {"k:a": ["a*", "b*"]}}, {"k:a": "bx"}, False, "string-not-like-nor"),
    ({"StringNotLike": {"k:a": ["a*", "b*"]}}, {"k:a": "cx"}, True, "string-not-like-nor-neither"),
    ({"NumericNotEquals": {"k:a": ["1", "2"]}}, {"k:a": "2"}, False, "numeric-not-equals-nor"),
    ({"NumericNotEquals": {"k:a": ["1", "2"]}}, {"k:a": "3"}, True, "numeric-not-equals-nor-neither"),
    ({"DateNotEquals": {"k:a": [T0, EPOCH0 + "1"]}}, {"k:a": T0}, False, "date-not-equals-nor"),
    ({"NotIpAddress": {"k:a": ["10.0.0.0/8", "192.168.0.0/16"]}}, {"k:a": "192.168.1.1"}, False, "not-ip-nor"),
    ({"NotIpAddress": {"k:a": ["10.0.0.0/8", "192.168.0.0/16"]}}, {"k:a": "172.16.0.1"}, True, "not-ip-nor-neither"),
    (
        {"ArnNotEquals": {"k:a": ["arn:aws:s3:::a", "arn:aws:s3:::b"]}},
        {"k:a": "arn:aws:s3:::b"},
        False,
        "arn-not-equals-nor",
    ),
    (
        {"ArnNotLike": {"k:a": ["arn:aws:s3:::a*", "arn:aws:s3:::b*"]}},
        {"k:a": "arn:aws:s3:::c"},
        True,
        "arn-not-like-nor-neither",
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "expected"), [pytest.param(c, ctx, e, id=name) for c, ctx, e, name in COMBINATIONS]
)
def test_combination_rules(condition: dict[str, Any], context: dict[str, Any], expected: bool) -> None:
    assert condition_allows(condition, context) is expected


# --- §3.3 set operators ---------------------------------------------------------------------------

SETS = [
    ("ForAnyValue:StringEquals", ["a", "b"], ["x", "b"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["x", "y"], False),
    ("ForAnyValue:StringEquals", ["a", "b"], ABSENT, False),
    ("ForAnyValue:StringEquals", ["a", "b"], [], False),
    ("ForAnyValue:StringEquals", ["a", "b"], "a", True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "x"], False),
    ("ForAllValues:StringEquals", ["a", "b"], ABSENT, True),
    ("ForAllValues:StringEquals", ["a", "b"], [], True),
    ("ForAllValues:StringEquals", ["a", "b"], [""], True),
    ("ForAnyValue:StringNotEquals", ["a"], ["a"], False),
    ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
    ("ForAnyValue:StringNotEquals", ["a"], ABSENT, False),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "a"], False),
    ("ForAllValues:StringNotEquals", ["a", "b"], ABSENT, True),
    ("ForAnyValue:StringLike", ["a*"], ["xa", "ab"], True),
    ("ForAllValues:StringLike", ["a*"], ["xa", "ab"], False),
    ("ForAllValues:NumericLessThan", ["10"], ["1", "9"], True),
    ("ForAllValues:NumericLessThan", ["10"], ["1", "19"], False),
    ("ForAnyValue:ArnLike", ["arn:aws:iam::*:role/*"], [ROLE_X, "arn:aws:s3:::b"], True),
    ("ForAllValues:IpAddress", ["10.0.0.0/8"], ["10.0.0.1", "10.2.3.4"], True),
    ("ForAnyValue:StringEqualsIfExists", ["a"], ABSENT, True),
]


@pytest.mark.parametrize(
    ("operator", "policy_values", "request_values", "expected"),
    [pytest.param(op, pv, rv, e, id=f"{op}-{pv}-{'absent' if rv is ABSENT else rv}") for op, pv, rv, e in SETS],
)
def test_set_operators(operator: str, policy_values: list[str], request_values: Any, expected: bool) -> None:
    assert holds(operator, policy_values, request_values, key="aws:TagKeys") is expected


@pytest.mark.parametrize(
    ("tag_keys", "with_null_guard", "expected"),
    [
        pytest.param(["key2"], False, EXPLICIT, id="tagkeys-key2-denied"),
        pytest.param([], False, EXPLICIT, id="tagkeys-empty-set-denied"),
        pytest.param(ABSENT, False, EXPLICIT, id="tagkeys-absent-denied"),
        pytest.param(["key1", "key1b"], False, ALLOW, id="tagkeys-all-key1-not-denied"),
        pytest.param([], True, ALLOW, id="tagkeys-empty-set-null-guard-not-denied"),
        pytest.param(["key2"], True, EXPLICIT, id="tagkeys-key2-null-guard-denied"),
    ],
)
def test_negated_operator_inside_for_all_values(tag_keys: Any, with_null_guard: bool, expected: str) -> None:
    condition: dict[str, Any] = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}
    if with_null_guard:
        condition["Null"] = {"aws:TagKeys": "false"}
    context = None if tag_keys is ABSENT else {"aws:TagKeys": tag_keys}
    document = identity_case(
        [allow("*", "*"), deny("*", "*", Condition=condition)],
        "iam:TagUser",
        "arn:aws:iam::111122223333:user/x",
        context,
    )
    assert decide(document) == expected


def test_plain_operator_on_multivalued_key_is_for_any_value_and_noted() -> None:
    document = identity_case(
        [allow("*", "*", Condition={"StringEquals": {"aws:TagKeys": "b"}})], context={"aws:TagKeys": ["a", "b"]}
    )
    result = run(document)
    assert result.decision.value == ALLOW
    assert any("[AMBIG §3.3]" in note for note in result.notes)


# --- §3.4 policy variables --------------------------------------------------------------------------

VARIABLES = [
    # (condition, context, principal, version, expected, id)
    ({"StringEquals": {"k:owner": "${aws:username}"}}, {"k:owner": "u"}, None, "2012-10-17", True, "username"),
    ({"StringEquals": {"k:owner": "${aws:username}"}}, {"k:owner": "bob"}, None, "2012-10-17", False, "username-other"),
    (
        {"StringEquals": {"k:owner": "${AWS:UserName}"}},
        {"k:owner": "u"},
        None,
        "2012-10-17",
        True,
        "variable-key-case-insensitive",
    ),
    (
        {"StringLike": {"k:p": "home/${aws:username}/*"}},
        {"k:p": "home/u/x"},
        None,
        "2012-10-17",
        True,
        "username-in-like",
    ),
    (
        {"StringEquals": {"k:team": "${aws:PrincipalTag/team}"}},
        {"k:team": "red", "aws:PrincipalTag/team": "red"},
        None,
        "2012-10-17",
        True,
        "principal-tag",
    ),
    (
        {"StringEquals": {"k:team": "${aws:PrincipalTag/Team}"}},
        {"k:team": "red", "aws:principaltag/team": "red"},
        None,
        "2012-10-17",
        True,
        "principal-tag-name-case-insensitive",
    ),
    ({"StringLike": {"k:a": "a${*}"}}, {"k:a": "a*"}, None, "2012-10-17", True, "escape-star-literal"),
    ({"StringLike": {"k:a": "a${*}"}}, {"k:a": "ab"}, None, "2012-10-17", False, "escape-star-not-wildcard"),
    ({"StringLike": {"k:a": "a${?}"}}, {"k:a": "a?"}, None, "2012-10-17", True, "escape-question-literal"),
    ({"StringLike": {"k:a": "a${?}"}}, {"k:a": "ab"}, None, "2012-10-17", False, "escape-question-not-wildcard"),
    ({"StringEquals": {"k:a": "${$}x"}}, {"k:a": "$x"}, None, "2012-10-17", True, "escape-dollar"),
    (
        {"StringEquals": {"k:a": "${aws:PrincipalTag/team, 'none'}"}},
        {"k:a": "none"},
        None,
        "2012-10-17",
        True,
        "default-when-absent",
    ),
    (
        {"StringEquals": {"k:a": "${aws:PrincipalTag/team, 'none'}"}},
        {"k:a": "none", "aws:PrincipalTag/team": "red"},
        None,
        "2012-10-17",
        False,
        "default-not-used-when-present",
    ),
    (
        {"StringLike": {"k:a": "${aws:PrincipalTag/p}"}},
        {"k:a": "abc", "aws:PrincipalTag/p": "a*"},
        None,
        "2012-10-17",
        False,
        "substituted-value-matches-literally",
    ),
    (
        {"StringLike": {"k:a": "${aws:PrincipalTag/p}"}},
        {"k:a": "a*", "aws:PrincipalTag/p": "a*"},
        None,
        "2012-10-17",
        True,
        "substituted-value-matches-itself",
    ),
    (
        {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::${aws:username}"}},
        {"aws:SourceArn": "arn:aws:s3:::u"},
        None,
        "2012-10-17",
        True,
        "arn-operator-variable",
    ),
    # unresolved variable: positive operators do not match, negated ones do
    (
        {"StringEquals": {"k:a": "${aws:username}"}},
        {"k:a": "x"},
        session(),
        "2012-10-17",
        False,
        "unresolved-string-equals",
    ),
    (
        {"StringLike": {"k:a": "${aws:username}*"}},
        {"k:a": "x"},
        session(),
        "2012-10-17",
        False,
        "unresolved-string-like",
    ),
    (
        {"StringNotEquals": {"k:a": "${aws:username}"}},
        {"k:a": "x"},
        session(),
        "2012-10-17",
        True,
        "unresolved-string-not-equals",
    ),
    (
        {"StringNotLike": {"k:a": "${aws:username}*"}},
        {"k:a": "x"},
        session(),
        "2012-10-17",
        True,
        "unresolved-string-not-like",
    ),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:username}"}},
        {"aws:SourceArn": "arn:aws:s3:::x"},
        session(),
        "2012-10-17",
        False,
        "unresolved-arn-like",
    ),
    (
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::${aws:username}"}},
        {"aws:SourceArn": "arn:aws:s3:::x"},
        session(),
        "2012-10-17",
        True,
        "unresolved-arn-not-like",
    ),
    # only single-valued keys are variables (§3.3): a list-valued key has no value, even with one element
    (
        {"StringEquals": {"k:a": "${aws:TagKeys}"}},
        {"k:a": "a", "aws:TagKeys": ["a"]},
        None,
        "2012-10-17",
        False,
        "multivalued-key-variable-unresolved",
    ),
    (
        {"StringNotEquals": {"k:a": "${aws:TagKeys}"}},
        {"k:a": "a", "aws:TagKeys": ["a"]},
        None,
        "2012-10-17",
        True,
        "multivalued-key-variable-unresolved-negated",
    ),
    # only under 2012-10-17: otherwise literal text
    ({"StringEquals": {"k:a": "${aws:username}"}}, {"k:a": "u"}, None, V2008, False, "2008-literal-no-substitution"),
    ({"StringEquals": {"k:a": "${aws:username}"}}, {"k:a": "${aws:username}"}, None, V2008, True, "2008-literal-text"),
    ({"StringEquals": {"k:a": "${aws:username}"}}, {"k:a": "u"}, None, None, False, "no-version-literal"),
    (
        {"StringEquals": {"k:a": "${aws:username}"}},
        {"k:a": "${aws:username}"},
        None,
        None,
        True,
        "no-version-literal-text",
    ),
]


@pytest.mark.parametrize(
    ("condition", "context", "principal", "version", "expected"),
    [pytest.param(*row[:5], id=row[5]) for row in VARIABLES],
)
def test_policy_variables_in_conditions(
    condition: dict[str, Any], context: dict[str, Any], principal: str | None, version: str | None, expected: bool
) -> None:
    assert condition_allows(condition, context, version=version, principal=principal) is expected


@pytest.mark.parametrize(
    ("resource_pattern", "element", "context", "resource", "expected"),
    [
        pytest.param(
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*",
            "Resource",
            {"aws:PrincipalTag/team": "red"},
            "arn:aws:s3:::bkt/red/x",
            ALLOW,
            id="resource-variable-resolved",
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*",
            "Resource",
            None,
            "arn:aws:s3:::bkt/red/x",
            "implicit",
            id="resource-variable-unresolved-matches-nothing",
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*",
            "Resource",
            None,
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/x",
            "implicit",
            id="resource-variable-unresolved-not-literal",
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}*",
            "Resource",
            {"aws:PrincipalTag/team": "r*"},
            "arn:aws:s3:::bkt/rx",
            "implicit",
            id="resource-variable-value-literal",
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${*}", "Resource", None, "arn:aws:s3:::bkt/*", ALLOW, id="resource-escape-star-literal"
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${*}",
            "Resource",
            None,
            "arn:aws:s3:::bkt/x",
            "implicit",
            id="resource-escape-star-not-wildcard",
        ),
        pytest.param(
            "arn:aws:s3:::bkt/${aws:PrincipalTag/team}/*",
            "NotResource",
            None,
            "arn:aws:s3:::bkt/red/x",
            ALLOW,
            id="notresource-unresolved-entry-excludes-nothing",
        ),
        # §3.4: variables only after the fifth colon; elsewhere the entry matches nothing (README choice 25)
        pytest.param(
            "arn:aws:s3:${aws:PrincipalTag/r}::bkt/x",
            "Resource",
            {"aws:PrincipalTag/r": "us-east-1"},
            "arn:aws:s3:us-east-1::bkt/x",
            "implicit",
            id="resource-variable-in-region-matches-nothing",
        ),
        pytest.param(
            "arn:aws:s3:${aws:PrincipalTag/r}:bkt/x",
            "Resource",
            {"aws:PrincipalTag/r": "us-east-1:"},
            "arn:aws:s3:us-east-1::bkt/x",
            "implicit",
            id="resource-variable-value-cannot-add-components",
        ),
        pytest.param(
            "arn:aws:s3:::${aws:PrincipalTag/b}",
            "Resource",
            {"aws:PrincipalTag/b": "bkt:x"},
            "arn:aws:s3:::bkt:x",
            ALLOW,
            id="resource-variable-value-with-colon-in-resource-part",
        ),
        pytest.param(
            "arn:aws:s3:${aws:PrincipalTag/r}::bkt/x",
            "NotResource",
            {"aws:PrincipalTag/r": "us-east-1"},
            "arn:aws:s3:us-east-1::bkt/x",
            ALLOW,
            id="notresource-variable-in-region-excludes-nothing",
        ),
    ],
)
def test_policy_variables_in_resources(
    resource_pattern: str, element: str, context: dict[str, Any] | None, resource: str, expected: str
) -> None:
    statement = (
        allow("s3:GetObject", **{element: resource_pattern})
        if element == "NotResource"
        else allow("s3:GetObject", resource_pattern)
    )
    assert decide(identity_case([statement], resource=resource, context=context)) == expected


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        pytest.param(user("u"), "implicit", id="principal-variable-not-substituted"),
        pytest.param("arn:aws:iam::111122223333:user/${aws:username}", ALLOW, id="principal-variable-literal-text"),
    ],
)
def test_policy_variable_in_principal_is_literal(caller: str, expected: str) -> None:
    """§3.4 [DERIVED]: `${...}` in Principal is literal text (a user could even be named like that)."""
    resource_policy = policy(
        allow("s3:GetObject", "*", Principal={"AWS": "arn:aws:iam::111122223333:user/${aws:username}"})
    )
    document = case({"resource": resource_policy}, caller, "s3:GetObject", "arn:aws:s3:::bkt/k", resource_account=A)
    assert decide(document) == expected


# --- condition key names are case-insensitive, including the tag part --------------------------------


@pytest.mark.parametrize(
    ("policy_key", "context_key"),
    [
        pytest.param("aws:ResourceTag/TagKey1", "aws:resourcetag/tagkey1", id="tag-part-lower-in-request"),
        pytest.param("aws:resourcetag/tagkey1", "AWS:ResourceTag/TAGKEY1", id="tag-part-upper-in-request"),
        pytest.param("AWS:SOURCEIP", "aws:SourceIp", id="global-key-upper-in-policy"),
    ],
)
def test_condition_key_names_case_insensitive(policy_key: str, context_key: str) -> None:
    value = "203.0.113.5" if "sourceip" in policy_key.lower() else "v"
    operator = "IpAddress" if "sourceip" in policy_key.lower() else "StringEquals"
    assert condition_allows({operator: {policy_key: value}}, {context_key: value}) is True
    assert condition_allows({"Null": {policy_key: "false"}}, {context_key: value}) is True


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operator",
    [
        "StringEqualz",
        "stringequals",
        "ForSomeValues:StringEquals",
        "StringEqualsIfExist",
        "ForAnyValue:Null",
        "NullIfExists",
        "ArnMatches",
        "IpAddressLike",
    ],
)
def test_unknown_operator_is_an_error(operator: str) -> None:
    text = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",'
        f'"Condition":{{"{operator}":{{"k:a":"true"}}}}}}}}'
    )
    with pytest.raises(InputError) as info:
        parse_policy_text(text, "p.json")
    assert "operator" in info.value.message
    assert info.value.span is not None and info.value.span.file == "p.json"


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        pytest.param("Bool", "${aws:username}", id="bool-variable-ambig-rejected"),
        pytest.param("NumericEquals", "${aws:username}", id="numeric-variable"),
        pytest.param("DateEquals", "${aws:CurrentTime}", id="date-variable"),
        pytest.param("IpAddress", "${aws:SourceIp}", id="ip-variable"),
        pytest.param("DateLessThan", "2020-*", id="date-wildcard"),
        pytest.param("NumericEquals", "ten", id="numeric-not-a-number"),
        pytest.param("IpAddress", "10.0.0.0/33", id="ip-bad-cidr"),
        pytest.param("BinaryEquals", "not base64!", id="binary-not-base64"),
        pytest.param("Bool", "yes", id="bool-not-boolean"),
        pytest.param("Null", "maybe", id="null-not-boolean"),
    ],
)
def test_bad_policy_values_are_errors(operator: str, value: str) -> None:
    text = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",'
        f'"Condition":{{"{operator}":{{"k:a":"{value}"}}}}}}}}'
    )
    with pytest.raises(InputError):
        parse_policy_text(text, "p.json")


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value"),
    [
        pytest.param("NumericEquals", "1", "one", id="numeric"),
        pytest.param("NumericLessThanIfExists", "1", "1.2.3", id="numeric-if-exists"),
        pytest.param("DateLessThan", T0, "yesterday", id="date"),
        pytest.param("Bool", "true", "yes", id="bool"),
        pytest.param("BinaryEquals", "QmluYXJ5", "@@@", id="binary"),
        pytest.param("IpAddress", "10.0.0.0/8", "10.0.0.256", id="ip"),
        pytest.param("NotIpAddress", "10.0.0.0/8", "host.example", id="not-ip"),
        pytest.param("ForAllValues:NumericLessThan", "10", ["1", "x"], id="for-all-values-numeric"),
    ],
)
def test_wrong_type_request_value_is_a_clean_input_error(operator: str, policy_value: str, request_value: Any) -> None:
    with pytest.raises(InputError) as info:
        holds(operator, policy_value, request_value)
    assert K in info.value.message
    assert info.value.span is not None
