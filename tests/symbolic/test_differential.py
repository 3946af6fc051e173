"""`can` with a fully pinned request must agree with the concrete evaluator on every request."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings

from iamproof.errors import InputError
from iamproof.evaluate.decision import Decision, PolicySet, evaluate
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import literal_glob
from iamproof.query.can import check_can
from iamproof.query.session import request_from_document
from iamproof.query.solver import Verdict
from iamproof.query.template import RequestTemplate
from tests.symbolic.strategies import policy_sets, requests

LONG = os.environ.get("IAMPROOF_LONG") == "1"
EXAMPLES = 100_000 if LONG else 2_000


def _policy_set(raw: dict[str, Any]) -> PolicySet:
    def parse(text: str) -> Any:
        return parse_policy_text(text, "<generated>")

    return PolicySet(
        identity=tuple(parse(p) for p in raw.get("identity", [])),
        resource=parse(raw["resource"]) if "resource" in raw else None,
        boundary=parse(raw["boundary"]) if "boundary" in raw else None,
        session=parse(raw["session"]) if "session" in raw else None,
        scps=tuple(tuple(parse(p) for p in level) for level in raw.get("scps", [])),
        rcps=tuple(tuple(parse(p) for p in level) for level in raw.get("rcps", [])),
    )


def pinned(document: dict[str, Any]) -> RequestTemplate:
    request = request_from_document(document)
    return RequestTemplate(
        principal=request.principal,
        action=literal_glob(request.action),
        resource=literal_glob(request.resource),
        resource_account=request.resource_account,
        context={key: value for key, value in request.context.items()},
        closed_context=True,
        multivalued=request.multivalued,
        aws_managed_key=request.aws_managed_key,
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_sets(), requests())
def test_pinned_can_agrees_with_eval(raw: dict[str, Any], document: dict[str, Any]) -> None:
    policies = _policy_set(raw)
    try:
        request = request_from_document(document)
        expected = evaluate(policies, request).decision is Decision.ALLOW
    except InputError:
        return  # an inconsistent case (identity policies for a service principal, two accounts for one resource)
    result = check_can(policies, pinned(document), timeout=60)
    assert result.verdict is not Verdict.UNKNOWN, result.reason
    got = result.verdict is Verdict.SAT
    assert got == expected, json.dumps({"policies": raw, "request": document}, indent=1)
