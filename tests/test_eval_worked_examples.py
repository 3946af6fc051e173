"""Every worked example (#1-#35) of iam-semantics.md §6, one row per request, through case files.

Unless an example says otherwise the requester is user u in account A (111122223333). Rows whose id ends
in `-control` are positive or negative controls that the example implies ("with plain Bool nothing would
be denied", "StringLike would match"); they keep a row from passing for the wrong reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    IMPLICIT,
    V2008,
    A,
    B,
    C,
    allow,
    case,
    decide,
    deny,
    full_access_rcp,
    identity_case,
    policy,
    role,
    root,
    run,
    service,
    session,
    user,
)

S3_OBJECT = "arn:aws:s3:::bkt/key"
QUEUE = f"arn:aws:sqs:us-east-1:{A}:q"
TABLE = f"arn:aws:dynamodb:us-east-1:{A}:table/Thread"
FUNCTION = f"arn:aws:lambda:us-east-1:{A}:function:fn"
FUNCTION_WEST = f"arn:aws:lambda:us-west-2:{A}:function:fn"
API_METHOD = f"arn:aws:execute-api:us-east-1:{A}:api1/prod/GET/pets"
APIGW = service("apigateway.amazonaws.com")


def ex05(operator: str, source_arn: str) -> dict[str, Any]:
    resource_policy = policy(
        allow(
            "sqs:SendMessage",
            QUEUE,
            Principal="*",
            Condition={operator: {"aws:SourceArn": "arn:aws:someservice:*:111122223333:finance/*"}},
        )
    )
    return case({"resource": resource_policy}, user(), "sqs:SendMessage", QUEUE, {"aws:SourceArn": source_arn})


EX05_TRICK = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/doc"


def ex08(resource: str, action: str = "s3:GetObject") -> dict[str, Any]:
    return identity_case(
        [
            allow("s3:*", "*"),
            deny("s3:*", NotResource=["arn:aws:s3:::HR/Payroll", "arn:aws:s3:::HR/Payroll/*"]),
        ],
        action,
        resource,
    )


def ex10(operator: str, context: dict[str, Any] | None) -> dict[str, Any]:
    return identity_case(
        [
            allow("*", "*"),
            deny(NotAction="iam:*", Condition={operator: {"aws:MultiFactorAuthPresent": "false"}}),
        ],
        context=context,
    )


def ex11(attributes: list[str] | None) -> dict[str, Any]:
    condition = {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["ID", "Message", "Tags"]}}
    context = None if attributes is None else {"dynamodb:Attributes": attributes}
    return identity_case([allow("dynamodb:GetItem", TABLE, Condition=condition)], "dynamodb:GetItem", TABLE, context)


def ex12(attributes: list[str] | None) -> dict[str, Any]:
    condition = {"ForAnyValue:StringEquals": {"dynamodb:Attributes": ["ID", "PostDateTime"]}}
    context = None if attributes is None else {"dynamodb:Attributes": attributes}
    return identity_case(
        [allow("*", "*"), deny("dynamodb:PutItem", TABLE, Condition=condition)], "dynamodb:PutItem", TABLE, context
    )


def ex13(tag_keys: list[str]) -> dict[str, Any]:
    condition = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}
    return identity_case(
        [allow("iam:*", "*"), deny("iam:Tag*", "*", Condition=condition)],
        "iam:TagUser",
        user("target"),
        {"aws:TagKeys": tag_keys},
    )


def ex14(caller: str) -> dict[str, Any]:
    resource_policy = policy(
        allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal="*"),
        deny(
            "s3:*", "arn:aws:s3:::bkt/*", Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": [A, B]}}
        ),
    )
    return case(
        {"identity": [policy(allow("s3:*", "*"))], "resource": resource_policy},
        caller,
        "s3:GetObject",
        S3_OBJECT,
        resource_account=A,
    )


def ex15(principal: str, resource: str, version: str = "2012-10-17") -> dict[str, Any]:
    return identity_case(
        [allow("s3:GetObject", "arn:aws:s3:::B/${aws:username}/*")],
        "s3:GetObject",
        resource,
        principal=principal,
        version=version,
    )


def ex17(resource: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    return identity_case(
        [allow("s3:*", "arn:aws:s3:::B-${aws:PrincipalTag/team, 'company-wide'}")], "s3:ListBucket", resource, context
    )


def ex19_20(named: str) -> dict[str, Any]:
    return case(
        {
            "boundary": policy(allow("ec2:*", "*")),
            "resource": policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": named})),
        },
        session("R", "s1"),
        "s3:GetObject",
        S3_OBJECT,
        resource_account=A,
    )


def ex21(action: str) -> dict[str, Any]:
    return case(
        {"identity": [policy(allow("s3:*", "*"))], "session": policy(allow("s3:GetObject", "*"))},
        session("R", "s1"),
        action,
        S3_OBJECT,
    )


def ex24(rcps: list[list[dict[str, Any]]] | None) -> dict[str, Any]:
    policies: dict[str, Any] = {
        "identity": [policy(allow("s3:GetObject", "*"))],
        "resource": policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": root(C)})),
    }
    if rcps is not None:
        policies["rcps"] = rcps
    return case(policies, user("cu", C), "s3:GetObject", S3_OBJECT, resource_account=A)


def ex25(identity_action: str, boundary_action: str) -> dict[str, Any]:
    return case(
        {"identity": [policy(allow(identity_action, "*"))], "boundary": policy(allow(boundary_action, "*"))},
        user(),
        "s3:GetObject",
        S3_OBJECT,
    )


def ex26_27(exempted: list[str], with_boundary: bool) -> dict[str, Any]:
    policies: dict[str, Any] = {
        "identity": [policy(allow("s3:*", "*"))],
        "resource": policy(
            allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": user("Bob", B)}),
            deny("s3:*", ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"], NotPrincipal={"AWS": exempted}),
        ),
    }
    if with_boundary:
        policies["boundary"] = policy(allow("s3:*", "*"))
    return case(policies, user("Bob", B), "s3:GetObject", S3_OBJECT, resource_account=A)


def function_policy(
    principal: dict[str, str], condition: dict[str, Any] | None = None, resource: str = FUNCTION
) -> dict[str, Any]:
    extra: dict[str, Any] = {"Principal": principal}
    if condition is not None:
        extra["Condition"] = condition
    return policy(allow("lambda:InvokeFunction", resource, **extra))


def ex28_29(condition: dict[str, Any] | None, source_arn: str, source_account: str) -> dict[str, Any]:
    return case(
        {"resource": function_policy(APIGW, condition)},
        APIGW,
        "lambda:InvokeFunction",
        FUNCTION,
        {"aws:SourceArn": source_arn, "aws:SourceAccount": source_account},
    )


EX29_CONDITION = {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:us-east-1:{A}:api1/prod/GET/pets"}}


def ex30(condition: dict[str, Any]) -> dict[str, Any]:
    s3 = service("s3.amazonaws.com")
    return case(
        {"resource": function_policy(s3, condition)},
        s3,
        "lambda:InvokeFunction",
        FUNCTION,
        {"aws:SourceArn": "arn:aws:s3:::bkt", "aws:SourceAccount": C},
    )


def ex31(caller: str) -> dict[str, Any]:
    api_policy = policy(allow("execute-api:Invoke", "execute-api:/*", Principal="*"))
    return case({"resource": api_policy}, caller, "execute-api:Invoke", API_METHOD)


# Example #32/#33: the caller's identity policy and the integration role R's policies.
CALLER_POLICY = policy(
    allow("execute-api:Invoke", f"arn:aws:execute-api:us-east-1:{A}:api1/*"),
    deny("lambda:InvokeFunction", "*"),
)
ROLE_TRUST = policy(allow("sts:AssumeRole", None, Principal=APIGW))
ROLE_POLICY = policy(allow("lambda:InvokeFunction", FUNCTION))


def ex32_hop(hop: str) -> dict[str, Any]:
    if hop == "caller-invokes-api":
        return case({"identity": [CALLER_POLICY]}, user(), "execute-api:Invoke", API_METHOD)
    if hop == "apigateway-assumes-role":
        return case({"resource": ROLE_TRUST}, APIGW, "sts:AssumeRole", role("R"), resource_account=A)
    if hop == "role-session-invokes-function":
        return case({"identity": [ROLE_POLICY]}, session("R", "apigw"), "lambda:InvokeFunction", FUNCTION)
    assert hop == "caller-invokes-function-directly"
    return case({"identity": [CALLER_POLICY]}, user(), "lambda:InvokeFunction", FUNCTION)


def ex34(pattern_region: str) -> dict[str, Any]:
    condition = {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:{pattern_region}:{A}:api/*"}}
    return case(
        {"resource": function_policy(APIGW, condition, FUNCTION_WEST)},
        APIGW,
        "lambda:InvokeFunction",
        FUNCTION_WEST,
        # Lambda receives the SourceArn in the function's region (us-west-2), whatever the API's region.
        {"aws:SourceArn": f"arn:aws:execute-api:us-west-2:{A}:api/prod/GET/pets", "aws:SourceAccount": A},
    )


def ex35(identity: list[dict[str, Any]]) -> dict[str, Any]:
    trust = policy(allow("sts:AssumeRole", None, Principal={"AWS": root(A)}))
    return case({"identity": identity, "resource": trust}, user(), "sts:AssumeRole", role("X", B))


ROWS: list[Any] = [
    pytest.param(
        identity_case([allow("s3:*", "*"), deny("s3:DeleteBucket", "*")], "s3:DeleteBucket", "arn:aws:s3:::bkt"),
        EXPLICIT,
        id="ex01-explicit-deny-overrides-allow",
    ),
    pytest.param(
        identity_case([allow("IAM:listaccesskeys", "*")], "iam:ListAccessKeys", user()),
        ALLOW,
        id="ex02-action-case-insensitive",
    ),
    pytest.param(
        identity_case(
            [allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/??????????")],
            "apigateway:GET",
            "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
        ),
        ALLOW,
        id="ex03-question-marks-ten-chars",
    ),
    pytest.param(
        identity_case(
            [allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/??????????")],
            "apigateway:GET",
            "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages",
        ),
        IMPLICIT,
        id="ex03-question-marks-not-longer",
    ),
    pytest.param(
        identity_case(
            [allow("s3:GetObject", "arn:aws:s3:::B/*/test/*")], "s3:GetObject", "arn:aws:s3:::B/1/2/test/x.jpg"
        ),
        ALLOW,
        id="ex04-star-crosses-slash",
    ),
    pytest.param(
        identity_case([allow("s3:GetObject", "arn:aws:s3:::B/*/test/*")], "s3:GetObject", "arn:aws:s3:::B/test/x.jpg"),
        IMPLICIT,
        id="ex04-literal-test-segment-needed",
    ),
    pytest.param(ex05("ArnLike", EX05_TRICK), IMPLICIT, id="ex05-arnlike-component-wise"),
    pytest.param(ex05("StringLike", EX05_TRICK), ALLOW, id="ex05-stringlike-would-match-control"),
    pytest.param(
        ex05("ArnLike", "arn:aws:someservice:us-east-2:111122223333:finance/doc"),
        ALLOW,
        id="ex05-arnlike-genuine-arn-control",
    ),
    pytest.param(identity_case([allow(NotAction="iam:*")], "s3:GetObject"), ALLOW, id="ex06-notaction-grants-rest"),
    pytest.param(
        identity_case([allow(NotAction="iam:*")], "iam:CreateUser", user("new")),
        IMPLICIT,
        id="ex06-notaction-excluded-implicit",
    ),
    pytest.param(
        identity_case([allow(NotAction="s3:DeleteBucket", resource="arn:aws:s3:::*")], "s3:ListAllMyBuckets", "*"),
        IMPLICIT,
        id="ex07-no-resource-level-needs-star",
    ),
    pytest.param(ex08("arn:aws:s3:::HR/Payroll/x"), ALLOW, id="ex08-payroll-allowed"),
    pytest.param(ex08("arn:aws:s3:::HR/Other"), EXPLICIT, id="ex08-payroll-deny"),
    pytest.param(ex08("*", "ec2:DescribeInstances"), IMPLICIT, id="ex08-ec2-out-of-scope"),
    pytest.param(
        identity_case([allow("*", NotResource="arn:aws:s3:::HR")], "iam:PutUserPolicy", user()),
        ALLOW,
        id="ex09-notresource-self-escalation",
    ),
    pytest.param(ex10("BoolIfExists", None), EXPLICIT, id="ex10-access-keys-denied"),
    pytest.param(ex10("Bool", None), ALLOW, id="ex10-plain-bool-denies-nothing-control"),
    pytest.param(ex10("BoolIfExists", {"aws:MultiFactorAuthPresent": "true"}), ALLOW, id="ex10-with-mfa-control"),
    pytest.param(ex11(None), ALLOW, id="ex11-forallvalues-absent-vacuous"),
    pytest.param(ex11([]), ALLOW, id="ex11-forallvalues-empty-vacuous"),
    pytest.param(ex11(["Message", "UserName"]), IMPLICIT, id="ex11-forallvalues-unlisted-attribute"),
    pytest.param(ex11(["ID", "Message"]), ALLOW, id="ex11-forallvalues-subset-control"),
    pytest.param(ex12(["UserName", "Message", "PostDateTime"]), EXPLICIT, id="ex12-foranyvalue-one-match-denies"),
    pytest.param(ex12(None), ALLOW, id="ex12-foranyvalue-absent-false"),
    pytest.param(ex12([]), ALLOW, id="ex12-foranyvalue-empty-false"),
    pytest.param(ex13([]), EXPLICIT, id="ex13-no-tags-vacuous-deny"),
    pytest.param(ex13(["key2"]), EXPLICIT, id="ex13-key2-denied"),
    pytest.param(ex13(["key1"]), ALLOW, id="ex13-key1-allowed"),
    pytest.param(ex13(["key1", "key1-legal"]), ALLOW, id="ex13-all-key1-allowed"),
    # ForAllValues needs *every* tag key to be unlike key1*: key1 is not, so a mixed set is not denied.
    pytest.param(ex13(["key1", "key2"]), ALLOW, id="ex13-mixed-keys-not-denied"),
    pytest.param(ex14(user("b", B)), ALLOW, id="ex14-caller-in-B-not-denied"),
    pytest.param(ex14(user("c", C)), EXPLICIT, id="ex14-caller-in-C-nor-denies"),
    pytest.param(ex14(user("a", A)), ALLOW, id="ex14-caller-in-A-not-denied"),
    pytest.param(ex15(user("alice"), "arn:aws:s3:::B/alice/x"), ALLOW, id="ex15-username-own-prefix"),
    pytest.param(ex15(user("alice"), "arn:aws:s3:::B/bob/x"), IMPLICIT, id="ex15-username-other-prefix"),
    pytest.param(
        ex15(session("R", "alice"), "arn:aws:s3:::B/alice/x"), IMPLICIT, id="ex15-role-session-has-no-username"
    ),
    pytest.param(ex15(user("alice"), "arn:aws:s3:::B/alice/x", V2008), IMPLICIT, id="ex16-2008-variable-literal"),
    pytest.param(
        ex15(user("alice"), "arn:aws:s3:::B/${aws:username}/x", V2008),
        ALLOW,
        id="ex16-2008-literal-text-matches-control",
    ),
    pytest.param(ex17("arn:aws:s3:::B-company-wide"), ALLOW, id="ex17-default-value-applies"),
    pytest.param(ex17("arn:aws:s3:::B-red", {"aws:PrincipalTag/team": "red"}), ALLOW, id="ex17-tag-value-control"),
    pytest.param(
        ex17("arn:aws:s3:::B-company-wide", {"aws:PrincipalTag/team": "red"}),
        IMPLICIT,
        id="ex17-tagged-no-default-control",
    ),
    pytest.param(
        case(
            {"resource": policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": user()}))},
            user(),
            "s3:GetObject",
            S3_OBJECT,
            resource_account=A,
        ),
        ALLOW,
        id="ex18-same-account-user-arn-grant",
    ),
    pytest.param(ex19_20(role("R")), IMPLICIT, id="ex19-role-arn-grant-limited-by-boundary"),
    pytest.param(ex19_20(session("R", "s1")), ALLOW, id="ex20-session-arn-grant-not-limited"),
    pytest.param(ex21("s3:PutObject"), IMPLICIT, id="ex21-session-policy-intersects"),
    pytest.param(ex21("s3:GetObject"), ALLOW, id="ex21-session-policy-allows-control"),
    pytest.param(
        case(
            {
                "identity": [policy(allow("s3:GetObject", "*"))],
                "resource": policy(allow("s3:PutObject", "arn:aws:s3:::bkt/*", Principal={"AWS": user()})),
            },
            user(),
            "s3:PutObject",
            S3_OBJECT,
            resource_account=B,
        ),
        IMPLICIT,
        id="ex22-cross-account-needs-both-sides",
    ),
    pytest.param(
        case(
            {"identity": [policy(allow("*", "*"))], "scps": [[policy(allow("s3:*", "*"))]]},
            user(),
            "ec2:RunInstances",
            f"arn:aws:ec2:us-east-1:{A}:instance/*",
        ),
        IMPLICIT,
        id="ex23-no-scp-allow-denies",
    ),
    # #24: `scps` of a case are the principal's SCPs; C's user is outside A's organization, so A's SCP
    # D(s3:*;*) is not among them and cannot stop the request. Only an RCP on A would.
    pytest.param(ex24(None), ALLOW, id="ex24-scp-of-resource-account-irrelevant"),
    pytest.param(
        ex24([[full_access_rcp(), policy(deny("s3:*", "*", Principal="*"))]]),
        EXPLICIT,
        id="ex24-rcp-would-stop-it-control",
    ),
    pytest.param(ex25("s3:GetObject", "s3:*"), ALLOW, id="ex25-identity-within-boundary"),
    pytest.param(ex25("s3:*", "ec2:*"), IMPLICIT, id="ex25-boundary-excludes"),
    # #26 [AMBIG]: iamproof evaluates NotPrincipal hierarchically (README "Semantics choices" 2): listing
    # only Bob's user ARN does not exempt Bob, so the Deny applies.
    pytest.param(ex26_27([user("Bob", B)], False), EXPLICIT, id="ex26-ambig-notprincipal-without-account-denies"),
    pytest.param(ex26_27([user("Bob", B), root(B)], False), ALLOW, id="ex26-whole-hierarchy-exempt-control"),
    pytest.param(ex26_27([user("Bob", B), root(B)], True), EXPLICIT, id="ex27-boundary-never-exempt"),
    pytest.param(
        ex28_29(None, f"arn:aws:execute-api:us-east-1:{C}:capi/prod/GET/x", C), ALLOW, id="ex28-confused-deputy-any-api"
    ),
    pytest.param(
        ex28_29(EX29_CONDITION, f"arn:aws:execute-api:us-east-1:{A}:api1/prod/POST/pets", A),
        IMPLICIT,
        id="ex29-sourcearn-pins-verb",
    ),
    pytest.param(
        ex28_29(EX29_CONDITION, f"arn:aws:execute-api:us-east-1:{A}:api1/test/GET/pets", A),
        IMPLICIT,
        id="ex29-sourcearn-pins-stage",
    ),
    pytest.param(
        ex28_29(EX29_CONDITION, f"arn:aws:execute-api:us-east-1:{C}:api1/prod/GET/pets", C),
        IMPLICIT,
        id="ex29-sourcearn-pins-account",
    ),
    pytest.param(
        ex28_29(EX29_CONDITION, f"arn:aws:execute-api:us-east-1:{A}:api1/prod/GET/pets", A),
        ALLOW,
        id="ex29-sourcearn-exact-control",
    ),
    pytest.param(ex30({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bkt"}}), ALLOW, id="ex30-s3-no-account-risk"),
    pytest.param(
        ex30({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bkt"}, "StringEquals": {"aws:SourceAccount": A}}),
        IMPLICIT,
        id="ex30-sourceaccount-fix-control",
    ),
    # #31: the API resource policy uses the `execute-api:/*` shorthand, expanded against the API it is on.
    pytest.param(ex31(session("NoPolicyRole", "s")), ALLOW, id="ex31-table-a-same-account-role"),
    pytest.param(ex31(user("b", B)), IMPLICIT, id="ex31-table-b-cross-account-user"),
    # #32 [DERIVED], role mode: each hop is its own request. Via the API: the caller invokes the API, API
    # Gateway assumes R, and R's session (not the caller) invokes the function.
    pytest.param(ex32_hop("caller-invokes-api"), ALLOW, id="ex32-derived-via-api-hop1-caller-invokes-api"),
    pytest.param(ex32_hop("apigateway-assumes-role"), ALLOW, id="ex32-derived-via-api-hop2-apigateway-assumes-r"),
    pytest.param(ex32_hop("role-session-invokes-function"), ALLOW, id="ex32-derived-via-api-hop3-r-invokes-function"),
    pytest.param(ex32_hop("caller-invokes-function-directly"), EXPLICIT, id="ex32-derived-direct-invoke-denied"),
    # #33 [DERIVED], caller mode (credentials arn:aws:iam::*:user/*): API Gateway calls Lambda with the
    # caller's own credentials, so the second hop is the caller invoking the function: its Deny applies.
    pytest.param(ex32_hop("caller-invokes-api"), ALLOW, id="ex33-derived-hop1-caller-invokes-api"),
    pytest.param(ex32_hop("caller-invokes-function-directly"), EXPLICIT, id="ex33-derived-hop2-caller-creds-denied"),
    pytest.param(ex34("us-east-1"), IMPLICIT, id="ex34-sourcearn-in-api-region-fails"),
    pytest.param(ex34("us-west-2"), ALLOW, id="ex34-sourcearn-in-function-region-control"),
    pytest.param(ex35([]), IMPLICIT, id="ex35-account-principal-delegates"),
    pytest.param(ex35([policy(allow("sts:AssumeRole", role("X", B)))]), ALLOW, id="ex35-with-identity-allow-control"),
]


@pytest.mark.parametrize(("document", "expected"), ROWS)
def test_worked_example(document: dict[str, Any], expected: str) -> None:
    assert decide(document) == expected


def test_every_example_has_a_row() -> None:
    numbers = {int(row.id[2:4]) for row in ROWS}
    assert numbers == set(range(1, 36))


@pytest.mark.parametrize(
    ("document", "note"),
    [
        pytest.param(ex26_27([user("Bob", B)], False), "[AMBIG §4.3]", id="ex26-ambig-choice-reported"),
        pytest.param(ex26_27([user("Bob", B), root(B)], True), "permissions boundary", id="ex27-boundary-reported"),
        pytest.param(ex24([[full_access_rcp()]]), "", id="ex24-rcp-s3-applies-no-note"),
    ],
)
def test_worked_example_notes(document: dict[str, Any], note: str) -> None:
    notes = run(document).notes
    if note:
        assert any(note in n for n in notes), notes
    else:
        assert not any("RCPs do not apply" in n for n in notes), notes
