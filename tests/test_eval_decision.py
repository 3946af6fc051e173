"""The decision logic of iam-semantics.md §4: explicit deny, SCP/RCP levels, resource-based policies in the
same account (§4.1 step 4, the §4.2 algebra), cross-account, root, federated users, service principals,
anonymous callers, derived context keys and the resource account."""

from __future__ import annotations

from typing import Any

import pytest

from iamproof.errors import InputError
from iamproof.evaluate.semantics import RcpScope, Semantics
from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    IMPLICIT,
    A,
    B,
    C,
    allow,
    case,
    condition_allows,
    decide,
    deny,
    federated,
    full_access,
    full_access_rcp,
    identity_case,
    outcome,
    policy,
    role,
    root,
    run,
    service,
    session,
    user,
)

OBJ = "arn:aws:s3:::bkt/k"
BKT_ALL = "arn:aws:s3:::bkt/*"
ANON = "anonymous"


def rbp(principal: Any, action: str = "s3:GetObject", **extra: Any) -> dict[str, Any]:
    return policy(allow(action, BKT_ALL, Principal=principal, **extra))


# --- §4.1 step 1: an explicit Deny in any kind of policy --------------------------------------------


def everything_allows() -> dict[str, Any]:
    return {
        "identity": [policy(allow("s3:*", "*"))],
        "resource": rbp("*"),
        "boundary": policy(allow("s3:*", "*")),
        "session": policy(allow("s3:*", "*")),
        "scps": [[full_access()], [full_access()]],
        "rcps": [[full_access_rcp()]],
    }


def with_deny(kind: str) -> dict[str, Any]:
    policies = everything_allows()
    if kind == "none":
        return policies
    if kind == "resource":
        policies["resource"] = policy(*policies["resource"]["Statement"], deny("s3:GetObject", BKT_ALL, Principal="*"))
    elif kind in ("scps", "rcps"):
        extra = deny("s3:GetObject", "*", **({"Principal": "*"} if kind == "rcps" else {}))
        policies[kind][-1].append(policy(extra))
    elif kind == "identity":
        policies["identity"].append(policy(deny("s3:GetObject", "*")))
    else:
        policies[kind] = policy(*policies[kind]["Statement"], deny("s3:GetObject", "*"))
    return policies


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("none", ALLOW),
        ("identity", EXPLICIT),
        ("resource", EXPLICIT),
        ("boundary", EXPLICIT),
        ("session", EXPLICIT),
        ("scps", EXPLICIT),
        ("rcps", EXPLICIT),
    ],
)
def test_explicit_deny_in_each_policy_kind(kind: str, expected: str) -> None:
    result = run(case(with_deny(kind), session("R", "s1"), "s3:GetObject", OBJ, resource_account=A))
    assert outcome(result) == expected
    if kind != "none":
        assert {hit.ref.kind.value for hit in result.deciding} == {
            kind.rstrip("s") if kind in ("scps", "rcps") else kind
        }


def test_resource_policy_deny_for_another_principal_does_not_apply() -> None:
    resource_policy = policy(
        allow("s3:GetObject", BKT_ALL, Principal="*"), deny("s3:GetObject", BKT_ALL, Principal={"AWS": user("other")})
    )
    assert decide(case({"resource": resource_policy}, user(), "s3:GetObject", OBJ, resource_account=A)) == ALLOW


# --- §4.1 steps 2-3: SCP and RCP levels -------------------------------------------------------------

S3_ONLY = policy(allow("s3:*", "*"))
EC2_ONLY = policy(allow("ec2:*", "*"))
RCP_DENY_ALL = policy(deny("*", "*", Principal="*"))
RCP_DENY_OTHER = policy(deny("sqs:*", "*", Principal="*"))


