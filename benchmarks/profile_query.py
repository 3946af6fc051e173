"""Where the time of one pair's queries goes: cProfile, summed by stage.

    python -m benchmarks.profile_query PAIR.json [--query diff1] [--timeout 10] [--top 25]
    python -m benchmarks.profile_query --bucket gen-300 --index 0 [--seed 1]

PAIR.json is a file that a benchmark run saved under results/<name>-slowest/. Stages are cumulative times
of the functions that implement them (nested stages overlap: "solving" includes "preferences").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import bucket_plan, generate_bucket
from benchmarks.runner import QUERIES, Task, run_task

Json = dict[str, Any]
STAGES: tuple[tuple[str, str, str], ...] = (
    # (stage, file suffix, function name)
    ("parsing", "parsing/documents.py", "parse_policy_text"),
    ("parsing (files)", "query/loading.py", "load_subject"),
    ("compiling to formulas", "query/subjects.py", "compile_subject"),
    ("cell partition", "cells/partition.py", "partition"),
    ("encoding to Z3 (incl. partition)", "query/session.py", "__post_init__"),
    ("assertions (goal, well-formedness)", "query/session.py", "assertions"),
    ("solving (z3 check, all calls)", "z3/z3.py", "check"),
    ("witness polish (evaluator)", "query/polish.py", "polish"),
    ("witness decoding", "smt/decode.py", "decode_request"),
    ("evaluator re-check", "query/relations.py", "confirm"),
    ("blocking clauses", "query/session.py", "block"),
)


def profile_task(task: Task, timeout: float) -> tuple[Json, pstats.Stats, float]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    record = run_task(task, timeout)
    profiler.disable()
    total = time.perf_counter() - started
    return record, pstats.Stats(profiler), total


def stage_times(stats: pstats.Stats) -> dict[str, tuple[float, int]]:
    """Cumulative seconds and call counts per stage."""
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    out: dict[str, tuple[float, int]] = {}
    for stage, suffix, function in STAGES:
        seconds, calls = 0.0, 0
        for (filename, _, name), (_, ncalls, _, cumulative, _) in table.items():
            if name == function and filename.replace("\\", "/").endswith(suffix):
                seconds += cumulative
                calls += ncalls
        out[stage] = (seconds, calls)
    return out


def load_task(args: argparse.Namespace) -> Task:
    if args.pair:
        entry = json.loads(Path(args.pair).read_text(encoding="utf-8"))
        corpus = "generated" if isinstance(entry["old"], dict) else "file"
        return Task(corpus, "profile", entry["id"], entry["old"], entry["new"], entry.get("kind"), tuple(args.query))
    for name, style, size in bucket_plan(tuple(range(1, 1001)), tuple(range(1, 1001))):
        if name == args.bucket:
            pair = generate_bucket(args.seed, name, style, size, args.index + 1)[args.index]
            return Task("generated", name, pair.id, pair.old, pair.new, pair.kind, tuple(args.query))
    raise SystemExit(f"unknown bucket {args.bucket!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pair", nargs="?", help="a pair file saved by a benchmark run")
    parser.add_argument("--bucket", help="a generated bucket, e.g. gen-300 or patho-infix-020")
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--query", action="append", choices=QUERIES, help="repeatable; default diff1")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=20, help="also print the top N functions by own time")
    args = parser.parse_args(argv)
    args.query = args.query or ["diff1"]
    if not args.pair and not args.bucket:
        parser.error("give a pair file or --bucket")
    task = load_task(args)
    record, stats, total = profile_task(task, args.timeout)
    print(f"{task.id}: {total:.2f} s in all (parse {record.get('parse_seconds', 0):.2f} s)")
    for name, result in record.get("queries", {}).items():
        extra = result.get("error") or result.get("reason") or ""
        print(f"  {name}: {result['verdict']} in {result['seconds']:.2f} s {extra}")
        print(f"    z3 checks: {json.dumps(result.get('solver', {}))}")
    print("stage                                   seconds   calls")
    for stage, (seconds, calls) in stage_times(stats).items():
        print(f"  {stage:<38}{seconds:8.2f}{calls:8d}")
    if args.top:
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(args.top)
        print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
