"""A witness with an empty resource crashes check_no_new_access with InputError.

    python benchmarks/repro/empty_resource_witness.py

Expected: NEW grants chatbot:DescribeSlackChannelConfigurations on "*", OLD does not: verdict sat, with a
witness whose resource is a real string (or "*").
Observed: the decoded witness has "resource": "", the request builder used to re-check it rejects it
("request resource is empty"), and the InputError escapes from check_no_new_access. The policy variable in
the other statement's resource makes the resource a Z3 string rather than cells, and nothing keeps that
string non-empty. Reduced from the AWS managed policy AWSCodeCommitPowerUser v11 -> v12 (11 of the 901
managed version pairs crash this way in the benchmark).

Fixed: a resource kept as a string is non-empty (smt/wellformed.py), and the witness reads
"resource": "*" (query/polish.py). tests/symbolic/test_regressions.py keeps the case.
"""

from __future__ import annotations

import json

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.relations import check_no_new_access
from iamproof.query.subjects import Subject

OLD = {"Version": "2012-10-17", "Statement": []}
NEW = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["iam:ResetServiceSpecificCredential"],
            "Resource": "arn:aws:iam::*:user/${aws:username}",
        },
        {"Effect": "Allow", "Action": ["chatbot:DescribeSlackChannelConfigurations"], "Resource": "*"},
    ],
}


def main() -> None:
    old = Subject("old", policy=parse_policy_text(json.dumps(OLD)), kind=PolicyKind.IDENTITY)
    new = Subject("new", policy=parse_policy_text(json.dumps(NEW)), kind=PolicyKind.IDENTITY)
    for attempt in range(3):
        try:
            result = check_no_new_access(old, new, max_witnesses=1, timeout=10)
            print(attempt, result.verdict.value, [w.document for w in result.witnesses])
        except Exception as exc:  # the bug
            print(attempt, f"raised {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