@pytest.mark.parametrize(
    ("scps", "expected"),
    [
        pytest.param([[full_access()]], ALLOW, id="one-level-full-access"),
        pytest.param([[full_access()], [full_access()], [S3_ONLY]], ALLOW, id="three-levels-all-allow"),
        pytest.param([[full_access()], [EC2_ONLY]], IMPLICIT, id="lower-level-silent"),
        pytest.param([[EC2_ONLY], [full_access()]], IMPLICIT, id="root-level-silent"),
        pytest.param([[EC2_ONLY, S3_ONLY]], ALLOW, id="one-policy-of-a-level-allows"),
        pytest.param([[full_access()], []], IMPLICIT, id="empty-lower-level-allows-nothing"),
        pytest.param([[]], IMPLICIT, id="only-level-empty-allows-nothing"),
        pytest.param(
            [[policy(allow("s3:*", "*", Condition={"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}))]],
            IMPLICIT,
            id="scp-allow-condition-false",
        ),
        pytest.param([[full_access(), policy(deny("s3:*", "arn:aws:s3:::other/*"))]], ALLOW, id="scp-deny-elsewhere"),
    ],
)
def test_scp_levels(scps: list[list[dict[str, Any]]], expected: str) -> None:
    document = case(
        {"identity": [policy(allow("*", "*"))], "scps": scps},
        user(),
        "s3:GetObject",
        OBJ,
        {"aws:RequestedRegion": "us-east-1"},
    )
    assert decide(document) == expected


@pytest.mark.parametrize(
    ("principal", "scps", "expected"),
    [
        pytest.param(root(), None, ALLOW, id="root-allowed-by-default"),
        pytest.param(root(), [[EC2_ONLY]], IMPLICIT, id="root-limited-by-scp"),
        pytest.param(root(), [[full_access(), policy(deny("s3:*", "*"))]], EXPLICIT, id="root-scp-deny"),
        pytest.param(A, None, ALLOW, id="bare-account-id-is-root"),
    ],
)
def test_root_user(principal: str, scps: Any, expected: str) -> None:
    policies: dict[str, Any] = {} if scps is None else {"scps": scps}
    assert decide(case(policies, principal, "s3:GetObject", OBJ)) == expected


@pytest.mark.parametrize(
    ("rcps", "action", "resource", "scope", "expected"),
    [
        pytest.param([[full_access_rcp()]], "s3:GetObject", OBJ, RcpScope.CATALOGUE, ALLOW, id="full-access"),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_ALL]], "s3:GetObject", OBJ, RcpScope.CATALOGUE, EXPLICIT, id="deny-s3"
        ),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_OTHER]],
            "s3:GetObject",
            OBJ,
            RcpScope.CATALOGUE,
            ALLOW,
            id="deny-other-service",
        ),
        pytest.param(
            [[full_access_rcp()], [RCP_DENY_OTHER]],
            "s3:GetObject",
            OBJ,
            RcpScope.CATALOGUE,
            IMPLICIT,
            id="level-without-allow",
        ),
        pytest.param(
            [[full_access_rcp()], [full_access_rcp()]], "s3:GetObject", OBJ, RcpScope.CATALOGUE, ALLOW, id="two-levels"
        ),
        pytest.param(
            [[RCP_DENY_ALL]],
            "lambda:InvokeFunction",
            f"arn:aws:lambda:us-east-1:{A}:function:f",
            RcpScope.CATALOGUE,
            ALLOW,
            id="lambda-not-rcp-supported",
        ),
        pytest.param(
            [[RCP_DENY_ALL]],
            "execute-api:Invoke",
            f"arn:aws:execute-api:us-east-1:{A}:a/p/GET/x",
            RcpScope.CATALOGUE,
            ALLOW,
            id="execute-api-not-rcp-supported",
        ),
        pytest.param(
            [[RCP_DENY_ALL]],
            "lambda:InvokeFunction",
            f"arn:aws:lambda:us-east-1:{A}:function:f",
            RcpScope.ALL,
            EXPLICIT,
            id="lambda-with-rcp-scope-all",
        ),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_ALL]],
            "sts:AssumeRole",
            role("X"),
            RcpScope.CATALOGUE,
            EXPLICIT,
            id="sts-supported",
        ),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_ALL]],
            "kms:Decrypt",
            f"arn:aws:kms:us-east-1:{A}:key/k",
            RcpScope.CATALOGUE,
            EXPLICIT,
            id="kms-supported",
        ),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_ALL]],
            "sqs:SendMessage",
            f"arn:aws:sqs:us-east-1:{A}:q",
            RcpScope.CATALOGUE,
            EXPLICIT,
            id="sqs-supported",
        ),
        pytest.param(
            [[full_access_rcp(), RCP_DENY_ALL]],
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:us-east-1:{A}:secret:s",
            RcpScope.CATALOGUE,
            EXPLICIT,
            id="secretsmanager-supported",
        ),
    ],
)
def test_rcp_levels(rcps: Any, action: str, resource: str, scope: RcpScope, expected: str) -> None:
    document = case({"identity": [policy(allow("*", "*"))], "rcps": rcps}, user(), action, resource)
    result = run(document, Semantics(rcp_scope=scope))
    assert outcome(result) == expected
    not_applied = any("RCPs do not apply" in note for note in result.notes)
    assert not_applied is (scope is RcpScope.CATALOGUE and action.split(":")[0] in ("lambda", "execute-api"))


