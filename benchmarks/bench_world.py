"""Reachability over a generated world: `who can` for one function, and the bypass scan for every function.

    python -m benchmarks.bench_world                       # 1,000 users, 100 roles, 50 functions
    python -m benchmarks.bench_world --users 200 --functions 10 --out /tmp/w.json

Prints a table and writes JSON (wall times, solver calls, hops screened or decided concretely, peak memory).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.span import Span
from iamproof.world.paths import Reachability
from iamproof.world.query_ast import BypassQuery, WhoCanQuery
from iamproof.world.questions import Answer, answer

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.world_generate import function_arn, generate_world

SPAN = Span.whole_file("<benchmark>")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row(name: str, seconds: float, result: Answer | list[Answer]) -> dict[str, Any]:
    results = result if isinstance(result, list) else [result]
    return {
        "task": name,
        "seconds": round(seconds, 3),
        "answers": {a: sum(r.answer == a for r in results) for a in ("yes", "no", "unknown")},
        "paths": sum(len(r.paths) for r in results),
        "solver_calls": sum(r.solver_calls for r in results),
        "screened": sum(r.screened for r in results),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=100)
    parser.add_argument("--functions", type=int, default=50)
    parser.add_argument("--apis", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--out", default="benchmarks/results/world.json")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    world = generate_world(users=args.users, roles=args.roles, functions=args.functions, apis=args.apis, seed=args.seed)
    rows = [
        {
            "task": "generate world",
            "seconds": round(time.perf_counter() - started, 3),
            "peak_rss_mb": round(_peak_mb(), 1),
        }
    ]

    started = time.perf_counter()
    who = answer(world, WhoCanQuery("lambda:InvokeFunction", function_arn(3), (), SPAN), timeout=args.timeout)
    rows.append(_row("who can invoke fn-03", time.perf_counter() - started, who))

    started = time.perf_counter()
    scans = []
    reach = Reachability(world, DEFAULT_SEMANTICS, args.timeout)  # one world, many questions: hops are shared
    for index in range(args.functions):
        api = world.apis[index % len(world.apis)].id
        scans.append(answer(world, BypassQuery(function_arn(index), api, SPAN), reach=reach))
    rows.append(_row(f"bypass scan, {args.functions} functions", time.perf_counter() - started, scans))

    header = ("seconds", "yes", "no", "unknown", "paths", "solver", "screened", "peak MB")
    print(f"{'task':<34} " + " ".join(f"{h:>8}" for h in header))
    for row in rows:
        answers = row.get("answers", {})
        cells = (
            f"{row['seconds']:.2f}",
            answers.get("yes", ""),
            answers.get("no", ""),
            answers.get("unknown", ""),
            row.get("paths", ""),
            row.get("solver_calls", ""),
            row.get("screened", ""),
            row["peak_rss_mb"],
        )
        print(f"{row['task']:<34} " + " ".join(f"{c!s:>8}" for c in cells))
    report = {
        "world": {
            "users": args.users,
            "roles": args.roles,
            "functions": args.functions,
            "apis": args.apis,
            "seed": args.seed,
        },
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "rows": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
