"""CloudFormation and SAM templates → World: resources, resolved intrinsics, placeholders, spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamproof.errors import InputError
from iamproof.world.from_cloudformation import load_template, policies_of_template
from iamproof.world.model import IAM_CALLER_CREDENTIALS

DATA = Path(__file__).resolve().parents[1] / "data" / "gate"
CFN = str(DATA / "cfn_api.yaml")
SAM = str(DATA / "sam_app.yaml")
USERS = str(DATA / "cfn_users.json")


def test_role_policies_resolved_with_template_lines():
    world = load_template(CFN)
    role = world.role("arn:aws:iam::123456789012:role/orders-prod")
    assert role is not None and role.trust is not None
    assert role.trust.statements[0].span.line == 18
    tables = next(p for p in role.policies if p.name == "tables")
    get_item, get_object = tables.policy.statements
    assert (get_item.span.line, get_object.span.line) == (27, 30)
    assert get_item.resource is not None
    assert get_item.resource.items[0].text == "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    assert get_object.resource is not None
    assert get_object.resource.items[0].text == "arn:aws:s3:::{{unresolved-ImportValue-SharedBucket}}/*"
    managed = next(p for p in role.policies if p.name == "arn:aws:iam::123456789012:policy/ReadPolicy")
    assert managed.policy.statements[0].effect.value == "Deny"  # Fn::If on the IsProd condition (default prod)


def test_lambda_permissions_as_add_permission_builds_them():
    world = load_template(
        CFN, account="111122223333", region="eu-west-1", parameters={"PartnerAccount": "444455556666"}
    )
    function = world.function("arn:aws:lambda:eu-west-1:111122223333:function:orders")
    assert function is not None and function.policy is not None
    api_statement, partner, url = function.policy.statements
    assert (
        api_statement.principal is not None and api_statement.principal.entries[0].value == "apigateway.amazonaws.com"
    )
    api = world.apis[0]
    condition = api_statement.conditions[0]
    assert (condition.operator.name, condition.key) == ("ArnLike", "AWS:SourceArn")
    assert condition.values[0].text == f"arn:aws:execute-api:eu-west-1:111122223333:{api.id}/*/GET/orders"
    assert condition.values[0].span.line == 60
    assert partner.principal is not None and partner.principal.entries[0].value == "arn:aws:iam::444455556666:root"
    assert url.principal is not None and url.principal.everyone
    assert [(c.operator.name, c.key, c.values[0].text) for c in url.conditions] == [
        ("StringEquals", "lambda:FunctionUrlAuthType", "NONE")
    ]


def test_api_methods_paths_stages_and_policy():
    world = load_template(CFN)
    (api,) = world.apis
    assert api.name == "orders-api" and api.stages == ("prod",)
    assert any(api.id in note for note in world.notes)
    methods = {(m.path, m.verb): m for m in api.methods}
    assert set(methods) == {("/orders", "GET"), ("/orders/{id}", "GET")}
    listing, single = methods[("/orders", "GET")], methods[("/orders/{id}", "GET")]
    assert listing.authorization == "AWS_IAM" and single.authorization == "NONE"
    assert listing.integration is not None and single.integration is not None
    assert listing.integration.function_arn == "arn:aws:lambda:us-east-1:123456789012:function:orders"
    assert single.integration.credentials == "arn:aws:iam::123456789012:role/orders-prod"
    assert api.policy is not None and api.policy.statements[0].span.line == 81


def test_unresolved_values_are_placeholders_with_spans():
    world = load_template(CFN)
    found = {(p.text, p.span.line) for p in world.placeholders}
    assert ("{{unresolved-ImportValue-SharedBucket}}", 32) in found
    assert ("{{unresolved-Ref-PartnerAccount}}", 66) in found
    assert any("ReadOnlyAccess" in p.text for p in world.placeholders)
    function = world.functions[0]
    assert function.policy is not None
    partner = function.policy.statements[1]
    assert partner.principal is not None and "{{unresolved-Ref-PartnerAccount}}" in partner.principal.entries[0].value


def test_sam_function_role_events_and_api():
    world = load_template(SAM, account="111122223333", region="eu-west-1")
    role = world.role("arn:aws:iam::111122223333:role/OrdersFunctionRole")
    assert role is not None and role.trust is not None
    inline = next(p for p in role.policies if p.name == "OrdersFunctionRolePolicy1")
    resource = inline.policy.statements[0].resource
    assert resource is not None and resource.items[0].text == "arn:aws:sqs:eu-west-1:111122223333:orders"
    assert inline.policy.statements[0].span.line == 28
    apis = {api.name: api for api in world.apis}
    private, implicit = apis["PrivateApi"], apis["ServerlessRestApi"]
    assert private.stages == ("live",) and implicit.stages == ("Prod", "Stage")
    (method,) = private.methods
    assert (method.path, method.verb, method.authorization) == ("/orders/{id}", "GET", "AWS_IAM")
    assert method.integration is not None and method.integration.credentials == IAM_CALLER_CREDENTIALS
    assert implicit.methods[0].verb == "ANY" and implicit.methods[0].authorization == "NONE"
    function = world.functions[0]
    assert function.policy is not None
    arns = [s.conditions[0].values[0].text for s in function.policy.statements]
    assert arns == [
        f"arn:aws:execute-api:eu-west-1:111122223333:{private.id}/*/GET/orders/*",
        f"arn:aws:execute-api:eu-west-1:111122223333:{implicit.id}/*/*/health",
    ]
    assert private.policy is not None and private.policy.statements[0].span.line == 12
    kinds = {p.text.split("-")[1] for p in world.placeholders}
    assert {"SamResourcePolicy", "ManagedPolicy"} <= kinds and "SamPolicyTemplate" not in kinds


def test_json_template_users_groups_boundary_and_conditions():
    world = load_template(USERS, parameters={"Env": "dev"})
    assert [r.name for r in world.roles] == []  # IsProd is false
    (alice,) = world.users
    assert alice.groups == ("devs",)
    assert alice.boundary is not None and alice.boundary.name == "arn:aws:iam::123456789012:policy/dev-boundary"
    (devs,) = world.groups
    statement = devs.policies[0].policy.statements[0]
    assert statement.resource is not None and statement.resource.items[0].text == "arn:aws:s3:::dev-data/*"
    assert statement.span.line == 36


def test_undecidable_condition_keeps_resource_and_notes_it():
    world = load_template(USERS)
    assert [r.name for r in world.roles] == ["ProdOnly"]
    assert any("undecidable" in note for note in world.notes)
    role = world.roles[0]
    assert role.trust is not None and role.trust.statements[0].principal is not None
    assert "{{unresolved-ImportValue-AdminRoleArn}}" in role.trust.statements[0].principal.entries[0].value


def test_policies_enumerated_with_stable_ids():
    entries = {(policy_id, kind) for policy_id, _, kind in policies_of_template(CFN)}
    assert entries == {
        ("OrdersRole/trust", "trust"),
        ("OrdersRole/tables", "identity"),
        ("ReadPolicy", "identity"),
        ("Api/resource-policy", "resource"),
        ("OrdersFunction/function-policy", "resource"),
    }
    kinds = {policy_id: kind for policy_id, _, kind in policies_of_template(USERS, parameters={"Env": "dev"})}
    assert kinds == {"Boundary": "boundary", "DevPolicy/dev": "identity"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("Resources:\n  R:\n    Type: [unclosed\n", 4, 1),
        ("Resources:\n  R: {Type: a, Type: b}\n", 2, 16),
        ('{\n  "Resources": {,}\n}\n', 2, 17),
    ],
)
def test_malformed_template_is_an_input_error_with_position(tmp_path, text, line, column):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_template(str(path))
    assert caught.value.span is not None
    assert (caught.value.span.line, caught.value.span.column) == (line, column)
    assert str(caught.value).startswith(f"{path}:{line}:{column}: ")


def test_malformed_policy_in_template_points_at_its_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
        "        Statement:\n          - Effect: Maybe\n            Action: sts:AssumeRole\n"
    )
    with pytest.raises(InputError) as caught:
        load_template(str(path))
    assert caught.value.span is not None and caught.value.span.line == 7


def test_sam_policy_templates_are_expanded(tmp_path):
    """DynamoDBCrudPolicy becomes the statements SAM gives the role, its TableName resolved (here a Ref to a
    parameter), at the line of the policy-template entry; an unknown template or a missing parameter is a
    placeholder, never a silent drop."""
    path = tmp_path / "sam.yaml"
    path.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Table: {Type: String, Default: orders}\n"
        "Resources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: i.h\n      Runtime: python3.12\n      Policies:\n"
        "        - DynamoDBCrudPolicy:\n            TableName: !Ref Table\n"
        "        - SQSPollerPolicy: {}\n"
        "        - NoSuchPolicy: {X: 1}\n"
        "        - AMIDescribePolicy: {}\n",
        encoding="utf-8",
    )
    world = load_template(str(path), account="111122223333", region="eu-west-1")
    role = next(r for r in world.roles if r.name.endswith("FnRole"))
    by_name = {p.name: p.policy for p in role.policies}
    crud = by_name["FnRolePolicy0"]
    statement = crud.statements[0]
    assert statement.span.line == 11
    assert "dynamodb:PutItem" in [a.text for a in statement.action.items]
    assert [r.text for r in statement.resource.items] == [
        "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*",
    ]
    assert "FnRolePolicy3" in by_name  # a template without parameters
    reasons = {p.text: p.reason for p in world.placeholders if "SamPolicyTemplate" in p.text}
    assert any("missing the parameter(s) QueueName" in r for r in reasons.values())
    assert any("NoSuchPolicy is not a SAM policy template" in r for r in reasons.values())