@pytest.mark.parametrize(
    ("principal", "identity", "expected"),
    [
        pytest.param(user("x", B), [policy(allow("s3:*", "*"))], EXPLICIT, id="external-principal"),
        pytest.param(service("cloudtrail.amazonaws.com"), [], EXPLICIT, id="service-principal"),
        pytest.param(ANON, [], EXPLICIT, id="anonymous"),
    ],
)
def test_rcps_govern_every_caller_of_the_resource(principal: Any, identity: list[Any], expected: str) -> None:
    policies = {"identity": identity, "resource": rbp("*"), "rcps": [[full_access_rcp(), RCP_DENY_ALL]]}
    assert decide(case(policies, principal, "s3:GetObject", OBJ, resource_account=A)) == expected


@pytest.mark.parametrize(
    "principal",
    [pytest.param(service("cloudtrail.amazonaws.com"), id="service"), pytest.param(ANON, id="anonymous")],
)
def test_scps_do_not_apply_outside_the_organization(principal: Any) -> None:
    policies = {"resource": rbp("*"), "scps": [[policy(deny("*", "*"))]]}
    result = run(case(policies, principal, "s3:GetObject", OBJ, resource_account=A))
    assert result.decision.value == ALLOW
    assert any("SCPs do not apply" in note for note in result.notes)


# --- §4.1 step 4 and the §4.2 algebra: same-account resource-based policies ------------------------

SILENT = policy(allow("ec2:*", "*"))  # a boundary or session policy that does not allow s3:GetObject
ALLOWS = policy(allow("s3:*", "*"))
DENIES = policy(allow("*", "*"), deny("s3:GetObject", "*"))


def same_account(
    caller: str,
    named: Any,
    *,
    identity: bool = False,
    boundary: Any = None,
    session_policy: Any = None,
    condition: Any = None,
) -> dict[str, Any]:
    extra = {"Condition": condition} if condition else {}
    policies: dict[str, Any] = {"resource": rbp(named, **extra)}
    if identity:
        policies["identity"] = [ALLOWS]
    if boundary is not None:
        policies["boundary"] = boundary
    if session_policy is not None:
        policies["session"] = session_policy
    return case(policies, caller, "s3:GetObject", OBJ, resource_account=A)


