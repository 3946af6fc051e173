"""Property tests: the parser answers every input with a policy or a clean InputError, never a crash.

The default run is a quick smoke test; `pytest -m slow` runs the same properties with many more examples.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamproof.ast import ConditionValue, Policy, PrincipalKey, Statement, ValueKind
from iamproof.errors import InputError
from iamproof.parsing.documents import parse_policy_text, policy_document_from_node
from iamproof.parsing.json_tree import MAX_DEPTH, MAX_INPUT_BYTES, parse_json, to_python
from iamproof.span import Span

DATA = Path(__file__).parent / "data" / "parse"
SAMPLES = {path.name: path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.json"))}
STRING_TOKEN = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')


def fuzz(strategy: st.SearchStrategy[Any], fast: int = 60, slow: int = 3000) -> Callable[..., Any]:
    """Turn a check into a quick test and a `slow`-marked thorough one over the same strategy."""

    def wrap(check: Callable[[Any], None]) -> tuple[Any, Any]:
        quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]
        quick = settings(max_examples=fast, deadline=None, suppress_health_check=quiet)(given(strategy)(check))
        thorough = settings(max_examples=slow, deadline=None, suppress_health_check=quiet)(given(strategy)(check))
        return quick, pytest.mark.slow(thorough)

    return wrap


def assert_span_inside(span: Span | None, text: str) -> None:
    """An error position names a real line and a column at most one past its end."""
    assert span is not None
    lines = text.removeprefix("\ufeff").split("\n")
    assert 1 <= span.line <= len(lines), (span, len(lines))
    assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (span, lines[span.line - 1])


def parse_anything(text: str) -> Policy | None:
    """Parse as a policy file would be; None for a clean InputError (whose position must be valid)."""
    try:
        return policy_document_from_node(parse_json(text, "fuzz.json")).policy
    except InputError as exc:
        assert exc.message
        assert_span_inside(exc.span, text)
        assert str(exc).startswith(f"fuzz.json:{exc.span.line}:{exc.span.column}: ")  # type: ignore[union-attr]
        return None


# --- arbitrary text --------------------------------------------------------------------------------

JSONISH = st.text(alphabet=st.sampled_from(list("{}[]:,\"\\ \n\t0123456789.-+eEtrufalsn/*'#u${}AWS\x00\u00e9")))
any_text = st.one_of(st.text(), JSONISH, st.binary().map(lambda b: b.decode("latin-1")))


def check_arbitrary_text(text: str) -> None:
    result = parse_anything(text)
    assert result is None or isinstance(result, Policy)


test_arbitrary_text, test_arbitrary_text_slow = fuzz(any_text)(check_arbitrary_text)


# --- mutations of valid policies -------------------------------------------------------------------

MUTATION_CHARS = [*"{}[]:,\"\\ \n0a-.*?$'", "\u00e9", "\x01", "${", "%7B", "true", "\\u"]


@st.composite
def mutated_samples(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(sorted(SAMPLES.values())))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(MUTATION_CHARS)) + text[at:]
        else:
            size = draw(st.integers(1, 12))
            text = text[:at] + text[at : at + size] + text[at:]
    return text


def check_mutated_sample(text: str) -> None:
    result = parse_anything(text)
    assert result is None or result.statements is not None


test_mutated_samples, test_mutated_samples_slow = fuzz(mutated_samples(), fast=150, slow=6000)(check_mutated_sample)


# --- random JSON values of random shapes -----------------------------------------------------------

VOCABULARY = [
    "Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition", "AWS", "Service", "Federated", "CanonicalUser", "StringLike",
    "ForAnyValue:StringEquals", "NumericLessThan", "DateEquals", "Bool", "BinaryEquals", "IpAddress",
    "ArnLike", "Null", "NullIfExists", "aws:SourceIp", "aws:username", "PolicyVersion", "Document",
    "PolicyDocument", "Policy", "Allow", "Deny", "*", "2012-10-17", "2008-10-17", "s3:GetObject",
    "arn:aws:s3:::b/*", "arn:aws:iam::111122223333:root", "111122223333", "10.0.0.0/8", "${aws:username}",
    "${", "true", "2024-01-01T00:00:00Z", "aGVsbG8=",
]  # fmt: skip
words = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), words)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=5), max_leaves=30
)


def check_random_json(value: Any) -> None:
    text = json.dumps(value, indent=2 if isinstance(value, dict) else None)
    assert to_python(parse_json(text, "fuzz.json")) == json.loads(text)  # the JSON layer reads JSON right
    parse_anything(text)


test_random_json, test_random_json_slow = fuzz(json_values, fast=150, slow=5000)(check_random_json)


# --- valid policies round-trip ---------------------------------------------------------------------

ACCOUNT = "111122223333"
safe_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="$*?"), max_size=10)
names = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./", min_size=1, max_size=12)
actions = st.one_of(st.just("*"), st.builds(lambda s, n: f"{s}:{n}", names, names))
arns = st.builds(lambda svc, rest: f"arn:aws:{svc}:us-east-1:{ACCOUNT}:{rest}", st.sampled_from(["s3", "sqs"]), names)
resources = st.one_of(st.just("*"), arns, st.just("execute-api:/prod/GET/pets"))
principal_values = {
    "AWS": st.sampled_from(
        [
            "*",
            ACCOUNT,
            f"arn:aws:iam::{ACCOUNT}:root",
            f"arn:aws:iam::{ACCOUNT}:user/path/alice",
            f"arn:aws:iam::{ACCOUNT}:role/Admin",
            f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/s1",
            f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
            "AIDAJQABLZS4A3QDU576Q",
        ]
    ),
    "Service": st.sampled_from(["apigateway.amazonaws.com", "lambda.amazonaws.com"]),
    "Federated": st.sampled_from(["cognito-identity.amazonaws.com", f"arn:aws:iam::{ACCOUNT}:saml-provider/X"]),
    "CanonicalUser": st.sampled_from(["79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"]),
}
FAMILY_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "StringEquals": safe_text,
    "StringNotLike": safe_text,
    "ArnLike": arns,
    "NumericLessThan": st.one_of(st.integers(-(10**6), 10**6), st.integers(0, 999).map(str)),
    "DateGreaterThan": st.sampled_from(["2024-01-01T00:00:00Z", "2020-02-29", "1700000000"]),
    "Bool": st.one_of(st.booleans(), st.sampled_from(["true", "false"])),
    "BinaryEquals": st.sampled_from(["aGVsbG8=", "QUJD"]),
    "IpAddress": st.sampled_from(["10.0.0.0/8", "203.0.113.5", "2001:db8::/32"]),
    "Null": st.sampled_from(["true", "false", True]),
}


def one_or_many(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.lists(values, min_size=1, max_size=3))


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    block: dict[str, dict[str, Any]] = {}
    for base in draw(st.lists(st.sampled_from(sorted(FAMILY_VALUES)), max_size=3, unique=True)):
        qualifier = "" if base == "Null" else draw(st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]))
        suffix = "" if base == "Null" else draw(st.sampled_from(["", "IfExists"]))
        keys = draw(st.lists(names.map(lambda n: f"aws:{n}"), min_size=1, max_size=3, unique_by=str.lower))
        block[f"{qualifier}{base}{suffix}"] = {key: draw(one_or_many(FAMILY_VALUES[base])) for key in keys}
    return block


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    if draw(st.booleans()):
        statement["Sid"] = draw(safe_text)
    if draw(st.booleans()):
        kinds = draw(st.lists(st.sampled_from(sorted(principal_values)), min_size=1, max_size=4, unique=True))
        principal = {kind: draw(one_or_many(principal_values[kind])) for kind in kinds}
        statement[draw(st.sampled_from(["Principal", "NotPrincipal"]))] = draw(st.sampled_from(["*", principal]))
    statement[draw(st.sampled_from(["Action", "NotAction"]))] = draw(one_or_many(actions))
    if draw(st.booleans()):
        statement[draw(st.sampled_from(["Resource", "NotResource"]))] = draw(one_or_many(resources))
    if draw(st.booleans()):
        statement["Condition"] = draw(conditions())
    keys = draw(st.permutations(sorted(statement)))
    return {key: statement[key] for key in keys}


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    policy: dict[str, Any] = {}
    version = draw(st.sampled_from([None, "2012-10-17", "2008-10-17"]))
    if version is not None:
        policy["Version"] = version
    if draw(st.booleans()):
        policy["Id"] = draw(safe_text)
    items = draw(st.lists(statements(), min_size=1, max_size=3))
    policy["Statement"] = items[0] if len(items) == 1 and draw(st.booleans()) else items
    return policy


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def token_at(text: str, span: Span) -> str:
    """The JSON token that starts at `span` in `text`."""
    line = text.split("\n")[span.line - 1]
    match = STRING_TOKEN.match(line, span.column - 1)
    return match.group() if match else line[span.column - 1 :]


def expected_value(value: Any) -> tuple[str, ValueKind]:
    if isinstance(value, bool):
        return ("true" if value else "false"), ValueKind.BOOL
    if isinstance(value, int):
        return str(value), ValueKind.NUMBER
    return value, ValueKind.STRING


def check_statement(statement: Statement, raw: dict[str, Any], text: str) -> None:
    assert statement.sid == raw.get("Sid")
    assert statement.effect.value == raw["Effect"]
    action_key = "Action" if "Action" in raw else "NotAction"
    assert statement.action.negated == (action_key == "NotAction")
    assert [item.text for item in statement.action.items] == as_list(raw[action_key])
    for item in statement.action.items:
        assert json.loads(token_at(text, item.span)) == item.text
    resource_key = next((key for key in ("Resource", "NotResource") if key in raw), None)
    if resource_key is None:
        assert statement.resource is None
    else:
        assert statement.resource is not None
        assert statement.resource.negated == (resource_key == "NotResource")
        assert [item.text for item in statement.resource.items] == as_list(raw[resource_key])
    principal_key = next((key for key in ("Principal", "NotPrincipal") if key in raw), None)
    if principal_key is None:
        assert statement.principal is None
    else:
        block = statement.principal
        assert block is not None
        assert block.negated == (principal_key == "NotPrincipal")
        assert block.everyone == (raw[principal_key] == "*")
        wanted = [] if block.everyone else [(k, v) for k, vs in raw[principal_key].items() for v in as_list(vs)]
        assert [(entry.key.value, entry.value) for entry in block.entries] == wanted
        assert all(isinstance(entry.key, PrincipalKey) for entry in block.entries)
    wanted_conditions = [
        (operator, key, [expected_value(v) for v in as_list(values)])
        for operator, keys in raw.get("Condition", {}).items()
        for key, values in keys.items()
    ]
    got = [(c.operator.name, c.key, [(v.text, v.kind) for v in c.values]) for c in statement.conditions]
    assert got == wanted_conditions
    for condition in statement.conditions:
        for value in condition.values:
            check_value_span(value, text)


def check_value_span(value: ConditionValue, text: str) -> None:
    token = token_at(text, value.span)
    if value.kind is ValueKind.STRING:
        assert json.loads(token) == value.text
    else:
        assert token.startswith(value.text)


def check_round_trip(raw: dict[str, Any]) -> None:
    for indent in (None, 2):
        text = json.dumps(raw, indent=indent, ensure_ascii=indent is None)
        policy = parse_policy_text(text, "round-trip.json")
        assert policy.version == raw.get("Version")
        assert policy.id == raw.get("Id")
        assert policy.variables_enabled == (raw.get("Version") == "2012-10-17")
        items = as_list(raw["Statement"])
        assert [s.index for s in policy.statements] == list(range(len(items)))
        for statement, item in zip(policy.statements, items, strict=True):
            check_statement(statement, item, text)


test_round_trip, test_round_trip_slow = fuzz(policies(), fast=80, slow=3000)(check_round_trip)


# --- size and depth ----------------------------------------------------------------------------------


def check_big_action_list(count: int, width: int) -> None:
    names = [f"svc{i % 300}:{'Describe' * width}{i:07d}" for i in range(count)]
    text = json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": names, "Resource": "*"}})
    assert len(text) >= 10_000_000
    policy = parse_policy_text(text, "big.json")
    items = policy.statements[0].action.items
    assert len(items) == len(names)
    assert items[-1].text == names[-1]
    assert items[-1].span.column == text.rindex('"svc') + 1


def test_ten_megabyte_policy_parses() -> None:
    check_big_action_list(100_000, 12)


@pytest.mark.slow
def test_ten_megabyte_policy_of_short_actions_parses() -> None:
    check_big_action_list(500_000, 1)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("[" * 100_000, MAX_DEPTH + 1),
        ("{" + '"a":{' * 100_000, 5 * MAX_DEPTH + 1),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
    ],
    ids=["unclosed-lists", "unclosed-objects", "closed-too-deep"],
)
def test_deep_nesting_is_a_clean_error(text: str, column: int) -> None:
    with pytest.raises(InputError, match=f"nested more than {MAX_DEPTH} levels deep") as caught:
        parse_policy_text(text, "deep.json")
    assert caught.value.span is not None
    assert (caught.value.span.line, caught.value.span.column) == (1, column)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    value = to_python(parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "deep.json"))
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    assert depth == MAX_DEPTH


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match="input is larger than 16 MiB") as caught:
        parse_json("[" + " " * MAX_INPUT_BYTES + "]", "huge.json")
    assert str(caught.value).startswith("huge.json:1:1: ")
