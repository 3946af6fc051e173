"""Which policy type a document is validated as."""

from __future__ import annotations

from typing import Any

import pytest

from iamproof.lint import PolicyType, choose_policy_type, infer_policy_type
from iamproof.parsing.documents import DocumentShape, PolicyDocument
from tests.test_lint_builder import A, allow, build_policy, deny, policy

ROLE_TRUST = allow(Principal={"Service": "lambda.amazonaws.com"}, Action="sts:AssumeRole", Resource=None)
WEB_TRUST = allow(
    Principal={"Federated": "accounts.google.com"},
    Action=["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
    Resource=None,
)
BUCKET_GRANT = allow(Principal={"AWS": A})


def _document(body: dict[str, Any], shape: DocumentShape = DocumentShape.POLICY) -> PolicyDocument:
    return PolicyDocument(build_policy(body), shape)


@pytest.mark.parametrize(
    ("body", "shape", "expected"),
    [
        (policy(allow()), DocumentShape.POLICY, PolicyType.IDENTITY),
        (policy(), DocumentShape.POLICY, PolicyType.IDENTITY),
        (policy(BUCKET_GRANT), DocumentShape.POLICY, PolicyType.RESOURCE),
        (policy(BUCKET_GRANT, deny(Principal="*", Action="s3:*")), DocumentShape.POLICY, PolicyType.RESOURCE),
        (policy(ROLE_TRUST), DocumentShape.POLICY, PolicyType.TRUST),
        (policy(WEB_TRUST, ROLE_TRUST), DocumentShape.POLICY, PolicyType.TRUST),
        (policy(allow(Principal={"AWS": A}, Action="sts:*", Resource=None)), DocumentShape.POLICY, PolicyType.RESOURCE),
        (
            policy(allow(Principal={"AWS": A}, Action=None, NotAction="s3:*", Resource=None)),
            DocumentShape.POLICY,
            PolicyType.RESOURCE,
        ),
        (policy(BUCKET_GRANT, allow()), DocumentShape.POLICY, PolicyType.IDENTITY),
        (policy(BUCKET_GRANT), DocumentShape.POLICY_VERSION, PolicyType.IDENTITY),
        (policy(allow()), DocumentShape.INLINE_POLICY, PolicyType.IDENTITY),
        (policy(allow()), DocumentShape.FUNCTION_POLICY, PolicyType.RESOURCE),
    ],
)
def test_infer_policy_type(body: dict[str, Any], shape: DocumentShape, expected: PolicyType) -> None:
    choice = infer_policy_type(_document(body, shape))
    assert (choice.policy_type, choice.inferred) == (expected, True)
    assert choice.reason


def test_a_given_type_wins() -> None:
    choice = choose_policy_type(_document(policy(ROLE_TRUST)), PolicyType.SCP)
    assert (choice.policy_type, choice.inferred) == (PolicyType.SCP, False)


def test_no_requested_type_means_inference() -> None:
    assert choose_policy_type(_document(policy(ROLE_TRUST)), None).policy_type is PolicyType.TRUST