U, S = user(), session("R", "s1")
PRINCIPAL_ARN_IS = {"ArnEquals": {"aws:PrincipalArn": role("R")}}
SAME_ACCOUNT = [
    # IAM user u
    ("user-arn", U, {"AWS": U}, {}, ALLOW),
    ("user-arn-boundary-silent", U, {"AWS": U}, {"boundary": SILENT}, ALLOW),
    ("user-arn-boundary-denies", U, {"AWS": U}, {"boundary": DENIES}, EXPLICIT),
    ("user-account-no-identity", U, {"AWS": A}, {}, IMPLICIT),
    ("user-account-identity", U, {"AWS": A}, {"identity": True}, ALLOW),
    ("user-account-identity-boundary-silent", U, {"AWS": A}, {"identity": True, "boundary": SILENT}, IMPLICIT),
    ("user-root-arn-delegates", U, {"AWS": root()}, {}, IMPLICIT),
    ("user-star", U, "*", {}, ALLOW),
    ("user-aws-star", U, {"AWS": "*"}, {}, ALLOW),
    ("user-star-boundary-silent", U, "*", {"boundary": SILENT}, ALLOW),
    ("user-star-boundary-denies", U, "*", {"boundary": DENIES}, EXPLICIT),
    ("user-star-principalarn", U, "*", {"condition": {"ArnEquals": {"aws:PrincipalArn": U}}}, ALLOW),
    ("user-star-principalarn-other", U, "*", {"condition": {"ArnEquals": {"aws:PrincipalArn": user("x")}}}, IMPLICIT),
    ("user-not-named", U, {"AWS": user("x")}, {}, IMPLICIT),
    ("user-not-named-identity", U, {"AWS": user("x")}, {"identity": True}, ALLOW),
    # role session R/s1
    ("session-arn", S, {"AWS": S}, {}, ALLOW),
    ("ex20-session-arn-boundary-silent", S, {"AWS": S}, {"boundary": SILENT}, ALLOW),
    ("session-arn-session-policy-silent", S, {"AWS": S}, {"session_policy": SILENT}, ALLOW),
    ("session-arn-session-policy-denies", S, {"AWS": S}, {"session_policy": DENIES}, EXPLICIT),
    ("role-arn", S, {"AWS": role("R")}, {}, ALLOW),
    ("ex19-role-arn-boundary-silent", S, {"AWS": role("R")}, {"boundary": SILENT}, IMPLICIT),
    ("role-arn-boundary-allows", S, {"AWS": role("R")}, {"boundary": ALLOWS}, ALLOW),
    ("role-arn-session-policy-silent", S, {"AWS": role("R")}, {"session_policy": SILENT}, IMPLICIT),
    ("role-arn-session-policy-allows", S, {"AWS": role("R")}, {"session_policy": ALLOWS}, ALLOW),
    ("role-arn-session-silent-identity", S, {"AWS": role("R")}, {"session_policy": SILENT, "identity": True}, IMPLICIT),
    ("other-role-arn", S, {"AWS": role("R2")}, {}, IMPLICIT),
    ("session-star", S, "*", {}, ALLOW),
    ("session-star-boundary-silent", S, "*", {"boundary": SILENT}, ALLOW),
    ("session-star-session-policy-silent", S, "*", {"session_policy": SILENT}, ALLOW),
    ("session-star-principalarn-role", S, "*", {"condition": PRINCIPAL_ARN_IS, "session_policy": SILENT}, ALLOW),
    ("session-account-no-identity", S, {"AWS": A}, {}, IMPLICIT),
    ("session-account-identity-session-allows", S, {"AWS": A}, {"identity": True, "session_policy": ALLOWS}, ALLOW),
    ("session-account-identity-session-silent", S, {"AWS": A}, {"identity": True, "session_policy": SILENT}, IMPLICIT),
    ("session-account-identity-no-session-policy", S, {"AWS": A}, {"identity": True}, ALLOW),
    # federated user (GetFederationToken)
    ("federated-arn-no-session-policy", federated(), {"AWS": federated()}, {}, ALLOW),
    ("federated-identity-no-session-policy", federated(), {"AWS": user("x")}, {"identity": True}, IMPLICIT),
    (
        "federated-identity-session-policy",
        federated(),
        {"AWS": user("x")},
        {"identity": True, "session_policy": ALLOWS},
        ALLOW,
    ),
    ("federated-star-no-session-policy", federated(), "*", {}, ALLOW),
]


@pytest.mark.parametrize(
    ("caller", "named", "options", "expected"), [pytest.param(c, n, o, e, id=name) for name, c, n, o, e in SAME_ACCOUNT]
)
def test_same_account_resource_policy(caller: str, named: Any, options: dict[str, Any], expected: str) -> None:
    assert decide(same_account(caller, named, **options)) == expected


# --- cross-account: both sides must allow ------------------------------------------------------------


