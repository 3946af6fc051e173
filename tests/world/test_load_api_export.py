"""aws apigateway get-export (OpenAPI 3.0, Swagger 2.0, JSON or YAML) → APIs: id, region and stage from the
server, methods with authorization and integration, the resource policy with positions, stages merged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from iamproof.world.model import IAM_CALLER_CREDENTIALS, Api, World

from .load_helpers import ACCOUNT, DATA, EXAMPLE, FN, allow, load, load_error, locate, position, write

URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"
SIGV4 = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
USERS = {"UserDetailList": [{"UserName": "u", "Arn": f"arn:aws:iam::{ACCOUNT}:user/u"}]}


def _operation(security: list[dict[str, list[str]]] | None = None, **integration: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": {}}
    if security is not None:
        operation["security"] = security
    operation["x-amazon-apigateway-integration"] = {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": URI,
        **integration,
    }
    return operation


def _oas3(paths: dict[str, Any], schemes: dict[str, Any] | None = None, stage: str = "/prod", **extra: Any) -> dict:
    return {
        "openapi": "3.0.1",
        "info": {"title": "orders-api", "version": "1"},
        "servers": [
            {
                "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/{basePath}",
                "variables": {"basePath": {"default": stage}},
            }
        ],
        "paths": paths,
        "components": {"securitySchemes": schemes if schemes is not None else {"sigv4": SIGV4}},
        **extra,
    }


def _world(tmp_path: Path, *exports: dict[str, Any]) -> World:
    write(tmp_path, "users.json", USERS)
    for index, export in enumerate(exports):
        write(tmp_path, f"export-{index}.json", export)
    return load(tmp_path)


def _api(world: World) -> Api:
    (api,) = world.apis
    return api


def test_openapi3_export_of_the_example():
    api = _api(load(EXAMPLE))
    assert (api.id, api.name, api.region, api.account, api.stages) == (
        "a1b2c3d4e5",
        "orders-api",
        "us-east-1",
        ACCOUNT,
        ("prod",),
    )
    get, post = api.methods
    assert (get.verb, get.path, get.authorization) == ("GET", "/orders", "AWS_IAM")
    assert (
        get.integration is not None and get.integration.credentials == f"arn:aws:iam::{ACCOUNT}:role/orders-api-invoker"
    )
    assert get.integration.function_arn == FN and get.integration.type == "aws_proxy"
    assert (post.verb, post.authorization) == ("POST", "AWS_IAM")
    assert post.integration is not None and post.integration.credentials is None and post.integration.function_arn == FN
    assert get.span is not None and (get.span.line, get.span.column) == (18, 7)
    assert api.method_arn(get, "prod") == f"arn:aws:execute-api:us-east-1:{ACCOUNT}:a1b2c3d4e5/prod/GET/orders"
    assert api.policy is None


def test_swagger2_export_authorizations_and_integrations():
    world = load(DATA / "swagger")
    api = _api(world)
    assert (api.id, api.name, api.region, api.stages, api.account) == (
        "z9y8x7w6v5",
        "pets-api",
        "eu-west-1",
        ("beta",),
        "444455556666",
    )
    summary = [(m.verb, m.path, m.authorization, m.integration.type if m.integration else None) for m in api.methods]
    assert summary == [
        ("GET", "/pets", "AWS_IAM", "aws_proxy"),  # the top-level security applies
        ("POST", "/pets", "CUSTOM", "aws"),  # a token authorizer, or an API key
        ("OPTIONS", "/pets", "NONE", "mock"),  # `security: []` overrides the top level
        ("ANY", "/pets/{id}", "COGNITO_USER_POOLS", "http_proxy"),
    ]
    get = api.methods[0]
    assert get.integration is not None and get.integration.credentials == IAM_CALLER_CREDENTIALS
    assert get.integration.function_arn == "arn:aws:lambda:eu-west-1:444455556666:function:pets"  # alias dropped
    assert api.methods[3].integration is not None and api.methods[3].integration.function_arn is None


def test_the_resource_policy_is_parsed_with_positions():
    api = _api(load(DATA / "swagger"))
    assert api.policy is not None
    deny, allow_all = api.policy.statements
    assert (deny.effect.value, allow_all.effect.value) == ("Deny", "Allow")
    assert deny.span.file.endswith("pets-swagger.json") and (deny.span.line, deny.span.column) == (105, 21)
    assert deny.conditions[0].values[0].text == "203.0.113.0/24"


def test_a_resource_policy_given_as_json_text(tmp_path: Path):
    policy = json.dumps(allow("execute-api:Invoke", "execute-api:/*"))
    api = _api(_world(tmp_path, _oas3({"/a": {"get": _operation()}}, **{"x-amazon-apigateway-policy": policy})))
    assert api.policy is not None and api.policy.statements[0].resource is not None


@pytest.mark.parametrize(
    ("scheme_name", "scheme", "expected"),
    [
        ("sigv4", {"type": "apiKey", "name": "Authorization", "in": "header"}, "AWS_IAM"),
        ("iam", SIGV4, "AWS_IAM"),
        ("pool", {"type": "apiKey", "x-amazon-apigateway-authtype": "cognito_user_pools"}, "COGNITO_USER_POOLS"),
        ("fn", {"type": "apiKey", "x-amazon-apigateway-authtype": "custom"}, "CUSTOM"),
        ("req", {"type": "apiKey", "x-amazon-apigateway-authorizer": {"type": "request"}}, "CUSTOM"),
        ("jwt", {"type": "oauth2", "x-amazon-apigateway-authorizer": {"type": "jwt"}}, "JWT"),
        ("api_key", {"type": "apiKey", "name": "x-api-key", "in": "header"}, "NONE"),
    ],
)
def test_security_schemes(tmp_path: Path, scheme_name: str, scheme: dict[str, Any], expected: str):
    export = _oas3({"/a": {"get": _operation([{scheme_name: []}])}}, {scheme_name: scheme})
    assert _api(_world(tmp_path, export)).methods[0].authorization == expected


def test_no_security_anywhere_is_none(tmp_path: Path):
    assert _api(_world(tmp_path, _oas3({"/a": {"get": _operation()}}))).methods[0].authorization == "NONE"


def test_a_top_level_security_requirement_applies_to_every_method(tmp_path: Path):
    export = _oas3({"/a": {"get": _operation(), "put": _operation([])}}, security=[{"sigv4": []}])
    assert [m.authorization for m in _api(_world(tmp_path, export)).methods] == ["AWS_IAM", "NONE"]


def test_stages_of_one_api_merge(tmp_path: Path):
    paths = {"/a": {"x-amazon-apigateway-any-method": _operation([{"sigv4": []}])}}
    api = _api(_world(tmp_path, _oas3(paths, stage="/prod"), _oas3(paths, stage="dev")))
    assert api.stages == ("prod", "dev") and [m.verb for m in api.methods] == ["ANY"]


def test_exports_of_one_api_that_disagree_are_an_error(tmp_path: Path):
    first = _oas3({"/a": {"get": _operation([{"sigv4": []}])}}, stage="/prod")
    second = _oas3({"/a": {"get": _operation()}}, stage="/dev")
    write(tmp_path, "users.json", USERS)
    write(tmp_path, "export-0.json", first)
    write(tmp_path, "export-1.json", second)
    error = load_error(tmp_path)
    assert position(error) == "export-1.json:1:1" and "exported twice" in error.message
    assert "export-0.json:1:1" in error.message


def test_a_function_named_by_a_stage_variable_is_a_placeholder(tmp_path: Path):
    uri = URI.replace("function:orders", "function:${stageVariables.fn}")
    world = _world(tmp_path, _oas3({"/a": {"get": _operation(uri=uri)}}))
    method = _api(world).methods[0]
    assert method.integration is not None and method.integration.function_arn is None
    (placeholder,) = world.placeholders
    where = locate(tmp_path / "export-0.json", '"arn:aws:apigateway:')
    assert placeholder.text == uri and f"{placeholder.span.line}:{placeholder.span.column}" == where
    assert any("does not determine" in note for note in world.notes)
    assert [f.arn for f in world.functions] == []


def test_a_method_without_integration_is_noted(tmp_path: Path):
    world = _world(tmp_path, _oas3({"/a": {"get": {"responses": {}}}}))
    assert _api(world).methods[0].integration is None
    assert any("GET /a" in note and "extensions=integrations" in note for note in world.notes)


def test_a_yaml_export(tmp_path: Path):
    export = json.loads((EXAMPLE / "apigateway-export-prod-oas30.json").read_text())
    write(tmp_path, "users.json", USERS)
    write(tmp_path, "export.yaml", yaml.safe_dump(export, sort_keys=False))
    api = _api(load(tmp_path))
    assert [(m.verb, m.authorization) for m in api.methods] == [("GET", "AWS_IAM"), ("POST", "AWS_IAM")]
    assert api.methods[0].span is not None and api.methods[0].span.file.endswith("export.yaml")


def _export_error(tmp_path: Path, export: dict[str, Any], needle: str, at: str = "") -> str:
    """The message of the error loading `export`, after checking it points at the first `needle` in the file."""
    write(tmp_path, "users.json", USERS)
    path = write(tmp_path, "export.json", export)
    error = load_error(tmp_path)
    assert error.span is not None and Path(error.span.file) == path
    assert f"{error.span.line}:{error.span.column}" == locate(path, needle, at)
    return error.message


def test_an_undefined_security_scheme_is_an_error(tmp_path: Path):
    found = _export_error(tmp_path, _oas3({"/a": {"get": _operation([{"mystery": []}])}}), '"mystery"')
    assert found == "security scheme 'mystery' is not defined in the export"


def test_an_unclassifiable_security_scheme_is_an_error(tmp_path: Path):
    export = _oas3({"/a": {"get": _operation([{"oauth": []}])}}, {"oauth": {"type": "oauth2"}})
    found = _export_error(tmp_path, export, '"oauth": {', "{")
    assert found.startswith("cannot tell which API Gateway authorization")


def test_two_authorization_types_on_one_method_are_an_error(tmp_path: Path):
    schemes = {"sigv4": SIGV4, "fn": {"type": "apiKey", "x-amazon-apigateway-authtype": "custom"}}
    export = _oas3({"/a": {"get": _operation([{"sigv4": []}, {"fn": []}])}}, schemes)
    found = _export_error(tmp_path, export, '"fn": []')
    assert found == "GET /a asks for two authorization types (AWS_IAM and CUSTOM)"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"servers": [{"url": "https://api.example.com/prod"}]}, '"https:', "not an execute-api endpoint"),
        ({"servers": [{"url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/{s}"}]}, '"https:', "no default"),
        ({"servers": []}, "{", "does not say which API"),
        ({"paths": []}, "[]", "'paths' must be an object"),
    ],
)
def test_malformed_exports(tmp_path: Path, change: dict[str, Any], where: str, message: str):
    assert message in _export_error(tmp_path, {**_oas3({}), **change}, where)


def test_malformed_integrations(tmp_path: Path):
    bad_type = _oas3({"/a": {"get": _operation(type="lambda")}})
    assert _export_error(tmp_path, bad_type, '"lambda"').startswith("unknown integration type 'lambda'")
    bad_role = _oas3({"/a": {"get": _operation(credentials="orders-role")}})
    assert "neither a role ARN" in _export_error(tmp_path, bad_role, '"orders-role"')
