"""`arn:aws:ec2:*` (an ARN pattern with fewer than six components) makes every query unknown.

    python benchmarks/repro/arn_without_components.py

Expected: a verdict, or an unknown whose reason names the real gap. `arn:aws:ec2:*` is a common way to
write "any EC2 resource" (Quacky's samples, forum policies); how IAM matches a pattern with fewer than six
components is not settled by the IAM semantics reference, which models ARNs split at the first five colons.
Observed: verdict unknown, reason "a resource pattern without ARN components mixes wildcards and digits"
(smt/domains.py:_account_literals: the digit of the service name "ec2" trips a guard that is about account
numbers). All 32 pairs of Quacky's ec2_allow_some_instances case (128 queries) are unknown for this reason.

Fixed: only a digit that may land in the account component (after the first wildcard, or after the
fourth colon) is refused, and such patterns now keep the resource a string instead of giving unknown;
the diff above answers unsat. tests/symbolic/test_regressions.py keeps the case.
"""

from __future__ import annotations

import json

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.relations import check_no_new_access
from iamproof.query.subjects import Subject

OLD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*"}]}
NEW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "arn:aws:ec2:*"}],
}


def main() -> None:
    old = Subject("old", policy=parse_policy_text(json.dumps(OLD)), kind=PolicyKind.IDENTITY)
    new = Subject("new", policy=parse_policy_text(json.dumps(NEW)), kind=PolicyKind.IDENTITY)
    result = check_no_new_access(old, new, max_witnesses=1, timeout=10)
    print(result.verdict.value, result.reason)


if __name__ == "__main__":
    main()
