"""Helpers for the evaluator tests: build a case dict, write it as a case file, load it, evaluate it.

Every decision in the evaluator tests goes through `load_case`, so the case-file loader (principal
parsing, context keys, resource-account inference) is exercised on every row.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from iamproof.evaluate.case_file import load_case
from iamproof.evaluate.decision import Decision, EvaluationResult, evaluate
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics

A = "111122223333"
B = "444455556666"
C = "777788889999"

V2012 = "2012-10-17"
V2008 = "2008-10-17"

ALLOW = "allow"
EXPLICIT = "explicit"  # denied by an explicit Deny statement
IMPLICIT = "implicit"  # denied because nothing (or not every required policy) allows


def user(name: str = "u", account: str = A, path: str = "") -> str:
    return f"arn:aws:iam::{account}:user/{path}{name}"


def role(name: str = "R", account: str = A, path: str = "") -> str:
    return f"arn:aws:iam::{account}:role/{path}{name}"


def session(role_name: str = "R", name: str = "s1", account: str = A) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role_name}/{name}"


def federated(name: str = "fed", account: str = A) -> str:
    return f"arn:aws:sts::{account}:federated-user/{name}"


def root(account: str = A) -> str:
    return f"arn:aws:iam::{account}:root"


def service(name: str) -> dict[str, str]:
    return {"Service": name}


def stmt(effect: str, action: Any = None, resource: Any = "*", **elements: Any) -> dict[str, Any]:
    """One statement. `resource=None` omits Resource; extra elements use their policy names
    (NotAction=..., NotResource=..., Principal=..., NotPrincipal=..., Condition=..., Sid=...)."""
    statement: dict[str, Any] = {"Effect": effect}
    if action is not None:
        statement["Action"] = action
    if resource is not None and "NotResource" not in elements:
        statement["Resource"] = resource
    statement.update(elements)
    return statement


def allow(action: Any = None, resource: Any = "*", **elements: Any) -> dict[str, Any]:
    return stmt("Allow", action, resource, **elements)


def deny(action: Any = None, resource: Any = "*", **elements: Any) -> dict[str, Any]:
    return stmt("Deny", action, resource, **elements)


def policy(*statements: dict[str, Any], version: str | None = V2012) -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return document


def full_access() -> dict[str, Any]:
    """The AWS-managed FullAWSAccess SCP / RCPFullAWSAccess RCP."""
    return policy(allow("*", "*"))


def full_access_rcp() -> dict[str, Any]:
    return policy(allow("*", "*", Principal="*"))


def case(
    policies: dict[str, Any],
    principal: Any,
    action: str,
    resource: str,
    context: dict[str, Any] | None = None,
    resource_account: str | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {"principal": principal, "action": action, "resource": resource}
    if context is not None:
        request["context"] = context
    if resource_account is not None:
        request["resource_account"] = resource_account
    return {"policies": policies, "request": request}


def write_case(document: dict[str, Any], directory: Path, name: str = "case.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def run(document: dict[str, Any], semantics: Semantics = DEFAULT_SEMANTICS) -> EvaluationResult:
    """Write the case to a temporary file, load it with `load_case` and evaluate it."""
    with tempfile.TemporaryDirectory() as directory:
        loaded = load_case(write_case(document, Path(directory)))
    return evaluate(loaded.policies, loaded.request, semantics)


def outcome(result: EvaluationResult) -> str:
    """ALLOW, EXPLICIT (an explicit Deny) or IMPLICIT (no applicable allow)."""
    if result.decision is Decision.ALLOW:
        assert not result.explicit
        return ALLOW
    return EXPLICIT if result.explicit else IMPLICIT


def decide(document: dict[str, Any], semantics: Semantics = DEFAULT_SEMANTICS) -> str:
    return outcome(run(document, semantics))


def identity_case(
    statements: list[dict[str, Any]],
    action: str = "s3:GetObject",
    resource: str = "arn:aws:s3:::bkt/key",
    context: dict[str, Any] | None = None,
    principal: Any = None,
    version: str | None = V2012,
) -> dict[str, Any]:
    """User u in A (unless `principal` says otherwise) with one identity policy of `statements`."""
    return case(
        {"identity": [policy(*statements, version=version)]},
        principal if principal is not None else user(),
        action,
        resource,
        context,
    )


def condition_allows(
    condition: dict[str, Any],
    context: dict[str, Any] | None,
    version: str | None = V2012,
    principal: Any = None,
) -> bool:
    """Does `Allow s3:GetObject * <condition>` allow a request with `context`? (= the condition holds)"""
    document = identity_case(
        [allow("s3:GetObject", "*", Condition=condition)], context=context, principal=principal, version=version
    )
    return decide(document) == ALLOW