def cross(caller: str, named: Any, *, identity: bool, **extra: Any) -> dict[str, Any]:
    policies: dict[str, Any] = {"resource": rbp(named)} if named is not None else {}
    if identity:
        policies["identity"] = [ALLOWS]
    policies.update(extra)
    return case(policies, caller, "s3:GetObject", OBJ, resource_account=B)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(cross(U, {"AWS": U}, identity=True), ALLOW, id="user-arn-both-sides"),
        pytest.param(cross(U, {"AWS": U}, identity=False), IMPLICIT, id="user-arn-identity-silent"),
        pytest.param(cross(U, None, identity=True), IMPLICIT, id="no-resource-policy"),
        pytest.param(cross(U, {"AWS": user("x")}, identity=True), IMPLICIT, id="resource-policy-names-other"),
        pytest.param(cross(U, {"AWS": A}, identity=True), ALLOW, id="account-both-sides"),
        pytest.param(cross(U, {"AWS": root()}, identity=True), ALLOW, id="account-root-arn-both-sides"),
        pytest.param(cross(U, "*", identity=True), ALLOW, id="star-both-sides"),
        pytest.param(cross(U, "*", identity=False), IMPLICIT, id="star-identity-silent"),
        pytest.param(cross(U, {"AWS": U}, identity=True, boundary=SILENT), IMPLICIT, id="boundary-silent"),
        pytest.param(
            cross(S, {"AWS": S}, identity=True, boundary=SILENT),
            IMPLICIT,
            id="session-arn-boundary-silent-still-limits",
        ),
        pytest.param(cross(S, {"AWS": role("R")}, identity=True), ALLOW, id="role-arn-both-sides"),
        pytest.param(
            cross(S, {"AWS": role("R")}, identity=True, session=SILENT), IMPLICIT, id="role-arn-session-policy-silent"
        ),
        pytest.param(cross(U, {"AWS": U}, identity=True, scps=[[EC2_ONLY]]), IMPLICIT, id="callers-scp-silent"),
        pytest.param(cross(root(), {"AWS": A}, identity=False), ALLOW, id="root-needs-no-identity-policy"),
        pytest.param(cross(root(), None, identity=False), IMPLICIT, id="root-needs-resource-policy"),
        pytest.param(
            cross(federated(), {"AWS": federated()}, identity=True), IMPLICIT, id="federated-without-session-policy"
        ),
    ],
)
def test_cross_account(document: dict[str, Any], expected: str) -> None:
    assert decide(document) == expected


# --- service principals and anonymous callers ------------------------------------------------------

FN = f"arn:aws:lambda:us-east-1:{A}:function:f"
APIGW = service("apigateway.amazonaws.com")


@pytest.mark.parametrize(
    ("caller", "named", "expected"),
    [
        pytest.param(APIGW, {"Service": "apigateway.amazonaws.com"}, ALLOW, id="service-named"),
        pytest.param(APIGW, {"Service": "events.amazonaws.com"}, IMPLICIT, id="other-service-named"),
        pytest.param(APIGW, {"AWS": A}, IMPLICIT, id="account-does-not-cover-service"),
        pytest.param(APIGW, "*", ALLOW, id="star-covers-service"),
        pytest.param(APIGW, None, IMPLICIT, id="service-without-resource-policy"),
        pytest.param(ANON, "*", ALLOW, id="anonymous-star"),
        pytest.param(ANON, {"AWS": A}, IMPLICIT, id="anonymous-account"),
        pytest.param(ANON, None, IMPLICIT, id="anonymous-without-resource-policy"),
    ],
)
def test_service_and_anonymous(caller: Any, named: Any, expected: str) -> None:
    policies = {} if named is None else {"resource": policy(allow("lambda:InvokeFunction", FN, Principal=named))}
    assert decide(case(policies, caller, "lambda:InvokeFunction", FN)) == expected


@pytest.mark.parametrize("kind", ["identity", "boundary", "session"])
@pytest.mark.parametrize("caller", [pytest.param(APIGW, id="service"), pytest.param(ANON, id="anonymous")])
def test_non_iam_principal_with_identity_side_policies_is_an_error(caller: Any, kind: str) -> None:
    policies: dict[str, Any] = {"resource": rbp("*")}
    policies[kind] = [ALLOWS] if kind == "identity" else ALLOWS
    with pytest.raises(InputError, match=kind):
        run(case(policies, caller, "s3:GetObject", OBJ, resource_account=A))


# --- derived context keys ----------------------------------------------------------------------------

