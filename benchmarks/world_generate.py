"""A generated world of realistic shape and size, for the reachability benchmark.

Seeded and reproducible. Users get most of their permissions from groups (as in real accounts); a few
have inline policies, some of which grant a function directly (bypasses). Roles are API integration roles,
operator roles that users may assume, and service roles. Functions sit behind APIs; most function
policies pin the API with `aws:SourceArn`, some do not (confused deputies), a few grant another account.
"""

from __future__ import annotations

import json
import random
from typing import Any

from iamproof.ast import Policy
from iamproof.parsing.documents import parse_policy_text
from iamproof.world.model import Api, Function, Group, Integration, Method, NamedPolicy, Role, User, World

ACCOUNT = "111122223333"
PARTNER = "444455556666"
REGION = "us-east-1"
VERBS = ("GET", "POST", "PUT", "DELETE")


def _policy(statements: list[dict[str, Any]], name: str) -> Policy:
    return parse_policy_text(json.dumps({"Version": "2012-10-17", "Statement": statements}), name)


def function_arn(index: int) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{index:02d}"


def api_id(index: int) -> str:
    return f"api{index:07d}"


def generate_world(
    *, users: int = 1000, roles: int = 100, functions: int = 50, apis: int = 5, groups: int = 20, seed: int = 1
) -> World:
    rng = random.Random(seed)
    fns = [function_arn(i) for i in range(functions)]
    api_of = {fn: api_id(i % apis) for i, fn in enumerate(fns)}
    api_arn = {a: f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{a}" for a in set(api_of.values())}

    role_list: list[Role] = []
    invoker_roles: dict[str, str] = {}
    for index in range(apis):
        name = f"api-invoker-{index}"
        arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        targets = [fn for fn in fns if api_of[fn] == api_id(index)]
        trust = _policy(
            [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            f"{name}-trust",
        )
        grant = _policy([{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": targets}], name)
        role_list.append(Role(arn, name, ACCOUNT, trust, (NamedPolicy(name, grant),)))
        invoker_roles[api_id(index)] = arn
    for index in range(roles - apis):
        name = f"ops-{index:03d}"
        arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        if index % 3 == 0:
            trust_principal: dict[str, Any] = {"Service": "lambda.amazonaws.com"}
        else:
            trust_principal = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        trust = _policy(
            [{"Effect": "Allow", "Principal": trust_principal, "Action": "sts:AssumeRole"}], f"{name}-trust"
        )
        statements: list[dict[str, Any]] = [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::data-{index}/*"},
            {
                "Effect": "Allow",
                "Action": "dynamodb:*",
                "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t{index}",
            },
        ]
        if index % 10 == 1:  # an operator role that can invoke one function: a bypass for whoever may assume it
            statements.append({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": rng.choice(fns)})
        role_list.append(Role(arn, name, ACCOUNT, trust, (NamedPolicy(name, _policy(statements, name)),)))

    group_list: list[Group] = []
    for index in range(groups):
        name = f"team-{index:02d}"
        own_api = api_id(index % apis)
        statements = [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{api_arn[own_api]}/prod/*"},
            {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:List*", "s3:GetObject"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue-{index}",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
        ]
        if index % 5 == 0:  # operators may assume a few roles
            ops = [r.arn for r in role_list[apis:] if r.name.endswith(str(index % 7))]
            if ops:
                statements.append({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ops})
        group_list.append(
            Group(f"arn:aws:iam::{ACCOUNT}:group/{name}", name, (NamedPolicy(name, _policy(statements, name)),))
        )

    user_list: list[User] = []
    for index in range(users):
        name = f"user-{index:04d}"
        arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
        member_of = tuple(sorted({group_list[rng.randrange(groups)].name for _ in range(rng.randint(1, 2))}))
        policies: tuple[NamedPolicy, ...] = ()
        if index % 50 == 7:  # a direct grant: the bypasses the scan must find
            grant = _policy(
                [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": rng.choice(fns)}], f"{name}-inline"
            )
            policies = (NamedPolicy(f"{name}-inline", grant),)
            member_of = ()  # not in a group whose Deny would cancel it
        user_list.append(User(arn, name, ACCOUNT, policies, member_of))

    function_list: list[Function] = []
    for index, fn in enumerate(fns):
        own = api_of[fn]
        source = f"{api_arn[own]}/*/*/fn-{index:02d}"
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": fn,
            "Condition": {"ArnLike": {"aws:SourceArn": source}},
        }
        if index % 10 == 3:  # the console's grant without a source: a confused deputy
            del statement["Condition"]
        statements = [statement]
        if index % 25 == 5:
            statements.append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                    "Action": "lambda:InvokeFunction",
                    "Resource": fn,
                }
            )
        function_list.append(Function(fn, _policy(statements, f"fn-{index:02d}-policy")))

    api_list: list[Api] = []
    for index in range(apis):
        identifier = api_id(index)
        methods = []
        for number, fn in enumerate(f for f in fns if api_of[f] == identifier):
            credentials = invoker_roles[identifier] if number % 2 == 0 else None
            integration = Integration("aws_proxy", "", fn, credentials)
            methods.append(Method(f"/{fn.rsplit(':', 1)[1]}", VERBS[number % len(VERBS)], "AWS_IAM", integration))
        api_list.append(Api(identifier, f"api-{index}", REGION, ACCOUNT, ("prod",), tuple(methods)))

    return World(
        ACCOUNT,
        REGION,
        users=tuple(user_list),
        groups=tuple(group_list),
        roles=tuple(role_list),
        functions=tuple(function_list),
        apis=tuple(api_list),
    )
