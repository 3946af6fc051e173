"""Terraform plan JSON → World: planned values, after-apply placeholders, references, spans in the plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamproof.errors import InputError
from iamproof.world.from_terraform import load_plan, policies_of_plan

DATA = Path(__file__).resolve().parents[1] / "data" / "gate"
PLAN = str(DATA / "tf_plan.json")
ACCOUNT = "111122223333"


def _line_of(needle: str) -> int:
    lines = Path(PLAN).read_text().splitlines()
    return next(index for index, line in enumerate(lines, 1) if needle in line)


def test_roles_with_trust_inline_attached_and_managed():
    world = load_plan(PLAN, account=ACCOUNT)
    role = world.role(f"arn:aws:iam::{ACCOUNT}:role/orders")
    assert role is not None and role.trust is not None
    trust_line = _line_of('"assume_role_policy": "{\\"Version')
    assert role.trust.statements[0].span.line == trust_line
    names = [p.name for p in role.policies]
    assert names == ["logs", "arn:aws:iam::aws:policy/ReadOnlyAccess", f"arn:aws:iam::{ACCOUNT}:policy/orders-read"]
    read = role.policies[2].policy.statements[0]
    assert read.sid == "Read" and read.span.line == _line_of(
        '"policy": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Sid'
    )
    apigw = world.role(f"arn:aws:iam::{ACCOUNT}:role/apigw-invoke")
    assert apigw is not None and [p.name for p in apigw.policies] == ["invoke"]
    assert world.roles[0].tags == (("team", "orders"),)
    assert "aws_iam_role.old" not in {r.name for r in world.roles}
    assert [u.arn for u in world.users] == [f"arn:aws:iam::{ACCOUNT}:user/auditor"]


def test_lambda_permissions_and_after_apply_placeholders():
    world = load_plan(PLAN, account=ACCOUNT)
    (function,) = world.functions
    assert function.arn == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
    assert function.policy is not None
    with_source, any_gateway = function.policy.statements
    assert with_source.sid == "AllowAPIGateway"
    placeholder = "{{unresolved-after-apply-aws_lambda_permission.apigw.source_arn}}"
    assert with_source.conditions[0].values[0].text == placeholder
    assert any_gateway.conditions == ()  # the confused-deputy shape: no SourceArn, no SourceAccount
    reported = next(p for p in world.placeholders if p.text == placeholder)
    assert "aws_api_gateway_rest_api.api.execution_arn" in reported.reason
    assert reported.span.line > 0


def test_api_linked_through_configuration_references():
    world = load_plan(PLAN, account=ACCOUNT)
    (api,) = world.apis
    assert api.name == "orders-api" and api.stages == ("prod",)
    methods = {(m.path, m.verb): m for m in api.methods}
    assert set(methods) == {("/orders", "GET"), ("/orders/{id}", "GET")}
    listing, single = methods[("/orders", "GET")], methods[("/orders/{id}", "GET")]
    assert listing.authorization == "AWS_IAM" and listing.integration is not None
    assert listing.integration.type == "aws_proxy"
    assert listing.integration.function_arn == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
    assert (
        single.integration is not None and single.integration.credentials == f"arn:aws:iam::{ACCOUNT}:role/apigw-invoke"
    )
    assert api.policy is not None and api.policy.statements[0].span.line == _line_of('"name": "orders-api"') + 1


def test_policies_enumerated_by_address():
    ids = {(policy_id, kind) for policy_id, _, kind in policies_of_plan(PLAN)}
    assert ids == {
        ("aws_iam_role.orders/trust", "trust"),
        ("aws_iam_role.orders/logs", "identity"),
        ("aws_iam_role.apigw/trust", "trust"),
        ("aws_iam_role_policy.apigw", "identity"),
        ("aws_iam_policy.read", "identity"),
        ("aws_api_gateway_rest_api.api/resource-policy", "resource"),
        ("aws_lambda_function.orders/function-policy", "resource"),
    }


def _plan(tmp_path: Path, resources: list[dict[str, object]], unknown: dict[str, object] | None = None) -> str:
    changes = [
        {"address": r["address"], "type": r["type"], "change": {"actions": ["create"], "after_unknown": unknown or {}}}
        for r in resources
    ]
    document = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "some_future_field": {"ignored": True},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document, indent=1))
    return str(path)


def test_unknown_fields_and_resource_types_are_ignored(tmp_path):
    path = _plan(
        tmp_path,
        [
            {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "mode": "managed", "values": {"bucket": "b"}},
            {"address": "aws_iam_role.r", "type": "aws_iam_role", "mode": "managed", "values": {"name": "r", "x": [1]}},
        ],
    )
    world = load_plan(path)
    assert [r.name for r in world.roles] == ["r"] and world.roles[0].trust is None


def test_unknown_trust_policy_is_a_placeholder(tmp_path):
    resource = {"address": "aws_iam_role.r", "type": "aws_iam_role", "mode": "managed", "values": {"name": "r"}}
    world = load_plan(_plan(tmp_path, [resource], {"assume_role_policy": True}))
    assert world.roles[0].trust is None
    assert [p.text for p in world.placeholders] == ["{{unresolved-after-apply-aws_iam_role.r.assume_role_policy}}"]


def test_malformed_policy_string_points_into_the_plan(tmp_path):
    values = {"name": "r", "assume_role_policy": '{"Statement": [{"Effect": "Allow", "Action": 5}]}'}
    resource = {"address": "aws_iam_role.r", "type": "aws_iam_role", "mode": "managed", "values": values}
    path = _plan(tmp_path, [resource])
    with pytest.raises(InputError) as caught:
        load_plan(path)
    assert caught.value.span is not None
    assert caught.value.span.line == _line_in(path, "assume_role_policy")


def _line_in(path: str, needle: str) -> int:
    return next(i for i, line in enumerate(Path(path).read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [('{"format_version": "1.2",\n "planned_values": }', 2, 20), ('{"planned_values": {}}', 1, 1)],
)
def test_malformed_plan_is_an_input_error(tmp_path, text, line, column):
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_plan(str(path))
    assert caught.value.span is not None
    assert (caught.value.span.line, caught.value.span.column) == (line, column)