FED = federated("fed")
DERIVED = [
    # (key, caller, expected value or None for absent)
    ("aws:PrincipalArn", U, U),
    ("aws:PrincipalArn", user("u", path="div/"), user("u", path="div/")),
    ("aws:PrincipalArn", S, role("R")),
    ("aws:PrincipalArn", FED, FED),
    ("aws:PrincipalArn", root(), root()),
    ("aws:PrincipalArn", ANON, None),
    ("aws:PrincipalArn", APIGW, None),
    ("aws:username", U, "u"),
    ("aws:username", user("u", path="div/"), "u"),
    ("aws:username", S, None),
    ("aws:username", root(), None),
    ("aws:username", FED, None),
    ("aws:username", ANON, None),
    ("aws:PrincipalAccount", U, A),
    ("aws:PrincipalAccount", S, A),
    ("aws:PrincipalAccount", user("x", B), B),
    ("aws:PrincipalAccount", root(), A),
    ("aws:PrincipalAccount", ANON, "anonymous"),
    ("aws:PrincipalAccount", APIGW, None),
    ("aws:PrincipalType", U, "User"),
    ("aws:PrincipalType", S, "AssumedRole"),
    ("aws:PrincipalType", FED, "FederatedUser"),
    ("aws:PrincipalType", root(), "Account"),
    ("aws:PrincipalType", ANON, "Anonymous"),
    ("aws:PrincipalIsAWSService", U, "false"),
    ("aws:PrincipalIsAWSService", APIGW, "true"),
    ("aws:PrincipalIsAWSService", ANON, None),
    ("aws:PrincipalServiceName", APIGW, "apigateway.amazonaws.com"),
    ("aws:PrincipalServiceName", U, None),
    ("aws:PrincipalServiceNamesList", APIGW, "apigateway.amazonaws.com"),
    ("aws:userid", root(), A),
    ("aws:userid", FED, f"{A}:fed"),
    ("aws:ResourceAccount", U, A),
    ("AWS:PRINCIPALARN", S, role("R")),
]


def _holds(condition: dict[str, Any], caller: Any, context: Any = None) -> bool:
    """Does `condition` hold for a request by `caller`? Asked through a resource policy that allows everyone
    and denies when the condition holds (so the answer does not depend on who may be allowed by default)."""
    resource_policy = policy(
        allow("s3:GetObject", BKT_ALL, Principal="*"),
        deny("s3:GetObject", BKT_ALL, Principal="*", Condition=condition),
    )
    iam_caller = isinstance(caller, str) and caller.startswith("arn:")
    policies = {"resource": resource_policy, **({"identity": [ALLOWS]} if iam_caller else {})}
    result = decide(case(policies, caller, "s3:GetObject", OBJ, context, resource_account=A))
    assert result in (ALLOW, EXPLICIT)
    return result == EXPLICIT


@pytest.mark.parametrize(("key", "caller", "value"), [pytest.param(k, c, v, id=f"{k}-{c}") for k, c, v in DERIVED])
def test_derived_context_keys(key: str, caller: Any, value: str | None) -> None:
    if value is None:
        assert _holds({"Null": {key: "true"}}, caller) is True
    else:
        assert _holds({"StringEquals": {key: value}}, caller) is True
        assert _holds({"StringEquals": {key: value + "x"}}, caller) is False


def test_session_principal_arn_is_never_the_session_arn() -> None:
    assert _holds({"ArnEquals": {"aws:PrincipalArn": S}}, S) is False


@pytest.mark.parametrize(
    ("context", "condition", "expected"),
    [
        pytest.param(
            {"aws:PrincipalArn": role("R", path="team/")},
            {"ArnEquals": {"aws:PrincipalArn": role("R", path="team/")}},
            True,
            id="principalarn-with-role-path",
        ),
        pytest.param(
            {"aws:PrincipalArn": role("R", path="team/")},
            {"ArnEquals": {"aws:PrincipalArn": role("R")}},
            False,
            id="override-replaces-derived",
        ),
        pytest.param(
            {"aws:PrincipalAccount": None}, {"Null": {"aws:PrincipalAccount": "true"}}, True, id="null-removes-derived"
        ),
        pytest.param(
            {"aws:PrincipalAccount": ""}, {"Null": {"aws:PrincipalAccount": "true"}}, True, id="empty-removes-derived"
        ),
        pytest.param(
            {"aws:PrincipalAccount": B},
            {"StringEquals": {"aws:PrincipalAccount": B}},
            True,
            id="override-principal-account",
        ),
        pytest.param(
            {"AWS:PRINCIPALACCOUNT": B},
            {"StringEquals": {"aws:PrincipalAccount": A}},
            False,
            id="override-key-case-insensitive",
        ),
        pytest.param(
            {"aws:ResourceAccount": B},
            {"StringEquals": {"aws:ResourceAccount": B}},
            True,
            id="override-resource-account",
        ),
    ],
)
def test_context_overrides_derived_keys(context: dict[str, Any], condition: dict[str, Any], expected: bool) -> None:
    assert _holds(condition, S, context) is expected


