"""A witness whose context key is present with the empty string fails the evaluator's re-check.

    python benchmarks/repro/empty_context_value.py

Expected: check_equivalent(OLD, NEW) = "more" (OLD allows cloudwatch:DeleteAlarms when the tag key is
present; NEW allows nothing), with a witness the concrete evaluator confirms.
Observed: InternalError "the concrete evaluator rejects the solver's witness {... "context":
{"cloudwatch:ResourceTag/ServiceQuotaMonitor": ""} ...}". The solver may give a present key the value "",
the witness is written as a case-file request, and a case file reads "" as "absent" (README: `null`, `""`
and `[]` mean absent), so the re-checked request no longer satisfies `Null: false`. Reduced from the AWS
managed policy ServiceQuotasFullAccess v3 -> v4 (4 of the 901 managed version pairs fail this way, with
`aws:ResourceTag/...`, `ec2:ResourceTag/...` and `aws:TagKeys` conditions).

Fixed: a present string key has a non-empty value even when only Null tests it (smt/wellformed.py);
equiv answers "more", diff answers sat. tests/symbolic/test_regressions.py keeps the case.
"""

from __future__ import annotations

import json

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.relations import check_equivalent, check_no_new_access
from iamproof.query.subjects import Subject

OLD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["cloudwatch:DeleteAlarms"],
            "Resource": "*",
            "Condition": {"Null": {"cloudwatch:ResourceTag/ServiceQuotaMonitor": "false"}},
        }
    ],
}
NEW = {"Version": "2012-10-17", "Statement": []}


def main() -> None:
    old = Subject("old", policy=parse_policy_text(json.dumps(OLD)), kind=PolicyKind.IDENTITY)
    new = Subject("new", policy=parse_policy_text(json.dumps(NEW)), kind=PolicyKind.IDENTITY)

    def equiv() -> str:
        return check_equivalent(old, new, timeout=10).relation.value

    def diff() -> str:
        return check_no_new_access(new, old, max_witnesses=5).verdict.value

    for label, run in (("equiv(OLD, NEW)", equiv), ("diff(NEW -> OLD), 5 witnesses", diff)):
        try:
            print(label, run())
        except Exception as exc:  # the bug
            print(label, f"raised {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
