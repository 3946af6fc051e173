"""Paths to a Lambda function over small worlds: one world per path kind, with and without the flaw."""

from __future__ import annotations

import pytest

from iamproof.errors import InputError
from iamproof.span import Span
from iamproof.world import hop
from iamproof.world.model import IAM_CALLER_CREDENTIALS, World
from iamproof.world.query_ast import BypassQuery, CanQuery, CompareQuery, OnlyThroughQuery, WhoCanQuery
from iamproof.world.questions import Answer, answer
from tests.paths.world_builder import (
    ACCOUNT,
    API,
    FN,
    OTHER,
    ROLE,
    allow,
    api,
    deny,
    function,
    grant,
    group,
    policy,
    role,
    trusts,
    user,
    world,
)

SPAN = Span.whole_file("<query>")


@pytest.fixture(autouse=True, params=["concrete-first", "solver-only"])
def hop_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs twice: with the concrete fast path, and with every hop decided by the solver."""
    monkeypatch.setattr(hop, "CONCRETE_FIRST", request.param == "concrete-first")
    return str(request.param)


INVOKE_API = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API}/*"
GATEWAY = {"Service": "apigateway.amazonaws.com"}
SOURCE_API = {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{API}/*/GET/orders"}}


def invoker_role() -> object:
    return role("api-invoker", trusts(GATEWAY), allow("lambda:InvokeFunction", FN))


def alice() -> object:
    """Calls the API; denied the function directly (the recommended design)."""
    return user("alice", allow("execute-api:Invoke", INVOKE_API), deny("lambda:InvokeFunction"))


def bypass(w: World) -> Answer:
    return answer(w, BypassQuery(FN, API, SPAN), timeout=30)


def who(w: World, action: str = "lambda:InvokeFunction", resource: str = FN) -> Answer:
    return answer(w, WhoCanQuery(action, resource, (), SPAN), timeout=30)


def kinds(result: Answer) -> set[tuple[str, str]]:
    return {(p.kind, p.principal) for p in result.paths}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def test_gateway_role_path_and_no_bypass() -> None:
    w = world(users=(alice(),), roles=(invoker_role(),), functions=(function(),), apis=(api(),))
    result = who(w)
    assert ("gateway-role", user_arn("alice")) in kinds(result)
    assert ("direct", ROLE) in kinds(result)  # the integration role's own sessions
    path = next(p for p in result.paths if p.kind == "gateway-role")
    assert [s.hop.template.action for s in path.steps] == [
        ("execute-api:invoke",),
        ("sts:assumerole",),
        ("lambda:invokefunction",),
    ]
    assert all(s.witness is not None for s in path.steps)
    assert bypass(w).answer == "no"
    only = answer(w, OnlyThroughQuery(API, FN, SPAN))
    assert only.answer == "yes"


def test_group_policy_adds_a_direct_bypass() -> None:
    bob = user("bob", groups=("developers",))
    w = world(
        users=(alice(), bob),
        groups=(group("developers", allow("lambda:InvokeFunction", FN)),),
        roles=(invoker_role(),),
        functions=(function(),),
        apis=(api(),),
    )
    result = bypass(w)
    assert result.answer == "yes"
    assert kinds(result) == {("direct", user_arn("bob"))}
    step = result.paths[0].steps[0]
    assert step.witness is not None and step.witness.document["principal"] == user_arn("bob")
    assert [label for label, _ in step.statements] == ["identity[0]"]
    assert answer(w, OnlyThroughQuery(API, FN, SPAN)).answer == "no"


def test_boundary_removes_the_grant() -> None:
    boundary = policy(allow("execute-api:Invoke"))
    carol = user("carol", allow("lambda:InvokeFunction", FN), boundary=boundary)
    w = world(users=(carol,), roles=(invoker_role(),), functions=(function(),), apis=(api(),))
    assert bypass(w).answer == "no"
    without = world(users=(user("carol", allow("lambda:InvokeFunction", FN)),), functions=(function(),), apis=(api(),))
    assert bypass(without).answer == "yes"


def test_explicit_deny_with_not_resource() -> None:
    fenced = user(
        "dave",
        allow("lambda:*"),
        {"Effect": "Deny", "Action": "lambda:InvokeFunction", "NotResource": "arn:aws:lambda:*:*:function:public-*"},
    )
    w = world(users=(fenced,), functions=(function(),), apis=(api(credentials=None),))
    assert bypass(w).answer == "no"
    loose = user("dave", allow("lambda:*"), {"Effect": "Deny", "Action": "lambda:InvokeFunction", "NotResource": FN})
    assert kinds(bypass(world(users=(loose,), functions=(function(),), apis=(api(credentials=None),)))) == {
        ("direct", user_arn("dave"))
    }


def test_gateway_permission_pinned_to_the_api() -> None:
    fn = function(grant(GATEWAY, Condition=SOURCE_API))
    w = world(users=(alice(),), functions=(fn,), apis=(api(credentials=None),))
    result = who(w)
    assert kinds(result) == {("gateway-permission", user_arn("alice"))}
    second = result.paths[0].steps[1]
    assert second.witness is not None
    assert second.witness.document["context"]["aws:SourceArn"].endswith(f"{API}/prod/GET/orders")
    assert bypass(w).answer == "no"


def test_confused_deputy_without_source_arn() -> None:
    w = world(users=(alice(),), functions=(function(grant(GATEWAY)),), apis=(api(credentials=None),))
    result = bypass(w)
    assert result.answer == "yes"
    assert kinds(result) == {("confused-deputy", "service:apigateway.amazonaws.com")}


def test_confused_deputy_with_a_wildcard_api_id() -> None:
    wild = {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:us-east-1:{ACCOUNT}:*/*/GET/orders"}}
    w = world(users=(alice(),), functions=(function(grant(GATEWAY, Condition=wild)),), apis=(api(credentials=None),))
    result = bypass(w)
    assert kinds(result) == {("confused-deputy", "service:apigateway.amazonaws.com")}
    witness = result.paths[0].steps[0].witness
    assert witness is not None
    source = witness.document["context"]["aws:SourceArn"]
    assert f":{API}/" not in source and source.endswith("/GET/orders")


def test_source_account_alone_lets_other_apis_of_the_account_in() -> None:
    only_account = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    w = world(functions=(function(grant(GATEWAY, Condition=only_account)),), apis=(api(credentials=None),))
    assert kinds(bypass(w)) == {("confused-deputy", "service:apigateway.amazonaws.com")}


def test_role_chain_to_a_role_that_may_invoke() -> None:
    ops = role("ops", trusts({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), allow("lambda:InvokeFunction", FN))
    erin = user("erin", allow("sts:AssumeRole", ops.arn))
    frank = user("frank", allow("s3:GetObject"))
    w = world(users=(erin, frank), roles=(ops, invoker_role()), functions=(function(),), apis=(api(),))
    result = bypass(w)
    assert kinds(result) == {("role-chain", user_arn("erin"))}
    steps = result.paths[0].steps
    assert [s.hop.template.action for s in steps] == [("sts:assumerole",), ("lambda:invokefunction",)]


def test_two_hop_role_chain() -> None:
    ops = role("ops", trusts({"AWS": f"arn:aws:iam::{ACCOUNT}:role/jump"}), allow("lambda:InvokeFunction", FN))
    jump = role("jump", trusts({"AWS": f"arn:aws:iam::{ACCOUNT}:user/gina"}), allow("sts:AssumeRole", ops.arn))
    gina = user("gina")
    w = world(users=(gina,), roles=(jump, ops), functions=(function(),), apis=(api(),))
    result = bypass(w)
    assert ("role-chain", user_arn("gina")) in kinds(result)
    chain = next(p for p in result.paths if p.principal == user_arn("gina"))
    assert len(chain.steps) == 3


def test_cross_account_grant_in_the_function_policy() -> None:
    fn = function(grant({"AWS": f"arn:aws:iam::{OTHER}:root"}))
    w = world(users=(alice(),), roles=(invoker_role(),), functions=(fn,), apis=(api(),))
    result = bypass(w)
    assert kinds(result) == {("direct", f"account:{OTHER}")}
    witness = result.paths[0].steps[0].witness
    assert witness is not None and f":{OTHER}:" in witness.document["principal"]


def test_public_function_policy_reaches_anonymous_and_anyone() -> None:
    w = world(functions=(function(grant("*")),), apis=(api(),))
    found = kinds(bypass(w))
    assert ("direct", "anonymous") in found and ("direct", "*") in found


def test_method_without_authorization_is_open_to_anonymous_callers() -> None:
    w = world(users=(alice(),), roles=(invoker_role(),), functions=(function(),), apis=(api(authorization="NONE"),))
    result = who(w)
    assert ("gateway-role", "anonymous") in kinds(result)
    assert ("gateway-role", user_arn("alice")) not in kinds(result)  # IAM is not checked at all
    guarded = api(
        authorization="NONE",
        api_policy=policy({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}),
    )
    w2 = world(roles=(invoker_role(),), functions=(function(),), apis=(guarded,))
    assert ("gateway-role", "anonymous") not in kinds(who(w2))


def test_api_resource_policy_denies_a_caller() -> None:
    api_policy = policy(
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"},
        {
            "Effect": "Deny",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
            "Action": "execute-api:Invoke",
            "Resource": "*",
        },
    )
    w = world(users=(alice(),), roles=(invoker_role(),), functions=(function(),), apis=(api(api_policy=api_policy),))
    assert ("gateway-role", user_arn("alice")) not in kinds(who(w))


def test_role_that_does_not_trust_api_gateway_breaks_the_path() -> None:
    broken = role("api-invoker", trusts({"Service": "lambda.amazonaws.com"}), allow("lambda:InvokeFunction", FN))
    w = world(users=(alice(),), roles=(broken,), functions=(function(),), apis=(api(),))
    assert not any(p.kind == "gateway-role" for p in who(w).paths)


def test_caller_credentials_need_the_callers_own_permission() -> None:
    w = world(users=(alice(),), functions=(function(),), apis=(api(credentials=IAM_CALLER_CREDENTIALS),))
    assert who(w).paths == []  # alice is denied lambda:InvokeFunction, so the API fails for her too
    henry = user("henry", allow(["execute-api:Invoke", "lambda:InvokeFunction"]))
    w2 = world(users=(henry,), functions=(function(),), apis=(api(credentials=IAM_CALLER_CREDENTIALS),))
    assert {("gateway-caller", user_arn("henry")), ("direct", user_arn("henry"))} <= kinds(who(w2))


def test_can_names_one_principal() -> None:
    bob = user("bob", allow("lambda:InvokeFunction", FN))
    w = world(users=(alice(), bob), roles=(invoker_role(),), functions=(function(),), apis=(api(),))
    assert answer(w, CanQuery(user_arn("bob"), "lambda:InvokeFunction", FN, (), SPAN)).answer == "yes"
    alice_answer = answer(w, CanQuery(user_arn("alice"), "lambda:InvokeFunction", FN, (), SPAN))
    assert alice_answer.answer == "yes"  # through the API
    assert {p.kind for p in alice_answer.paths} == {"gateway-role"}
    with pytest.raises(InputError, match="not a user or role"):
        answer(w, CanQuery(user_arn("zed"), "lambda:InvokeFunction", FN, (), SPAN))


def test_compare_caller_and_role_based_access() -> None:
    bob = user("bob", allow(["execute-api:Invoke", "lambda:InvokeFunction"]))
    w = world(users=(alice(), bob), roles=(invoker_role(),), functions=(function(),), apis=(api(),))
    result = answer(w, CompareQuery(API, None, SPAN))
    assert result.answer == "no"
    assert [d.caller for d in result.differences] == [user_arn("alice")]


def test_unknown_function_or_api_is_an_input_error() -> None:
    w = world(functions=(function(),), apis=(api(),))
    with pytest.raises(InputError, match="no function"):
        answer(w, BypassQuery(FN.replace("orders", "nope"), API, SPAN))
    with pytest.raises(InputError, match="no API"):
        answer(w, BypassQuery(FN, "zzzzzzzzzz", SPAN))