def test_principal_arn_condition_for_user_variable() -> None:
    # aws:username only for users; the variable resolves for u, not for a session
    condition = {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}
    assert condition_allows(condition, {"aws:PrincipalTag/owner": "u"}) is True
    assert condition_allows(condition, {"aws:PrincipalTag/owner": "s1"}, principal=S) is False


# --- the resource's account ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "resource", "resource_account", "expected_account", "assumed"),
    [
        pytest.param(U, f"arn:aws:sqs:us-east-1:{B}:q", None, B, False, id="from-arn"),
        pytest.param(U, "arn:aws:s3:::bkt/k", None, A, True, id="s3-inferred-from-principal"),
        pytest.param(U, "arn:aws:s3:::bkt/k", B, B, False, id="s3-given"),
        pytest.param(U, "*", None, A, True, id="star-inferred"),
        pytest.param(U, "arn:aws:apigateway:us-east-1::/restapis/a", None, A, True, id="apigateway-inferred"),
        pytest.param(APIGW, f"arn:aws:lambda:us-east-1:{B}:function:f", None, B, False, id="service-from-arn"),
        pytest.param(U, f"arn:aws:sqs:us-east-1:{A}:q", A, A, False, id="given-and-arn-agree"),
    ],
)
def test_resource_account(
    caller: Any, resource: str, resource_account: str | None, expected_account: str, assumed: bool
) -> None:
    result = run(
        case(
            {"identity": [ALLOWS]} if caller == U else {},
            caller,
            "s3:GetObject",
            resource,
            resource_account=resource_account,
        )
    )
    assert result.request.resource_account == expected_account
    assert any("resource account taken to be" in note for note in result.notes) is assumed
    assert result.request.cross_account is (expected_account != A or caller == APIGW)


