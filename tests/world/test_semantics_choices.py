"""README "Semantics choices" that concern API Gateway worlds: the root resource's method ARN (§2.5 [AMBIG])
and methods whose authorizer is not IAM (§5.2 [AMBIG])."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iamproof.world.model import Api, Method
from tests.evalkit import ALLOW, allow, decide, identity_case
from tests.world.load_helpers import EXAMPLE, FN
from tests.world.test_query_cli import API, query_json

ROOT_ARN = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/"


def test_the_root_resource_method_arn_ends_with_a_slash() -> None:
    api = Api("a1b2c3d4e5", "orders", "us-east-1", "111122223333")
    assert api.method_arn(Method("/", "GET", "AWS_IAM"), "prod") == ROOT_ARN
    assert api.method_arn(Method("/orders", "GET", "AWS_IAM"), "prod") == ROOT_ARN + "orders"


@pytest.mark.parametrize(
    ("pattern", "allowed"),
    [
        (ROOT_ARN, True),
        (ROOT_ARN + "*", True),
        (ROOT_ARN[:-1] + "*", True),
        (ROOT_ARN[:-1], False),  # `…/GET` without the slash does not name the root resource
    ],
)
def test_policies_name_the_root_resource_with_its_slash(pattern: str, allowed: bool) -> None:
    document = identity_case([allow("execute-api:Invoke", pattern)], "execute-api:Invoke", ROOT_ARN)
    assert (decide(document) == ALLOW) is allowed


@pytest.mark.parametrize("authtype", ["cognito_user_pools", "custom"])
def test_methods_without_iam_authorization_admit_anyone_the_resource_policy_admits(
    authtype: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = tmp_path / "world"
    shutil.copytree(EXAMPLE, world)
    export = world / "apigateway-export-prod-oas30.json"
    text = export.read_text(encoding="utf-8")
    assert '"x-amazon-apigateway-authtype" : "awsSigv4"' in text
    export.write_text(text.replace('"awsSigv4"', f'"{authtype}"'), encoding="utf-8")
    code, body = query_json(capsys, world, f'who can do "lambda:InvokeFunction" on "{FN}"')
    assert code == 0
    through_api = {p["principal"] for p in body["paths"] if p.get("api") == API}
    assert "anonymous" in through_api
    # with IAM authorization (the bundled example) nobody anonymous gets through
    code, body = query_json(capsys, EXAMPLE, f'who can do "lambda:InvokeFunction" on "{FN}"')
    assert "anonymous" not in {p["principal"] for p in body["paths"]}
