"""§4.3: RCPs do not apply to AWS-managed KMS keys (request `aws_managed_key`). The symbolic engine agrees
on each row (`can` with the request pinned), and a free `can` finds the exemption."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from iamproof.errors import InputError
from iamproof.evaluate.case_file import load_case
from iamproof.patterns import literal_glob
from iamproof.query.can import check_can
from iamproof.query.solver import Verdict
from iamproof.query.template import RequestTemplate
from tests.evalkit import (
    ALLOW,
    EXPLICIT,
    IMPLICIT,
    A,
    B,
    allow,
    case,
    deny,
    outcome,
    policy,
    role,
    run,
    session,
    write_case,
)
from tests.symbolic.test_differential import pinned

KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd"
CALLER = session("R", "s1", account=B)
KEY_POLICY = policy(allow("kms:Decrypt", "*", Principal={"AWS": role("R", account=B)}))
RCP_DENY = policy(allow("*", "*"), deny("kms:*", "*", Condition={"StringNotEquals": {"aws:PrincipalAccount": A}}))
RCP_SILENT = policy(allow("s3:*", "*"))
IDENTITY = [policy(allow("kms:Decrypt", "*"))]


def _case(rcps: list[dict[str, Any]], managed: bool | None, action: str = "kms:Decrypt") -> dict[str, Any]:
    policies = {"resource": KEY_POLICY, "identity": IDENTITY, "rcps": [rcps]}
    document = case(policies, CALLER, action, KEY, resource_account=A)
    if managed is not None:
        document["request"]["aws_managed_key"] = managed
    return document


def _load(document: dict[str, Any]) -> Any:
    with tempfile.TemporaryDirectory() as directory:
        return load_case(write_case(document, Path(directory)))


@pytest.mark.parametrize(
    ("rcps", "managed", "expected"),
    [
        pytest.param([RCP_DENY], None, EXPLICIT, id="customer-key-rcp-deny"),
        pytest.param([RCP_DENY], False, EXPLICIT, id="customer-key-explicit-false"),
        pytest.param([RCP_DENY], True, ALLOW, id="aws-managed-key-rcp-deny-does-not-apply"),
        pytest.param([RCP_SILENT], None, IMPLICIT, id="customer-key-rcp-silent"),
        pytest.param([RCP_SILENT], True, ALLOW, id="aws-managed-key-rcp-silent-does-not-apply"),
    ],
)
def test_rcps_skip_aws_managed_keys(rcps: list[dict[str, Any]], managed: bool | None, expected: str) -> None:
    document = _case(rcps, managed)
    result = run(document)
    assert outcome(result) == expected
    if managed:
        assert "RCPs do not apply to an AWS-managed KMS key" in result.notes
    loaded = _load(document)
    answer = check_can(loaded.policies, pinned(document["request"]), timeout=60)
    assert answer.verdict is (Verdict.SAT if expected == ALLOW else Verdict.UNSAT)


def test_a_free_can_finds_the_aws_managed_key_exemption() -> None:
    loaded = _load(_case([RCP_DENY], None))
    template = RequestTemplate(action=literal_glob("kms:decrypt"), resource=literal_glob(KEY))
    answer = check_can(loaded.policies, template, timeout=60)
    assert answer.verdict is Verdict.SAT
    assert answer.witness is not None and answer.witness.document["aws_managed_key"] is True
    customer = RequestTemplate(action=literal_glob("kms:decrypt"), resource=literal_glob(KEY), aws_managed_key=False)
    assert check_can(loaded.policies, customer, timeout=60).verdict is Verdict.UNSAT


@pytest.mark.parametrize(
    ("value", "action", "message"),
    [("yes", "kms:Decrypt", "must be true or false"), (True, "s3:GetObject", "only for a kms: action")],
)
def test_aws_managed_key_is_checked(value: Any, action: str, message: str) -> None:
    document = _case([RCP_SILENT], None, action)
    document["request"]["aws_managed_key"] = value
    with pytest.raises(InputError, match=message):
        run(document)
