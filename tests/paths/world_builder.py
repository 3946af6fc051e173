"""Small worlds written in code, for the path tests."""

from __future__ import annotations

import json
from typing import Any

from iamproof.ast import Policy
from iamproof.parsing.documents import parse_policy_text
from iamproof.world.model import (
    Api,
    Function,
    Group,
    Integration,
    Method,
    NamedPolicy,
    Role,
    User,
    World,
)

ACCOUNT = "111122223333"
OTHER = "444455556666"
REGION = "us-east-1"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"
API = "a1b2c3d4e5"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/api-invoker"


def policy(*statements: dict[str, Any], name: str = "policy") -> Policy:
    return parse_policy_text(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), name)


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def user(name: str, *statements: dict[str, Any], groups: tuple[str, ...] = (), boundary: Policy | None = None) -> User:
    policies = (NamedPolicy(f"{name}-inline", policy(*statements, name=f"{name}.json")),) if statements else ()
    return User(
        f"arn:aws:iam::{ACCOUNT}:user/{name}",
        name,
        ACCOUNT,
        policies,
        groups,
        NamedPolicy("boundary", boundary) if boundary is not None else None,
    )


def group(name: str, *statements: dict[str, Any]) -> Group:
    return Group(f"arn:aws:iam::{ACCOUNT}:group/{name}", name, (NamedPolicy(name, policy(*statements)),))


def role(name: str, trust: dict[str, Any] | None, *statements: dict[str, Any]) -> Role:
    policies = (NamedPolicy(f"{name}-inline", policy(*statements, name=f"{name}.json")),) if statements else ()
    trust_policy = policy(trust, name=f"{name}-trust.json") if trust is not None else None
    return Role(f"arn:aws:iam::{ACCOUNT}:role/{name}", name, ACCOUNT, trust_policy, policies)


def trusts(principal: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


def function(*statements: dict[str, Any], arn: str = FN) -> Function:
    return Function(arn, policy(*statements, name="function-policy.json") if statements else None)


def grant(principal: dict[str, Any] | str, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "lambda:InvokeFunction", "Resource": FN, **extra}


def api(
    authorization: str = "AWS_IAM",
    credentials: str | None = ROLE,
    api_policy: Policy | None = None,
    api_id: str = API,
    function_arn: str = FN,
) -> Api:
    integration = Integration("aws_proxy", "", function_arn, credentials)
    method = Method("/orders", "GET", authorization, integration)
    return Api(api_id, "orders", REGION, ACCOUNT, ("prod",), (method,), api_policy)


def world(**parts: Any) -> World:
    return World(ACCOUNT, REGION, **parts)
