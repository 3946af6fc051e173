"""A 2-statement diff that sometimes never returns: Z3's push() in the witness-preference loop hangs.

    python benchmarks/repro/preference_hang.py [RUNS]

Each run is a fresh process doing one check_no_new_access(OLD, NEW, max_witnesses=1, timeout=10), killed
after 60 s. Expected: every run ends within ~10 s (the main check takes ~20 ms and answers sat).
Observed at commit f55d37e (z3-solver 5.4.0.0, preferences added with push/pop): most runs take 2-6 s, nearly
all of it in the optional preference checks of query/solver.py:check_preferring (each capped at 2 s); about
one run in five never returned, stuck in Z3_solver_push (py-spy: check_preferring -> Solver.push ->
Z3_solver_push), which no solver timeout covers. With check_preferring adding the preferences as
assumptions instead of push/pop, 6 of 6 runs ended, each in ~1.6 s (of which ~1.5 s preference checks).
The policies are the shape of a Quacky sample (a bucket policy with a StringNotLike aws:userId carve-out)
and one of its mutants.

Gone: witnesses are now made readable by edits the concrete evaluator confirms (query/polish.py); no
solver call follows the query's own check, so this loop no longer exists.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

NEW = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::myexamplebucket/*"]},
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::myexamplebucket/*"],
            "Condition": {"StringNotLike": {"aws:userId": ["AROAEXAMPLEID:*", "AIDAEXAMPLEID", "111111111111"]}},
        },
    ],
}
OLD = {
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::myexamplebucket/*"]},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"},
    ]
}


def once() -> None:
    import z3

    from iamproof.evaluate.decision import PolicyKind
    from iamproof.parsing.documents import parse_policy_text
    from iamproof.query.relations import check_no_new_access
    from iamproof.query.subjects import Subject

    checks: list[str] = []
    original = z3.Solver.check

    def timed(self: z3.Solver, *args: object) -> z3.CheckSatResult:
        started = time.perf_counter()
        result = original(self, *args)
        checks.append(f"{result}:{time.perf_counter() - started:.2f}s")
        print("  check", checks[-1], flush=True)
        return result

    z3.Solver.check = timed
    old = Subject("old", policy=parse_policy_text(json.dumps(OLD)), kind=PolicyKind.RESOURCE)
    new = Subject("new", policy=parse_policy_text(json.dumps(NEW)), kind=PolicyKind.RESOURCE)
    started = time.perf_counter()
    result = check_no_new_access(old, new, max_witnesses=1, timeout=10)
    print(f"{result.verdict.value} in {time.perf_counter() - started:.2f} s; checks: {' '.join(checks)}", flush=True)


def main(runs: int) -> None:
    hangs = 0
    for number in range(runs):
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, __file__, "--once"], capture_output=True, text=True, timeout=60)
            last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
            print(f"run {number}: {last}", flush=True)
        except subprocess.TimeoutExpired as exc:
            hangs += 1
            output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            tail = " | ".join(output.strip().splitlines()[-3:])
            print(f"run {number}: HANG, killed after {time.perf_counter() - started:.0f} s (last: {tail})", flush=True)
    print(f"{hangs} of {runs} runs hung")


if __name__ == "__main__":
    if sys.argv[1:] == ["--once"]:
        once()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