@pytest.mark.parametrize(
    ("caller", "resource", "resource_account", "message"),
    [
        pytest.param(U, f"arn:aws:sqs:us-east-1:{B}:q", A, "contradicts", id="contradiction"),
        pytest.param(APIGW, "arn:aws:s3:::bkt/k", None, "resource_account", id="service-needs-account"),
        pytest.param(ANON, "arn:aws:s3:::bkt/k", None, "resource_account", id="anonymous-needs-account"),
        pytest.param(U, "arn:aws:s3:::bkt/k", "12345", "12-digit", id="malformed-account"),
        pytest.param(role("R"), "arn:aws:s3:::bkt/k", None, "session", id="role-arn-is-not-a-caller"),
    ],
)
def test_resource_account_errors(caller: Any, resource: str, resource_account: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        run(case({}, caller, "s3:GetObject", resource, resource_account=resource_account))


def test_identity_policy_same_account_via_resource_account() -> None:
    # an S3 bucket of account C accessed by u in A, with only an identity policy: cross-account, denied
    document = identity_case([allow("s3:*", "*")])
    document["request"]["resource_account"] = C
    assert decide(document) == IMPLICIT


# --- §4.1 step 4: trust policies and KMS key policies must allow the principal themselves -------------

KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE_X = role("X")


@pytest.mark.parametrize(
    ("caller", "action", "resource", "resource_principal", "identity", "expected"),
    [
        pytest.param(
            U,
            "sts:AssumeRole",
            ROLE_X,
            {"Service": "ec2.amazonaws.com"},
            True,
            IMPLICIT,
            id="trust-names-someone-else-identity-allow-not-enough",
        ),
        pytest.param(U, "sts:AssumeRole", ROLE_X, None, True, IMPLICIT, id="no-trust-policy"),
        pytest.param(U, "sts:AssumeRole", ROLE_X, {"AWS": A}, True, ALLOW, id="trust-names-account-identity"),
        pytest.param(U, "sts:AssumeRole", ROLE_X, {"AWS": A}, False, IMPLICIT, id="trust-names-account-no-identity"),
        pytest.param(U, "sts:AssumeRole", ROLE_X, {"AWS": U}, False, ALLOW, id="trust-names-user"),
        pytest.param(S, "sts:AssumeRole", ROLE_X, {"AWS": role("R")}, False, ALLOW, id="trust-names-callers-role"),
        pytest.param(U, "sts:TagSession", ROLE_X, {"AWS": user("x")}, True, IMPLICIT, id="tag-session-too"),
        pytest.param(
            U,
            "kms:Decrypt",
            KEY,
            {"AWS": user("x")},
            True,
            IMPLICIT,
            id="key-policy-names-someone-else-identity-allow-not-enough",
        ),
        pytest.param(U, "kms:Decrypt", KEY, None, True, IMPLICIT, id="no-key-policy"),
        pytest.param(U, "kms:Decrypt", KEY, {"AWS": root()}, True, ALLOW, id="default-key-policy-enables-iam"),
        pytest.param(U, "kms:Decrypt", KEY, {"AWS": root()}, False, IMPLICIT, id="default-key-policy-no-identity"),
        pytest.param(U, "kms:Decrypt", KEY, {"AWS": U}, False, ALLOW, id="key-policy-names-user"),
        pytest.param(root(), "kms:Decrypt", KEY, {"AWS": user("x")}, False, IMPLICIT, id="root-needs-key-policy-too"),
        pytest.param(root(), "kms:Decrypt", KEY, {"AWS": root()}, False, ALLOW, id="root-with-default-key-policy"),
        pytest.param(
            U,
            "kms:CreateAlias",
            f"arn:aws:kms:us-east-1:{A}:alias/a",
            None,
            True,
            ALLOW,
            id="alias-needs-no-key-policy",
        ),
        pytest.param(U, "kms:CreateKey", "*", None, True, ALLOW, id="create-key-needs-no-key-policy"),
        pytest.param(U, "s3:GetObject", OBJ, {"AWS": user("x")}, True, ALLOW, id="s3-identity-allow-is-enough"),
    ],
)
def test_trust_and_key_policies_must_allow(
    caller: str, action: str, resource: str, resource_principal: Any, identity: bool, expected: str
) -> None:
    policies: dict[str, Any] = {}
    if resource_principal is not None:
        trust_like = resource.startswith("arn:aws:iam")
        statement = allow(action, None if trust_like else "*", Principal=resource_principal)
        policies["resource"] = policy(statement)
    if identity:
        policies["identity"] = [policy(allow("*", "*"))]
    assert decide(case(policies, caller, action, resource, resource_account=A)) == expected


@pytest.mark.parametrize(
    ("caller", "action", "principal_element", "expected"),
    [
        pytest.param(
            {"Federated": "cognito-identity.amazonaws.com"},
            "sts:AssumeRoleWithWebIdentity",
            {"Federated": "cognito-identity.amazonaws.com"},
            ALLOW,
            id="web-identity-trusted",
        ),
        pytest.param(
            {"Federated": "accounts.google.com"},
            "sts:AssumeRoleWithWebIdentity",
            {"Federated": "cognito-identity.amazonaws.com"},
            IMPLICIT,
            id="other-identity-provider",
        ),
        pytest.param(
            {"Federated": f"arn:aws:iam::{A}:saml-provider/X"},
            "sts:AssumeRoleWithSAML",
            {"Federated": f"arn:aws:iam::{A}:saml-provider/X"},
            ALLOW,
            id="saml-provider-trusted",
        ),
        pytest.param(
            service("apigateway.amazonaws.com"),
            "sts:AssumeRole",
            {"Service": "apigateway.amazonaws.com"},
            ALLOW,
            id="service-role-trust",
        ),
        pytest.param(
            service("lambda.amazonaws.com"),
            "sts:AssumeRole",
            {"Service": "apigateway.amazonaws.com"},
            IMPLICIT,
            id="service-role-other-service",
        ),
    ],
)
def test_trust_policies_for_external_principals(
    caller: Any, action: str, principal_element: Any, expected: str
) -> None:
    trust = policy(allow(action, None, Principal=principal_element))
    assert decide(case({"resource": trust}, caller, action, role("X"))) == expected


def test_derived_multivalued_key_is_no_policy_variable() -> None:
    # aws:PrincipalServiceNamesList is multivalued: as a policy variable it has no value (§3.3)
    condition = {"StringEquals": {"k:a": "${aws:PrincipalServiceNamesList}"}}
    assert _holds(condition, APIGW, {"k:a": "apigateway.amazonaws.com"}) is False
    assert (
        _holds({"StringEquals": {"k:a": "${aws:PrincipalServiceName}"}}, APIGW, {"k:a": "apigateway.amazonaws.com"})
        is True
    )
