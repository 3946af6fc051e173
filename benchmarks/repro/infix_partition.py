"""Resource patterns with several infix wildcards make the cell partition blow up, past any time limit.

    python benchmarks/repro/infix_partition.py

Expected: check_no_new_access answers (or says unknown) within about its 10 s timeout.
Observed (2-core machine): the cell partition of the resource domain grows exponentially with the number of
patterns such as `arn:aws:s3:::a*b*c*/*d*e*`: 10 patterns 0.1 s, 20 0.4 s, 25 2 s, 30 4 s, 35 17 s, 40 35 s
(all past the 10 s limit, which does not cover the partition). With about 45 such patterns (the benchmark's
patho-infix-020 pairs) the walk passes 200,000 product states and PartitionTooLarge escapes from
check_no_new_access: a crash after 30-100 s, not an `unknown` verdict.

Fixed: the time limit covers the partition, and a partition past its budget (15% of the time left or
30,000 states) makes the resource a lazy slot (one Boolean per pattern, realized per signature by
cells/realize.py): 10 to 50 patterns now answer sat in 0.2-1.5 s.
"""

from __future__ import annotations

import json
import random
import time

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.relations import check_no_new_access
from iamproof.query.subjects import Subject


def patterns(count: int) -> list[str]:
    rng = random.Random(0)
    letters = "abcdeor"
    out: list[str] = []
    while len(out) < count:
        a, b, c, d, e = (rng.choice(letters) for _ in range(5))
        pattern = f"arn:aws:s3:::{a}*{b}*{c}*/*{d}*{e}*"
        if pattern not in out:
            out.append(pattern)
    return out


def subject(resources: list[str], label: str) -> Subject:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": r} for r in resources],
    }
    return Subject(label, policy=parse_policy_text(json.dumps(document)), kind=PolicyKind.IDENTITY)


def main() -> None:
    for count in (10, 20, 25, 30, 35, 40, 50):
        resources = patterns(count)
        old, new = subject(resources[1:], "old"), subject(resources, "new")
        started = time.perf_counter()
        try:
            result = check_no_new_access(old, new, max_witnesses=1, timeout=10)
            outcome = f"{result.verdict.value} {result.reason}"
        except Exception as exc:  # the bug: an exception instead of a verdict
            outcome = f"raised {type(exc).__name__}: {exc}"
        print(f"{count:3d} patterns: {time.perf_counter() - started:7.2f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
