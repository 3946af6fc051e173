"""aws lambda get-policy → functions with their resource-based policies: the policy JSON string (plain or
URL-encoded), the function named by the statements, functions only API integrations name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .load_helpers import DATA, EXAMPLE, FN, encoded, load, load_error, position, write

PETS = "arn:aws:lambda:eu-west-1:444455556666:function:pets"


def _statement(resource: str, sid: str = "s") -> dict[str, object]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": resource,
    }


def _get_policy(*statements: dict[str, object]) -> dict[str, str]:
    document = {"Version": "2012-10-17", "Id": "default", "Statement": list(statements)}
    return {"Policy": json.dumps(document, separators=(",", ":")), "RevisionId": "0a1b2c3d"}


def test_the_policy_string_of_the_cli():
    world = load(EXAMPLE)
    function = world.function(FN)
    assert function is not None and function.policy is not None
    (statement,) = function.policy.statements
    assert statement.sid == "orders-api-post-orders"
    condition = statement.conditions[0]
    assert condition.key == "AWS:SourceArn" and condition.values[0].text.endswith("a1b2c3d4e5/*/POST/orders")
    text = (EXAMPLE / "lambda-get-policy-orders.json").read_text().splitlines()[1]
    assert text[condition.values[0].span.column - 1 :].startswith('\\"arn:aws:execute-api:')


def test_a_url_encoded_policy_string_and_a_qualified_resource():
    world = load(DATA / "paged")
    (function,) = world.functions
    assert function.arn == PETS  # the first statement names the alias pets:live
    assert function.policy is not None and [s.sid for s in function.policy.statements] == ["apigw-any", "partner"]
    assert function.span is not None and function.span.file.endswith("pets-policy.txt") and function.span.line == 2


def test_functions_named_only_by_integrations_have_no_policy():
    world = load(DATA / "swagger")
    (function,) = world.functions
    assert function.arn == PETS and function.policy is None
    assert function.span is not None and function.span.line == 18  # the first integration that invokes it


def test_several_files_add_functions(tmp_path: Path):
    write(tmp_path, "one.json", _get_policy(_statement(FN)))
    write(tmp_path, "two.json", _get_policy(_statement(FN.replace("orders", "invoices"))))
    assert [f.name for f in load(tmp_path).functions] == ["orders", "invoices"]


def test_two_outputs_for_one_function_are_an_error(tmp_path: Path):
    write(tmp_path, "one.json", _get_policy(_statement(FN)))
    write(tmp_path, "two.json", _get_policy(_statement(FN + ":prod")))
    error = load_error(tmp_path)
    assert position(error).startswith("two.json:2:") and "two get-policy outputs" in error.message


def test_statements_naming_two_functions_are_an_error(tmp_path: Path):
    path = write(tmp_path, "fn.json", _get_policy(_statement(FN, "a"), _statement(FN + "2", "b")))
    error = load_error(tmp_path)
    column = path.read_text().splitlines()[1].rindex(FN + "2") - 1  # the escaped quote before the ARN
    assert position(error) == f"fn.json:2:{column}" and "two functions" in error.message


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('{\n  "Policy": {"Version": "2012-10-17"},\n  "RevisionId": "r"\n}', "fn.json:2:13", "JSON string"),
        ('{"Policy": "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":[]}"}', "fn.json:1:12", "no statement"),
        ('{"Policy": "{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",}]}"}', "fn.json:1:50", "trailing comma"),
        (
            '{"Policy": "{\\"Statement\\":{\\"Effect\\":\\"Allow\\",'
            '\\"Action\\":\\"lambda:*\\",\\"Resource\\":\\"*\\"}}"}',
            "fn.json:1:87",
            "not a function ARN",
        ),
    ],
)
def test_malformed_function_policies(tmp_path: Path, content: str, where: str, message: str):
    write(tmp_path, "fn.json", content)
    error = load_error(tmp_path)
    assert position(error) == where and message in error.message


def test_a_url_encoded_function_policy_error_points_into_the_string(tmp_path: Path):
    document = {"Version": "2012-10-17", "Statement": [_statement("arn:aws:lambda:us-east-1:1:function:x")]}
    path = write(tmp_path, "fn.json", {"Policy": encoded(document), "RevisionId": "r"})
    error = load_error(tmp_path)
    line = path.read_text().splitlines()[1]
    assert position(error) == f"fn.json:2:{line.index('%22arn') + 1}" and "not a function ARN" in error.message
